package quality

import "github.com/heliosdb/helios-etl/transform/anomaly"

// Score is a set of quality dimensions, each in [0, 1] (1 is perfect).
type Score struct {
	// Completeness is 1 − unexpected nulls / cells of required fields: a
	// legitimately nullable field (learned or declared) does not lower it.
	Completeness float64 `json:"completeness"`
	// Validity is 1 − (invalid formats + out-of-range values) / non-null
	// cells of fields with a dominant format.
	Validity float64 `json:"validity"`
	// Uniqueness is 1 − duplicates / non-null cells of unique-key fields
	// (1 when there is no key).
	Uniqueness float64 `json:"uniqueness"`
	// Consistency is 1 − violations / cells checked: declared rules when a
	// [Window] is given them, otherwise agreement with the learned
	// distribution (1 − outliers / non-null numeric cells).
	Consistency float64 `json:"consistency"`
	// Timeliness is the share of records whose event-time lag is within the
	// window's limit (streams only; 1 for files).
	Timeliness float64 `json:"-"`
	// Overall is the weighted mean 0.3·completeness + 0.3·validity +
	// 0.2·uniqueness + 0.2·consistency, times timeliness.
	Overall float64 `json:"overall"`
}

func ratio(bad, of uint64) float64 {
	if of == 0 {
		return 1
	}
	return max(0, 1-float64(bad)/float64(of))
}

// ScoreOf computes the scores from a field's (or a table's) counts.
func ScoreOf(c anomaly.Counts) Score {
	s := Score{
		Completeness: ratio(c.ByKind[anomaly.UnexpectedNull], c.Required),
		Validity:     ratio(c.ByKind[anomaly.InvalidFormat]+c.ByKind[anomaly.OutOfRange], c.Typed),
		Uniqueness:   ratio(c.ByKind[anomaly.Duplicate], c.Keys),
		Consistency:  ratio(c.ByKind[anomaly.Outlier], c.Numeric),
		Timeliness:   1,
	}
	s.Overall = s.overall()
	return s
}

func (s Score) overall() float64 {
	return s.Timeliness * (0.3*s.Completeness + 0.3*s.Validity + 0.2*s.Uniqueness + 0.2*s.Consistency)
}

func add(t *anomaly.Counts, c anomaly.Counts) {
	t.Cells += c.Cells
	t.Nulls += c.Nulls
	t.Required += c.Required
	t.Typed += c.Typed
	t.Numeric += c.Numeric
	t.Keys += c.Keys
	for k := range c.ByKind {
		t.ByKind[k] += c.ByKind[k]
	}
}
