package match

import (
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/internal/lexicon"
	"github.com/heliosdb/helios-etl/transform/match/internal/vocab"
)

// class is the broad family of a column's values.
type class uint8

const (
	classNone class = iota // no values
	classNumber
	classTime
	classBool
	classText
)

// valueInfo is a column's values prepared for comparison.
type valueInfo struct {
	f        *infer.Field
	typ      infer.Type // the type most values fit
	class    class
	hashes   []uint64  // sorted hashes of the bottom-k distinct sample
	tokens   hashSet   // words and numbers inside the sampled values
	nums     []float64 // sorted numbers from the sample
	days     [2]float64
	lenAvg   float64
	chars    [5]float64 // shares of letters, digits, blanks, punctuation, upper case
	trueSh   float64
	distinct int64
	// canon holds the distinct sampled values in a canonical form (ISO
	// dates, ISO country codes, true/false, plain numbers, lower case), so
	// that values in different formats still meet.
	canon hashSet
	// cents holds canon's numbers divided by 100 (integer columns only)
	cents hashSet
	med   float64 // numbers: median of the sample
	// text: mean words per value, and the first and last words of values
	// of several words (for full name → first or last name)
	words           float64
	firstWd, lastWd hashSet
	// pattern is the most common shape of the sampled values, digits
	// written as 9 ("(999) 999-9999"), for phone numbers
	pattern string
	// currency: most sampled values carry a currency sign ($12.50)
	currency bool
	// keys holds the distinct values in lower case without separators
	// when they are few (at most maxCodes) and all known, for codeWords
	keys []string
	// asTime is the same column read as instants, for integers that are
	// Unix times or YYYYMMDD dates (see timeView); nil otherwise
	asTime *valueInfo
	// timeKind names that reading: epochSeconds, epochMillis or
	// compactDate
	timeKind string
	// cats are the values of a column of at most maxCats categories, most
	// frequent first, and catShare their shares of the sample
	cats     []string
	catShare []float64
	// durs holds an hh:mm:ss column's sample as seconds, sorted
	durs []float64
}

// Readings of integer columns as instants.
const (
	epochSeconds = "epoch_seconds"
	epochMillis  = "epoch_millis"
	compactDate  = "YYYYMMDD"
)

// canonical writes a value in the form used by valueInfo.canon.
func canonical(s string, cls class, sem string) string {
	s = strings.TrimSpace(s)
	switch {
	case cls == classTime:
		if d, ok := infer.ParseDate(s); ok {
			return d
		}
	case cls == classBool:
		if b, ok := infer.ParseBool(s); ok {
			return strconv.FormatBool(b)
		}
	case sem == infer.KindPhone:
		return phoneDigits(s)
	case sem == infer.KindCountryName || sem == infer.KindCountryCode:
		if a, ok := lexicon.CountryAlpha2(s); ok {
			return a
		}
	}
	if d := digitsID(s); d != "" {
		return d
	}
	if x, ok := parseNumber(s); ok {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	if k := alnumLower(s); k != "" {
		// identifiers written with other separators or case (IBANs in
		// groups of four, "CS 101" and "CS101", ISBNs with dashes)
		return k
	}
	return strings.ToLower(s)
}

// moneyText reports samples of which at least 90% are numbers and most
// carry a currency sign.
func moneyText(sample []string) bool {
	num, signs := 0, 0
	for _, x := range sample {
		if _, ok := parseNumber(x); ok {
			num++
			if strings.ContainsAny(x, "$€£¥") {
				signs++
			}
		}
	}
	return len(sample) > 0 && num*10 >= len(sample)*9 && signs*2 > len(sample)
}

// parseNumber reads a number written with thousands commas, a currency
// sign before or after it ($12.50, 12.50 €) or a trailing percent sign.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x, true
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	for _, c := range []string{"$", "€", "£", "¥", "%"} {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, c), c))
	}
	if neg = neg || strings.HasPrefix(s, "-"); strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return 0, false
	}
	if neg {
		x = -x
	}
	return x, true
}

// alnumLower keeps the letters and digits of s, in lower case.
func alnumLower(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c >= 0x80:
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

func prepareValues(f *infer.Field) valueInfo {
	v := valueInfo{f: f, typ: f.Type, distinct: f.Distinct}
	if f.Type == infer.String && f.Dominant != infer.Unknown && f.DominantShare >= 0.9 {
		v.typ = f.Dominant
	}
	if zeroOne(f) {
		v.typ = infer.Boolean // 1/0 flags
	}
	if v.typ == infer.String && moneyText(f.Sample) {
		v.typ = infer.Decimal // €1.710, 12,50 £: amounts inference left as text
	}
	if len(f.Sample) == 0 {
		return v
	}
	switch {
	case v.typ.Numeric():
		v.class = classNumber
	case v.typ.Temporal():
		v.class = classTime
	case v.typ == infer.Boolean:
		v.class = classBool
	default:
		v.class = classText
	}
	v.hashes = slices.Clone(f.DistinctHashes)
	slices.Sort(v.hashes)
	var tokens []uint64
	var chars [5]int
	total, ln, trues, signs := 0, 0, 0, 0
	for _, s := range f.Sample {
		ln += len(s)
		if v.class == classBool {
			b, _ := infer.ParseBool(s)
			tokens = append(tokens, strHash(strconv.FormatBool(b)))
		} else if x, ok := parseNumber(s); ok {
			tokens = append(tokens, strHash(strconv.FormatFloat(x, 'g', -1, 64)))
			if v.class == classNumber {
				v.nums = append(v.nums, x)
			}
		} else {
			for _, t := range valueTokens(s) {
				tokens = append(tokens, strHash(t))
			}
		}
		if b, ok := infer.ParseBool(s); ok && b {
			trues++
		}
		if strings.ContainsAny(s, "$€£¥") {
			signs++
		}
		for _, r := range s {
			total++
			switch {
			case r >= 'a' && r <= 'z':
				chars[0]++
			case r >= 'A' && r <= 'Z':
				chars[0]++
				chars[4]++
			case r >= '0' && r <= '9':
				chars[1]++
			case r == ' ':
				chars[2]++
			case r > 127:
				chars[0]++
			default:
				chars[3]++
			}
		}
	}
	if total > 0 {
		for i := range chars {
			v.chars[i] = float64(chars[i]) / float64(total)
		}
	}
	v.lenAvg = float64(ln) / float64(len(f.Sample))
	v.trueSh = float64(trues) / float64(len(f.Sample))
	v.currency = v.class == classNumber && signs*2 > len(f.Sample)
	slices.Sort(v.nums)
	if len(v.nums) > 0 {
		v.med = v.nums[len(v.nums)/2]
	}
	v.tokens = newHashSet(tokens)
	if f.Semantic == infer.KindPhone {
		v.pattern = commonPattern(f.Sample)
	}
	if v.class == classText {
		var nw int
		var first, last []uint64
		for _, x := range f.Sample {
			w := strings.Fields(x)
			nw += len(w)
			if len(w) >= 2 {
				first = append(first, strHash(canonical(w[0], classText, "")))
				last = append(last, strHash(canonical(w[len(w)-1], classText, "")))
			}
		}
		v.words = float64(nw) / float64(len(f.Sample))
		v.firstWd, v.lastWd = newHashSet(first), newHashSet(last)
	}
	canon := make([]uint64, 0, len(f.Distincts))
	var cents []uint64
	for _, d := range f.Distincts {
		c := canonical(d, v.class, f.Semantic)
		canon = append(canon, strHash(c))
		if v.typ == infer.Integer {
			if x, err := strconv.ParseFloat(c, 64); err == nil {
				cents = append(cents, strHash(strconv.FormatFloat(x/100, 'g', -1, 64)))
			}
		}
	}
	v.canon, v.cents = newHashSet(canon), newHashSet(cents)
	if v.class == classTime {
		v.days = [2]float64{dayNum(f.Min), dayNum(f.Max)}
	}
	if v.typ == infer.Integer {
		v.asTime, v.timeKind = timeView(&v)
	}
	if v.class == classText || v.class == classBool {
		v.cats, v.catShare = categories(f.Sample, f.DistinctExact, f.Distinct)
	}
	if v.class == classText {
		v.durs = durations(f.Sample)
	}
	if v.class == classText && len(f.Distincts) <= maxCodes && int64(len(f.Distincts)) == f.Distinct {
		v.keys = make([]string, len(f.Distincts))
		for i, d := range f.Distincts {
			v.keys[i] = alnumLower(d)
		}
	}
	return v
}

// maxCodes is the most distinct values a column of codes may have.
const maxCodes = 64

// codeWords compares a column of codes with a column of the words they
// abbreviate (KNG and King, DBL and Double, M and Male): the share of the
// distinct codes that are a prefix or the consonant skeleton
// (vocab.Skeleton) of exactly one word of the other side, no word used
// twice, discounted by n/(n+1) for n codes. Below two such codes or 60% of them it is 0. It
// also returns the mapping from source values to target values.
func codeWords(s, t *valueInfo) (float64, map[string]string) {
	codes, words, flip := s, t, false
	if s.lenAvg > t.lenAvg {
		codes, words, flip = t, s, true
	}
	if len(codes.keys) < 2 || len(words.keys) < 2 || codes.lenAvg > 4.5 || words.lenAvg < codes.lenAvg+1 {
		return 0, nil
	}
	m := map[string]string{}
	used := make([]bool, len(words.keys))
	for i, c := range codes.keys {
		hit := -1
		for j, w := range words.keys {
			if c != "" && (strings.HasPrefix(w, c) || vocab.Skeleton(c, w)) {
				if hit >= 0 {
					hit = -2 // ambiguous
					break
				}
				hit = j
			}
		}
		if hit >= 0 && !used[hit] {
			used[hit] = true
			m[codes.f.Distincts[i]] = words.f.Distincts[hit]
		}
	}
	share := float64(len(m)) / float64(len(codes.keys))
	if len(m) < 2 || share < 0.6 {
		return 0, nil
	}
	if flip {
		inv := make(map[string]string, len(m))
		for k, v := range m {
			inv[v] = k
		}
		m = inv
	}
	// each code fits exactly one word: less left to chance than values
	// that merely meet, so a milder discount than shrink
	return share * float64(len(m)) / float64(len(m)+1), m
}

// timeView reads an integer column as instants when all its values are
// Unix seconds or milliseconds between 2000 and 2050, or dates written
// YYYYMMDD between 1900 and 2100: a copy of v of class time, with ISO
// dates as canonical values. Callers drop it for columns whose names say
// identifier (account numbers may fall in the same range).
func timeView(v *valueInfo) (*valueInfo, string) {
	flo, err1 := strconv.ParseFloat(v.f.Min, 64)
	fhi, err2 := strconv.ParseFloat(v.f.Max, 64)
	if err1 != nil || err2 != nil || len(v.f.Distincts) == 0 || flo < 0 || fhi > 1e15 {
		return nil, ""
	}
	lo, hi := int64(flo), int64(fhi)
	const y2000, y2050 = 946684800, 2524608000
	var kind string
	var day func(n int64) (string, bool)
	unix := func(scale int64) func(int64) (string, bool) {
		return func(n int64) (string, bool) { return time.Unix(n/scale, 0).UTC().Format(time.DateOnly), true }
	}
	switch {
	case lo >= 19000101 && hi <= 21001231:
		kind = compactDate
		day = func(n int64) (string, bool) {
			t, err := time.Parse("20060102", strconv.FormatInt(n, 10))
			return t.Format(time.DateOnly), err == nil
		}
	case lo >= y2000 && hi <= y2050:
		kind, day = epochSeconds, unix(1)
	case lo >= y2000*1000 && hi <= y2050*1000:
		kind, day = epochMillis, unix(1000)
	default:
		return nil, ""
	}
	canon := make([]uint64, 0, len(v.f.Distincts))
	for _, d := range v.f.Distincts {
		n, err := strconv.ParseInt(strings.TrimSpace(d), 10, 64)
		if err != nil {
			return nil, ""
		}
		iso, ok := day(n)
		if !ok {
			return nil, ""
		}
		canon = append(canon, strHash(iso))
	}
	tv := *v
	tv.class, tv.typ, tv.nums, tv.asTime = classTime, infer.Timestamp, nil, nil
	if kind == compactDate {
		tv.typ = infer.Date
	}
	a, _ := day(lo)
	b, _ := day(hi)
	tv.days = [2]float64{dayNum(a), dayNum(b)}
	tv.canon = newHashSet(canon)
	return &tv, kind
}

func dayNum(s string) float64 {
	if len(s) < 10 {
		return 0
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:10])
	return float64(y*372 + m*31 + d)
}

// valueTokens splits a value into lower-case words and numbers; numbers lose
// leading zeros (0294 and 294 are the same block).
func valueTokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		alnum := i < len(s) && (isAlnumByte(s[i]) || s[i] >= 0x80)
		if alnum && start < 0 {
			start = i
		}
		if !alnum && start >= 0 {
			t := strings.ToLower(s[start:i])
			if isNumber(t) {
				t = strings.TrimLeft(t, "0")
				if t == "" {
					t = "0"
				}
			}
			out = append(out, t)
			start = -1
		}
	}
	return out
}

func isAlnumByte(b byte) bool {
	return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

// containment estimates, from two coordinated bottom-k samples, the share of
// a's distinct values found in b, and how many values the estimate rests on.
func containment(a, b *valueInfo) (float64, int) {
	n, hit := 0, 0
	th := b.f.DistinctThreshold
	bh := b.hashes
	j := 0
	for _, h := range a.hashes { // both sorted
		if h > th {
			break
		}
		n++
		for j < len(bh) && bh[j] < h {
			j++
		}
		if j < len(bh) && bh[j] == h {
			hit++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(hit) / float64(n), n
}

// tokenOverlap is the cosine similarity of the two token sets.
func tokenOverlap(a, b *valueInfo) float64 {
	if len(a.tokens) == 0 || len(b.tokens) == 0 {
		return 0
	}
	return float64(intersect(a.tokens, b.tokens)) / math.Sqrt(float64(len(a.tokens))*float64(len(b.tokens)))
}

// ks returns the two-sample Kolmogorov-Smirnov statistic of sorted samples.
func ks(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 1
	}
	i, j := 0, 0
	d := 0.0
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

// distSim compares the shapes of two columns' values in [0,1]: numbers by
// the Kolmogorov-Smirnov distance, dates by the overlap of their ranges,
// booleans by their share of true, and text by length and character mix.
func distSim(a, b *valueInfo) float64 {
	switch {
	case a.class == classNumber && b.class == classNumber:
		// shape (KS) and scale (orders of magnitude of the 90th
		// percentile of |x|)
		sa, sb := math.Log10(1+p90abs(a.nums)), math.Log10(1+p90abs(b.nums))
		return 0.5*(1-ks(a.nums, b.nums)) + 0.5/(1+math.Abs(sa-sb))
	case a.class == classTime && b.class == classTime:
		lo, hi := max(a.days[0], b.days[0]), min(a.days[1], b.days[1])
		span := max(a.days[1], b.days[1]) - min(a.days[0], b.days[0])
		if span <= 0 {
			return 1
		}
		return max(0, hi-lo) / span
	case a.class == classBool && b.class == classBool:
		return 1 - math.Abs(a.trueSh-b.trueSh)
	}
	ls := 1 - math.Abs(a.lenAvg-b.lenAvg)/max(a.lenAvg, b.lenAvg, 1)
	dot, na, nb := 0.0, 0.0, 0.0
	for i := range a.chars {
		dot += a.chars[i] * b.chars[i]
		na += a.chars[i] * a.chars[i]
		nb += b.chars[i] * b.chars[i]
	}
	cos := 0.0
	if na > 0 && nb > 0 {
		cos = dot / math.Sqrt(na*nb)
	}
	return 0.5*ls + 0.5*cos*cos
}

// typeSim scores how well the two types fit: 1 for the same type, less for
// types a conversion bridges, 0.2 for types that do not convert.
func typeSim(a, b infer.Type) float64 {
	switch {
	case a == b:
		return 1
	case a.Numeric() && b.Numeric():
		return 0.9
	case a.Temporal() && b.Temporal():
		return 0.9
	case a == infer.String || b == infer.String:
		return 0.6
	case (a == infer.Boolean && b == infer.Integer) || (a == infer.Integer && b == infer.Boolean):
		return 0.6
	case (a.Numeric() && b.Temporal()) || (a.Temporal() && b.Numeric()):
		return 0.4
	}
	return 0.2
}

func p90abs(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	a := make([]float64, len(x))
	for i, v := range x {
		a[i] = math.Abs(v)
	}
	slices.Sort(a)
	return a[len(a)*9/10]
}

// hashSet is a sorted set of 64-bit hashes; intersections are merges.
type hashSet []uint64

var hashSeed = maphash.MakeSeed()

func strHash(s string) uint64 { return maphash.String(hashSeed, s) }

func newHashSet(hs []uint64) hashSet {
	slices.Sort(hs)
	return hashSet(slices.Compact(hs))
}

func intersect(a, b hashSet) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// setCosine is |a∩b| / sqrt(|a||b|), discounted when the smaller set is
// small (see shrink).
func setCosine(a, b hashSet) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(intersect(a, b)) / math.Sqrt(float64(len(a))*float64(len(b))) * shrink(min(len(a), len(b)))
}

// centsOverlap compares integer cents with decimal units: the overlap of
// the source values divided by 100 with the target values.
func centsOverlap(s, t *valueInfo) float64 {
	if s.typ != infer.Integer || !(t.typ == infer.Decimal || t.typ == infer.Float) {
		return 0
	}
	return setCosine(s.cents, t.canon)
}

// splitOverlap compares a column of several-word values (full names) with
// a column of single words: the overlap of the target values with the
// source's first words and with its last words. part is "first" or
// "last", whichever overlaps more, or "" when neither fits.
func splitOverlap(s, t *valueInfo) (float64, string) {
	if s.class != classText || t.class != classText || s.words < 1.8 || t.words > 1.2 {
		return 0, ""
	}
	f, l := setCosine(s.firstWd, t.canon), setCosine(s.lastWd, t.canon)
	switch {
	case f >= l && f >= 0.2:
		return f, "first"
	case l > f && l >= 0.2:
		return l, "last"
	}
	return 0, ""
}

// digitsID returns the last ten digits of a long identifier written with
// digits and at most a leading + and blanks, dashes, dots or parentheses
// between them (447700900123, "+44 7700 900123"), so that a number with and
// without its country code, or with leading zeros, meets; "" for other
// values and for numbers of at most ten digits.
func digitsID(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '+' && i == 0, c == ' ', c == '-', c == '(', c == ')':
		default:
			return ""
		}
	}
	if n <= 10 || n > 15 {
		return ""
	}
	return phoneDigits(s)
}

// phoneDigits keeps the digits of a phone number, at most the last ten (a
// leading country code is dropped).
func phoneDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	if len(b) > 10 {
		b = b[len(b)-10:]
	}
	return string(b)
}

// commonPattern returns the most frequent shape of the values, with every
// digit written as 9.
func commonPattern(sample []string) string {
	counts := map[string]int{}
	best, bn := "", 0
	for _, x := range sample {
		p := []byte(strings.TrimSpace(x))
		for i, c := range p {
			if c >= '0' && c <= '9' {
				p[i] = '9'
			}
		}
		counts[string(p)]++
		if n := counts[string(p)]; n > bn || (n == bn && string(p) < best) {
			best, bn = string(p), n
		}
	}
	return best
}
