package clean

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

func TestStandardizers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(string) (string, error)
		in   string
		want string // "" means invalid
	}{
		{"email", Email, "  Ann.Lee@Example.COM ", "ann.lee@example.com"},
		{"email", Email, "mailto:bob@mail.example.org", "bob@mail.example.org"},
		{"email", Email, "Ann Lee <ann@example.co.uk>", "ann@example.co.uk"},
		{"email", Email, "a+tag@x.io", "a+tag@x.io"},
		{"email", Email, "john.doe@", ""},
		{"email", Email, "jane at example.com", ""},
		{"email", Email, "a@@b.com", ""},
		{"email", Email, "a..b@example.com", ""},
		{"email", Email, "ann@example", ""},
		{"email", Email, "ann@-x.com", ""},
		{"email", Email, "ann@exa_mple.com", ""},
		{"phone US", func(s string) (string, error) { return Phone(s, "US") }, "(415) 555-0132", "+14155550132"},
		{"phone US", func(s string) (string, error) { return Phone(s, "US") }, "1-415-555-0132", "+14155550132"},
		{"phone US", func(s string) (string, error) { return Phone(s, "US") }, "011 44 20 7946 0958", "+442079460958"},
		{"phone US", func(s string) (string, error) { return Phone(s, "US") }, "555-0132", ""},
		{"phone GB", func(s string) (string, error) { return Phone(s, "GB") }, "020 7946 0958", "+442079460958"},
		{"phone GB", func(s string) (string, error) { return Phone(s, "GB") }, "+44 (0)20 7946 0958", "+442079460958"},
		{"phone DE", func(s string) (string, error) { return Phone(s, "DE") }, "0049 30 123456", "+4930123456"},
		{"phone DE", func(s string) (string, error) { return Phone(s, "DE") }, "030 123456", "+4930123456"},
		{"phone", func(s string) (string, error) { return Phone(s, "") }, "+33 1 23 45 67 89", "+33123456789"},
		{"phone", func(s string) (string, error) { return Phone(s, "") }, "01 23 45 67 89", ""},
		{"phone", func(s string) (string, error) { return Phone(s, "US") }, "555-CALL-NOW", ""},
		{"phone", func(s string) (string, error) { return Phone(s, "US") }, "+1 415 555 0132 x12", ""},
		{"phone", func(s string) (string, error) { return Phone(s, "US") }, "+1234", ""},
		{"date", iso, "2024-02-29", "2024-02-29"},
		{"date", iso, "2024/02/29", "2024-02-29"},
		{"date", iso, "2024-2-9", "2024-02-09"},
		{"date", iso, "20240229", "2024-02-29"},
		{"date", iso, "2024-02-29T23:30:00+02:00", "2024-02-29"},
		{"date", iso, "12/31/2024", "2024-12-31"},
		{"date", iso, "31/12/2024", "2024-12-31"},
		{"date", iso, "03/04/2025", "2025-03-04"},
		{"date", func(s string) (string, error) { return Date(s, true) }, "03/04/2025", "2025-04-03"},
		{"date", iso, "31.12.2024", "2024-12-31"},
		{"date", iso, "Jan 2, 2006", "2006-01-02"},
		{"date", iso, "2 January 2006", "2006-01-02"},
		{"date", iso, "Monday, January 2nd 2006", "2006-01-02"},
		{"date", iso, "2023-02-29", ""},
		{"date", iso, "2024-13-45", ""},
		{"date", iso, "31/02/2024", ""},
		{"date", iso, "12/31/24", ""},
		{"date", iso, "yesterday", ""},
		{"date", iso, "2024-02-29Tnoon", ""},
		{"datetime", func(s string) (string, error) { return DateTime(s, false) }, "2024-02-29 23:30:00+02:00", "2024-02-29T21:30:00Z"},
		{"datetime", func(s string) (string, error) { return DateTime(s, false) }, "2024-02-29T10:00", "2024-02-29T10:00:00Z"},
		{"datetime", func(s string) (string, error) { return DateTime(s, false) }, "Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z"},
		{"datetime", func(s string) (string, error) { return DateTime(s, false) }, "12/31/2024", "2024-12-31T00:00:00Z"},
		{"datetime", func(s string) (string, error) { return DateTime(s, false) }, "soon", ""},
		{"country", Country, "us", "US"},
		{"country", Country, "USA", "US"},
		{"country", Country, "U.S.", "US"},
		{"country", Country, " united states of america ", "US"},
		{"country", Country, "The Netherlands", "NL"},
		{"country", Country, "Deutschland", "DE"},
		{"country", Country, "Österreich", "AT"},
		{"country", Country, "España", "ES"},
		{"country", Country, "U.K.", "GB"},
		{"country", Country, "Côte d'Ivoire", ""},
		{"country", Country, "Atlantis", ""},
		{"bool", Bool, " YES", "true"},
		{"bool", Bool, "0", "false"},
		{"bool", Bool, "Off", "false"},
		{"bool", Bool, "maybe", ""},
		{"trim", ok(Trim), "\t x \u00a0", "x"},
		{"lower", ok(Lower), "ÀBC", "àbc"},
		{"upper", ok(Upper), "straße", "STRAßE"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f(tt.in)
			if tt.want == "" {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Errorf("%q: got %q, %v; want an ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func iso(s string) (string, error) { return Date(s, false) }

func ok(f func(string) string) func(string) (string, error) {
	return func(s string) (string, error) { return f(s), nil }
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	err := Config{
		Rules: []Rule{
			{Field: "", Ops: []string{"trim"}},
			{Field: "x", Ops: []string{"shout"}},
			{Field: "p", Ops: []string{"phone"}, Region: "ZZ"},
			{Field: "y", OnInvalid: "explode", Ops: []string{"trim"}},
			{Field: "z", Null: &NullRule{Action: "constant"}},
			{Field: "w"},
		},
		Dedup: &Dedup{Window: -1},
	}.Validate()
	for _, want := range []string{"field is empty", "unknown op \"shout\"", "region \"ZZ\"", "on_invalid \"explode\"", "needs a value", "no ops", "dedup: key is empty", "window -1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want it to mention %q", err, want)
		}
	}
	if _, err := New(Config{Rules: []Rule{{Field: "*", Ops: []string{"trim"}}}}); err != nil {
		t.Error(err)
	}
}

func TestRuleSet(t *testing.T) {
	t.Parallel()
	rs, err := New(Config{
		Rules: []Rule{
			{Field: "*", Ops: []string{"trim"}},
			{Field: "email", Ops: []string{"email"}, OnInvalid: "null"},
			{Field: "phone", Ops: []string{"phone"}, Region: "US"},
			{Field: "country", Ops: []string{"country"}, OnInvalid: "drop"},
			{Field: "amount", Null: &NullRule{Action: "median"}},
			{Field: "status", Null: &NullRule{Action: "mode"}},
			{Field: "id", Null: &NullRule{Action: "drop"}},
			{Field: "note", Null: &NullRule{Action: "constant", Value: "none"}},
		},
		Dedup: &Dedup{Key: []string{"id"}, Window: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"id", "email", "phone", "country", "amount", "status", "note"}
	rec := func(vals ...string) ([]string, []bool) {
		n := make([]bool, len(vals))
		for i, v := range vals {
			n[i] = v == ""
		}
		return vals, n
	}
	for i, amount := range []string{"10", "20", "30", "40", "50"} {
		v, n := rec(string(rune('a'+i)), "a@x.org", "4155550132", "US", amount, []string{"paid", "paid", "shipped", "paid", "new"}[i], "hi")
		if res := mustApply(t, rs, names, v, n); res.Drop || len(res.Violations) > 0 {
			t.Fatalf("record %d: %+v", i, res)
		}
	}
	v, n := rec("  q ", " Ann@X.org", "(415) 555-0199", "usa", "", "", "")
	res := mustApply(t, rs, names, v, n)
	want := []string{"q", "ann@x.org", "+14155550199", "US", "30", "paid", "none"}
	if res.Drop || strings.Join(v, "|") != strings.Join(want, "|") || len(res.Violations) != 0 {
		t.Errorf("cleaned %q (%+v), want %q", v, res, want)
	}
	v, n = rec("r", "not an email", "555-CALL-NOW", "US", "1", "paid", "x")
	res = mustApply(t, rs, names, v, n)
	if res.Drop || !n[1] || v[2] != "555-CALL-NOW" || len(res.Violations) != 2 {
		t.Errorf("invalid values: %q %v %+v", v, n, res)
	}
	v, n = rec("s", "a@x.org", "4155550132", "Atlantis", "1", "paid", "x")
	if res := mustApply(t, rs, names, v, n); !res.Drop || !strings.Contains(res.Reason, "Atlantis") {
		t.Errorf("invalid country: %+v", res)
	}
	v, n = rec("", "a@x.org", "4155550132", "US", "1", "paid", "x")
	if res := mustApply(t, rs, names, v, n); !res.Drop || res.Reason != "null id" {
		t.Errorf("null id: %+v", res)
	}
	v, n = rec("q", "a@x.org", "4155550132", "US", "1", "paid", "x")
	if res := mustApply(t, rs, names, v, n); !res.Drop || !strings.Contains(res.Reason, "duplicate") {
		t.Errorf("duplicate id: %+v", res)
	}
}

// Fuzz targets: every standardizer's output is a fixed point and has the
// shape it promises.

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"Ann@Example.com", "mailto:x@y.io", "A <a@b.cc>", "@", "a@b", "ä@b.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Email(s)
		if err != nil {
			return
		}
		if again, err := Email(out); err != nil || again != out {
			t.Fatalf("Email(%q) = %q, not a fixed point: %q, %v", s, out, again, err)
		}
		if anomaly.Classify(out) != anomaly.FormatEmail {
			t.Fatalf("Email(%q) = %q, which the profiler does not see as an email", s, out)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"(415) 555-0132", "+44 20 7946 0958", "0049 30 123456", "011 33 1 23 45 67 89", "x", "+"} {
		f.Add(s, "US")
		f.Add(s, "GB")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		out, err := Phone(s, region)
		if err != nil {
			return
		}
		if len(out) < 9 || len(out) > 16 || out[0] != '+' || out[1] == '0' || strings.Trim(out[1:], "0123456789") != "" {
			t.Fatalf("Phone(%q, %q) = %q, not E.164", s, region, out)
		}
		if again, err := Phone(out, region); err != nil || again != out {
			t.Fatalf("Phone(%q) = %q, not a fixed point: %q, %v", s, out, again, err)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "12/31/2024", "31.12.2024", "Jan 2, 2006", "20240229", "2024-02-29T10:00:00Z", "x"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, dayFirst bool) {
		out, err := Date(s, dayFirst)
		if err == nil {
			if _, perr := time.Parse("2006-01-02", out); perr != nil {
				t.Fatalf("Date(%q) = %q, not ISO: %v", s, out, perr)
			}
			if again, err := Date(out, dayFirst); err != nil || again != out {
				t.Fatalf("Date(%q) = %q, not a fixed point: %q, %v", s, out, again, err)
			}
		}
		if dt, err := DateTime(s, dayFirst); err == nil {
			if _, perr := time.Parse(time.RFC3339Nano, dt); perr != nil {
				t.Fatalf("DateTime(%q) = %q, not RFC 3339: %v", s, dt, perr)
			}
		}
	})
}

func FuzzCountry(f *testing.F) {
	for _, s := range []string{"us", "U.S.A.", "Österreich", "the netherlands", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Country(s)
		if err != nil {
			return
		}
		if again, err := Country(out); err != nil || again != out || len(out) != 2 {
			t.Fatalf("Country(%q) = %q, not a fixed point: %q, %v", s, out, again, err)
		}
	})
}
