package anomaly

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestReservoirQuantiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		gen  func(r *rand.Rand) float64
	}{
		{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() }},
		{"lognormal", func(r *rand.Rand) float64 { return math.Exp(2 * r.NormFloat64()) }},
		{"uniform", func(r *rand.Rand) float64 { return r.Float64() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, 2))
			const n = 200_000
			all := make([]float64, n)
			res := NewReservoir(4096, 7)
			for i := range all {
				all[i] = tt.gen(r)
				res.Add(all[i])
			}
			slices.Sort(all)
			for _, q := range []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99} {
				est := res.Quantile(q)
				rank, _ := slices.BinarySearch(all, est)
				if e := math.Abs(float64(rank)/n - q); e > 0.02 {
					t.Errorf("q%.2f: estimate %v has rank %.4f (error %.4f > 0.02)", q, est, float64(rank)/n, e)
				}
			}
			if res.Count() != n || len(res.vals) != 4096 {
				t.Errorf("count %d, kept %d", res.Count(), len(res.vals))
			}
		})
	}
}

func TestDistinct(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 10, 4000, 100_000} {
		d := NewDistinct(4096)
		r := rand.New(rand.NewPCG(3, uint64(n)))
		for i := range n {
			h := r.Uint64()
			d.AddHash(h)
			if i%3 == 0 {
				d.AddHash(h) // repeats do not count
			}
		}
		got := d.Estimate()
		if n <= 4096 && got != float64(n) {
			t.Errorf("n=%d: estimate %v, want exact", n, got)
		}
		if n > 4096 && math.Abs(got-float64(n))/float64(n) > 0.05 {
			t.Errorf("n=%d: estimate %v off by more than 5%%", n, got)
		}
	}
}

func TestKeySet(t *testing.T) {
	t.Parallel()
	all := NewKeySet(0)
	for i := range uint64(10_000) {
		if all.Seen(i*0x9e3779b97f4a7c15 + 1) {
			t.Fatalf("key %d seen before it was added", i)
		}
	}
	for i := range uint64(10_000) {
		if !all.Seen(i*0x9e3779b97f4a7c15 + 1) {
			t.Fatalf("key %d forgotten without a window", i)
		}
	}
	if all.Len() != 10_000 || all.Bytes() > 16*10_000*2 {
		t.Errorf("len %d, %d bytes", all.Len(), all.Bytes())
	}
	win := NewKeySet(1000)
	for i := range uint64(5000) {
		win.Seen(i + 1)
	}
	if win.Len() > 1000 {
		t.Errorf("window of 1000 keeps %d keys", win.Len())
	}
	if !win.Seen(4999) || win.Seen(1) {
		t.Errorf("window keeps the wrong keys")
	}
}

func TestForestFindsPlantedOutliers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	var data [][]float64
	for range 2000 {
		data = append(data, []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()})
	}
	f := NewForest(data, 100, 256, 42)
	// Points off in several dimensions at once; a point extreme in one
	// dimension only is the per-field fences' job (a forest never splits
	// beyond the range of its sample).
	planted := [][]float64{{6, 6, 0}, {-5, 4, 5}, {-4, 4, 4}, {4, -4, -4}}
	var maxNormal float64
	for range 2000 {
		maxNormal = max(maxNormal, f.Score([]float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}))
	}
	for _, p := range planted {
		if s := f.Score(p); s <= maxNormal || s < 0.65 {
			t.Errorf("planted %v scores %.3f, max normal %.3f", p, s, maxNormal)
		}
	}
	if s := f.Score([]float64{0, 0, 0}); s > 0.5 {
		t.Errorf("centre scores %.3f, want ≤ 0.5", s)
	}
	// Deterministic for a seed.
	g := NewForest(data, 100, 256, 42)
	if f.Score(planted[0]) != g.Score(planted[0]) {
		t.Error("same seed, different forests")
	}
}

func TestTextSampleIsUniform(t *testing.T) {
	t.Parallel()
	ts := textSample{cap: 512, rng: rng{9}}
	for i := range 200_000 {
		ts.add([]string{"a", "b", "b", "c", "c", "c", "c", "c"}[i%8])
	}
	want := map[string]float64{"c": 5.0 / 8, "b": 2.0 / 8, "a": 1.0 / 8}
	for _, tv := range ts.top(3) {
		if math.Abs(tv.Share-want[tv.Value]) > 0.06 {
			t.Errorf("%s: share %.3f, want %.3f", tv.Value, tv.Share, want[tv.Value])
		}
	}
	// Later values are sampled too, not only the first ones.
	late := textSample{cap: 64, rng: rng{3}}
	for i := range 100_000 {
		v := "early"
		if i >= 50_000 {
			v = "late"
		}
		late.add(v)
	}
	if top := late.top(2); len(top) != 2 || math.Abs(top[0].Share-0.5) > 0.2 {
		t.Errorf("top %v, want about half late", top)
	}
}

func TestKeySetTextKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		n     int64
		isInt bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"-42", -42, true},
		{"123456789012345678", 123456789012345678, true},
		{"1234567890123456789", 0, false}, // 19 digits: hashed as text
		{"07", 0, false},
		{"-0", 0, false},
		{"+7", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"12a", 0, false},
		{"1.0", 0, false},
	}
	for _, tt := range tests {
		if n, ok := canonicalInt(tt.in); ok != tt.isInt || n != tt.n {
			t.Errorf("canonicalInt(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.isInt)
		}
	}
	// Texts that differ are different keys, even where the numbers agree.
	ks := NewKeySet(0)
	for _, k := range []string{"7", "07", "+7", "7.0", "-0", "0", "abc", "1234567890123456789"} {
		if ks.SeenKey(k) {
			t.Errorf("%q reported as a repeat of a different key", k)
		}
	}
	// Ascending ids, ids one table-size apart, negative and text keys:
	// every repeat is found and nothing else.
	ks = NewKeySet(0)
	var keys []string
	for i := range 20_000 {
		keys = append(keys, strconv.Itoa(i), strconv.Itoa(i+1<<16), strconv.Itoa(-i-1), "k"+strconv.Itoa(i))
	}
	for _, k := range keys {
		if ks.SeenKey(k) {
			t.Fatalf("%q seen before it was added", k)
		}
	}
	for _, k := range keys {
		if !ks.SeenKey(k) {
			t.Fatalf("%q forgotten", k)
		}
	}
	if ks.Len() != len(keys) {
		t.Errorf("len %d, want %d", ks.Len(), len(keys))
	}
}
