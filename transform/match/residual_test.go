package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// flags returns n boolean words, a share p of them true.
func flags(r *rand.Rand, n int, p float64, t, f string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f
		if r.Float64() < p {
			out[i] = t
		}
	}
	return out
}

func ints(r *rand.Rand, n, lo, hi int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(lo + r.IntN(hi-lo+1))
	}
	return out
}

// TestResidual checks residual matching: columns with neutral names left
// over once the clear pairs are fixed are paired when their values agree
// with one partner only, and left unmapped when they disagree or when two
// partners fit equally well.
func TestResidual(t *testing.T) {
	t.Parallel()
	const n = 150
	tests := []struct {
		name string
		src  func(r *rand.Rand) map[string][]string
		tgt  func(r *rand.Rand) map[string][]string
		want map[string]string // source → target; others must stay unmapped
	}{
		{
			name: "booleans with the same share of true",
			src:  func(r *rand.Rand) map[string][]string { return map[string][]string{"hot": flags(r, n, 0.2, "Y", "N")} },
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"escalated": flags(r, n, 0.2, "true", "false"), "sla_breached": flags(r, n, 0.85, "true", "false")}
			},
			want: map[string]string{"hot": "escalated"},
		},
		{
			name: "1/0 integers are booleans",
			src: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"remote": flags(r, n, 0.5, "1", "0")}
			},
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"works_from_home": flags(r, n, 0.5, "true", "false"), "on_leave": flags(r, n, 0.9, "true", "false")}
			},
			want: map[string]string{"remote": "works_from_home"},
		},
		{
			name: "booleans with different shares stay apart",
			src: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"taxable": flags(r, n, 0.85, "Y", "N")}
			},
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"featured": flags(r, n, 0.3, "true", "false")}
			},
			want: map[string]string{},
		},
		{
			name: "two equally good partners: abstain",
			src:  func(r *rand.Rand) map[string][]string { return map[string][]string{"hot": flags(r, n, 0.4, "Y", "N")} },
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"escalated": flags(r, n, 0.4, "true", "false"), "vip": flags(r, n, 0.4, "true", "false")}
			},
			want: map[string]string{},
		},
		{
			name: "integers by range and shape",
			src: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"tenure": ints(r, n, 1, 240), "pto": ints(r, n, 0, 30)}
			},
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"months_of_service": ints(r, n, 1, 240), "vacation_left": ints(r, n, 0, 30), "score": ints(r, n, 300, 850)}
			},
			want: map[string]string{"tenure": "months_of_service", "pto": "vacation_left"},
		},
		{
			name: "integers of other ranges stay apart",
			src:  func(r *rand.Rand) map[string][]string { return map[string][]string{"pulse": ints(r, n, 50, 120)} },
			tgt: func(r *rand.Rand) map[string][]string {
				return map[string][]string{"shelf_life_days": ints(r, n, 0, 30)}
			},
			want: map[string]string{},
		},
	}
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(uint64(k), 3))
			sc, tcols := tc.src(r), tc.tgt(r)
			src := schemaOf(sc, keys(sc)...)
			tgt := schemaOf(tcols, keys(tcols)...)
			res := matchDefault(t, src, tgt)
			got := map[string]string{}
			for _, mp := range res.Mappings {
				got[mp.Source] = mp.Target
				if mp.Evidence.Residual > 0 && (mp.Confidence < DefaultThreshold || mp.Confidence > residText) {
					t.Errorf("%s -> %s confidence %.3f outside [%.2f, %.2f]", mp.Source, mp.Target, mp.Confidence, DefaultThreshold, residText)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("mappings %v, want %v", got, tc.want)
			}
			for s, want := range tc.want {
				if got[s] != want {
					t.Errorf("%s -> %q, want %q", s, got[s], want)
				}
			}
		})
	}
}

// matchDefault matches with the default configuration and no store.
func matchDefault(t *testing.T, src, tgt []infer.Field) Result {
	t.Helper()
	m, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Match(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestResidualConversionFromZeroOne(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	src := schemaOf(map[string][]string{"remote": flags(r, 100, 0.5, "1", "0")}, "remote")
	tgt := schemaOf(map[string][]string{"works_from_home": flags(r, 100, 0.5, "Y", "N")}, "works_from_home")
	res := matchDefault(t, src, tgt)
	if len(res.Mappings) != 1 {
		t.Fatalf("mappings %+v", res.Mappings)
	}
	c := res.Mappings[0].Conversion
	if !reflect.DeepEqual(c, Conversion{Kind: ConvBoolWords, From: "1/0", To: "y/n"}) {
		t.Fatalf("conversion %+v", c)
	}
	if v, err := c.Apply("1"); err != nil || v != "Y" {
		t.Errorf("Apply(1) = %q, %v", v, err)
	}
}
