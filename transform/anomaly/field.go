package anomaly

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/cespare/xxhash/v2"
	"github.com/heliosdb/helios-etl/schemas"
)

// fieldState is what a field learns from its values. It is all counters and
// bounded sketches, so its size does not depend on the number of rows, and it
// serializes (see state.go).
type fieldState struct {
	n, nulls uint64
	formats  [numFormats]uint64
	nums     uint64 // values parsed as numbers
	neg      uint64 // negative numbers
	fracs    uint64 // numbers with a fractional part
	mean, m2 float64
	min, max float64
	num      *Reservoir // numeric values
	date     *Reservoir // day numbers of dates and datetimes
	// Dates are taken in blocks of 32 in arrival order; dateUp and
	// dateDown count the blocks whose median went up or down from the one
	// before. Dates in random order go up as often as down; event times that
	// move forward almost never go down, even with jitter or a stray date.
	block            []float64
	blockPrev        float64
	dateUp, dateDown uint64
	text             textSample // text and boolean values, for reports
	distinct         *Distinct
	// hashAll tells to count the distinct values of every value, for a
	// field whose name could be a key's; other fields count only UUIDs
	// (the only values that make a key whatever the name), which keeps the
	// hashing off the hot path of most fields.
	hashAll bool
}

func newFieldState(size int, seed uint64) *fieldState {
	return &fieldState{
		num:       NewReservoir(size, seed),
		date:      NewReservoir(size, seed^0x5bd1e995),
		text:      textSample{cap: 512, rng: rng{seed ^ 0x7f4a7c159e3779b9}},
		distinct:  NewDistinct(4096),
		min:       math.Inf(1),
		max:       math.Inf(-1),
		blockPrev: math.NaN(),
	}
}

// learn takes one value into the statistics and returns it as a number
// (NaN when it is not one).
func (s *fieldState) learn(v string, null bool) float64 {
	if null {
		return s.learnScanned(v, true, FormatText, math.NaN())
	}
	f, x := scan(v)
	return s.learnScanned(v, false, f, x)
}

// learnScanned is learn for a value already scanned (f, x from scan).
func (s *fieldState) learnScanned(v string, null bool, f Format, x float64) float64 {
	s.n++
	if null {
		s.nulls++
		return math.NaN()
	}
	s.formats[f]++
	if s.hashAll || f == FormatUUID {
		s.distinct.AddHash(xxhash.Sum64String(v))
	}
	switch {
	case f.numeric():
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return math.NaN()
		}
		s.nums++
		if x < 0 {
			s.neg++
		}
		if x != math.Trunc(x) {
			s.fracs++
		}
		d := x - s.mean
		s.mean += d / float64(s.nums)
		s.m2 += d * (x - s.mean)
		s.min, s.max = min(s.min, x), max(s.max, x)
		s.num.Add(x)
		return x
	case f == FormatDate || f == FormatDateTime:
		s.date.Add(x)
		if s.block = append(s.block, x); len(s.block) == dateBlock {
			slices.Sort(s.block)
			med := s.block[dateBlock/2]
			switch {
			case med > s.blockPrev:
				s.dateUp++
			case med < s.blockPrev:
				s.dateDown++
			}
			s.blockPrev, s.block = med, s.block[:0]
		}
	case f == FormatText || f == FormatBool:
		s.text.add(v)
	}
	return math.NaN()
}

// dateBlock is the size of the blocks of dates compared to tell a trend.
const dateBlock = 32

// transform maps a numeric field's values to the space where they are
// compared: the identity, log(x) or asinh(x/c).
type transform uint8

const (
	identity transform = iota
	logT
	asinhT
)

func (t transform) String() string {
	return [...]string{"identity", "log", "asinh"}[t]
}

// model is what a field has learned, frozen into thresholds that [check]
// applies without allocating.
type model struct {
	name     string
	n        uint64
	nullRate float64
	required bool

	dominant    Format
	share       float64
	checkFormat bool

	key bool

	numeric  bool
	integer  bool
	nonNeg   bool
	tf       transform
	c        float64 // asinh scale
	center   float64 // in transformed space
	scale    float64
	lo, hi   float64 // outlier fences in transformed space
	medRaw   float64
	bounds   Bounds
	outliers bool // enough spread to judge outliers

	date           bool
	dateLo, dateHi float64
	// A trending date field (event times) moves forward: its upper fence
	// follows the latest accepted date (dateTop) by dateAllow days.
	trending  bool
	dateTop   float64
	dateAllow float64

	distinct float64

	// Derived by prepare, not saved: the outlier fences in raw units (the
	// transforms are increasing, so comparing x with them is comparing t
	// with lo and hi, without a logarithm per value), and the raw box
	// inside which a value's |z| is small enough not to matter to the
	// forest's gate.
	rawLo, rawHi float64
	boxLo, boxHi float64
}

// prepare derives the raw-unit fences; zb is the |z| below which a value
// cannot open the forest's gate on its own (0: no forest).
func (m *model) prepare(zb float64) {
	m.rawLo, m.rawHi = math.Inf(-1), math.Inf(1)
	if m.outliers {
		m.rawLo, m.rawHi = m.tf.invert(m.lo, m.c), m.tf.invert(m.hi, m.c)
	}
	m.boxLo, m.boxHi = math.Inf(-1), math.Inf(1)
	if zb > 0 && m.outliers {
		m.boxLo, m.boxHi = m.tf.invert(m.center-zb*m.scale, m.c), m.tf.invert(m.center+zb*m.scale, m.c)
	}
}

func (t transform) apply(x, c float64) float64 {
	switch t {
	case logT:
		return math.Log(x)
	case asinhT:
		return math.Asinh(x / c)
	}
	return x
}

func (t transform) invert(y, c float64) float64 {
	switch t {
	case logT:
		return math.Exp(y)
	case asinhT:
		return math.Sinh(y) * c
	}
	return y
}

// freeze turns the learned statistics into a model.
func (s *fieldState) freeze(name string, cfg *Config, th thresholds, declaredKey, nullable bool) model {
	m := model{name: name, n: s.n, bounds: cfg.Bounds[name]}
	if s.n > 0 {
		m.nullRate = float64(s.nulls) / float64(s.n)
	}
	m.required = !nullable && s.n >= minRows && m.nullRate <= th.nullRateMax
	nonNull := s.n - s.nulls
	if nonNull == 0 {
		return m
	}
	// Dominant format, with the numeric formats counted together.
	var best Format
	var bestN uint64
	for f := range numFormats {
		c := s.formats[f]
		if f == FormatInt || f == FormatFloat {
			c = s.formats[FormatInt] + s.formats[FormatFloat]
		}
		if f == FormatDateTime {
			c += s.formats[FormatDate]
		}
		if f == FormatPhone {
			c += s.formats[FormatInt]
		}
		if c > bestN || (c == bestN && f == FormatFloat) {
			best, bestN = f, c
		}
	}
	if best.numeric() {
		best = FormatInt
		if s.formats[FormatFloat] > 0 {
			best = FormatFloat
		}
	}
	if best == FormatPhone && s.formats[FormatPhone] < s.formats[FormatInt] {
		best = FormatInt // bare numbers with a few formatted ones are numbers
		bestN = s.formats[FormatInt] + s.formats[FormatFloat]
	}
	if best == FormatDateTime && s.formats[FormatDateTime] < s.formats[FormatDate] {
		best = FormatDate
		bestN = s.formats[FormatDate]
	}
	m.dominant = best
	m.share = float64(bestN) / float64(nonNull)
	m.checkFormat = best.structured() && nonNull >= minRows && m.share >= th.formatShareMin
	m.distinct = s.distinct.Estimate()
	m.key = declaredKey || (nonNull >= minRows && m.required && (s.hashAll || best == FormatUUID) && keyLike(name, best) &&
		m.distinct >= 0.95*float64(nonNull))

	switch {
	case best.numeric() && m.checkFormat:
		s.freezeNumeric(&m, cfg, th)
	case (best == FormatDate || best == FormatDateTime) && m.checkFormat && s.date.Count() >= minRows:
		sorted := s.date.Sorted(nil)
		p1, p99 := quantile(sorted, 0.01), quantile(sorted, 0.99)
		span := max(p99-p1, 30)
		m.date = true
		m.dateLo, m.dateHi = p1-th.dateMargin*span, p99+th.dateMargin*span
		m.trending = s.dateUp >= 3 && s.dateUp >= 4*s.dateDown
		m.dateTop, m.dateAllow = p99, th.dateMargin*span
	}
	return m
}

func (s *fieldState) freezeNumeric(m *model, cfg *Config, th thresholds) {
	m.numeric = true
	m.integer = s.fracs == 0
	m.nonNeg = s.nums >= minRows && float64(s.neg) <= th.nullRateMax*float64(s.nums)
	if s.nums < minRows || m.key {
		return
	}
	raw := s.num.Sorted(nil)
	m.medRaw = quantile(raw, 0.5)
	// Heavy tails: a right-skewed non-negative field is compared in log space
	// (or asinh space when it has zeros), where log-normal amounts and
	// over-dispersed counts look normal.
	q05, q50, q95 := quantile(raw, 0.05), m.medRaw, quantile(raw, 0.95)
	skew := 0.0
	if q95 > q05 {
		skew = (q95 + q05 - 2*q50) / (q95 - q05)
	}
	if m.nonNeg && skew > 0.2 {
		if pos := raw[sort0(raw):]; len(pos) == len(raw) || quantile(raw, 0.02) > 0 {
			m.tf = logT
		} else {
			m.tf = asinhT
			m.c = max(quantile(pos, 0.25), 1e-9)
			if m.integer {
				m.c = 1
			}
		}
	}
	t := make([]float64, 0, len(raw))
	for _, x := range raw {
		if m.tf == logT && x <= 0 {
			continue
		}
		t = append(t, m.tf.apply(x, m.c))
	}
	slices.Sort(t)
	if len(t) < minRows {
		return
	}
	med := quantile(t, 0.5)
	dev := make([]float64, len(t))
	for i, x := range t {
		dev[i] = math.Abs(x - med)
	}
	slices.Sort(dev)
	scale := 1.4826 * quantile(dev, 0.5)
	if scale == 0 {
		scale = (quantile(t, 0.95) - quantile(t, 0.05)) / 3.29
	}
	if scale == 0 {
		scale = (quantile(t, 0.99) - quantile(t, 0.01)) / 4.65
	}
	m.center, m.scale = med, scale
	if scale <= 0 || math.IsNaN(scale) {
		return
	}
	m.outliers = true
	switch cfg.Method {
	case ZScore:
		var mean, m2 float64
		for i, x := range t {
			d := x - mean
			mean += d / float64(i+1)
			m2 += d * (x - mean)
		}
		sd := math.Sqrt(m2 / float64(len(t)-1))
		if sd == 0 {
			m.outliers = false
			return
		}
		m.center, m.scale = mean, sd
		m.lo, m.hi = mean-th.k*sd, mean+th.k*sd
	case IQR:
		q1, q3 := quantile(t, 0.25), quantile(t, 0.75)
		iqr := q3 - q1
		if iqr == 0 {
			iqr = 1.349 * scale
		}
		m.lo, m.hi = q1-th.iqrM*iqr, q3+th.iqrM*iqr
	default:
		m.lo, m.hi = med-th.k*scale, med+th.k*scale
	}
	// Tail-adaptive floor: a fence is never closer to the median than twice
	// the distance of the 1st/99th percentile (scaled with k), so that a
	// field whose tail is heavier than its transform made normal (zero-
	// inflated counts) does not flood.
	a := th.k / 5
	q01, q99 := quantile(t, 0.01), quantile(t, 0.99)
	m.lo = min(m.lo, q01-a*(med-q01))
	m.hi = max(m.hi, q99+a*(q99-med))
	// In a symmetric field, a sign bound is learned only when the
	// negatives are implausible under the fitted normal (expected share
	// below 0.01%) or far rarer than it predicts (a field truncated at zero,
	// like quantities of 1 to 9); a field that merely runs near zero (a
	// cold-chain temperature of 4 ± 1.5 °C) goes negative legitimately.
	if m.tf == identity && m.nonNeg {
		expected := 0.5 * math.Erfc(m.center/(m.scale*math.Sqrt2))
		observed := float64(s.neg) / float64(s.nums)
		m.nonNeg = expected < 1e-4 || observed < expected/4
	}
}

// sort0 returns the index of the first positive value of sorted values.
func sort0(s []float64) int {
	i, _ := slices.BinarySearchFunc(s, 0.0, func(a, b float64) int {
		if a <= b {
			return -1
		}
		return 1
	})
	return i
}

// keyLike tells whether a field may be a unique key from its name and format:
// an id-like name (id, *_id, *Id, uuid, guid, key, *_key, *_no, *_number,
// *_code) or UUID values.
func keyLike(name string, f Format) bool {
	if f == FormatUUID {
		return true
	}
	if f == FormatFloat || f == FormatDate || f == FormatDateTime || f == FormatBool {
		return false
	}
	n := len(name)
	lower := func(i int) byte {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c
	}
	hasSuffix := func(suf string) bool {
		if n < len(suf) {
			return false
		}
		for i := range len(suf) {
			if lower(n-len(suf)+i) != suf[i] {
				return false
			}
		}
		return true
	}
	switch {
	case hasSuffix("id") && (n == 2 || !isLowerLetter(name[n-3]) || name[n-2] == 'I'):
		return true
	case hasSuffix("uuid"), hasSuffix("guid"), hasSuffix("_key"), n == 3 && hasSuffix("key"),
		hasSuffix("_no"), hasSuffix("_number"), hasSuffix("_code"):
		return true
	}
	return false
}

func isLowerLetter(c byte) bool { return c >= 'a' && c <= 'z' }

// check judges one value against the model; z is the value's distance from
// the centre in scale units for an outlier (0 otherwise: the forest's gate
// computes the others only when it needs them).
// The value has been scanned: f and x come from scan(v).
func (m *model) check(v string, null bool, f Format, x float64, keys *KeySet) (k Kind, z float64, detail string) {
	if null {
		if m.required {
			return UnexpectedNull, 0, fmt.Sprintf("null in a field that is null in %.2f%% of rows", 100*m.nullRate)
		}
		return None, 0, ""
	}
	if m.checkFormat && !compatible(m.dominant, f) {
		return InvalidFormat, 0, fmt.Sprintf("%q is %s, the field is %.1f%% %s", clip(v), f, 100*m.share, m.dominant)
	}
	if m.key && keys != nil && keys.SeenKey(trimBlank(v)) {
		return Duplicate, 0, fmt.Sprintf("%q repeats a value of a unique key", clip(v))
	}
	switch {
	case m.numeric && f.numeric():
		if math.IsNaN(x) {
			return None, 0, ""
		}
		if b := m.bounds; (b.Min != nil && x < *b.Min) || (b.Max != nil && x > *b.Max) {
			return OutOfRange, 0, fmt.Sprintf("%v is outside the configured bounds %s", x, boundsText(b))
		}
		if m.nonNeg && x < 0 {
			return OutOfRange, 0, fmt.Sprintf("%v is negative, the field is learned non-negative", x)
		}
		if !m.outliers {
			return None, 0, ""
		}
		if m.tf == logT && x <= 0 {
			// A zero in a log-scaled field (rare zeros, rounding): the
			// sign bound judges negatives, a zero passes.
			return None, 0, ""
		}
		if (x < m.rawLo || x > m.rawHi) && !(m.integer && math.Abs(x-m.medRaw) <= 3) {
			z = (m.tf.apply(x, m.c) - m.center) / m.scale
			return Outlier, z, fmt.Sprintf("%v is beyond the learned range [%.4g, %.4g] (%s space, robust z %.1f)",
				x, m.rawLo, m.rawHi, m.tf, z)
		}
		return None, 0, ""
	case m.date && (f == FormatDate || f == FormatDateTime):
		hi := m.dateHi
		if m.trending {
			hi = max(hi, m.dateTop+m.dateAllow)
		}
		if x < m.dateLo || x > hi {
			return OutOfRange, 0, fmt.Sprintf("%s is outside the learned dates %s to %s", clip(v), dayText(m.dateLo), dayText(hi))
		}
		if m.trending && x > m.dateTop {
			m.dateTop = x // accepted: the fence moves on with the events
		}
	}
	return None, 0, ""
}

func clip(v string) string {
	if len(v) > 40 {
		return v[:37] + "..."
	}
	return v
}

func boundsText(b Bounds) string {
	lo, hi := "-inf", "+inf"
	if b.Min != nil {
		lo = strconv.FormatFloat(*b.Min, 'g', -1, 64)
	}
	if b.Max != nil {
		hi = strconv.FormatFloat(*b.Max, 'g', -1, 64)
	}
	return "[" + lo + ", " + hi + "]"
}

// dayText formats a day number since 1970-01-01 as YYYY-MM-DD.
func dayText(d float64) string {
	y, m, day := schemas.Civil(int64(math.Floor(d)))
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}
