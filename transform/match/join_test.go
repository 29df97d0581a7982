package match

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// joinTables builds two tables sharing the entities id 0..n-1 (the
// target writes them with a prefix and zero padding) with the given
// extra columns, each a function of the row.
func joinTables(t *testing.T, n int, src, tgt map[string]func(i int) string) ([]infer.Field, []infer.Field) {
	t.Helper()
	build := func(key func(int) string, cols map[string]func(int) string) []infer.Field {
		names := []string{"key"}
		for c := range cols {
			names = append(names, c)
		}
		p := infer.NewProfiler(names, infer.Config{})
		for i := range n {
			row := []string{key(i)}
			for _, c := range names[1:] {
				row = append(row, cols[c](i))
			}
			p.Observe(row, nil, i+1, names)
		}
		return p.Schema().Fields
	}
	s := build(func(i int) string { return strconv.Itoa(40000 + i) }, src)
	tg := build(func(i int) string { return fmt.Sprintf("RA%09d", 40000+i) }, tgt)
	return s, tg
}

// noise is a deterministic pseudo-random number in [0,1) for row i.
func noise(i, salt int) float64 {
	x := uint64(i)<<16 ^ uint64(salt) // splitmix64
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

func TestJoinedEvidence(t *testing.T) {
	celsius := func(i int) float64 { return math.Round((5+30*noise(i, 1))*10) / 10 }
	nights := func(i int) int { return 1 + int(6*noise(i, 2)) }
	rate := func(i int) float64 { return math.Round(80 + 100*noise(i, 3)) }
	codes := []string{"1", "2", "3", "4"}
	words := []string{"Idle", "Running", "Fault", "Off"}
	tests := []struct {
		name     string
		rows     int
		src, tgt map[string]func(int) string
		want     map[string]string // source → target; absent: unmapped
		conv     map[string]string // source → conversion kind
	}{
		{
			name: "unit with offset", rows: 120,
			src:  map[string]func(int) string{"c1": func(i int) string { return strconv.FormatFloat(celsius(i), 'f', 1, 64) }},
			tgt:  map[string]func(int) string{"v2": func(i int) string { return strconv.FormatFloat(celsius(i)*1.8+32, 'f', 2, 64) }},
			want: map[string]string{"key": "key", "c1": "v2"},
			conv: map[string]string{"c1": ConvLinear},
		},
		{
			name: "codes and words", rows: 120,
			src:  map[string]func(int) string{"s": func(i int) string { return codes[int(4*noise(i, 4))] }},
			tgt:  map[string]func(int) string{"w": func(i int) string { return words[int(4*noise(i, 4))] }},
			want: map[string]string{"key": "key", "s": "w"},
			conv: map[string]string{"s": ConvValueMap},
		},
		{
			// a total = rate × nights is no linear function of the rate
			name: "total is not a rate", rows: 120,
			src:  map[string]func(int) string{"r": func(i int) string { return strconv.FormatFloat(rate(i), 'f', 2, 64) }},
			tgt:  map[string]func(int) string{"tot": func(i int) string { return strconv.FormatFloat(rate(i)*float64(nights(i)), 'f', 2, 64) }},
			want: map[string]string{"key": "key"},
		},
		{
			// two independent flags
			name: "independent flags", rows: 120,
			src:  map[string]func(int) string{"f": func(i int) string { return strconv.FormatBool(noise(i, 5) < 0.5) }},
			tgt:  map[string]func(int) string{"g": func(i int) string { return strconv.FormatBool(noise(i, 6) < 0.5) }},
			want: map[string]string{"key": "key"},
		},
		{
			// two targets fit equally well: abstain
			name: "two equal fits", rows: 120,
			src: map[string]func(int) string{"w1": func(i int) string { return strconv.Itoa(int(1000 * noise(i, 7))) }},
			tgt: map[string]func(int) string{
				"k1": func(i int) string { return strconv.FormatFloat(float64(int(1000*noise(i, 7)))/1000, 'f', 3, 64) },
				"k2": func(i int) string { return strconv.FormatFloat(float64(int(1000*noise(i, 7)))/1000, 'f', 3, 64) },
			},
			want: map[string]string{"key": "key"},
		},
		{
			// too few shared entities to conclude
			name: "few rows", rows: 12,
			src:  map[string]func(int) string{"c1": func(i int) string { return strconv.FormatFloat(celsius(i), 'f', 1, 64) }},
			tgt:  map[string]func(int) string{"v2": func(i int) string { return strconv.FormatFloat(celsius(i)*1.8+32, 'f', 2, 64) }},
			want: map[string]string{"key": "key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, tgt := joinTables(t, tt.rows, tt.src, tt.tgt)
			res := matchDefault(t, src, tgt)
			got := map[string]Mapping{}
			for _, mp := range res.Mappings {
				got[mp.Source] = mp
			}
			for _, f := range src {
				g, ok := got[f.Name]
				want, mapped := tt.want[f.Name]
				if !mapped {
					// residual matching may still pair look-alikes (see
					// TestResidual); the join must not propose them
					if ok && g.Evidence.Join > 0 {
						t.Errorf("%s → %q proposed by the join (%+v)", f.Name, g.Target, g.Evidence)
					}
					continue
				}
				if !ok || g.Target != want {
					t.Errorf("%s → %q (%.3f, %+v), want %q", f.Name, g.Target, g.Confidence, g.Evidence, want)
				}
				if k, ok := tt.conv[f.Name]; ok && g.Conversion.Kind != k {
					t.Errorf("%s: conversion %s, want %s", f.Name, g.Conversion, k)
				}
			}
		})
	}
}

func TestLinearConversion(t *testing.T) {
	c := Conversion{Kind: ConvLinear, Factor: 1.8, Offset: 32, To: "1"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"100": "212.0", "-40": "-40.0", "36.6": "97.9", "": ""} {
		if got, err := c.Apply(in); err != nil || got != want {
			t.Errorf("Apply(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := c.Apply("warm"); err == nil {
		t.Error("Apply(warm): no error")
	}
	for _, bad := range []Conversion{{Kind: ConvLinear}, {Kind: ConvLinear, Factor: 2, To: "x"}, {Kind: ConvLinear, Factor: math.NaN()}} {
		if bad.Validate() == nil {
			t.Errorf("%+v: no validation error", bad)
		}
	}
}

func TestJoinKeyAndClock(t *testing.T) {
	for in, want := range map[string]string{"ML81019426": "81019426", "81019426": "81019426", "RA-0042": "42", "PEO-7734": "7734", "CS 101": "cs101", "abc": "abc"} {
		if got := joinKey(in); got != want {
			t.Errorf("joinKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"11/12/2024 09:30": "T09:30:00", "2025-03-31T16:37:10Z": "T16:37:10", "3/1/2024 1:05 PM": "T13:05:00", "2024-01-01": ""} {
		if got := clockOf(in); got != want {
			t.Errorf("clockOf(%q) = %q, want %q", in, got, want)
		}
	}
}
