// Package vocab holds the general English and data-engineering vocabulary
// that name matching uses: abbreviations expanded to words, phrases folded
// into one word, groups of synonyms, and noise and unit words that carry no
// meaning in a column name. The data lives in words.go; it contains no
// dataset-specific names.
package vocab

import (
	"slices"
	"strings"
)

// memberOf maps a word to the groups (indexes into groups) it belongs to.
var memberOf = map[string][]uint16{}

// maxPhrase is the longest phrase in phrases, in words.
var maxPhrase = 1

func init() {
	for i, g := range groups {
		for _, w := range g {
			if !slices.Contains(memberOf[w], uint16(i)) {
				memberOf[w] = append(memberOf[w], uint16(i))
			}
		}
	}
	for p := range phrases {
		maxPhrase = max(maxPhrase, len(strings.Fields(p)))
	}
}

// Unit reports whether w names a unit of measure.
func Unit(w string) bool { return units[w] }

// Expand returns the word an abbreviation stands for, or w.
func Expand(w string) string {
	if x, ok := abbrev[w]; ok {
		return x
	}
	return w
}

// lemmas returns w and the forms it may be an inflection of: plural,
// past participle and gerund (terminated → terminate, churned → churn,
// cancelling → cancel).
func lemmas(w string) []string {
	out := []string{w}
	add := func(s string) {
		if len(s) >= 3 {
			out = append(out, s)
		}
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		add(w[:len(w)-3] + "y")
	case strings.HasSuffix(w, "es"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		add(w[:len(w)-1])
	case strings.HasSuffix(w, "ed"):
		add(w[:len(w)-2])
		add(w[:len(w)-1])
		if n := len(w); n > 4 && w[n-3] == w[n-4] {
			add(w[:n-3]) // cancelled → cancel
		}
	case strings.HasSuffix(w, "ing"):
		add(w[:len(w)-3])
		add(w[:len(w)-3] + "e")
		if n := len(w); n > 5 && w[n-4] == w[n-5] {
			add(w[:n-4]) // cancelling → cancel
		}
	}
	return out
}

// Concepts returns the synonym groups of w, or of the first of its
// inflections that is in the lexicon; nil for an unknown word. Two words
// are synonyms when their groups intersect (see [Related]).
func Concepts(w string) []uint16 {
	for _, l := range lemmas(w) {
		if g, ok := memberOf[l]; ok {
			return g
		}
	}
	return nil
}

// Related reports whether two group lists share a group.
func Related(a, b []uint16) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Concept returns the word naming the first group of w, or w: one key per
// meaning, to count how many names of a schema use a word.
func Concept(w string) string {
	if g := Concepts(w); len(g) > 0 {
		return groups[g[0]][0]
	}
	return w
}

// Phrases replaces runs of words that form a known phrase ("date of
// birth", "in stock") by the one word they mean. words are lower case.
func Phrases(words []string) []string {
	if len(words) < 2 {
		return words
	}
	var out []string
	for i := 0; i < len(words); {
		n := 0
		var rep string
		for k := min(maxPhrase, len(words)-i); k >= 2; k-- {
			if r, ok := phrases[strings.Join(words[i:i+k], " ")]; ok {
				n, rep = k, r
				break
			}
		}
		if n == 0 {
			out = append(out, words[i])
			i++
			continue
		}
		out = append(out, rep)
		i += n
	}
	return out
}

// Noise reports whether w names nothing by itself.
func Noise(w string) bool { return noise[w] }

// Stem reduces a word to a root its inflections and simple derivations
// share, so that renewals, renewed and renewal (renew), returned and
// return, borrowed and borrow meet. It strips one plural (-s, -es, -ies),
// then one of -ed, -ied, -ing and -al, then a final e and a doubled final
// consonant, keeping a root of at least four letters: rating stays apart
// from rate, and borrower (an agent noun) from borrowed. The root need
// not be a word (arrival, arrived → arriv); only equality of roots counts.
func Stem(w string) string {
	if len(w) < 4 || !letters(w) {
		return w
	}
	s := w
	switch {
	case strings.HasSuffix(s, "ies") && len(s) > 4:
		s = s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss") && !strings.HasSuffix(s, "us") && !strings.HasSuffix(s, "is"):
		s = s[:len(s)-1]
	}
	cut := func(suffix, with string) bool {
		if strings.HasSuffix(s, suffix) && len(s)-len(suffix) >= 4 {
			s = s[:len(s)-len(suffix)] + with
			return true
		}
		return false
	}
	_ = cut("ied", "y") || cut("ing", "") || cut("ed", "") || cut("al", "")
	if n := len(s); n >= 5 && s[n-1] == 'e' {
		s = s[:n-1]
	}
	if n := len(s); n >= 5 && s[n-1] == s[n-2] && !vowel(s[n-1]) {
		s = s[:n-1]
	}
	return s
}

func vowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }

func letters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// Known reports whether w is a word of the lexicon: in a group of
// synonyms, an abbreviation or a word abbreviations expand to.
func Known(w string) bool {
	if _, ok := abbrev[w]; ok {
		return true
	}
	return Concepts(w) != nil || known[w]
}

// known holds the words abbreviations expand to; byInitial the words of
// the lexicon of at least four letters, by their first letter.
var (
	known     = map[string]bool{}
	byInitial [26][]string
)

func init() {
	add := func(w string) {
		if len(w) >= 4 && letters(w) && !slices.Contains(byInitial[w[0]-'a'], w) {
			byInitial[w[0]-'a'] = append(byInitial[w[0]-'a'], w)
		}
	}
	for _, x := range abbrev {
		known[x] = true
		add(x)
	}
	for _, g := range groups {
		for _, w := range g {
			add(w)
		}
	}
	for i := range byInitial {
		slices.Sort(byInitial[i])
	}
}

// Abbreviates returns the word of the lexicon that a, a word the lexicon
// does not know, abbreviates: a prefix of it (typ → type) or its
// consonant skeleton (chkout → checkout, bkfst → breakfast), starting with
// the same letter. It returns "" when no word fits, or when words of
// different meanings do (ret: return, retailer, retired): an abbreviation
// is read only when it is unambiguous. a must have three letters or more.
func Abbreviates(a string) string {
	if len(a) < 3 || !letters(a) || Known(a) {
		return ""
	}
	found := ""
	var concept []uint16
	for _, w := range byInitial[a[0]-'a'] {
		if len(w) <= len(a) || !(strings.HasPrefix(w, a) || skeleton(a, w)) {
			continue
		}
		g := Concepts(w)
		switch {
		case found == "":
			found, concept = w, g
		case Stem(w) == Stem(found):
		case len(g) > 0 && Related(g, concept):
		default:
			return "" // ambiguous
		}
	}
	return found
}

// Skeleton reports whether a, starting with the same letter as w and
// shorter, is written with w's letters in order keeping most of its
// consonants (see skeleton).
func Skeleton(a, w string) bool {
	return len(a) < len(w) && a != "" && a[0] == w[0] && skeleton(a, w)
}

// skeleton reports whether a is written with the letters of w in order,
// keeping most of w's consonants up to where a ends (bkfst, breakfast;
// pymt, payment), not a few letters scattered over a long word (tip,
// timestamp).
func skeleton(a, w string) bool {
	j, last := 0, -1
	for i := 0; i < len(w) && j < len(a); i++ {
		if w[i] == a[j] {
			j++
			last = i
		}
	}
	if j < len(a) {
		return false
	}
	// consonants, a doubled one counting once (offline: f, l, n)
	cons := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if !vowel(s[i]) && (i == 0 || s[i] != s[i-1]) {
				n++
			}
		}
		return n
	}
	return cons(a)*10 >= cons(w[:last+1])*7
}

// Class returns the representation term a word is (ISO/IEC 11179: the
// part of a data element name that says what kind of data it holds:
// identifier, code, number, date, amount, name...), as its family: "id",
// "code", "number", "time", "amount" (money), "count" (counts and
// measures), "text" or "flag"; "" for other words.
func Class(w string) string { return classes[w] }

// Compatible reports whether two representation families may name the
// same data: equal families, a number with identifiers, codes and
// counts, a code with an identifier or a name (country code, country
// name).
func Compatible(a, b string) bool {
	if a == b {
		return true
	}
	if a > b {
		a, b = b, a
	}
	switch a + "/" + b {
	case "id/number", "count/number", "code/number", "code/id", "code/text":
		return true
	}
	return false
}

// Split returns the two words of the lexicon a compound written as one
// word is made of (districtcode: district, code; grandtotal: grand,
// total), or nil when w is itself a word of the lexicon or no split into
// two known words of three letters or more exists. The longest known
// first part wins.
func Split(w string) []string {
	if len(w) < 7 || !letters(w) || Known(w) {
		return nil
	}
	word := func(s string) bool { return Concepts(s) != nil || known[s] }
	for i := len(w) - 3; i >= 3; i-- {
		if word(w[:i]) && word(w[i:]) {
			return []string{w[:i], w[i:]}
		}
	}
	return nil
}

// Implies reports whether a word, by its meaning, is data of the
// representation family cls (see [Class]): fine and price are amounts
// ("amount"), birthdate and shipped are dates ("time").
func Implies(w, cls string) bool {
	for _, g := range Concepts(w) {
		if implies[groups[g][0]] == cls {
			return true
		}
	}
	return false
}
