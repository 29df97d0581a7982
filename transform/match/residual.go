package match

import (
	"math"
	"strconv"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// Residual matching: once the pairs that names and shared values make clear
// are fixed, the columns left on both sides are a much smaller set, and a
// column whose values look like exactly one of the remaining columns of the
// other side, and like nothing else left, is likely its partner even when
// the names say nothing (churned, is_cancelled) and the values are of a kind
// that meet by chance (booleans, small integers). See "Residual matching"
// in the package documentation.

// Residual bases: the confidence a perfect, unambiguous agreement of each
// kind of values earns. Booleans carry one number (their share of true) and
// dates only a range, so they earn less than integers (range and shape) and
// categories (shared values).
const (
	residBool = 0.62
	residNum  = 0.7
	residTime = 0.55
	residText = 0.75
)

// residualAgreement scores in [0,1] how well the values of two columns
// agree when their names are neutral: booleans by a two-proportion test
// of their shares of true, numbers by Kolmogorov-Smirnov and the overlap of
// their ranges, dates by the overlap of their ranges, categories by shared
// values. It is 0 when the classes differ, a side has no values, the
// semantic kinds conflict or the names contradict each other.
func residualAgreement(s, t *column, ev Evidence) (agree, base float64) {
	sv, tv := &s.val, &t.val
	if sv.class == classNone || tv.class == classNone {
		return 0, 0
	}
	if a, b := sv.f.Semantic, tv.f.Semantic; a != "" && b != "" && a != b && !sameConcept(a, b) {
		return 0, 0
	}
	if negated(s.name.flat, t.name.flat) || negated(t.name.flat, s.name.flat) {
		return 0, 0
	}
	agree, base = sameClassAgreement(sv, tv, ev)
	if (sv.class == classText || tv.class == classText) && sv.class != classNumber && tv.class != classNumber {
		if h := histAgreement(sv, tv); h*residHist > agree*base {
			agree, base = h, residHist
		}
	}
	if g, _ := scaledAgreement(sv, tv); g*residScaled > agree*base {
		agree, base = g, residScaled
	}
	return agree, base
}

// Residual bases of the value evidence of align.go: aligned category
// frequencies, and numbers in another unit.
const (
	residHist   = 0.62
	residScaled = 0.62
)

// sameClassAgreement is residualAgreement for two columns of one class.
func sameClassAgreement(sv, tv *valueInfo, ev Evidence) (agree, base float64) {
	if sv.class != tv.class {
		return 0, 0
	}
	switch sv.class {
	case classBool:
		n1, n2 := float64(len(sv.f.Sample)), float64(len(tv.f.Sample))
		p := (sv.trueSh*n1 + tv.trueSh*n2) / (n1 + n2)
		if p < 0.02 || p > 0.98 || n1 < 10 || n2 < 10 {
			return 0, 0 // nearly constant: nothing to compare
		}
		se := math.Sqrt(p * (1 - p) * (1/n1 + 1/n2))
		z := math.Abs(sv.trueSh-tv.trueSh) / se
		return consistent(math.Erfc(z / math.Sqrt2)), residBool
	case classNumber:
		if (sv.typ == infer.Integer) != (tv.typ == infer.Integer) || len(sv.nums) < 10 || len(tv.nums) < 10 {
			return 0, 0
		}
		lo, hi := max(sv.nums[0], tv.nums[0]), min(sv.nums[len(sv.nums)-1], tv.nums[len(tv.nums)-1])
		span := max(sv.nums[len(sv.nums)-1], tv.nums[len(tv.nums)-1]) - min(sv.nums[0], tv.nums[0])
		rng := 1.0
		if span > 0 {
			rng = max(0, hi-lo) / span
		}
		return consistent(ksPValue(ks(sv.nums, tv.nums), len(sv.nums), len(tv.nums))) * rng, residNum
	case classTime:
		return max(0, ev.Distribution), residTime
	default:
		if ev.Overlap < 0 {
			return 0, 0
		}
		return ev.Overlap * max(0, ev.Distribution), residText
	}
}

// consistent maps the p-value of a test that two samples come from one
// distribution to an agreement in [0,1]: every p-value above 0.05 is full
// agreement (the test does not reject at 5%), so that two
// candidates that both fit are seen as equally good, and the agreement
// falls to 0 as the test rejects.
func consistent(p float64) float64 { return min(1, p/0.05) }

// ksPValue is the asymptotic p-value of a two-sample Kolmogorov-Smirnov
// statistic d for samples of n1 and n2 values.
func ksPValue(d float64, n1, n2 int) float64 {
	ne := float64(n1) * float64(n2) / float64(n1+n2)
	l := (math.Sqrt(ne) + 0.12 + 0.11/math.Sqrt(ne)) * d
	if l < 0.3 {
		return 1
	}
	sum, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		term := sign * math.Exp(-2*float64(k*k)*l*l)
		sum += term
		if math.Abs(term) < 1e-10 {
			break
		}
		sign = -sign
	}
	return min(1, max(0, 2*sum))
}

// residual scores the columns left unassigned, rows × cols indexes into
// sc and tc: the agreement of each pair times its base, discounted by how
// well the next best partner of either column agrees. A pair whose columns
// each have one clear match among those left keeps its full score; two
// equally good candidates halve it.
func residual(sc, tc []column, rows, cols []int, ev func(i, j int) Evidence) [][]float64 {
	agree := make([][]float64, len(rows))
	base := make([][]float64, len(rows))
	name := make([][]float64, len(rows))
	for a, i := range rows {
		agree[a] = make([]float64, len(cols))
		base[a] = make([]float64, len(cols))
		name[a] = make([]float64, len(cols))
		for b, j := range cols {
			e := ev(i, j)
			agree[a][b], base[a][b] = residualAgreement(&sc[i], &tc[j], e)
			name[a][b] = e.Name
		}
	}
	out := make([][]float64, len(rows))
	for a := range rows {
		out[a] = make([]float64, len(cols))
		for b := range cols {
			x := agree[a][b]
			if x <= 0 {
				continue
			}
			second := 0.0
			for b2 := range cols {
				if b2 != b {
					second = max(second, agree[a][b2])
				}
			}
			for a2 := range rows {
				if a2 != a {
					second = max(second, agree[a2][b])
				}
			}
			excl := max(0, 1-second/x)
			out[a][b] = base[a][b] * x * (0.5 + 0.5*excl)
			// names that partly agree add their weak evidence (noisy-or)
			n := name[a][b]
			out[a][b] = 1 - (1-out[a][b])*(1-0.9*n*n)
		}
	}
	return out
}

// zeroOne reports an integer column holding only 0 and 1: a boolean.
func zeroOne(f *infer.Field) bool {
	if f.Type != infer.Integer || f.Distinct > 2 || f.Distinct == 0 {
		return false
	}
	lo, err1 := strconv.Atoi(f.Min)
	hi, err2 := strconv.Atoi(f.Max)
	return err1 == nil && err2 == nil && lo >= 0 && hi <= 1
}
