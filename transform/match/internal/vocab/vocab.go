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
