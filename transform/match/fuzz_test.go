package match

import (
	"math"
	"strings"
	"testing"
)

// Run locally, e.g. go test -run '^$' -fuzz FuzzNameSim -fuzztime 20s ./transform/match
func FuzzNameSim(f *testing.F) {
	for _, s := range [][2]string{{"cust_id", "customerID"}, {"BRGH_CD", "borough"}, {"", "x"}, {"ÄÖÜ_ß", "a1b2"}, {"__", "9"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, y := prepareName(a), prepareName(b)
		s := nameSim(&x, &y)
		if math.IsNaN(s) || s < 0 || s > 1 {
			t.Fatalf("nameSim(%q, %q) = %v", a, b, s)
		}
		if r := nameSim(&y, &x); math.Abs(r-s) > 1e-9 {
			t.Fatalf("nameSim not symmetric for %q, %q: %v vs %v", a, b, s, r)
		}
	})
}

func FuzzConversionApply(f *testing.F) {
	for _, s := range []string{"12345", "-7", "03/04/2021", "Y", "France", "2021-01-02T03:04:05Z", "", "1680961040123", "$1,234.50", "20240115"} {
		f.Add(s)
	}
	convs := []Conversion{
		{Kind: ConvCentsToDecimal}, {Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"},
		{Kind: ConvBoolWords, To: "true/false"}, {Kind: ConvCountryToISO, To: "alpha-3"}, {Kind: ConvTimestampToDate},
		{Kind: ConvPhoneFormat, To: "(999) 999-9999"}, {Kind: ConvSplitName, To: "last"},
		{Kind: ConvEpochToTime, From: epochMillis, To: isoTimestamp}, {Kind: ConvEpochToTime, From: epochSeconds, To: "MM/DD/YYYY hh:mm AM"},
		{Kind: ConvPlainNumber}, {Kind: ConvValueMap, Values: map[string]string{"A": "Alpha"}},
		{Kind: ConvDateLayout, From: compactDate, To: "DD.MM.YYYY"},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range convs {
			_, _ = c.Apply(s)
		}
	})
}

// FuzzParseNumber checks that parseNumber never panics, and that what it
// reads as a number is one that plain_number keeps readable.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"12", "$1,234.50", "-€3", "12 %", "£", "1e3", "--5", "$-", "€1.710", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, ok := parseNumber(s)
		if ok && math.IsNaN(x) && !strings.Contains(strings.ToLower(s), "nan") {
			t.Fatalf("parseNumber(%q) = NaN", s)
		}
		_ = alnumLower(s)
	})
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true}, {"$1,234.50", 1234.5, true}, {"-$5", -5, true}, {"€1.710", 1.71, true}, {"12.50 £", 12.5, true},
		{"45%", 45, true}, {" 7 ", 7, true}, {"$", 0, false}, {"abc", 0, false}, {"", 0, false}, {"€-", 0, false},
	} {
		got, ok := parseNumber(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
