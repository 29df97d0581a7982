package envelope

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

func typ(k schemas.Kind) schemas.Type { return schemas.Type{Kind: k} }

// allTypes is a table with a column of every type the model has.
func allTypes() *schemas.Schema {
	i32 := typ(schemas.KindInt32)
	text := typ(schemas.KindString)
	dec := schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 3}
	ts := typ(schemas.KindTimestampTZ)
	return &schemas.Schema{
		Name:    "public.every_type",
		Version: 3,
		Key:     []int{0, 1},
		Fields: []schemas.Field{
			{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64, Source: "int8"}},
			{Name: "tenant", Type: typ(schemas.KindUUID)},
			{Name: "flag", Type: typ(schemas.KindBool), Nullable: true},
			{Name: "small", Type: typ(schemas.KindInt16), Nullable: true},
			{Name: "medium", Type: i32, Nullable: true},
			{Name: "real", Type: typ(schemas.KindFloat32), Nullable: true},
			{Name: "double", Type: typ(schemas.KindFloat64), Nullable: true},
			{Name: "price", Type: dec, Nullable: true},
			{Name: "anynum", Type: schemas.Type{Kind: schemas.KindDecimal, Scale: schemas.VariableScale}, Nullable: true},
			{Name: "name", Type: text, Nullable: true},
			{Name: "blob", Type: typ(schemas.KindBytes), Nullable: true},
			{Name: "doc", Type: schemas.Type{Kind: schemas.KindJSON, Source: "jsonb"}, Nullable: true},
			{Name: "day", Type: typ(schemas.KindDate), Nullable: true},
			{Name: "clock", Type: schemas.Type{Kind: schemas.KindTime, Precision: 6}, Nullable: true},
			{Name: "clocktz", Type: typ(schemas.KindTimeTZ), Nullable: true},
			{Name: "local", Type: schemas.Type{Kind: schemas.KindTimestamp, Precision: 3}, Nullable: true},
			{Name: "at", Type: ts, Nullable: true},
			{Name: "span", Type: typ(schemas.KindInterval), Nullable: true},
			{Name: "mood", Type: schemas.Type{Kind: schemas.KindEnum, Symbols: []string{"sad", "ok", "happy"}, Source: "mood"}, Nullable: true},
			{Name: "tags", Type: schemas.Type{Kind: schemas.KindArray, Elem: &text}, Nullable: true},
			{Name: "matrix", Type: schemas.Type{Kind: schemas.KindArray, Elem: &schemas.Type{Kind: schemas.KindArray, Elem: &i32}}, Nullable: true},
			{Name: "grid", Type: schemas.Type{Kind: schemas.KindArray, Elem: &i32}, Nullable: true},
			{Name: "prices", Type: schemas.Type{Kind: schemas.KindArray, Elem: &dec}, Nullable: true},
			{Name: "addr", Type: schemas.Type{Kind: schemas.KindString, Source: "inet"}, Nullable: true},
		},
	}
}

func rowA() []schemas.Value {
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	return []schemas.Value{
		schemas.Int64(math.MaxInt64),
		schemas.UUID(u),
		schemas.Bool(true),
		schemas.Int(schemas.KindInt16, -32768),
		schemas.Int(schemas.KindInt32, 2147483647),
		schemas.Float(schemas.KindFloat32, 3.25),
		schemas.Float(schemas.KindFloat64, -1.0000000000000002),
		schemas.DecimalValue(schemas.MustParseDecimal("-123456789.123")),
		schemas.DecimalValue(schemas.MustParseDecimal("3.14159265358979323846264338327950288419716939937510")),
		schemas.String("héllo \"wörld\"\n\t\x01 ✓ 😀"),
		schemas.Bytes([]byte{0, 1, 2, 0xff, 0xfe}),
		schemas.JSON(`{"a": [1, 2.5, null], "b": {"c": "d"}}`),
		schemas.Date(19782),
		schemas.Time(86_399_999_999),
		schemas.TimeTZ(12*3600*1_000_000+1, -(9*3600 + 30*60)),
		schemas.Timestamp(-2208988800000000 + 123000),
		schemas.TimestampTZ(1700000000123456),
		schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: 3_723_000_001}),
		schemas.Enum("happy"),
		schemas.Array([]schemas.Value{schemas.String("a"), schemas.Null(), schemas.String("")}),
		schemas.Array([]schemas.Value{schemas.Array([]schemas.Value{schemas.Int(schemas.KindInt32, 1), schemas.Int(schemas.KindInt32, -2)}), schemas.Array([]schemas.Value{})}),
		schemas.Array([]schemas.Value{schemas.Array([]schemas.Value{schemas.Int(schemas.KindInt32, 1)}), schemas.Array([]schemas.Value{schemas.Null()})}),
		schemas.Array([]schemas.Value{schemas.DecimalValue(schemas.MustParseDecimal("1.500")), schemas.DecimalValue(schemas.DecimalNaN())}),
		schemas.String("192.168.0.1/24"),
	}
}

// rowSpecial holds the special values: NaN and infinities, NULLs, the
// unchanged marker in every kind of field, decimals that need care.
func rowSpecial(n int) []schemas.Value {
	row := make([]schemas.Value, n)
	for i := range row {
		row[i] = schemas.Unchanged()
	}
	row[0] = schemas.Int64(math.MinInt64)
	row[1] = schemas.UUID([16]byte{})
	row[2] = schemas.Null()
	row[5] = schemas.Float(schemas.KindFloat32, float32NaN())
	row[6] = schemas.Float(schemas.KindFloat64, math.Inf(-1))
	row[7] = schemas.DecimalValue(schemas.DecimalInf(1))
	row[8] = schemas.DecimalValue(schemas.DecimalInf(-1))
	row[12] = schemas.Date(schemas.DateNegInfinity)
	row[15] = schemas.Timestamp(schemas.TimestampInfinity)
	row[16] = schemas.TimestampTZ(schemas.TimestampNegInfinity)
	return row
}

func float32NaN() float64 { return float64(float32(math.NaN())) }

func events(s *schemas.Schema) []schemas.Event {
	src := schemas.Source{Connector: "postgresql", Version: "helios-dev", Name: "helios", Database: "shop",
		Schema: "public", Table: "every_type", LSN: 1 << 40, TxID: 7777, CommitMicros: 1700000000654321}
	snap := src
	snap.Snapshot = schemas.SnapshotLast
	return []schemas.Event{
		{Op: schemas.OpCreate, Schema: s, After: rowA(), Source: src, TsMicros: 1700000000700000},
		{Op: schemas.OpUpdate, Schema: s, Before: rowA(), After: rowSpecial(len(s.Fields)), Source: src, TsMicros: 1},
		{Op: schemas.OpDelete, Schema: s, Before: rowSpecial(len(s.Fields)), Source: src, TsMicros: 2},
		{Op: schemas.OpRead, Schema: s, After: rowA(), Source: snap, TsMicros: 3},
		{Op: schemas.OpTruncate, Schema: s, Source: src, TsMicros: 4},
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := allTypes()
	for _, withSchema := range []bool{true, false} {
		name := "payload only"
		if withSchema {
			name = "with schema section"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			enc := NewEncoder(Options{Schemas: withSchema})
			dec := NewDecoder()
			var hint *schemas.Schema
			if !withSchema {
				hint = s
			}
			for _, ev := range events(s) {
				data, err := enc.AppendValue(nil, &ev)
				if err != nil {
					t.Fatalf("%s: encode: %v", ev.Op, err)
				}
				if !json.Valid(data) {
					t.Fatalf("%s: invalid JSON: %s", ev.Op, data)
				}
				got, err := dec.Decode(data, hint)
				if err != nil {
					t.Fatalf("%s: decode: %v\n%s", ev.Op, err, data)
				}
				assertEvent(t, got, ev)
				if withSchema {
					assertSchema(t, got.Schema, s)
				}
				key, ok, err := enc.AppendKey(nil, &ev)
				if err != nil {
					t.Fatalf("%s: encode key: %v", ev.Op, err)
				}
				if ev.Op == schemas.OpTruncate {
					if ok {
						t.Errorf("truncate has a key: %s", key)
					}
					continue
				}
				ks, kv, err := dec.DecodeKey(key, hint)
				if err != nil {
					t.Fatalf("%s: decode key: %v\n%s", ev.Op, err, key)
				}
				if want := ev.KeyValues(nil); !schemas.EqualRows(kv, want) || len(ks.Fields) != 2 || ks.Fields[1].Name != "tenant" {
					t.Errorf("%s: key = %v (%v), want %v", ev.Op, kv, ks.Fields, want)
				}
			}
		})
	}
}

func assertEvent(t *testing.T, got, want schemas.Event) {
	t.Helper()
	if got.Op != want.Op || got.TsMicros != want.TsMicros || got.Source != want.Source {
		t.Errorf("%s: header = %v %d %+v\nwant %v %d %+v", want.Op, got.Op, got.TsMicros, got.Source, want.Op, want.TsMicros, want.Source)
	}
	for _, img := range []struct {
		name      string
		got, want []schemas.Value
	}{{"before", got.Before, want.Before}, {"after", got.After, want.After}} {
		if (img.got == nil) != (img.want == nil) {
			t.Errorf("%s %s: got %v, want %v", want.Op, img.name, img.got, img.want)
			continue
		}
		for i := range img.want {
			if !schemas.Equal(img.got[i], img.want[i]) {
				t.Errorf("%s %s.%s: got %v, want %v", want.Op, img.name, want.Schema.Fields[i].Name, img.got[i], img.want[i])
			}
		}
	}
}

func assertSchema(t *testing.T, got, want *schemas.Schema) {
	t.Helper()
	if got.Name != want.Name || got.Version != want.Version || len(got.Fields) != len(want.Fields) {
		t.Fatalf("schema %s v%d with %d fields, want %s v%d with %d", got.Name, got.Version, len(got.Fields), want.Name, want.Version, len(want.Fields))
	}
	for i, f := range want.Fields {
		g := got.Fields[i]
		if g.Name != f.Name || g.Nullable != f.Nullable || !g.Type.Equal(f.Type) {
			t.Errorf("field %d: got %s %v null=%v, want %s %v null=%v", i, g.Name, g.Type, g.Nullable, f.Name, f.Type, f.Nullable)
		}
	}
}

func TestDecimalTextNeverLooksSpecial(t *testing.T) {
	t.Parallel()
	// Finite decimals whose two's complement bytes base64-encode to
	// "Infinity" or to the placeholder's base64 must still round-trip.
	for _, text := range []string{"Infinity", placeholderB64} {
		raw, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			t.Fatal(err)
		}
		d := schemas.DecimalFromTwosComplement(raw, 2)
		s := &schemas.Schema{Name: "public.t", Fields: []schemas.Field{
			{Name: "fixed", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 80, Scale: 2}},
			{Name: "var", Type: schemas.Type{Kind: schemas.KindDecimal, Scale: schemas.VariableScale}},
		}}
		ev := schemas.Event{Op: schemas.OpCreate, Schema: s, After: []schemas.Value{schemas.DecimalValue(d), schemas.DecimalValue(d)}}
		data, err := NewEncoder(Options{}).AppendValue(nil, &ev)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), `"`+text+`"`) {
			t.Errorf("encoded %s as the special text %q: %s", d, text, data)
		}
		got, err := NewDecoder().Decode(data, s)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.After {
			if !schemas.Equal(got.After[i], ev.After[i]) {
				t.Errorf("field %d: got %v, want %v", i, got.After[i], ev.After[i])
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	s := &schemas.Schema{Name: "public.t", Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt32)},
		{Name: "d", Type: typ(schemas.KindDate), Nullable: true},
	}}
	tests := []struct {
		name, in string
		wantErr  error
		wantText string
	}{
		{"empty is a tombstone", "", ErrTombstone, ""},
		{"null payload is a tombstone", `{"schema":null,"payload":null}`, ErrTombstone, ""},
		{"truncated", `{"before":null,"after":{"id":1`, nil, "payload.after at offset 30"},
		{"wrong type names the field", `{"before":null,"after":{"id":"x","d":1},"op":"c"}`, nil, "payload.after.id"},
		{"out of range", `{"before":null,"after":{"id":3000000000},"op":"c"}`, nil, "out of range for int32"},
		{"unknown field", `{"after":{"id":1,"nope":2},"op":"c"}`, nil, `unknown field "nope"`},
		{"bad op", `{"after":{"id":1},"op":"x"}`, nil, `unknown op code "x"`},
		{"missing op", `{"after":{"id":1}}`, nil, "missing op"},
		{"trailing data", `{"after":{"id":1},"op":"c"} x`, nil, "trailing data"},
		{"not json", `nope`, nil, "message at offset 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewDecoder().Decode([]byte(tc.in), s)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantText != "" && !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantText)
			}
		})
	}
	if _, err := NewDecoder().Decode([]byte(`{"after":{"id":1},"op":"c"}`), nil); !errors.Is(err, ErrNoSchema) {
		t.Errorf("payload without hint: %v, want ErrNoSchema", err)
	}
}
