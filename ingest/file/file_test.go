package file

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type got struct {
	header []string
	rows   [][]string
	nulls  [][]bool
	lines  []int
	errs   []string
}

func readAll(t *testing.T, r *Reader) got {
	t.Helper()
	var g got
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			g.errs = append(g.errs, re.Error())
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		g.rows = append(g.rows, append([]string(nil), row.Values...))
		g.nulls = append(g.nulls, append([]bool(nil), row.Null...))
		g.lines = append(g.lines, row.Line)
	}
	g.header = r.Header()
	return g
}

func TestReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format Format
		in     string
		want   got
	}{
		{
			name:   "csv with quotes, nulls and a multi-line field",
			format: CSV,
			in:     "\ufeffid, name ,note\n1,Ann,\"hello, world\"\n2,,\"two\nlines\"\n3,Cy,x\n",
			want: got{
				header: []string{"id", "name", "note"},
				rows:   [][]string{{"1", "Ann", "hello, world"}, {"2", "", "two\nlines"}, {"3", "Cy", "x"}},
				nulls:  [][]bool{{false, false, false}, {false, true, false}, {false, false, false}},
				lines:  []int{2, 3, 5},
			},
		},
		{
			name:   "csv row with too many fields is reported and skipped",
			format: CSV,
			in:     "a,b\n1,2\n3,4,5\n6,7\n",
			want: got{
				header: []string{"a", "b"},
				rows:   [][]string{{"1", "2"}, {"6", "7"}},
				nulls:  [][]bool{{false, false}, {false, false}},
				lines:  []int{2, 4},
				errs:   []string{"in.csv:3: row 1: has 3 fields, header has 2"},
			},
		},
		{
			name:   "jsonl keys in order of first appearance, nested values as JSON",
			format: JSONL,
			in:     "{\"b\":1,\"a\":\"x\"}\n\n{\"a\":null,\"c\":{\"k\": [1, 2]}}\nnot json\n{\"b\":12345678901234567890123}\n",
			want: got{
				header: []string{"b", "a", "c"},
				rows:   [][]string{{"1", "x"}, {"", "", `{"k":[1,2]}`}, {"12345678901234567890123", "", ""}},
				nulls:  [][]bool{{false, false}, {true, true, false}, {false, true, true}},
				lines:  []int{1, 3, 5},
				errs:   []string{"in.csv:4: row 2: not a JSON object: invalid character 'o' in literal null (expecting 'u')"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReader(strings.NewReader(tc.in), tc.format, "in.csv")
			if err != nil {
				t.Fatal(err)
			}
			g := readAll(t, r)
			if !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got  %#v\nwant %#v", g, tc.want)
			}
		})
	}
}

func TestOpenTSVAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "x.tsv")
	if err := os.WriteFile(p, []byte("a\tb\n1\t2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	g := readAll(t, r)
	if !reflect.DeepEqual(g.rows, [][]string{{"1", "2"}}) {
		t.Errorf("rows = %v", g.rows)
	}
	if _, err := Open(filepath.Join(dir, "x.parquet")); err == nil || !strings.Contains(err.Error(), "unknown file format") {
		t.Errorf("Open(.parquet) error = %v", err)
	}
	empty := filepath.Join(dir, "e.csv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(empty); err == nil || !strings.Contains(err.Error(), "e.csv: empty file") {
		t.Errorf("Open(empty) error = %v", err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n\"x\ny\",3\n"), true)
	f.Add([]byte("{\"a\":1}\n{\"b\":[1,{}]}\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		format := JSONL
		if isCSV {
			format = CSV
		}
		r, err := NewReader(strings.NewReader(string(data)), format, "fuzz")
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				if re.Line <= 0 {
					t.Fatalf("row error without a line: %v", re)
				}
				continue
			}
			if err != nil {
				return
			}
			if len(row.Values) != len(r.Header()) || len(row.Null) != len(row.Values) {
				t.Fatalf("row has %d values, %d nulls, header %d", len(row.Values), len(row.Null), len(r.Header()))
			}
		}
	})
}
