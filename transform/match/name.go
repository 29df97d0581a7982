package match

import (
	"math"
	"slices"
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
	stems   []string   // the root of each token (vocab.Stem)
	// long is the lexicon word an unknown token abbreviates (typ → type,
	// chkout → checkout; vocab.Abbreviates), or ""; the token's groups
	// are then that word's
	long     []string
	longStem []string // vocab.Stem of long
	known    []bool   // the token is a word of the lexicon (vocab.Known)
	class    []string // representation family of each token (vocab.Class)
	fams     []string // representation families of the name (families)
	weight   []float64
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

// expandWord returns the word an abbreviation or plural stands for
// (qty → quantity, recs → record, times → count).
func expandWord(w string) string {
	if x := vocab.Expand(w); x != w {
		return x
	}
	return vocab.Expand(stem(w))
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
	var words []string
	for _, w := range vocab.Phrases(splitName(s)) {
		if parts := vocab.Split(w); parts != nil {
			words = append(words, parts...) // districtcode: district, code
		} else {
			words = append(words, w)
		}
	}
	exp := make([]string, len(words))
	for i, w := range words {
		exp[i] = expandWord(w)
	}
	// phrases written with abbreviations (chk_in: check in)
	if folded := vocab.Phrases(exp); len(folded) < len(exp) {
		words, exp = folded, folded
	}
	for i, w := range words {
		if vocab.Noise(w) && len(words) > 1 {
			continue
		}
		// a lone trailing "x"/"y" is a suffix left by joins (borough_x)
		if len(w) == 1 && i == len(words)-1 && len(words) > 1 && (w == "x" || w == "y") {
			continue
		}
		n.raw0 = append(n.raw0, w)
		raw := w
		w = exp[i]
		g, long := vocab.Concepts(w), ""
		if raw != w {
			// the word as written may belong to more groups than its
			// singular or expansion (notes: note, and description)
			for _, x := range vocab.Concepts(raw) {
				if !slices.Contains(g, x) {
					g = append(slices.Clip(g), x)
				}
			}
		}
		if g == nil {
			if long = vocab.Abbreviates(w); long != "" {
				g = vocab.Concepts(long)
			}
		}
		concept := vocab.Concept(w)
		if long != "" {
			concept = vocab.Concept(long)
		}
		n.tokens = append(n.tokens, w)
		n.concept = append(n.concept, concept)
		n.groups = append(n.groups, g)
		n.stems = append(n.stems, vocab.Stem(w))
		n.long = append(n.long, long)
		n.longStem = append(n.longStem, vocab.Stem(long))
		n.known = append(n.known, vocab.Known(w))
		n.class = append(n.class, vocab.Class(w))
	}
	n.weight = make([]float64, len(n.tokens))
	for i := range n.weight {
		n.weight[i] = 1
		if n.class[i] != "" && len(n.tokens) > 1 {
			// a representation term (amt, id, date) says what kind of
			// data, not what it is about
			n.weight[i] = classWeight
		}
	}
	n.fams = families(&n)
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
			names[i].weight[j] *= 1 / (1 + 0.5*math.Log(float64(df[c])))
			if vocab.Unit(names[i].raw0[j]) && len(names[i].tokens) > 1 && names[i].class[j] == "" {
				names[i].weight[j] *= 0.3
			}
		}
	}
}

// classWeight is the weight of a representation term (vocab.Class) in a
// name of several words, and classConflict multiplies the score of two
// names whose terms contradict each other (a date and an amount).
const (
	classWeight   = 0.5
	classConflict = 0.7
)

// synonymSim is the score of two words that are synonyms (share a group
// of the lexicon): below an exact match, so that where both a synonym and
// the word itself are present, the word itself wins.
const synonymSim = 0.9

// Scores of two words: the same root (renewals, renewed), synonyms (share
// a group of the lexicon), synonyms of the word an abbreviation stands for
// (typ → type ≈ category), and one word the prefix of the other.
const (
	stemSim       = 0.92
	impliedSim    = 0.6
	abbrevSynSim  = 0.8
	prefixSim     = 0.85
	skeletonSim   = 0.7
	jaroWinklerOK = 0.88
)

// tokenSim compares word i of x with word j of y: 1 for the same word
// (after abbreviations are expanded), 0.92 for the same root, 0.9 for
// synonyms (0.8 when one word is an abbreviation read from the lexicon),
// 0.85 when one is a prefix of the other (dist, district) or the word an
// abbreviation stands for is the other, 0.7 when one is an abbreviation
// made of the other's letters in order and starting alike (brgh,
// borough), otherwise a damped Jaro-Winkler similarity above 0.88 (typos).
func tokenSim(x *nameInfo, i int, y *nameInfo, j int) float64 {
	a, b := x.tokens[i], y.tokens[j]
	if a == b {
		return 1
	}
	if isNumber(a) || isNumber(b) {
		return 0
	}
	if x.stems[i] == y.stems[j] {
		return stemSim
	}
	if vocab.Related(x.groups[i], y.groups[j]) {
		if x.long[i] != "" || y.long[j] != "" {
			return abbrevSynSim
		}
		return synonymSim
	}
	if x.long[i] != "" && x.longStem[i] == y.stems[j] || y.long[j] != "" && y.longStem[j] == x.stems[i] {
		return prefixSim
	}
	if sim := abbrevSim(a, b); sim > 0 {
		return sim
	}
	// an expansion is a guess: the abbreviation as written may stand for
	// the other word instead (ref: reference, or referral; st: street, or
	// state)
	if ra, rb := x.raw0[i], y.raw0[j]; ra != a || rb != b {
		if sim := abbrevSim(ra, rb); sim > 0 {
			return sim
		}
	}
	if x.known[i] && y.known[j] {
		return 0 // two different words, not a typo (borrower, borrowed)
	}
	if jw := jaroWinkler(a, b); jw >= jaroWinklerOK && min(len(a), len(b)) >= 4 {
		return jw * 0.9
	}
	return 0
}

// abbrevSim scores one word abbreviating the other: 0.85 for a prefix of
// three letters or more (dist, district), 0.7 for two letters found in
// order in the other word (pu, pickup) or a longer consonant skeleton
// (brgh, borough), not letters scattered over a long word (tip,
// timestamp); 0 otherwise.
func abbrevSim(a, b string) float64 {
	s, l := a, b
	if len(s) > len(l) {
		s, l = l, s
	}
	if len(s) >= 3 && strings.HasPrefix(l, s) && s != l {
		return prefixSim
	}
	if len(s) == 2 && len(l) >= 3 && s[0] == l[0] && subsequence(s, l) || len(s) > 2 && vocab.Skeleton(s, l) {
		return skeletonSim
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
		for i := range x.tokens {
			best := 0.0
			for j := range y.tokens {
				s := tokenSim(x, i, y, j)
				// a representation term the other name's word implies:
				// amt against fine, dt against shipped
				if s < impliedSim && x.class[i] != "" && y.class[j] == "" && vocab.Implies(y.tokens[j], x.class[i]) {
					s = impliedSim
				}
				best = max(best, s)
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
	if classesConflict(a, b) {
		s *= classConflict
	}
	return s
}

// classesConflict reports two names whose representation families
// (vocab.Class) are all incompatible: customer_id and customer_name,
// order_date and order_total. A name without a representation term takes
// the families its words imply (price: amount), so that price and
// price_date conflict too.
func classesConflict(a, b *nameInfo) bool {
	fa, fb := a.fams, b.fams
	if len(fa) == 0 || len(fb) == 0 {
		return false
	}
	for _, x := range fa {
		for _, y := range fb {
			if vocab.Compatible(x, y) {
				return false
			}
		}
	}
	return true
}

// impliable are the representation families a word can imply.
var impliable = []string{"amount", "count", "time", "text"}

// families returns the representation families of a name: those of its
// representation terms, or when it has none, those its words imply.
func families(n *nameInfo) []string {
	var out []string
	for _, c := range n.class {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, t := range n.tokens {
		for _, c := range impliable {
			if vocab.Implies(t, c) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
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
