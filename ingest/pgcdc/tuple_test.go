package pgcdc

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

// testSource has one relation (id 7, two text-ish columns) for the parsers.
func testSource() *Source {
	text := func(b []byte) (schemas.Value, error) { return schemas.String(string(b)), nil }
	sch := &schemas.Schema{Name: "public.t", Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindString}},
		{Name: "v", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	}}
	return &Source{rels: map[uint32]*relation{7: {schema: sch, values: []ValueFunc{text, text}, table: "public.t"}}}
}

// tuple builds a TupleData: a nil entry is NULL, "\x00u" is unchanged.
func tuple(cols ...*string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(cols)))
	for _, c := range cols {
		switch {
		case c == nil:
			b = append(b, 'n')
		case *c == "\x00u":
			b = append(b, 'u')
		default:
			b = append(b, 't')
			b = binary.BigEndian.AppendUint32(b, uint32(len(*c)))
			b = append(b, *c...)
		}
	}
	return b
}

func str(s string) *string { return &s }

func msg(kind byte, parts ...[]byte) []byte {
	b := append([]byte{kind}, binary.BigEndian.AppendUint32(nil, 7)...)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParseChange(t *testing.T) {
	t.Parallel()
	s := testSource()
	tests := []struct {
		name          string
		data          []byte
		op            schemas.Op
		before, after []schemas.Value
		err           bool
	}{
		{"insert", msg('I', []byte{'N'}, tuple(str("1"), nil)), schemas.OpCreate, nil, []schemas.Value{schemas.String("1"), schemas.Null()}, false},
		{"update with old key", msg('U', []byte{'K'}, tuple(str("1"), nil), []byte{'N'}, tuple(str("2"), str("\x00u"))), schemas.OpUpdate,
			[]schemas.Value{schemas.String("1"), schemas.Null()}, []schemas.Value{schemas.String("2"), schemas.Unchanged()}, false},
		{"update", msg('U', []byte{'N'}, tuple(str("1"), str("x"))), schemas.OpUpdate, nil, []schemas.Value{schemas.String("1"), schemas.String("x")}, false},
		{"delete", msg('D', []byte{'O'}, tuple(str("1"), str(""))), schemas.OpDelete, []schemas.Value{schemas.String("1"), schemas.String("")}, nil, false},
		{"unknown relation", append([]byte{'I', 0, 0, 0, 9, 'N'}, tuple(str("1"), nil)...), 0, nil, nil, true},
		{"wrong column count", msg('I', []byte{'N'}, tuple(str("1"))), 0, nil, nil, true},
		{"truncated value", msg('I', []byte{'N'}, tuple(str("1"), str("abc"))[:10]), 0, nil, nil, true},
		{"bad marker", msg('D', []byte{'N'}, tuple(str("1"), nil)), 0, nil, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := s.parseChange(tc.data, 42)
			if tc.err {
				if err == nil {
					t.Fatalf("no error, got %+v", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.op != tc.op || !schemas.EqualRows(m.before, tc.before) || !schemas.EqualRows(m.after, tc.after) ||
				(m.before == nil) != (tc.before == nil) || (m.after == nil) != (tc.after == nil) {
				t.Errorf("got %v %v %v, want %v %v %v", m.op, m.before, m.after, tc.op, tc.before, tc.after)
			}
		})
	}
}

func FuzzParseChange(f *testing.F) {
	f.Add(msg('I', []byte{'N'}, tuple(str("1"), nil)))
	f.Add(msg('U', []byte{'O'}, tuple(str("1"), str("\x00u")), []byte{'N'}, tuple(str("2"), nil)))
	f.Add(msg('D', []byte{'K'}, tuple(str("1"), nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := testSource()
		if len(data) == 0 {
			return
		}
		m, err := s.parseChange(data, 1)
		if err != nil {
			return
		}
		for _, row := range [][]schemas.Value{m.before, m.after} {
			if row != nil && len(row) != 2 {
				t.Fatalf("row of %d values for a 2-column relation", len(row))
			}
		}
	})
}

func TestSpoolReplaySkipsAbortedSubtransactions(t *testing.T) {
	t.Parallel()
	sp, err := newSpool(filepath.Join(t.TempDir(), "spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	sf, err := sp.file(100)
	if err != nil {
		t.Fatal(err)
	}
	for i, sub := range []uint32{100, 101, 100, 102, 101} {
		if err := sf.add(sub, uint64(i), 'I', []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	sf.aborted[101] = true
	var got []uint64
	if err := sf.replay(func(m []byte, lsn uint64) error {
		if m[1] != byte(lsn) {
			t.Errorf("message %v at lsn %d", m, lsn)
		}
		got = append(got, lsn)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 0 || got[1] != 2 || got[2] != 3 {
		t.Errorf("replayed %v, want [0 2 3]", got)
	}
	if err := sp.drop(100); err != nil {
		t.Fatal(err)
	}
	if len(sp.files) != 0 {
		t.Error("spool file kept after drop")
	}
}
