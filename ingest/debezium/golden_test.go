package debezium

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

// goldenRecord is the format of the files in testdata: a Kafka record with
// its key and value as JSON (null for a tombstone).
type goldenRecord struct {
	Topic string          `json:"topic"`
	Key   json.RawMessage `json:"key"`
	Value json.RawMessage `json:"value"`
}

func loadGolden(t testing.TB, name string) Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenRecord
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := Record{Topic: g.Topic, Offset: 1}
	if s := string(g.Key); s != "" && s != "null" {
		r.Key = compact(t, g.Key)
	}
	if s := string(g.Value); s != "" && s != "null" {
		r.Value = compact(t, g.Value)
	}
	return r
}

func compact(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// payloadOnly strips the schema section, as JsonConverter with
// schemas.enable=false writes the same record.
func payloadOnly(t testing.TB, b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	var w struct {
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w.Payload
}

func dec(s string) schemas.Value { return schemas.DecimalValue(schemas.MustParseDecimal(s)) }
func i16(v int64) schemas.Value  { return schemas.Int(schemas.KindInt16, v) }
func i32(v int64) schemas.Value  { return schemas.Int(schemas.KindInt32, v) }
func str(s string) schemas.Value { return schemas.String(s) }

// pgFull is the row of 01_insert_full.json, as the workload of
// integration.TestDebeziumConformance wrote it (big is checked apart).
func pgFull() map[string]schemas.Value {
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	return map[string]schemas.Value{
		"id":         schemas.Int64(1),
		"c_int2":     i16(-32768),
		"c_int4":     i32(2147483647),
		"c_int8":     schemas.Int64(math.MaxInt64),
		"c_num":      dec("12345678.90"),
		"c_anynum":   dec("3.1415926535897932384626433832795028841971693993751"), // Debezium drops the trailing 0
		"c_nan":      schemas.Null(),                                             // Debezium writes NaN as null
		"c_float4":   schemas.Float(schemas.KindFloat32, 1.5),
		"c_float8":   schemas.Float(schemas.KindFloat64, math.Inf(-1)),
		"c_bool":     schemas.Bool(true),
		"c_text":     str(`héllo "wörld" ✓ 😀`),
		"c_varchar":  str("varchar"),
		"c_char":     str("ab "),
		"c_bytea":    schemas.Bytes([]byte{0, 0xff, 0x10}),
		"c_uuid":     schemas.UUID(u),
		"c_json":     schemas.JSON(`{"b": [1, 2], "a": null}`),
		"c_jsonb":    schemas.JSON(`{"a": null, "b": [1, 2]}`),
		"c_date":     schemas.Date(19782),
		"c_time":     schemas.Time(86_399_999_999),
		"c_timetz":   schemas.TimeTZ(4*3600e6+30*60e6+500_000, 0), // 10:00:00.5+05:30 in UTC
		"c_ts":       schemas.Timestamp(1704164645123456),
		"c_tstz":     schemas.TimestampTZ(1704157445123456),
		"c_interval": schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: 4*3600e6 + 5*60e6 + 6.5e6}),
		"c_int_arr":  schemas.Array([]schemas.Value{i32(1), schemas.Null(), i32(3)}),
		"c_text_arr": schemas.Array([]schemas.Value{str("a b"), str(`c"d`), str("NULL"), str("")}),
		"c_mood":     schemas.Enum("happy"),
		"c_inet":     str("192.168.0.1/24"),
		"c_money":    dec("1234.56"),
		"c_xml":      str("<a>x</a>"),
		"c_bit":      schemas.Bytes([]byte{0xaa, 0x02}), // B'1010101010' as a little-endian number
	}
}

// pgEdges is the row of 03_insert_edges.json.
func pgEdges() map[string]schemas.Value {
	return map[string]schemas.Value{
		"id":         schemas.Int64(3),
		"c_int2":     i16(0),
		"c_int4":     i32(-1),
		"c_int8":     schemas.Int64(math.MinInt64),
		"c_num":      dec("-0.01"),
		"c_anynum":   dec("-0.00000000000000000001"),
		"c_nan":      dec("0"),
		"c_float4":   schemas.Float(schemas.KindFloat32, math.Inf(1)),
		"c_float8":   schemas.Float(schemas.KindFloat64, 2.5e-300),
		"c_bool":     schemas.Bool(false),
		"c_text":     str(""),
		"c_varchar":  str(""),
		"c_char":     str("abc"),
		"c_bytea":    schemas.Bytes(nil),
		"c_uuid":     schemas.UUID([16]byte{}),
		"c_json":     schemas.JSON("[]"),
		"c_jsonb":    schemas.JSON("{}"),
		"c_date":     schemas.Date(0),
		"c_time":     schemas.Time(0),
		"c_timetz":   schemas.TimeTZ(7*3600e6+30*60e6, 0), // 23:30:00-08:00 in UTC
		"c_ts":       schemas.Timestamp(-1),
		"c_tstz":     schemas.TimestampTZ(0),
		"c_interval": schemas.IntervalValue(schemas.Interval{Micros: -1}),
		"c_int_arr":  schemas.Array([]schemas.Value{}),
		"c_text_arr": schemas.Array([]schemas.Value{}),
		"c_mood":     schemas.Enum("sad"),
		"c_inet":     str("::1"),
		"c_money":    dec("-0.01"),
		"c_xml":      str("<b/>"),
		"c_bit":      schemas.Bytes([]byte{0x01}),
		"big":        str("small"),
	}
}

// nullRow is a row whose columns are NULL but those given.
func nullRow(set map[string]schemas.Value) map[string]schemas.Value {
	m := map[string]schemas.Value{}
	for name := range pgFull() {
		m[name] = schemas.Null()
	}
	m["big"] = schemas.Null()
	for k, v := range set {
		m[k] = v
	}
	return m
}

func checkRow(t *testing.T, what string, s *schemas.Schema, row []schemas.Value, want map[string]schemas.Value) {
	t.Helper()
	if row == nil {
		t.Fatalf("%s: no row", what)
	}
	for name, w := range want {
		i := s.FieldIndex(name)
		if i < 0 {
			t.Errorf("%s: no field %s", what, name)
			continue
		}
		if !schemas.Equal(row[i], w) {
			t.Errorf("%s.%s = %v (%v), want %v (%v)", what, name, row[i], row[i].Kind(), w, w.Kind())
		}
	}
}

// TestGoldenPostgres decodes the messages the real Debezium PostgreSQL
// connector wrote in the conformance test, with their schema section and
// without it (as JsonConverter writes with schemas.enable=false), and checks
// every value.
func TestGoldenPostgres(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file          string
		kind          Kind
		op            schemas.Op
		before, after map[string]schemas.Value
		key           int64 // the id of the key; 0 for a null key
	}{
		{file: "01_insert_full", kind: KindChange, op: schemas.OpCreate, after: pgFull(), key: 1},
		{file: "02_insert_nulls", kind: KindChange, op: schemas.OpCreate, after: nullRow(map[string]schemas.Value{"id": schemas.Int64(2)}), key: 2},
		{file: "03_insert_edges", kind: KindChange, op: schemas.OpCreate, after: pgEdges(), key: 3},
		{file: "04_update_toast", kind: KindChange, op: schemas.OpUpdate, key: 1,
			after: func() map[string]schemas.Value {
				m := pgFull()
				m["c_int4"], m["big"] = i32(7), schemas.Unchanged()
				return m
			}()},
		{file: "05_update", kind: KindChange, op: schemas.OpUpdate, key: 2,
			after: nullRow(map[string]schemas.Value{"id": schemas.Int64(2), "c_text": str("now set"), "c_num": dec("1.00")})},
		{file: "06_delete", kind: KindChange, op: schemas.OpDelete, key: 3, before: nullRow(map[string]schemas.Value{"id": schemas.Int64(3)})},
		{file: "07_tombstone", kind: KindTombstone, key: 3},
		{file: "08_truncate", kind: KindChange, op: schemas.OpTruncate},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			r := loadGolden(t, "pg/"+tc.file+".json")
			d := NewDecoder(Config{})
			m, err := d.Decode(r)
			if err != nil {
				t.Fatal(err)
			}
			checkMessage(t, m, tc.kind, tc.op, tc.before, tc.after, tc.key)
			if tc.file == "01_insert_full" {
				checkFullSchema(t, m)
			}
			if m.Kind != KindChange {
				return
			}
			// The same record without schema sections, with the row schema
			// as the hint.
			schemaless := NewDecoder(Config{Hint: func(string) *schemas.Schema { return m.Event.Schema }})
			r.Value, r.Key = payloadOnly(t, r.Value), payloadOnly(t, r.Key)
			m2, err := schemaless.Decode(r)
			if err != nil {
				t.Fatalf("payload only: %v", err)
			}
			checkMessage(t, m2, tc.kind, tc.op, tc.before, tc.after, tc.key)
		})
	}
}

func checkMessage(t *testing.T, m Message, kind Kind, op schemas.Op, before, after map[string]schemas.Value, key int64) {
	t.Helper()
	if m.Kind != kind || m.Event.Op != op {
		t.Fatalf("decoded %v %v, want %v %v", m.Kind, m.Event.Op, kind, op)
	}
	switch {
	case key == 0 && m.Key != nil:
		t.Errorf("key = %v, want none", m.Key)
	case key != 0 && (len(m.Key) != 1 || !schemas.Equal(m.Key[0], schemas.Int64(key))):
		t.Errorf("key = %v, want id=%d", m.Key, key)
	}
	if kind != KindChange {
		return
	}
	ev := m.Event
	if before != nil {
		checkRow(t, "before", ev.Schema, ev.Before, before)
	} else if ev.Before != nil {
		t.Errorf("before = %v, want none", ev.Before)
	}
	if after != nil {
		checkRow(t, "after", ev.Schema, ev.After, after)
	} else if ev.After != nil {
		t.Errorf("after = %v, want none", ev.After)
	}
	if key != 0 && (len(ev.Schema.Key) != 1 || ev.Schema.Key[0] != 0) {
		t.Errorf("schema key = %v, want [0] (from the record key)", ev.Schema.Key)
	}
	src := ev.Source
	if src.Connector != "postgresql" || src.Table != "every" || !strings.HasPrefix(src.Schema, "cdc_") || src.TxID == 0 || src.LSN == 0 || src.CommitMicros == 0 {
		t.Errorf("source = %+v", src)
	}
}

// checkFullSchema checks the types the connector declared.
func checkFullSchema(t *testing.T, m Message) {
	t.Helper()
	s := m.Event.Schema
	kinds := map[string]schemas.Kind{
		"c_num": schemas.KindDecimal, "c_anynum": schemas.KindDecimal, "c_uuid": schemas.KindUUID, "c_json": schemas.KindJSON,
		"c_date": schemas.KindDate, "c_time": schemas.KindTime, "c_timetz": schemas.KindTimeTZ, "c_ts": schemas.KindTimestamp,
		"c_tstz": schemas.KindTimestampTZ, "c_interval": schemas.KindInterval, "c_mood": schemas.KindEnum,
		"c_xml": schemas.KindString, "c_bit": schemas.KindBytes, "c_int_arr": schemas.KindArray,
	}
	for name, k := range kinds {
		if f := s.Fields[s.FieldIndex(name)]; f.Type.Kind != k {
			t.Errorf("%s: type %v, want %v", name, f.Type, k)
		}
	}
	if f := s.Fields[s.FieldIndex("c_num")].Type; f.Precision != 10 || f.Scale != 2 {
		t.Errorf("c_num: %v, want decimal(10,2)", f)
	}
	if f := s.Fields[s.FieldIndex("c_anynum")].Type; f.Scale != schemas.VariableScale {
		t.Errorf("c_anynum: %v, want variable scale", f)
	}
	if f := s.Fields[s.FieldIndex("c_mood")].Type; strings.Join(f.Symbols, ",") != "sad,ok,happy" {
		t.Errorf("c_mood: %v", f)
	}
	if f := s.Fields[s.FieldIndex("c_xml")].Type; f.Source != "xml" {
		t.Errorf("c_xml source %q, want xml", f.Source)
	}
	big := m.Event.After[s.FieldIndex("big")].Str()
	if len(big) != 8000 {
		t.Errorf("big has %d characters, want 8000", len(big))
	}
}

func TestGoldenTransactionAndHeartbeat(t *testing.T) {
	t.Parallel()
	d := NewDecoder(Config{})
	begin, err := d.Decode(loadGolden(t, "pg/tx_begin.json"))
	if err != nil {
		t.Fatal(err)
	}
	end, err := d.Decode(loadGolden(t, "pg/tx_end.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, e := begin.Transaction, end.Transaction
	if begin.Kind != KindTransaction || b.Status != "BEGIN" || b.EventCount != 0 || b.DataCollections != nil || b.TsMicros == 0 {
		t.Errorf("BEGIN = %v %+v", begin.Kind, b)
	}
	if end.Kind != KindTransaction || e.Status != "END" || e.EventCount != 2 || len(e.DataCollections) != 1 ||
		!strings.HasSuffix(e.DataCollections[0].DataCollection, ".every") || e.DataCollections[0].EventCount != 2 {
		t.Errorf("END = %v %+v", end.Kind, e)
	}
	if txid := func(id string) string { return id[:strings.IndexByte(id, ':')] }; txid(b.ID) != txid(e.ID) {
		t.Errorf("BEGIN %q and END %q of different transactions", b.ID, e.ID)
	}
	hb, err := d.Decode(loadGolden(t, "pg/heartbeat.json"))
	if err != nil || hb.Kind != KindHeartbeat {
		t.Errorf("heartbeat = %v, %v", hb.Kind, err)
	}
}

// ewkbPoint is the little-endian EWKB of a point with an SRID.
func ewkbPoint(x, y float64, srid uint32) []byte {
	b := []byte{1}
	b = binary.LittleEndian.AppendUint32(b, 1|0x20000000)
	b = binary.LittleEndian.AppendUint32(b, srid)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(y))
}

// TestGoldenCrafted decodes the hand-written messages of the types and
// shapes the PostgreSQL connector does not produce.
func TestGoldenCrafted(t *testing.T) {
	t.Parallel()
	t.Run("mysql types", func(t *testing.T) {
		t.Parallel()
		m, err := NewDecoder(Config{}).Decode(loadGolden(t, "crafted/mysql_types.json"))
		if err != nil {
			t.Fatal(err)
		}
		ev := m.Event
		if ev.Op != schemas.OpUpdate || ev.Schema.Name != "inventory.items" || ev.Source.Connector != "mysql" ||
			ev.Source.Database != "inventory" || ev.Source.Table != "items" || len(m.Key) != 1 || m.Key[0].Int() != 7 {
			t.Fatalf("event = %v %s %+v key %v", ev.Op, ev.Schema.Name, ev.Source, m.Key)
		}
		checkRow(t, "before", ev.Schema, ev.Before, map[string]schemas.Value{"id": i32(7), "c_year": i32(1999)})
		zts, _, _ := schemas.ParseTimestamp("2024-01-02T01:04:05.5Z")
		checkRow(t, "after", ev.Schema, ev.After, map[string]schemas.Value{
			"c_year":       i32(2024),
			"c_set":        str("a,c"),
			"c_bits":       schemas.Bytes([]byte{5}),
			"c_nanotime":   schemas.Time(3_723_000_000),
			"c_time_ms":    schemas.Time(3_723_004_000),
			"c_nanots":     schemas.Timestamp(1700000000123456),
			"c_ts_ms":      schemas.Timestamp(1700000000123000),
			"c_duration":   schemas.IntervalValue(schemas.Interval{Micros: 90061000001}),
			"c_kdate":      schemas.Date(19782),
			"c_ktime":      schemas.Time(3_723_004_000),
			"c_kts":        schemas.Timestamp(1700000000123000),
			"c_point":      schemas.Bytes(ewkbPoint(1.5, -2, 4326)),
			"c_geom":       schemas.Bytes([]byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40}),
			"c_dec_double": schemas.Float(schemas.KindFloat64, 12.5),
			"c_dec_string": str("12345.6789"),
			"c_xml":        str("<r/>"),
			"c_zts":        schemas.TimestampTZ(zts),
			"c_ztime":      schemas.TimeTZ(10*3600e6+15*60e6+30e6, 0),
		})
		sources := map[string]string{"c_year": "year", "c_set": "enumset", "c_bits": "bits", "c_point": "point", "c_geom": "geometry"}
		for name, src := range sources {
			if got := ev.Schema.Fields[ev.Schema.FieldIndex(name)].Type.Source; got != src {
				t.Errorf("%s: source type %q, want %q", name, got, src)
			}
		}
	})
	t.Run("mongodb insert", func(t *testing.T) {
		t.Parallel()
		m, err := NewDecoder(Config{}).Decode(loadGolden(t, "crafted/mongodb_insert.json"))
		if err != nil {
			t.Fatal(err)
		}
		ev := m.Event
		if ev.Op != schemas.OpCreate || ev.Schema.Name != "inventory.customers" || ev.Source.Table != "customers" || ev.Before != nil {
			t.Fatalf("event = %v %s %+v", ev.Op, ev.Schema.Name, ev.Source)
		}
		checkRow(t, "after", ev.Schema, ev.After, map[string]schemas.Value{
			"document": schemas.JSON(`{"_id": {"$oid": "596e275826f08b2730779e1f"}, "name": "Sally", "orders": [1, 2]}`),
			"patch":    schemas.Null(),
		})
		if len(m.Key) != 1 || m.Key[0].Str() != `{"$oid": "596e275826f08b2730779e1f"}` {
			t.Errorf("key = %v", m.Key)
		}
	})
	t.Run("mongodb update description", func(t *testing.T) {
		t.Parallel()
		m, err := NewDecoder(Config{}).Decode(loadGolden(t, "crafted/mongodb_update_description.json"))
		if err != nil {
			t.Fatal(err)
		}
		checkRow(t, "after", m.Event.Schema, m.Event.After, map[string]schemas.Value{
			"document":           schemas.Unchanged(),
			"update_description": schemas.JSON(`{"removedFields":["orders"],"updatedFields":"{\"name\": \"Sal\"}"}`),
		})
	})
	t.Run("mongodb legacy patch", func(t *testing.T) {
		t.Parallel()
		m, err := NewDecoder(Config{}).Decode(loadGolden(t, "crafted/mongodb_patch_legacy.json"))
		if err != nil {
			t.Fatal(err)
		}
		checkRow(t, "after", m.Event.Schema, m.Event.After, map[string]schemas.Value{
			"document": schemas.Unchanged(),
			"patch":    schemas.JSON(`{"$set": {"name": "Sal"}}`),
			"filter":   schemas.JSON(`{"_id": {"$oid": "596e275826f08b2730779e1f"}}`),
		})
	})
	t.Run("flattened", func(t *testing.T) {
		t.Parallel()
		d := NewDecoder(Config{})
		m, err := d.Decode(loadGolden(t, "crafted/flattened_delete.json"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Event.Op != schemas.OpDelete || m.Event.After != nil {
			t.Fatalf("flattened delete decoded as %v", m.Event.Op)
		}
		checkRow(t, "before", m.Event.Schema, m.Event.Before, map[string]schemas.Value{"id": schemas.Int64(42), "amount": dec("123.45")})
		flat := m.Event.Schema
		d2 := NewDecoder(Config{Hint: func(topic string) *schemas.Schema {
			if topic == "shop.public.orders" {
				return flat
			}
			return nil
		}})
		m, err = d2.Decode(loadGolden(t, "crafted/flattened_payload_only.json"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Event.Op != schemas.OpUpdate {
			t.Errorf("payload-only flattened row decoded as %v, want update (__op)", m.Event.Op)
		}
		checkRow(t, "after", m.Event.Schema, m.Event.After, map[string]schemas.Value{"id": schemas.Int64(43), "amount": dec("2.00")})
	})
	t.Run("schema change", func(t *testing.T) {
		t.Parallel()
		m, err := NewDecoder(Config{}).Decode(loadGolden(t, "crafted/mysql_schema_change.json"))
		if err != nil {
			t.Fatal(err)
		}
		sc := m.SchemaChange
		if m.Kind != KindSchemaChange || sc.Database != "inventory" || !strings.HasPrefix(sc.DDL, "ALTER TABLE items") ||
			len(sc.TableChanges) != 1 || sc.TableChanges[0].Type != "ALTER" || !bytes.Contains(sc.TableChanges[0].Table, []byte("c_note")) {
			t.Errorf("schema change = %v %+v", m.Kind, sc)
		}
	})
}
