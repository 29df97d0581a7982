package anomaly

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Format
	}{
		{"42", FormatInt},
		{"-17", FormatInt},
		{" 7 ", FormatInt},
		{"3.14", FormatFloat},
		{"-.5", FormatFloat},
		{"1e9", FormatFloat},
		{"12345678901234567890", FormatFloat},
		{"1e", FormatText},
		{"1.2.3", FormatText},
		{"12,50", FormatText},
		{"$45.00", FormatText},
		{"true", FormatBool},
		{"No", FormatBool},
		{"2024-02-29", FormatDate},
		{"2023-02-29", FormatText},
		{"2024-13-45", FormatText},
		{"31/02/2024", FormatText},
		{"2025-03-10T10:00:00Z", FormatDateTime},
		{"2025-03-10 10:00", FormatDateTime},
		{"2025-03-10T10:00:00.123+02:00", FormatDateTime},
		{"2025-03-10T25:61:00Z", FormatText},
		{"ann.lee@example.com", FormatEmail},
		{"a+b@mail.example.co.uk", FormatEmail},
		{"john.doe@", FormatText},
		{"jane at example.com", FormatText},
		{"bob@@example.com", FormatText},
		{"ann@example", FormatText},
		{"a..b@example.com", FormatText},
		{"+1 555-010-1234", FormatPhone},
		{"(555) 010-1234", FormatPhone},
		{"555-010-1234", FormatPhone},
		{"5550101234", FormatInt},
		{"555-CALL-NOW", FormatText},
		{"+1 (555", FormatText},
		{"12", FormatInt},
		{"30d32a5a-3b18-447d-b873-a06e1c087d8e", FormatUUID},
		{"30d32a5a-3b18-447d-b873-a06e1c087d8", FormatText},
		{"hello world", FormatText},
		{"", FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Classify(tt.in); got != tt.want {
				t.Errorf("Classify(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDateDays(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"1970-01-01": 0, "1970-01-02": 1, "1969-12-31": -1, "2000-03-01": 11017,
		"2024-02-29T23:59:59Z": 19782,
	} {
		got, ok := ParseDateDays(in)
		if !ok || got != want {
			t.Errorf("ParseDateDays(%q) = %d, %v; want %d", in, got, ok, want)
		}
		if back := dayText(float64(want)); back != in[:10] {
			t.Errorf("dayText(%d) = %s, want %s", want, back, in[:10])
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"42", "-1.5e3", "2024-02-29", "2025-03-10T10:00:00+02:00", "a@b.co", "+1 555-010-1234",
		"(555) 010-1234", "30d32a5a-3b18-447d-b873-a06e1c087d8e", "yes", "x", "", "2024-02-29 10:00:00.5Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Classify(s)
		if got >= numFormats {
			t.Fatalf("Classify(%q) = %d", s, got)
		}
		if pad := Classify(" " + s + "\t"); pad != got {
			t.Fatalf("Classify is not blind to blanks: %q is %s, padded %s", s, got, pad)
		}
		_, ok := ParseDateDays(s)
		if (got == FormatDate || got == FormatDateTime) != ok {
			t.Fatalf("Classify(%q) = %s but ParseDateDays ok = %v", s, got, ok)
		}
		if f, x := scan(s); f.numeric() {
			want, err := strconv.ParseFloat(trimBlank(s), 64)
			if err == nil && x != want {
				t.Fatalf("scan(%q) = %v, strconv says %v", s, x, want)
			}
			if err != nil && !math.IsNaN(x) {
				t.Fatalf("scan(%q) = %v, strconv fails: %v", s, x, err)
			}
		} else if f == FormatDate || f == FormatDateTime {
			if d, _ := ParseDateDays(s); float64(d) != x {
				t.Fatalf("scan(%q) = day %v, ParseDateDays %d", s, x, d)
			}
		}
		if got == FormatEmail && strings.Count(s, "@") != 1 {
			t.Fatalf("email %q without exactly one @", s)
		}
	})
}
