package match

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// Evidence from shared entities (see "Joined rows" in the package
// documentation): the two tables are joined on the pair of near-unique
// columns whose keys meet most, and the columns left unassigned are
// compared row by row.
const (
	joinMinRows  = 20   // joined rows below which nothing is concluded
	joinMinShare = 0.05 // shared keys as a share of the smaller key set
	joinMaxCodes = 64   // categories of a contingency table
	joinBase     = 0.9  // confidence of a perfect, unrivalled fit
)

// joinKey writes an identifier so that prefixes and padding do not
// matter: the digits without leading zeros when the value has at least
// four digits and at most four letters (ML81019426 and 81019426, RA-0042
// and 42), otherwise its letters and digits in lower case.
func joinKey(s string) string {
	digits, letters := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters++
		}
	}
	if digits < 4 || letters > 4 {
		return alnumLower(s)
	}
	b := make([]byte, 0, digits)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' && (len(b) > 0 || c != '0') {
			b = append(b, c)
		}
	}
	return string(b)
}

// keyable reports a column that may identify rows: near-unique text or
// integers, not dates or measures.
func keyable(v *valueInfo) bool {
	f := v.f
	if f.Count < joinMinRows || f.Distinct*10 < f.Count*9 || len(f.RowSample) < joinMinRows {
		return false // not near-unique in the table
	}
	return idLike(v)
}

// idLike reports text or integers, not dates or measures: values that
// compare as identifiers (see joinKey).
func idLike(v *valueInfo) bool {
	switch v.typ {
	case infer.String, infer.Integer:
		return v.class != classTime && v.asTime == nil
	}
	return false
}

// keyIndex maps the join keys of a column's row sample to their rows; nil
// when the column is not near-unique there.
func keyIndex(rows []string) map[string]int {
	idx := make(map[string]int, len(rows))
	n := 0
	for r, v := range rows {
		if v == "" {
			continue
		}
		n++
		idx[joinKey(v)] = r
	}
	if n < joinMinRows || len(idx)*10 < n*9 {
		return nil
	}
	return idx
}

// findJoin joins the row samples of the two tables on the pair of
// keyable, near-unique columns whose keys meet most; it returns the
// joined rows (source row, target row) and the key columns, or nil.
func findJoin(sc, tc []column) (pairs [][2]int, ks, kt int) {
	ks, kt = -1, -1
	best := 0
	sIdx := make([]map[string]int, len(sc))
	for i := range sc {
		if keyable(&sc[i].val) {
			sIdx[i] = keyIndex(sc[i].val.f.RowSample)
		}
	}
	for j := range tc {
		if !keyable(&tc[j].val) {
			continue
		}
		tIdx := keyIndex(tc[j].val.f.RowSample)
		if tIdx == nil {
			continue
		}
		for i, si := range sIdx {
			if si == nil {
				continue
			}
			shared, seen := 0, 0
			for k := range si {
				if _, ok := tIdx[k]; ok {
					shared++
				}
				if seen++; seen == 128 && shared == 0 {
					break // keys that do not meet in 128 tries: not a join
				}
			}
			if shared >= joinMinRows && float64(shared) >= joinMinShare*float64(min(len(si), len(tIdx))) && shared > best {
				best, ks, kt = shared, i, j
			}
		}
	}
	if ks < 0 {
		return nil, ks, kt
	}
	tIdx := keyIndex(tc[kt].val.f.RowSample)
	for k, r := range sIdx[ks] {
		if q, ok := tIdx[k]; ok {
			pairs = append(pairs, [2]int{r, q})
		}
	}
	slices.SortFunc(pairs, func(x, y [2]int) int { return x[0] - y[0] }) // map order is random
	return pairs, ks, kt
}

// joinedCol is one column's values on the joined rows.
type joinedCol struct {
	nums  []float64 // NaN where not a number
	nNum  int
	canon []string // canonical form ("" for null)
	codes []int    // category index, -1 for null; nil for many categories
	words []string // the categories, in index order
}

func prepareJoined(c *column, pairs [][2]int, side int) joinedCol {
	rows := c.val.f.RowSample
	jc := joinedCol{nums: make([]float64, len(pairs)), canon: make([]string, len(pairs)), codes: make([]int, len(pairs))}
	codeOf := map[string]int{}
	for k, p := range pairs {
		jc.nums[k] = math.NaN()
		if jc.codes != nil {
			jc.codes[k] = -1
		}
		if p[side] >= len(rows) || rows[p[side]] == "" {
			continue
		}
		v := rows[p[side]]
		if c.val.class != classTime {
			if x, ok := parseNumber(v); ok {
				jc.nums[k] = x
				jc.nNum++
			}
		}
		jc.canon[k] = joinCanon(v, &c.val)
		if jc.codes != nil {
			id, ok := codeOf[v]
			if !ok {
				if len(codeOf) == joinMaxCodes {
					jc.codes = nil
					continue
				}
				id = len(codeOf)
				codeOf[v] = id
				jc.words = append(jc.words, v)
			}
			jc.codes[k] = id
		}
	}
	return jc
}

// joinCanon writes a value for row-by-row equality: instants to the
// second for timestamps, else the canonical form of the overlap
// measures, identifiers without prefixes and padding.
func joinCanon(v string, c *valueInfo) string {
	if c.class == classTime {
		d, ok := infer.ParseDate(v)
		if !ok {
			return ""
		}
		return d + clockOf(v)
	}
	if idLike(c) {
		return joinKey(v)
	}
	return canonical(v, c.class, c.f.Semantic)
}

// clockOf returns the time of day written in v as "Thh:mm:ss" (24 hours),
// or "" when v has none.
func clockOf(v string) string {
	i := strings.IndexByte(v, ':')
	if i < 1 {
		return ""
	}
	start := i - 1
	if start > 0 && v[start-1] >= '0' && v[start-1] <= '9' {
		start--
	}
	h, err := strconv.Atoi(v[start:i])
	if err != nil || i+3 > len(v) {
		return ""
	}
	m, err := strconv.Atoi(v[i+1 : i+3])
	if err != nil {
		return ""
	}
	s := 0
	if i+6 <= len(v) && v[i+3] == ':' {
		s, _ = strconv.Atoi(v[i+4 : i+6])
	}
	up := strings.ToUpper(v)
	switch {
	case strings.Contains(up, "PM") && h < 12:
		h += 12
	case strings.Contains(up, "AM") && h == 12:
		h = 0
	}
	return "T" + strconv.Itoa(100 + h)[1:] + ":" + strconv.Itoa(100 + m)[1:] + ":" + strconv.Itoa(100 + s)[1:]
}

// joinFit is the row-by-row evidence for one pair on the joined rows.
type joinFit struct {
	q    float64    // quality in [0,1]
	conv Conversion // the conversion it found, when it says one
}

// fitPair compares two columns on the joined rows: equal values, a
// linear relation between numbers, or a one-to-one table of categories.
func fitPair(s, t *joinedCol, tv *valueInfo) joinFit {
	var best joinFit
	// equal values (identifiers, dates, instants, words)
	eq, n := 0, 0
	for k := range s.canon {
		if s.canon[k] == "" || t.canon[k] == "" {
			continue
		}
		n++
		if s.canon[k] == t.canon[k] {
			eq++
		}
	}
	if n >= joinMinRows {
		r := float64(eq) / float64(n)
		best.q = clamp01((r - 0.5) / 0.45) // 95% equal rows or more: full
	}
	if f := linearFit(s, t, tv); f.q > best.q {
		best = f
	}
	if f := categoryTable(s, t); f.q > best.q {
		best = f
	}
	return best
}

func clamp01(x float64) float64 { return max(0, min(1, x)) }

// linearFit fits t = a·s + b by least squares on the rows where both are
// numbers. The quality grows with −log10(1 − R²): 0 at R² = 0.99, 1 at
// R² = 0.99999, so that only a relation that holds on every row counts.
func linearFit(s, t *joinedCol, tv *valueInfo) joinFit {
	if s.nNum < joinMinRows || t.nNum < joinMinRows {
		return joinFit{}
	}
	var n, sx, sy float64
	for k, x := range s.nums {
		if y := t.nums[k]; !math.IsNaN(x) && !math.IsNaN(y) {
			n++
			sx += x
			sy += y
		}
	}
	if n < joinMinRows {
		return joinFit{}
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	distinct := map[float64]bool{}
	for k, x := range s.nums {
		if y := t.nums[k]; !math.IsNaN(x) && !math.IsNaN(y) {
			dx, dy := x-mx, y-my
			sxx += dx * dx
			sxy += dx * dy
			syy += dy * dy
			if len(distinct) < 5 {
				distinct[x] = true
			}
		}
	}
	if len(distinct) < 5 || sxx == 0 || syy == 0 {
		return joinFit{} // a few values fit any line
	}
	a := sxy / sxx
	b := my - a*mx
	r2 := sxy * sxy / (sxx * syy)
	q := clamp01((-math.Log10(max(1e-12, 1-r2)) - 2) / 3)
	if q == 0 || a <= 0 {
		return joinFit{}
	}
	var conv Conversion // the same numbers: the usual conversion
	if math.Abs(a-1) > 1e-3 || math.Abs(b) > 1e-3*math.Sqrt(syy/n) {
		if math.Abs(b) < 1e-3*math.Sqrt(syy/n) {
			b = 0 // a factor alone (W → kW), up to rounding
		}
		conv = Conversion{Kind: ConvLinear, Factor: roundSig(a, 5), Offset: roundSig(b, 5), To: strconv.Itoa(decimals(tv.f.Sample))}
	}
	return joinFit{q: q, conv: conv}
}

// decimals is the largest number of digits after a decimal point in
// sample.
func decimals(sample []string) int {
	d := 0
	for _, v := range sample {
		if i := strings.LastIndexByte(v, '.'); i >= 0 {
			d = max(d, len(strings.TrimRight(v[i+1:], " %")))
		}
	}
	return min(d, 12)
}

// roundSig rounds x to d significant digits.
func roundSig(x float64, d int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(d)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// categoryTable reads the contingency table of two columns of at most
// joinMaxCodes categories: when each source category goes with one target
// category and back (a bijection, up to a few rows), the quality is how
// much better that predicts each side than its most common category, and
// the conversion maps the observed pairs.
func categoryTable(s, t *joinedCol) joinFit {
	if s.codes == nil || t.codes == nil || len(s.words) < 2 || len(t.words) < 2 {
		return joinFit{}
	}
	ns, nt := len(s.words), len(t.words)
	table := make([]int, ns*nt)
	n := 0
	for k, a := range s.codes {
		if b := t.codes[k]; a >= 0 && b >= 0 {
			table[a*nt+b]++
			n++
		}
	}
	if n < joinMinRows || n < 3*ns {
		return joinFit{}
	}
	fwd, back := predictShare(table, ns, nt, n, false), predictShare(table, ns, nt, n, true)
	q := min(fwd, back)
	if q < 0.8 {
		return joinFit{}
	}
	vm := map[string]string{}
	identity := true
	for a := range ns {
		bestB, bestN := -1, 0
		for b := range nt {
			if c := table[a*nt+b]; c > bestN {
				bestB, bestN = b, c
			}
		}
		if bestB >= 0 {
			vm[s.words[a]] = t.words[bestB]
			identity = identity && s.words[a] == t.words[bestB]
		}
	}
	if identity {
		return joinFit{q: q} // the same words: the usual conversion
	}
	return joinFit{q: q, conv: Conversion{Kind: ConvValueMap, From: "codes", To: "words", Values: vm}}
}

// predictShare is how much better each row's category on one side is
// predicted by its category on the other than by the most common one:
// (hits − base) / (n − base), in [0,1] (back: target predicts source).
func predictShare(table []int, ns, nt, n int, back bool) float64 {
	outer, inner := ns, nt
	if back {
		outer, inner = nt, ns
	}
	at := func(o, i int) int {
		if back {
			return table[i*nt+o]
		}
		return table[o*nt+i]
	}
	hits := 0
	marg := make([]int, inner)
	for o := range outer {
		best := 0
		for i := range inner {
			c := at(o, i)
			best = max(best, c)
			marg[i] += c
		}
		hits += best
	}
	base := 0
	for _, m := range marg {
		base = max(base, m)
	}
	if base >= n {
		return 0
	}
	return clamp01(float64(hits-base) / float64(n-base))
}

// joinScores returns, for the unused source rows × target cols, the
// confidence from joined rows and the conversion each found; nil when the
// tables share too few entities. Each fit is discounted by the best rival
// fit of either column (two targets that fit one source equally well
// abstain), and the partial name score is added by a noisy-or.
func joinScores(sc, tc []column, rows, cols []int) ([][]float64, [][]Conversion) {
	pairs, _, _ := findJoin(sc, tc)
	if len(pairs) < joinMinRows || len(rows) == 0 || len(cols) == 0 {
		return nil, nil
	}
	sj := make([]joinedCol, len(rows))
	for a, i := range rows {
		sj[a] = prepareJoined(&sc[i], pairs, 0)
	}
	tj := make([]joinedCol, len(cols))
	for b, j := range cols {
		tj[b] = prepareJoined(&tc[j], pairs, 1)
	}
	q := make([][]float64, len(rows))
	convs := make([][]Conversion, len(rows))
	for a := range rows {
		q[a] = make([]float64, len(cols))
		convs[a] = make([]Conversion, len(cols))
		for b, j := range cols {
			f := fitPair(&sj[a], &tj[b], &tc[j].val)
			q[a][b], convs[a][b] = f.q, f.conv
		}
	}
	conf := make([][]float64, len(rows))
	for a, i := range rows {
		conf[a] = make([]float64, len(cols))
		for b, j := range cols {
			if q[a][b] == 0 || negated(sc[i].name.flat, tc[j].name.flat) || negated(tc[j].name.flat, sc[i].name.flat) {
				continue
			}
			r := joinBase * q[a][b] * math.Sqrt(clamp01(1-rival(q, a, b)/q[a][b])) // a tie says nothing
			n := nameSim(&sc[i].name, &tc[j].name)
			conf[a][b] = 1 - (1-r)*(1-0.9*n*n)
		}
	}
	return conf, convs
}
