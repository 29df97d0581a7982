package match

import (
	"math"
	"strings"
	"unicode"

	"github.com/heliosdb/helios-etl/transform/match/internal/vocab"
)

// nameInfo is a column name prepared for comparison.
type nameInfo struct {
	raw     string
	flat    string     // lower case, letters and digits only
	tokens  []string   // words after abbreviation expansion
	raw0    []string   // the words before expansion
	concept []string   // one key per meaning of each token, for IDF
	groups  [][]uint16 // synonym groups of each token
	weight  []float64
}

// splitName splits a column name into lower-case words at non-alphanumeric
// characters, camelCase humps (userID → user, id; XMLFile → xml, file) and
// letter/digit boundaries.
func splitName(s string) []string {
	var words []string
	rs := []rune(s)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if !alnum {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		p := rs[i-1]
		switch {
		case unicode.IsLower(p) && unicode.IsUpper(r):
			flush(i)
			start = i
		case unicode.IsUpper(p) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i)
			start = i
		case unicode.IsDigit(p) != unicode.IsDigit(r):
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return words
}

// stem removes a plural "s" from longer words.
func stem(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") {
		if strings.HasSuffix(w, "ies") {
			return w[:len(w)-3] + "y"
		}
		return w[:len(w)-1]
	}
	return w
}

func prepareName(s string) nameInfo {
	n := nameInfo{raw: s}
	var flat strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			flat.WriteRune(r)
		}
	}
	n.flat = flat.String()
	words := vocab.Phrases(splitName(s))
	for i, w := range words {
		if vocab.Noise(w) && len(words) > 1 {
			continue
		}
		// a lone trailing "x"/"y" is a suffix left by joins (borough_x)
		if len(w) == 1 && i == len(words)-1 && len(words) > 1 && (w == "x" || w == "y") {
			continue
		}
		n.raw0 = append(n.raw0, w)
		w = vocab.Expand(stem(w))
		n.tokens = append(n.tokens, w)
		n.concept = append(n.concept, vocab.Concept(w))
		n.groups = append(n.groups, vocab.Concepts(w))
	}
	n.weight = make([]float64, len(n.tokens))
	for i := range n.weight {
		n.weight[i] = 1
	}
	return n
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// setIDF weighs each token by how rare it is among the names on its side:
// a word shared by many columns ("architect" in six of them) tells less.
func setIDF(names []nameInfo) {
	df := map[string]int{}
	for _, n := range names {
		seen := map[string]bool{}
		for _, c := range n.concept {
			if !seen[c] {
				df[c]++
				seen[c] = true
			}
		}
	}
	for i := range names {
		for j, c := range names[i].concept {
			names[i].weight[j] = 1 / (1 + 0.5*math.Log(float64(df[c])))
			if vocab.Unit(names[i].raw0[j]) && len(names[i].tokens) > 1 {
				names[i].weight[j] *= 0.3
			}
		}
	}
}

// synonymSim is the score of two words that are synonyms (share a group
// of the lexicon): below an exact match, so that where both a synonym and
// the word itself are present, the word itself wins.
const synonymSim = 0.9

// tokenSim compares two prepared words: 1 for the same word (after
// abbreviations are expanded), 0.9 for synonyms, 0.85 when one is a prefix
// of the other (dist, district), 0.7 when one is an abbreviation made of
// the other's letters in order and starting alike (brgh, borough),
// otherwise a damped Jaro-Winkler similarity above 0.88 (typos).
func tokenSim(a string, ga []uint16, b string, gb []uint16) float64 {
	if a == b {
		return 1
	}
	if isNumber(a) || isNumber(b) {
		return 0
	}
	if vocab.Related(ga, gb) {
		return synonymSim
	}
	s, l := a, b
	if len(s) > len(l) {
		s, l = l, s
	}
	if len(s) >= 3 && strings.HasPrefix(l, s) {
		return 0.85
	}
	if len(s) >= 2 && len(l) >= 3 && s[0] == l[0] && subsequence(s, l) && len(s) < len(l) {
		return 0.7
	}
	if jw := jaroWinkler(a, b); jw >= 0.88 && len(s) >= 4 {
		return jw * 0.9
	}
	return 0
}

func subsequence(s, l string) bool {
	j := 0
	for i := 0; i < len(l) && j < len(s); i++ {
		if l[i] == s[j] {
			j++
		}
	}
	return j == len(s)
}

// nameSim scores two names in [0,1]: the weighted mean, over the words of
// both names, of each word's best match in the other name. Names equal once
// reduced to letters and digits score 1.
func nameSim(a, b *nameInfo) float64 {
	if a.flat == b.flat && a.flat != "" {
		return 1
	}
	if negated(a.flat, b.flat) || negated(b.flat, a.flat) {
		return 0
	}
	if len(a.tokens) == 0 || len(b.tokens) == 0 {
		return 0
	}
	var num, den float64
	side := func(x, y *nameInfo) {
		for i, t := range x.tokens {
			best := 0.0
			for j, u := range y.tokens {
				if s := tokenSim(t, x.groups[i], u, y.groups[j]); s > best {
					best = s
				}
			}
			num += x.weight[i] * best
			den += x.weight[i]
		}
	}
	side(a, b)
	side(b, a)
	s := 0.95 * num / den
	// compounds written together on one side: zipcode vs zip_code
	if j := strings.Join(a.tokens, ""); j == strings.Join(b.tokens, "") {
		s = max(s, 0.95)
	}
	if a.flat != "" && b.flat != "" && (strings.Contains(a.flat, b.flat) || strings.Contains(b.flat, a.flat)) {
		short := min(len(a.flat), len(b.flat))
		long := max(len(a.flat), len(b.flat))
		if short >= 4 {
			s = max(s, 0.5+0.4*float64(short)/float64(long))
		}
	}
	return s
}

// jaroWinkler returns the Jaro-Winkler similarity of two ASCII-ish words.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	win := max(la, lb)/2 - 1
	win = max(win, 0)
	ma := make([]bool, la)
	mb := make([]bool, lb)
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-win), min(lb, i+win+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if ma[i] {
			for !mb[k] {
				k++
			}
			if a[i] != b[k] {
				t++
			}
			k++
		}
	}
	fm := float64(m)
	j := (fm/float64(la) + fm/float64(lb) + (fm-float64(t)/2)/fm) / 3
	p := 0
	for p < min(4, la, lb) && a[p] == b[p] {
		p++
	}
	return j + float64(p)*0.1*(1-j)
}

// negated reports whether a is b with a negating prefix (nonregulation,
// regulation): the names say the opposite of each other.
func negated(a, b string) bool {
	for _, p := range []string{"non", "not", "un", "in"} {
		if len(a) == len(b)+len(p) && strings.HasPrefix(a, p) && strings.HasSuffix(a, b) {
			return true
		}
	}
	return false
}
