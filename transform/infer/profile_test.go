package infer

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestWiden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b   Type
		want   Type
		forced bool
	}{
		{Unknown, Integer, Integer, false},
		{Integer, Integer, Integer, false},
		{Integer, Decimal, Decimal, false},
		{Decimal, Integer, Decimal, false},
		{Integer, Float, Float, false},
		{Decimal, Float, Float, false},
		{Date, Timestamp, Timestamp, false},
		{Timestamp, Date, Timestamp, false},
		{String, Integer, String, false},
		{Boolean, Integer, String, true},
		{Integer, Date, String, true},
		{UUID, JSON, String, true},
	}
	for _, tc := range tests {
		got, forced := Widen(tc.a, tc.b)
		if got != tc.want || forced != tc.forced {
			t.Errorf("Widen(%v, %v) = %v, %v; want %v, %v", tc.a, tc.b, got, forced, tc.want, tc.forced)
		}
	}
}

func TestProfilerWideningIsRecorded(t *testing.T) {
	t.Parallel()
	p := NewProfiler([]string{"n"}, Config{})
	for i, v := range []string{"1", "2", "2.5", "abc"} {
		p.Observe([]string{v}, nil, i+2, nil)
	}
	f := p.Schema().Fields[0]
	if f.Type != String {
		t.Fatalf("type %v, want string", f.Type)
	}
	if len(f.Widened) != 2 || f.Widened[0].To != Decimal || f.Widened[0].Line != 4 ||
		f.Widened[1].To != String || f.Widened[1].Value != "abc" {
		t.Errorf("widened %+v", f.Widened)
	}
	if f.Dominant != Decimal || f.DominantShare != 0.75 {
		t.Errorf("dominant %v %v", f.Dominant, f.DominantShare)
	}
}

func TestProfilerKeysAndNulls(t *testing.T) {
	t.Parallel()
	p := NewProfiler([]string{"id", "grp", "opt"}, Config{})
	for i := range 1000 {
		opt := ""
		if i%3 == 0 {
			opt = "x"
		}
		p.Observe([]string{itoa(i), itoa(i % 7), opt}, []bool{false, false, opt == ""}, i+2, nil)
	}
	s := p.Schema()
	id, grp, opt := s.Fields[0], s.Fields[1], s.Fields[2]
	if !id.Unique || id.Nullable || id.Distinct != 1000 || id.Min != "0" || id.Max != "999" {
		t.Errorf("id %+v", id)
	}
	if math.Abs(id.Mean-499.5) > 1e-9 || math.Abs(id.Std-288.8194360957494) > 1e-6 {
		t.Errorf("id mean %v std %v", id.Mean, id.Std)
	}
	if grp.Unique || grp.Distinct != 7 {
		t.Errorf("grp unique=%v distinct=%d", grp.Unique, grp.Distinct)
	}
	if !opt.Nullable || opt.Nulls != 666 {
		t.Errorf("opt nullable=%v nulls=%d", opt.Nullable, opt.Nulls)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestDistinctEstimateBeyondExact(t *testing.T) {
	t.Parallel()
	p := NewProfiler([]string{"v"}, Config{ExactDistinct: 1024})
	for i := range 50_000 {
		p.Observe([]string{itoa(i % 20_000)}, nil, i+2, nil)
	}
	f := p.Schema().Fields[0]
	if f.DistinctExact {
		t.Fatal("distinct count still exact")
	}
	if f.Distinct < 17_000 || f.Distinct > 23_000 {
		t.Errorf("distinct estimate %d, want about 20000", f.Distinct)
	}
	if f.Unique {
		t.Error("unique with repeated values")
	}
}

func TestInferFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "in.csv")
	data := "id,when,ok\n1,2021-01-02,Y\n2,2021-01-03\n3,2021-01-04,N\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := InferFile(path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 2 || s.SkippedRows != 1 {
		t.Errorf("rows %d skipped %d, want 2 and 1", s.Rows, s.SkippedRows)
	}
	if len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0], "in.csv:3") {
		t.Errorf("skipped %v, want the file and line of the bad row", s.Skipped)
	}
	if s.Fields[1].Type != Date || s.Fields[2].Type != Boolean || s.Fields[2].Format != "y/n" {
		t.Errorf("fields %+v", s.Fields)
	}
	jpath := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(jpath, []byte(`{"a":1}`+"\n"+`{"a":2,"b":"x"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	js, err := InferFile(jpath, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(js.Fields) != 2 || js.Fields[1].Name != "b" || !js.Fields[1].Nullable || js.Fields[1].Nulls != 1 {
		t.Errorf("jsonl fields %+v", js.Fields)
	}
	_, err = InferFile(filepath.Join(dir, "missing.csv"), Config{})
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file error %v does not name the file", err)
	}
}

func TestEvolve(t *testing.T) {
	t.Parallel()
	prev := Schema{Rows: 10, Fields: []Field{
		{Name: "a", Type: Integer, Count: 10, Unique: true},
		{Name: "b", Type: Date, Count: 10},
		{Name: "c", Type: Boolean, Count: 10},
		{Name: "gone", Type: String, Count: 10},
	}}
	next := Schema{Rows: 5, Fields: []Field{
		{Name: "a", Type: Decimal, Count: 5, Unique: true},
		{Name: "b", Type: Timestamp, Count: 5},
		{Name: "c", Type: Integer, Count: 5},
		{Name: "new", Type: UUID, Count: 5},
	}}
	got, changes := Evolve(prev, next)
	want := map[string]Type{"a": Decimal, "b": Timestamp, "c": String, "gone": String, "new": UUID}
	for _, f := range got.Fields {
		if f.Type != want[f.Name] {
			t.Errorf("%s: %v, want %v", f.Name, f.Type, want[f.Name])
		}
		if (f.Name == "gone" || f.Name == "new") && !f.Nullable {
			t.Errorf("%s should be nullable", f.Name)
		}
	}
	if len(changes) != 4 || !strings.Contains(changes[2].Reason, "no common type") {
		t.Errorf("changes %+v", changes)
	}
	if got.Rows != 15 {
		t.Errorf("rows %d", got.Rows)
	}
}

func TestRowSampleAligned(t *testing.T) {
	for _, rows := range []int{10, RowSampleSize, 5 * RowSampleSize} {
		p := NewProfiler([]string{"id", "half"}, Config{})
		for i := range rows {
			id := strconv.Itoa(i)
			var null []bool
			half := strconv.Itoa(i / 2)
			if i%3 == 0 {
				null = []bool{false, true}
			}
			// a third column appears from row 5 on (JSON Lines)
			vals := []string{id, half}
			if i >= 5 {
				vals = append(vals, "x"+id)
				if null != nil {
					null = append(null, false)
				}
			}
			p.Observe(vals, null, i+1, []string{"id", "half", "late"})
		}
		s := p.Schema()
		ids, halves, late := s.Fields[0].RowSample, s.Fields[1].RowSample, s.Fields[2].RowSample
		if want := min(rows, RowSampleSize); len(ids) != want || len(halves) != want || len(late) != want {
			t.Fatalf("%d rows: row samples of %d, %d, %d rows, want %d", rows, len(ids), len(halves), len(late), want)
		}
		seen := map[string]bool{}
		for k, id := range ids {
			i, err := strconv.Atoi(id)
			if err != nil || seen[id] {
				t.Fatalf("%d rows: row %d: id %q unreadable or twice", rows, k, id)
			}
			seen[id] = true
			wantHalf := strconv.Itoa(i / 2)
			if i%3 == 0 {
				wantHalf = ""
			}
			wantLate := "x" + id
			if i < 5 {
				wantLate = ""
			}
			if halves[k] != wantHalf || late[k] != wantLate {
				t.Errorf("%d rows: row %d (id %s): half %q late %q, want %q %q", rows, k, id, halves[k], late[k], wantHalf, wantLate)
			}
		}
	}
}
