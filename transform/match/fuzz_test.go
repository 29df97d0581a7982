package match

import (
	"math"
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
	for _, s := range []string{"12345", "-7", "03/04/2021", "Y", "France", "2021-01-02T03:04:05Z", ""} {
		f.Add(s)
	}
	convs := []Conversion{
		{Kind: ConvCentsToDecimal}, {Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"},
		{Kind: ConvBoolWords, To: "true/false"}, {Kind: ConvCountryToISO, To: "alpha-3"}, {Kind: ConvTimestampToDate},
		{Kind: ConvPhoneFormat, To: "(999) 999-9999"}, {Kind: ConvSplitName, To: "last"},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range convs {
			_, _ = c.Apply(s)
		}
	})
}
