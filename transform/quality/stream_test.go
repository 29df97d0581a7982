package quality_test

import (
	"reflect"
	"testing"

	"github.com/heliosdb/helios-etl/transform/quality"
)

func TestStreamWindow(t *testing.T) {
	t.Parallel()
	w := quality.StreamWindow{Seq: 3, StartMicros: 1_700_000_000_000_000, Records: 10, Timed: 8, Late: 2}
	a, b := w.Field("a"), w.Field("b")
	if w.Field("a") != a || a == b {
		t.Fatal("Field does not find a field again")
	}
	w.Tallies[a] = quality.Tally{Cells: 10, Present: 8, Bad: [4]uint64{2, 1, 0, 0}}
	w.Tallies[b] = quality.Tally{Cells: 10, Present: 10, Bad: [4]uint64{0, 0, 5, 1}}
	tests := []struct {
		name string
		got  quality.Score
		want quality.Score
	}{
		{"a", w.Score(a), quality.Score{Completeness: 0.8, Validity: 0.875, Consistency: 1, Uniqueness: 1, Timeliness: 1, Overall: 0.3*0.8 + 0.3*0.875 + 0.2 + 0.2}},
		{"b", w.Score(b), quality.Score{Completeness: 1, Validity: 1, Consistency: 0.5, Uniqueness: 0.9, Timeliness: 1, Overall: 0.3 + 0.3 + 0.2*0.9 + 0.2*0.5}},
		{"*", w.Total(), quality.Score{Completeness: 0.9, Validity: 1 - 1.0/18, Consistency: 1 - 5.0/18, Uniqueness: 1 - 1.0/18, Timeliness: 0.75,
			Overall: 0.75 * (0.3*0.9 + 0.3*(1-1.0/18) + 0.2*(1-1.0/18) + 0.2*(1-5.0/18))}},
	}
	for _, tt := range tests {
		for _, d := range quality.Dimensions() {
			if g, w := tt.got.Of(d), tt.want.Of(d); g-w > 1e-12 || w-g > 1e-12 {
				t.Errorf("%s %s = %v, want %v", tt.name, d, g, w)
			}
		}
	}
	bin, err := w.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back quality.StreamWindow
	if err := back.UnmarshalBinary(bin); err != nil || !reflect.DeepEqual(back, w) {
		t.Fatalf("round trip: %+v, %v; want %+v", back, err, w)
	}
	for i := range bin {
		if err := back.UnmarshalBinary(bin[:i]); err == nil {
			t.Errorf("a window cut at %d of %d bytes decoded", i, len(bin))
		}
	}
	w.Reset()
	if w.Seq != 4 || w.Records != 0 || w.Tallies[a] != (quality.Tally{}) || len(w.Fields) != 2 {
		t.Errorf("Reset: %+v", w)
	}
}

func TestParseThreshold(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"* overall 0.95 fail", "email validity 0.9 quarantine", "* timeliness 1 alert"} {
		th, err := quality.ParseThreshold(s)
		if err != nil || th.String() != s {
			t.Errorf("ParseThreshold(%q) = %v, %v", s, th, err)
		}
	}
	for _, s := range []string{"", "* overall 0.95", "* speed 0.9 fail", "* overall 1.5 fail", "* overall NaN fail", "* overall 0.9 panic", "a timeliness 0.9 fail"} {
		if _, err := quality.ParseThreshold(s); err == nil {
			t.Errorf("ParseThreshold(%q) = nil error", s)
		}
	}
}

func FuzzStreamWindow(f *testing.F) {
	w := quality.StreamWindow{Seq: 1, StartMicros: -5, Records: 3}
	w.Field("x")
	b, _ := w.MarshalBinary()
	f.Add(b)
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var w quality.StreamWindow
		if err := w.UnmarshalBinary(b); err != nil {
			return
		}
		again, _ := w.MarshalBinary()
		var w2 quality.StreamWindow
		if err := w2.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(w, w2) {
			t.Fatalf("re-encoding does not round-trip: %v", err)
		}
		_ = w.Total()
	})
}

func FuzzParseThreshold(f *testing.F) {
	f.Add("* overall 0.95 fail")
	f.Add("email validity 0.9 quarantine")
	f.Fuzz(func(t *testing.T, s string) {
		th, err := quality.ParseThreshold(s)
		if err != nil {
			return
		}
		if back, err := quality.ParseThreshold(th.String()); err != nil || back != th {
			t.Fatalf("%q -> %v -> %v, %v", s, th, back, err)
		}
	})
}
