package main

import "testing"

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

// TestRound3Shape checks the brief of the third held-out round: five held-out
// pairs of 8-12 source columns and 150-300 rows a side, exactly one of them
// with an empty target, and both sides holding columns without a partner.
func TestRound3Shape(t *testing.T) {
	if len(round3) != 5 {
		t.Fatalf("round 3 has %d pairs, want 5", len(round3))
	}
	empty := 0
	for _, p := range round3 {
		if !p.heldOut || p.round != 3 || p.gen == nil {
			t.Errorf("%s: heldOut=%v round=%d gen set=%v", p.name, p.heldOut, p.round, p.gen != nil)
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
		t.Errorf("%d round-3 pairs have an empty target, want 1", empty)
	}
}
