package infer

import (
	"strconv"
	"strings"
	"testing"
)

// Run locally, e.g. go test -run '^$' -fuzz FuzzClassify -fuzztime 20s ./transform/infer
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"42", "-1,234.50", "$3", "1e9", "007", "2021-03-04T10:11:12.5+02:00", "03/04/2021 1:02 PM",
		"Mar 4, 2021", "04-Mar-2021", "Y", "{\"a\":[1]}", "123e4567-e89b-12d3-a456-426614174000", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := classify(s)
		if v.typ == Unknown || v.typ >= numTypes {
			t.Fatalf("classify(%q) gave %v", s, v.typ)
		}
		trimmed := trimBlank(s)
		switch v.typ {
		case Integer, Decimal, Float:
			clean := strings.NewReplacer("$", "", ",", "", "%", "").Replace(trimmed)
			if _, err := strconv.ParseFloat(clean, 64); err != nil {
				t.Fatalf("classify(%q) = %v but ParseFloat(%q): %v", s, v.typ, clean, err)
			}
			if v.normTo > len(trimmed) || v.normTo < 1 {
				t.Fatalf("normTo %d out of range for %q", v.normTo, s)
			}
		case Date, Timestamp:
			d, ok := ParseDate(s)
			if !ok || len(d) != 10 {
				t.Fatalf("classify(%q) = %v but ParseDate = %q, %v", s, v.typ, d, ok)
			}
			if v.dates == 0 {
				t.Fatalf("date %q without layout", s)
			}
		}
	})
}

func FuzzSemantic(f *testing.F) {
	for _, s := range []string{"a@b.co", "+1 (555) 123-4567", "http://x.y", "::1", "K1A 0B6", "SW1A 1AA", "Mary Smith"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = IsEmail(s)
		_ = IsURL(s)
		_ = IsIP(s)
		if IsPhone(s) {
			d := 0
			for i := 0; i < len(s); i++ {
				if isDigit(s[i]) {
					d++
				}
			}
			if d < 7 || d > 15 {
				t.Fatalf("IsPhone(%q) with %d digits", s, d)
			}
		}
		postal(s)
		personName(s)
		p := NewProfiler([]string{"c"}, Config{})
		p.Observe([]string{s}, nil, 2, nil)
		_ = p.Schema()
	})
}
