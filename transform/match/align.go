package match

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Value evidence that needs no name support: two columns of categories
// whose value frequencies align (codes MOC/SMSMO/GPRS against words
// voice/sms/data; E/A against true/false), and numbers that are the same
// quantity in another unit (thousands, cents, seconds against minutes or
// hh:mm:ss durations). Both are used in residual matching, where the
// exclusivity discount keeps two equally good candidates from being paired.

// maxCats is the most distinct values a column of categories may have for
// its frequencies to be compared.
const maxCats = 12

// categories returns the distinct values of a column with 2 to maxCats of
// them, most frequent first, with their shares of the sample.
func categories(sample []string, exact bool, distinct int64) ([]string, []float64) {
	if !exact || distinct < 2 || distinct > maxCats || len(sample) < 30 {
		return nil, nil
	}
	var vals []string
	var counts []int
	for _, s := range sample {
		s = strings.TrimSpace(s)
		i := slices.Index(vals, s)
		if i < 0 {
			if len(vals) == maxCats {
				return nil, nil
			}
			vals, counts = append(vals, s), append(counts, 0)
			i = len(vals) - 1
		}
		counts[i]++
	}
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return counts[b] - counts[a] })
	out, sh := make([]string, len(vals)), make([]float64, len(vals))
	for k, i := range idx {
		out[k], sh[k] = vals[i], float64(counts[i])/float64(len(sample))
	}
	return out, sh
}

// histAgreement is the agreement in [0,1] of two columns of categories
// whose values differ (no value in common once canonical) but whose
// frequencies, ranked, are the same: a chi-square test of homogeneity on
// the ranked counts (Wilson-Hilferty approximation), every p-value above
// 0.05 full agreement. Shares that tie within a column make the ranking,
// hence the value map, uncertain, so near-uniform columns agree less.
func histAgreement(s, t *valueInfo) float64 {
	k := len(s.cats)
	if k < 2 || k != len(t.cats) || s.canon.overlaps(t.canon) {
		return 0
	}
	n1, n2 := float64(len(s.f.Sample)), float64(len(t.f.Sample))
	chi := 0.0
	for i := range k {
		c1, c2 := s.catShare[i]*n1, t.catShare[i]*n2
		e1 := n1 * (c1 + c2) / (n1 + n2)
		e2 := n2 * (c1 + c2) / (n1 + n2)
		chi += (c1-e1)*(c1-e1)/e1 + (c2-e2)*(c2-e2)/e2
	}
	df := float64(k - 1)
	z := (math.Cbrt(chi/df) - (1 - 2/(9*df))) / math.Sqrt(2/(9*df))
	p := 0.5 * math.Erfc(z/math.Sqrt2)
	return consistent(p)
}

// rankMap pairs the categories of s and t by frequency rank, when their
// frequencies align and neighbouring shares are apart by at least twice
// the sampling error of a share on both sides (else the ranks, hence the
// map, are uncertain); nil otherwise.
func rankMap(s, t *valueInfo) map[string]string {
	if histAgreement(s, t) == 0 {
		return nil
	}
	se := math.Sqrt(0.25 / float64(min(len(s.f.Sample), len(t.f.Sample))))
	for i := 1; i < len(s.cats); i++ {
		if min(s.catShare[i-1]-s.catShare[i], t.catShare[i-1]-t.catShare[i]) < 2*se {
			return nil
		}
	}
	m := make(map[string]string, len(s.cats))
	for i, c := range s.cats {
		m[c] = t.cats[i]
	}
	return m
}

// overlaps reports whether two hash sets share a value.
func (a hashSet) overlaps(b hashSet) bool { return intersect(a, b) > 0 }

// scales are the unit factors tried between two numeric columns: minutes,
// cents and hundreds, thousands, hours.
var scales = []float64{60, 100, 1000, 3600}

// durationSeconds reads [h]h:mm:ss as seconds.
func durationSeconds(s string) (float64, bool) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) != 3 || len(parts[1]) != 2 || len(parts[2]) != 2 {
		return 0, false
	}
	var sec float64
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || (i > 0 && x >= 60) {
			return 0, false
		}
		sec = sec*60 + float64(x)
	}
	return sec, true
}

// durations returns the sample read as seconds, sorted, when every value
// is an hh:mm:ss duration; nil otherwise.
func durations(sample []string) []float64 {
	if len(sample) < 10 {
		return nil
	}
	out := make([]float64, 0, len(sample))
	for _, s := range sample {
		x, ok := durationSeconds(s)
		if !ok {
			return nil
		}
		out = append(out, x)
	}
	slices.Sort(out)
	return out
}

// magnitudes returns the numbers of a column: its numbers, or its
// durations in seconds.
func magnitudes(v *valueInfo) []float64 {
	if v.durs != nil {
		return v.durs
	}
	if v.class == classNumber {
		return v.nums
	}
	return nil
}

// scaledAgreement finds a unit factor f (scales, either way, or 1 against
// durations) such that the source's numbers times f follow the target's
// distribution: the Kolmogorov-Smirnov p-value times the overlap of the
// ranges. It returns the agreement and the factor (0 when none fits).
func scaledAgreement(s, t *valueInfo) (float64, float64) {
	a, b := magnitudes(s), magnitudes(t)
	if len(a) < 10 || len(b) < 10 || (s.durs == nil && t.durs == nil && s.class != classNumber) {
		return 0, 0
	}
	facs := make([]float64, 0, 2*len(scales)+1)
	if s.durs != nil || t.durs != nil {
		facs = append(facs, 1) // seconds against hh:mm:ss
	}
	for _, f := range scales {
		facs = append(facs, f, 1/f)
	}
	best, bestF := 0.0, 0.0
	scaled := make([]float64, len(a))
	for _, f := range facs {
		for i, x := range a {
			scaled[i] = x * f
		}
		lo, hi := max(scaled[0], b[0]), min(scaled[len(scaled)-1], b[len(b)-1])
		span := max(scaled[len(scaled)-1], b[len(b)-1]) - min(scaled[0], b[0])
		rng := 1.0
		if span > 0 {
			rng = max(0, hi-lo) / span
		}
		if g := consistent(ksPValue(ks(scaled, b), len(a), len(b))) * rng; g > best {
			best, bestF = g, f
		}
	}
	return best, bestF
}
