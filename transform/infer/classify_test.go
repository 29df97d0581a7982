package infer

import (
	"testing"
)

func TestClassifyTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Type
	}{
		{"0", Integer}, {"42", Integer}, {"-17", Integer}, {"+3", Integer}, {"1,234,567", Integer},
		{"007", String}, {"02134", String}, {"1,23", String}, {"12,3456", String},
		{"3.14", Decimal}, {"-0.5", Decimal}, {"1477.0", Decimal}, {"$12.50", Decimal}, {".5", Decimal}, {"12.5%", Decimal},
		{"1e6", Float}, {"-2.5E-3", Float}, {"12345678901234567890", Float},
		{"true", Boolean}, {"FALSE", Boolean}, {"Y", Boolean}, {"n", Boolean}, {"yes", Boolean}, {"No", Boolean},
		{"t", Boolean}, {"F", Boolean}, {"on", Boolean}, {"OFF", Boolean},
		{"2021-03-04", Date}, {"2021/03/04", Date}, {"03/04/2021", Date}, {"3/4/2021", Date}, {"25/12/2021", Date},
		{"12-25-2021", Date}, {"25.12.2021", Date}, {"04-Mar-2021", Date}, {"Mar 4, 2021", Date}, {"4 March 2021", Date},
		{"2021-03-04T10:11:12", Timestamp}, {"2021-03-04T10:11:12.123Z", Timestamp}, {"2021-03-04 10:11", Timestamp},
		{"2021-03-04T10:11:12+02:00", Timestamp}, {"03/04/2021 10:11 PM", Timestamp}, {"2017-06-30T00:00:00.000", Timestamp},
		{"2021-02-30", String}, {"2021-13-01", String}, {"13/13/2021", String}, {"2021-03-04T25:00", String},
		{"123e4567-e89b-12d3-a456-426614174000", UUID},
		{`{"a":1}`, JSON}, {`[1,2]`, JSON}, {`{'a': 1}`, String},
		{"hello", String}, {"-", String}, {"1.2.3", String}, {"v1.2", String},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := classify(tc.in).typ; got != tc.want {
				t.Errorf("classify(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDateLayouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want layoutSet
		day  string
	}{
		{"2021-03-04", layISO, "2021-03-04"},
		{"2021/03/04", layYMDSlash, "2021-03-04"},
		{"03/04/2021", layMDYSlash | layDMYSlash, "2021-03-04"},
		{"12/25/2021", layMDYSlash, "2021-12-25"},
		{"25/12/2021", layDMYSlash, "2021-12-25"},
		{"12-25-2021", layMDYDash, "2021-12-25"},
		{"25-12-2021", layDMYDash, "2021-12-25"},
		{"25.12.2021", layDMYDot, "2021-12-25"},
		{"04-Mar-2021", layDMonY, "2021-03-04"},
		{"Mar 4, 2021", layMonDY, "2021-03-04"},
		{"February 29, 2024", layMonDY, "2024-02-29"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var v value
			if !classifyDate(tc.in, &v) {
				t.Fatalf("classifyDate(%q) failed", tc.in)
			}
			if v.dates != tc.want {
				t.Errorf("layouts %b, want %b", v.dates, tc.want)
			}
			if got := dayString(v.day); got != tc.day {
				t.Errorf("day %s, want %s", got, tc.day)
			}
		})
	}
}

func TestColumnFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		typ    Type
		format string
	}{
		{"us dates", []string{"03/04/2021", "12/25/2021", "01/02/2020"}, Date, "MM/DD/YYYY"},
		{"day first", []string{"03/04/2021", "25/12/2021"}, Date, "DD/MM/YYYY"},
		{"ambiguous prefers month first", []string{"03/04/2021", "05/06/2021"}, Date, "MM/DD/YYYY"},
		{"iso timestamps", []string{"2021-03-04T10:11:12Z", "2021-03-05T00:00:00Z"}, Timestamp, "YYYY-MM-DDTHH:mm:ssZ07:00"},
		{"y/n", []string{"Y", "N", "Y"}, Boolean, "y/n"},
		{"mixed words", []string{"yes", "no", "true"}, Boolean, "true/false yes/no"},
		{"money", []string{"$1,200.50", "$3.10"}, Decimal, "$ 1,000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := NewProfiler([]string{"c"}, Config{})
			for i, v := range tc.values {
				p.Observe([]string{v}, nil, i+2, nil)
			}
			f := p.Schema().Fields[0]
			if f.Type != tc.typ || f.Format != tc.format {
				t.Errorf("got %v %q, want %v %q", f.Type, f.Format, tc.typ, tc.format)
			}
		})
	}
}

func TestNullWords(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", " ", "NULL", "null", "None", "N/A", "n/a", "NA", "-", "Not Available", "NaN", "#N/A"} {
		if !IsNullWord(s) {
			t.Errorf("IsNullWord(%q) = false", s)
		}
	}
	for _, s := range []string{"0", "no", "Nancy", "--", "Not"} {
		if IsNullWord(s) {
			t.Errorf("IsNullWord(%q) = true", s)
		}
	}
}

func TestSemanticKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		col    string
		values []string
		want   string
	}{
		{"contact", []string{"ann@example.com", "bob.smith@mail.co.uk", "x_y@corp.io"}, KindEmail},
		{"tel", []string{"(555) 123-4567", "+1 555 987 6543", "555-222-3333"}, KindPhone},
		{"link", []string{"https://example.com/a", "http://x.org", "www.helios.dev"}, KindURL},
		{"addr", []string{"10.0.0.1", "192.168.1.20", "2001:db8::1"}, KindIP},
		{"zip", []string{"10001", "94105", "02134"}, KindPostalCode},
		{"code", []string{"94105-1234", "10001-0001", "60601-2222"}, KindPostalCode},
		{"cc", []string{"US", "FR", "DE", "JP", "BR"}, KindCountryCode},
		{"nation", []string{"France", "Germany", "United States", "Japan"}, KindCountryName},
		{"ccy", []string{"USD", "EUR", "GBP", "JPY"}, KindCurrency},
		{"price", []string{"$10.00", "$2.50", "$7.25"}, KindCurrency},
		{"lat", []string{"40.712776", "34.052235", "41.878113"}, KindLatitude},
		{"lng", []string{"-74.005974", "-118.243683", "-87.629799"}, KindLongitude},
		{"x", []string{"-74.005974", "-118.243683", "-87.629799"}, KindLongitude},
		{"who", []string{"Mary Smith", "John A. Doe", "Linda Garcia"}, KindPersonName},
		{"given", []string{"Mary", "John", "Linda", "Robert"}, KindPersonName},
		{"place", []string{"Boston", "Chicago", "Paris", "Tokyo"}, KindCity},
		{"amount", []string{"1.5", "2.25", "3.75"}, ""},
		{"id", []string{"10001", "10002", "10003"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.want+"/"+tc.col, func(t *testing.T) {
			t.Parallel()
			p := NewProfiler([]string{tc.col}, Config{})
			for i, v := range tc.values {
				p.Observe([]string{v}, nil, i+2, nil)
			}
			if got := p.Schema().Fields[0].Semantic; got != tc.want {
				t.Errorf("semantic of %v = %q, want %q", tc.values, got, tc.want)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"Y": true, "n": false, "True": true, "false": false, "yes": true,
		"NO": false, "1": true, "0": false, "t": true, "F": false, "on": true, "off": false} {
		got, ok := ParseBool(in)
		if !ok || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := ParseBool("maybe"); ok {
		t.Error("ParseBool(maybe) ok")
	}
}
