package match

import (
	"fmt"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

func TestDurationSeconds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"00:19:17", 1157, true}, {"1:00:00", 3600, true}, {"00:60:00", 0, false},
		{"12:30", 0, false}, {"a:bb:cc", 0, false}, {"-1:00:00", 0, false},
	} {
		got, ok := durationSeconds(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("durationSeconds(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzDurationSeconds(f *testing.F) {
	f.Add("00:19:17")
	f.Add("::")
	f.Fuzz(func(t *testing.T, s string) {
		if x, ok := durationSeconds(s); ok && x < 0 {
			t.Fatalf("%q: negative duration %v", s, x)
		}
	})
}

func TestDigitsID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"447700900123", "7700900123"}, {"+44 7700 900123", "7700900123"},
		{"074-2918514132", "2918514132"}, {"7700900123", ""}, {"APP-24-03000", ""}, {"12.5", ""},
	} {
		if got := digitsID(c.in); got != c.want {
			t.Errorf("digitsID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// column builds a prepared column from its sample.
func sampleColumn(name string, typ infer.Type, sample []string) column {
	f := infer.Field{Name: name, Type: typ, Sample: sample, Count: int64(len(sample)), DistinctExact: true}
	seen := map[string]bool{}
	for _, s := range sample {
		if !seen[s] {
			seen[s] = true
			f.Distincts = append(f.Distincts, s)
			f.DistinctHashes = append(f.DistinctHashes, infer.HashValue(s))
		}
	}
	f.Distinct = int64(len(seen))
	return column{name: prepareName(name), val: prepareValues(&f)}
}

// repeat returns the values, each repeated its count of times.
func repeat(vals []string, counts []int) []string {
	var out []string
	for i, v := range vals {
		for range counts[i] {
			out = append(out, v)
		}
	}
	return out
}

func TestHistAgreement(t *testing.T) {
	codes := sampleColumn("rec_type", infer.String, repeat([]string{"MOC", "SMSMO", "GPRS"}, []int{170, 80, 50}))
	for _, c := range []struct {
		name   string
		vals   []string
		counts []int
		agree  bool
	}{
		{"same shares", []string{"voice", "sms", "data"}, []int{160, 70, 50}, true},
		{"other shares", []string{"voice", "sms", "data"}, []int{100, 100, 80}, false},
		{"other count of values", []string{"voice", "sms"}, []int{200, 80}, false},
		{"shared values", []string{"MOC", "SMSMO", "GPRS"}, []int{170, 80, 50}, false},
	} {
		w := sampleColumn("service_type", infer.String, repeat(c.vals, c.counts))
		got := histAgreement(&codes.val, &w.val)
		if (got > 0.5) != c.agree {
			t.Errorf("%s: agreement %.3f, want agree=%v", c.name, got, c.agree)
		}
	}
	w := sampleColumn("service_type", infer.String, repeat([]string{"voice", "sms", "data"}, []int{160, 70, 50}))
	if m := rankMap(&codes.val, &w.val); m["MOC"] != "voice" || m["SMSMO"] != "sms" || m["GPRS"] != "data" {
		t.Errorf("rankMap = %v", m)
	}
}

func TestScaledAgreement(t *testing.T) {
	var k, full, secs, hms, other []string
	for i := range 200 {
		x := 40 + (i*37)%120
		k = append(k, fmt.Sprint(x))
		full = append(full, fmt.Sprint(x*1000+(i%7)*10))
		s := (i * 53) % 3000
		secs = append(secs, fmt.Sprint(s))
		hms = append(hms, fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60))
		other = append(other, fmt.Sprint((i*i)%97))
	}
	for _, c := range []struct {
		name   string
		a, b   column
		factor float64
	}{
		{"thousands", sampleColumn("sal_k", infer.Integer, k), sampleColumn("salary", infer.Integer, full), 1000},
		{"seconds vs hh:mm:ss", sampleColumn("dur_s", infer.Integer, secs), sampleColumn("duration", infer.String, hms), 1},
		{"unrelated", sampleColumn("sal_k", infer.Integer, k), sampleColumn("n", infer.Integer, other), 0},
	} {
		g, f := scaledAgreement(&c.a.val, &c.b.val)
		if c.factor == 0 && g > 0.5 || c.factor != 0 && (g <= 0.5 || f != c.factor) {
			t.Errorf("%s: agreement %.3f factor %v, want factor %v", c.name, g, f, c.factor)
		}
	}
}

func TestScaleConversions(t *testing.T) {
	for _, c := range []struct {
		conv    Conversion
		in, out string
	}{
		{Conversion{Kind: ConvScale, From: "1", To: "1000"}, "156", "156000"},
		{Conversion{Kind: ConvScale, From: "1", To: "0.01"}, "4000", "40"},
		{Conversion{Kind: ConvSecondsToDur, From: "seconds", To: "hh:mm:ss"}, "1157", "00:19:17"},
	} {
		if err := c.conv.Validate(); err != nil {
			t.Fatalf("%v: %v", c.conv, err)
		}
		got, err := c.conv.Apply(c.in)
		if err != nil || got != c.out {
			t.Errorf("%v(%q) = %q, %v; want %q", c.conv, c.in, got, err, c.out)
		}
	}
	if err := (Conversion{Kind: ConvScale, To: "0"}).Validate(); err == nil {
		t.Error("scale by 0 validated")
	}
}
