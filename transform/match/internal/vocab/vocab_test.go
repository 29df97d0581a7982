package vocab

import (
	"reflect"
	"strings"
	"testing"
)

// TestLexiconWellFormed checks the data in words.go: lower-case single
// words, groups of at least two words, abbreviations that expand to
// something else, phrases of several words folding to one.
func TestLexiconWellFormed(t *testing.T) {
	t.Parallel()
	word := func(w string) bool {
		if w == "" {
			return false
		}
		for _, r := range w {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
		return true
	}
	for k, v := range abbrev {
		if !word(k) || !word(v) {
			t.Errorf("abbreviation %q -> %q: want lower-case words", k, v)
		}
	}
	for p, w := range phrases {
		if len(strings.Fields(p)) < 2 || !word(w) {
			t.Errorf("phrase %q -> %q: want several words to one word", p, w)
		}
	}
	for i, g := range groups {
		if len(g) < 2 {
			t.Errorf("group %d %v has fewer than two words", i, g)
		}
		seen := map[string]bool{}
		for _, w := range g {
			if !word(w) {
				t.Errorf("group %v: %q is not a lower-case word", g, w)
			}
			if seen[w] {
				t.Errorf("group %v lists %q twice", g, w)
			}
			seen[w] = true
		}
	}
}

func TestRelated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"client", "customer", true}, {"churned", "cancelled", true}, {"canceled", "terminated", true},
		{"seats", "licenses", true}, {"cost", "price", true}, {"begin", "start", true}, {"finish", "end", true},
		{"units", "quantity", true}, {"available", "instock", true}, {"state", "province", true},
		{"shipping", "billing", false}, {"start", "end", false}, {"price", "quantity", false},
		{"email", "phone", false}, {"admission", "discharge", false}, {"unknownword", "unknownword2", false},
	} {
		if got := Related(Concepts(Expand(tc.a)), Concepts(Expand(tc.b))); got != tc.want {
			t.Errorf("Related(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestLemmas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"terminated": "end", "cancelled": "cancelled", "cancelling": "cancelled", "licenses": "license",
		"categories": "type", "zzz": "zzz",
	} {
		if got := Concept(in); got != want {
			t.Errorf("Concept(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhrases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want []string }{
		{[]string{"date", "of", "birth"}, []string{"birthdate"}},
		{[]string{"is", "in", "stock"}, []string{"is", "available"}},
		{[]string{"customer", "check", "in", "time"}, []string{"customer", "arrival", "time"}},
		{[]string{"order", "date"}, []string{"order", "date"}},
		{[]string{"stock"}, []string{"stock"}},
		{nil, nil},
	} {
		if got := Phrases(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Phrases(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
