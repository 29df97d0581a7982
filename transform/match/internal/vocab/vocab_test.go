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
	related := func(a, b string) bool { return Related(Concepts(Expand(a)), Concepts(Expand(b))) }
	checkRelation(t, "Related", related, []wordPair{
		{"client", "customer", true}, {"churned", "cancelled", true}, {"canceled", "terminated", true},
		{"seats", "licenses", true}, {"cost", "price", true}, {"begin", "start", true}, {"finish", "end", true},
		{"units", "quantity", true}, {"available", "instock", true}, {"state", "province", true},
		{"patron", "borrower", true}, {"checkout", "borrow", true}, {"loan", "borrowed", true}, {"rate", "tariff", true},
		{"shipping", "billing", false}, {"start", "end", false}, {"price", "quantity", false},
		{"email", "phone", false}, {"admission", "discharge", false}, {"unknownword", "unknownword2", false},
		{"borrower", "lender", false}, {"deposit", "withdrawal", false},
	})
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

func TestStem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		words []string
		same  bool
	}{
		{[]string{"renewals", "renewed", "renewal", "renewing", "renew"}, true},
		{[]string{"returned", "return", "returns", "returning"}, true},
		{[]string{"borrowed", "borrow", "borrowing"}, true},
		{[]string{"cancelled", "canceled", "cancel", "cancels"}, true},
		{[]string{"arrival", "arrived", "arrive", "arrivals"}, true},
		{[]string{"categories", "category"}, true},
		{[]string{"billing", "bill", "billed"}, true},
		{[]string{"addresses", "address"}, true},
		// agent nouns, short roots and -us words stay apart
		{[]string{"borrower", "borrowed"}, false},
		{[]string{"rating", "rate"}, false},
		{[]string{"status", "stat"}, false},
		{[]string{"total", "tot"}, false},
	} {
		want := Stem(tc.words[0])
		for _, w := range tc.words[1:] {
			if got := Stem(w); (got == want) != tc.same {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q: want same=%v", tc.words[0], want, w, got, tc.same)
			}
		}
	}
	for _, w := range []string{"", "a", "id", "x9", "ÅÄÖ", "sss"} {
		_ = Stem(w) // no panic on odd input
	}
}

func TestAbbreviates(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"typ": "type", "chkout": "checkout", "bkfst": "breakfast", "custmr": "customer", "invc": "invoice",
		// ambiguous (return, retailer, retired...), scattered letters, known words, too short
		"ret": "", "tip": "", "customer": "", "rm": "", "qty": "", "xyzzy": "", "a1b": "",
	} {
		if got := Abbreviates(in); got != want {
			t.Errorf("Abbreviates(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"districtcode": {"district", "code"}, "grandtotal": {"grand", "total"}, "orderdate": {"order", "date"},
		"customer": nil, "zipcode": nil, "qwertyuiop": nil, "abc": nil,
	} {
		if got := Split(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Split(%q) = %v, want %v", in, got, want)
		}
	}
}

// wordPair is a case of a relation between two words.
type wordPair struct {
	a, b string
	want bool
}

// checkRelation checks rel on every case.
func checkRelation(t *testing.T, name string, rel func(a, b string) bool, cases []wordPair) {
	t.Helper()
	for _, tc := range cases {
		if got := rel(tc.a, tc.b); got != tc.want {
			t.Errorf("%s(%q, %q) = %v, want %v", name, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClasses(t *testing.T) {
	t.Parallel()
	checkRelation(t, "Compatible", func(a, b string) bool { return Compatible(Class(a), Class(b)) }, []wordPair{
		{"identifier", "number", true}, {"code", "name", true}, {"date", "timestamp", true},
		{"identifier", "name", false}, {"date", "amount", false}, {"amount", "name", false}, {"amount", "count", false},
	})
	if Class("customer") != "" || Class("amount") != "amount" {
		t.Errorf("Class: customer %q, amount %q", Class("customer"), Class("amount"))
	}
	checkRelation(t, "Implies", Implies, []wordPair{
		{"fine", "amount", true}, {"price", "amount", true}, {"shipped", "time", true}, {"weight", "count", true},
		{"customer", "amount", false}, {"fine", "time", false}, {"price", "count", false},
	})
}
