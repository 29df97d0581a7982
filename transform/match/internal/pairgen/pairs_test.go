package main

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestTruthFollowsAttributes checks each pair's truth against the columns
// that generate it: a truth pair joins two existing columns drawn from the
// same attribute, mappings are 1:1, and no source column left unmapped shares
// an attribute with a target column left unmapped (a pair the truth missed).
func TestTruthFollowsAttributes(t *testing.T) {
	names := map[string]bool{}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			if names[p.name] {
				t.Fatalf("pair name %q used twice", p.name)
			}
			names[p.name] = true
			src, tgt := attrs(t, p.src), attrs(t, p.tgt)
			usedS, usedT := map[string]bool{}, map[string]bool{}
			for _, tr := range p.truth {
				a, okS := src[tr[0]]
				b, okT := tgt[tr[1]]
				switch {
				case !okS || !okT:
					t.Errorf("truth %v names a missing column", tr)
				case a != b:
					t.Errorf("truth %v joins attributes %q and %q", tr, a, b)
				case usedS[tr[0]] || usedT[tr[1]]:
					t.Errorf("truth %v is not 1:1", tr)
				}
				usedS[tr[0]], usedT[tr[1]] = true, true
			}
			for _, s := range p.src {
				for _, g := range p.tgt {
					if !usedS[s.name] && !usedT[g.name] && s.attr == g.attr {
						t.Errorf("unmapped %q and %q share attribute %q", s.name, g.name, s.attr)
					}
				}
			}
		})
	}
}

func attrs(t *testing.T, cols []col) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, c := range cols {
		if _, dup := m[c.name]; dup {
			t.Errorf("column %q appears twice", c.name)
		}
		m[c.name] = c.attr
	}
	return m
}

// TestHeldOutRoundShape checks the brief of the blind held-out rounds: so
// many held-out pairs of 8-12 source columns and 150-300 rows a side,
// exactly one of them with an empty target, and both sides holding columns
// without a partner. From round 4 on, pairs are seeded by their names.
func TestHeldOutRoundShape(t *testing.T) {
	for _, tc := range []struct {
		round, want int
		pairs       []pair
		byName      bool
	}{
		{round: 3, want: 5, pairs: round3},
		{round: 4, want: 6, pairs: round4, byName: true},
	} {
		t.Run(fmt.Sprint("round", tc.round), func(t *testing.T) {
			if len(tc.pairs) != tc.want {
				t.Fatalf("round %d has %d pairs, want %d", tc.round, len(tc.pairs), tc.want)
			}
			empty := 0
			for _, p := range tc.pairs {
				if !p.heldOut || p.round != tc.round || p.gen == nil || p.byName != tc.byName {
					t.Errorf("%s: heldOut=%v round=%d gen set=%v byName=%v", p.name, p.heldOut, p.round, p.gen != nil, p.byName)
				}
				if len(p.src) < 8 || len(p.src) > 12 {
					t.Errorf("%s: %d source columns", p.name, len(p.src))
				}
				if p.tgtRows == 0 {
					empty++
				} else if p.tgtRows < 150 || p.tgtRows > 300 || p.shared <= 0 || p.shared >= min(p.srcRows, p.tgtRows) {
					t.Errorf("%s: %d target rows, %d shared", p.name, p.tgtRows, p.shared)
				}
				if p.srcRows < 150 || p.srcRows > 300 {
					t.Errorf("%s: %d source rows", p.name, p.srcRows)
				}
				if len(p.truth) >= len(p.src) || len(p.truth) >= len(p.tgt) {
					t.Errorf("%s: every column has a partner on one side", p.name)
				}
			}
			if empty != 1 {
				t.Errorf("%d round-%d pairs have an empty target, want 1", empty, tc.round)
			}
		})
	}
}

// TestNameSeedsDistinct checks that no two pairs seeded by name share a
// seed, which would give them the same random stream.
func TestNameSeedsDistinct(t *testing.T) {
	seen := map[uint64]string{}
	for _, p := range pairs {
		if !p.byName {
			continue
		}
		s := nameSeed(p.name)
		if other, dup := seen[s]; dup {
			t.Errorf("%s and %s share seed %d", p.name, other, s)
		}
		seen[s] = p.name
	}
	if len(seen) == 0 {
		t.Error("no pair is seeded by name")
	}
}

// TestRound4Formats checks the value conversions round 4 relies on.
func TestRound4Formats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		f    format
		in   string
		want string
	}{
		{"gds name", gdsName, "Maria Garcia", "GARCIA/MARIA"},
		{"ticket", ticketDashed, "1252345678901", "125-2345678901"},
		{"ticket wrong length", ticketDashed, "12345", "12345"},
		{"flight", flightSpaced, "BA0213", "BA 213"},
		{"account", acctDashed, "4512337001", "4512-3370-01"},
		{"ndc", ndcDashed, "00093715601", "00093-7156-01"},
		{"cabin", lookup(cabinWords), "W", "Premium Economy"},
		{"minute", usMinute, "2024-03-05 14:35:00", "03/05/2024 14:35"},
		{"zulu", isoZulu, "2024-03-05 14:35:00", "2024-03-05T14:35:00Z"},
		{"empty time", isoZulu, "", ""},
		{"estimated", estimatedCode, "true", "E"},
		{"actual", estimatedCode, "false", "A"},
		{"e164", e164US, "6175550134", "+16175550134"},
		{"e164 empty", e164US, "", ""},
		{"thousands", thousands, "85000", "85"},
		{"drug label", drugLabel, "0", "ATORVASTATIN 20MG TAB"},
		{"drug words", drugWords, "11", "Cetirizine 1 mg/ml oral solution"},
		{"drug unknown", drugWords, "99", "99"},
		{"patient", upperLastComma, "Maria Garcia", "GARCIA, MARIA"},
		{"mobile", ukIntl, "447700900123", "+44 7700 900123"},
		{"london", ukIntl, "442079460958", "+44 20 7946 0958"},
		{"manchester", ukIntl, "441614960123", "+44 161 496 0123"},
		{"no number", ukIntl, "", ""},
		{"hms", hms, "3725", "01:02:05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f(tc.in, r); got != tc.want {
				t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestNPI checks the Luhn check digit on a published example NPI and on
// drawn ones.
func TestNPI(t *testing.T) {
	if d := luhn("80840123456789"); d != 3 {
		t.Errorf("check digit of 123456789 is %d, want 3 (NPI 1234567893)", d)
	}
	for _, n := range prescribers {
		if len(n) != 10 || luhn("80840"+n[:9]) != int(n[9]-'0') {
			t.Errorf("prescriber NPI %q fails its check digit", n)
		}
	}
}
