package anomaly

import "math"

// FieldSummary is what a detector has learned about a field and found in it,
// for reports.
type FieldSummary struct {
	Name string
	// Rows seen while learning and the nulls among them.
	Rows, Nulls uint64
	NullRate    float64
	// Required fields have a learned null rate at or below the threshold:
	// their nulls are unexpected.
	Required bool
	// Format is the dominant format and Share the part of the non-null
	// values it covers; Checked tells whether formats are judged.
	Format  Format
	Share   float64
	Checked bool
	// Key tells whether the field is a unique key; Distinct estimates its
	// number of distinct values.
	Key      bool
	Distinct float64

	// Numeric fields: the transform used, quantiles of the raw values
	// (P[0..4] = 1%, 25%, 50%, 75%, 99%), mean and standard deviation, the
	// outlier fences in raw units, and whether negatives are out of range.
	Numeric     bool
	Transform   string
	Min, Max    float64
	Mean, Std   float64
	P           [5]float64
	Lo, Hi      float64
	NonNegative bool
	// Hist is a histogram of the sampled values in the transformed space.
	Hist []Bin

	// Date fields: the learned range (YYYY-MM-DD) and, in Hist, a
	// histogram of the sampled dates in day numbers (see [DayText]).
	Date           bool
	DateLo, DateHi string
	DayLo, DayHi   float64

	// Top are the most frequent values of a text or boolean field, from a
	// sample (shares are estimates).
	Top []TopValue

	// Counts are what the checks found.
	Counts Counts
}

// TopValue is a frequent value and its estimated share of non-null values.
type TopValue struct {
	Value string
	Share float64
}

// Bin is one histogram bar: values in [Lo, Hi) in raw units.
type Bin struct {
	Lo, Hi float64
	N      int
}

// Fields summarizes every field (after [Detector.Freeze]).
func (d *Detector) Fields() []FieldSummary {
	out := make([]FieldSummary, 0, len(d.models))
	for i := range d.models {
		m, s := &d.models[i], d.states[i]
		fs := FieldSummary{
			Name: m.name, Rows: s.n, Nulls: s.nulls, NullRate: m.nullRate, Required: m.required,
			Format: m.dominant, Share: m.share, Checked: m.checkFormat, Key: m.key, Distinct: m.distinct,
			Numeric: m.numeric, Transform: m.tf.String(), NonNegative: m.nonNeg,
			Date: m.date, Counts: d.counts[i],
		}
		if m.date {
			fs.DateLo, fs.DateHi = dayText(m.dateLo), dayText(m.dateHi)
			fs.DayLo, fs.DayHi = m.dateLo, m.dateHi
			fs.Hist = dayHistogram(s.date.Sorted(nil), m.dateLo, m.dateHi, 40)
		}
		if !m.key && (m.dominant == FormatText || m.dominant == FormatBool) && len(s.text.vals) > 0 {
			fs.Top = s.text.top(8)
		}
		if m.numeric && s.nums > 0 {
			fs.Min, fs.Max, fs.Mean = s.min, s.max, s.mean
			if s.nums > 1 {
				fs.Std = math.Sqrt(s.m2 / float64(s.nums-1))
			}
			sorted := s.num.Sorted(nil)
			for j, q := range []float64{0.01, 0.25, 0.5, 0.75, 0.99} {
				fs.P[j] = quantile(sorted, q)
			}
			fs.Lo, fs.Hi = math.Inf(-1), math.Inf(1)
			if m.outliers {
				fs.Lo, fs.Hi = m.tf.invert(m.lo, m.c), m.tf.invert(m.hi, m.c)
			}
			fs.Hist = m.histogram(sorted, 40)
		}
		out = append(out, fs)
	}
	return out
}

// histogram bins the sorted sample in the model's space between its 0.5%
// and 99.5% quantiles, widened to show the outlier fences (values beyond go
// to the end bins).
func (m *model) histogram(sorted []float64, bins int) []Bin {
	t := make([]float64, 0, len(sorted))
	for _, x := range sorted {
		if m.tf == logT && x <= 0 {
			continue
		}
		t = append(t, m.tf.apply(x, m.c))
	}
	if len(t) == 0 {
		return nil
	}
	lo, hi := quantile(t, 0.005), quantile(t, 0.995)
	if m.outliers && hi > lo {
		// Show the fences, with room for a person to see where the bulk
		// of the values stands between them.
		lo, hi = min(lo, m.lo-0.05*(m.hi-m.lo)), max(hi, m.hi+0.05*(m.hi-m.lo))
	}
	if !(hi > lo) {
		lo, hi = t[0], t[len(t)-1]
		if !(hi > lo) {
			return []Bin{{Lo: m.tf.invert(lo, m.c), Hi: m.tf.invert(lo, m.c), N: len(t)}}
		}
	}
	out := make([]Bin, bins)
	w := (hi - lo) / float64(bins)
	for j := range out {
		out[j].Lo, out[j].Hi = m.tf.invert(lo+float64(j)*w, m.c), m.tf.invert(lo+float64(j+1)*w, m.c)
	}
	for _, v := range t {
		j := int((v - lo) / w)
		out[max(0, min(bins-1, j))].N++
	}
	return out
}

// Rows returns how many rows were learned and checked.
func (d *Detector) Rows() (learned, checked uint64) { return d.learned, d.checked }

// dayHistogram bins sampled day numbers over the learned span, widened to
// the sample's extremes by at most 15% of the span each side.
func dayHistogram(sorted []float64, lo, hi float64, bins int) []Bin {
	if len(sorted) == 0 || !(hi > lo) {
		return nil
	}
	span := hi - lo
	lo = max(min(lo, sorted[0]), lo-0.15*span)
	hi = min(max(hi, sorted[len(sorted)-1]+1), hi+0.15*span)
	out := make([]Bin, bins)
	w := (hi - lo) / float64(bins)
	for j := range out {
		out[j].Lo, out[j].Hi = lo+float64(j)*w, lo+float64(j+1)*w
	}
	for _, v := range sorted {
		out[max(0, min(bins-1, int((v-lo)/w)))].N++
	}
	return out
}

// DayText formats a day number since 1970-01-01 as YYYY-MM-DD.
func DayText(d float64) string { return dayText(d) }
