package debezium

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"

	"github.com/heliosdb/helios-etl/schemas"
)

// fakeRegistry is an in-memory schema registry.
type fakeRegistry struct {
	schemas map[int]string
	calls   int
}

func (f *fakeRegistry) Schema(_ context.Context, id int) (string, error) {
	f.calls++
	s, ok := f.schemas[id]
	if !ok {
		return "", fmt.Errorf("schema %d not found", id)
	}
	return s, nil
}

var _ Registry = (*fakeRegistry)(nil)

// avroValueSchema is an envelope as Confluent's AvroConverter writes
// Debezium's PostgreSQL connector's: connect.name and connect.parameters
// on the semantic types, optional fields as ["null", T], the row record
// referenced by name in "after".
const avroValueSchema = `{"type":"record","name":"Envelope","namespace":"shop.public.items","fields":[
 {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
  {"name":"id","type":"long"},
  {"name":"small","type":["null",{"type":"int","connect.type":"int16"}],"default":null},
  {"name":"price","type":["null",{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null},
  {"name":"anynum","type":["null",{"type":"record","name":"VariableScaleDecimal","namespace":"io.debezium.data","fields":[{"name":"scale","type":"int"},{"name":"value","type":"bytes"}],"connect.doc":"Variable scaled decimal","connect.version":1,"connect.name":"io.debezium.data.VariableScaleDecimal"}],"default":null},
  {"name":"ratio","type":["null","float"],"default":null},
  {"name":"score","type":["null","double"],"default":null},
  {"name":"ok","type":["null","boolean"],"default":null},
  {"name":"name","type":["null","string"],"default":null},
  {"name":"blob","type":["null","bytes"],"default":null},
  {"name":"ref","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.data.Uuid"}],"default":null},
  {"name":"doc","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.data.Json"}],"default":null},
  {"name":"day","type":["null",{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Date"}],"default":null},
  {"name":"clock","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroTime"}],"default":null},
  {"name":"clocktz","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.time.ZonedTime"}],"default":null},
  {"name":"local","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroTimestamp"}],"default":null},
  {"name":"nanots","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.NanoTimestamp"}],"default":null},
  {"name":"ms","type":["null",{"type":"int","connect.version":1,"connect.name":"io.debezium.time.Time"}],"default":null},
  {"name":"at","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.time.ZonedTimestamp"}],"default":null},
  {"name":"span","type":["null",{"type":"string","connect.version":1,"connect.name":"io.debezium.time.Interval"}],"default":null},
  {"name":"dur","type":["null",{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroDuration"}],"default":null},
  {"name":"mood","type":["null",{"type":"string","connect.version":1,"connect.parameters":{"allowed":"sad,ok,happy"},"connect.name":"io.debezium.data.Enum"}],"default":null},
  {"name":"tags","type":["null",{"type":"array","items":["null","string"]}],"default":null},
  {"name":"pt","type":["null",{"type":"record","name":"Point","namespace":"io.debezium.data.geometry","fields":[{"name":"x","type":"double"},{"name":"y","type":"double"},{"name":"wkb","type":["null","bytes"],"default":null},{"name":"srid","type":["null","int"],"default":null}],"connect.name":"io.debezium.data.geometry.Point"}],"default":null},
  {"name":"big","type":["null","string"],"default":null}
 ],"connect.name":"shop.public.items.Value"}],"default":null},
 {"name":"after","type":["null","Value"],"default":null},
 {"name":"source","type":{"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql","fields":[
  {"name":"version","type":"string"},{"name":"connector","type":"string"},{"name":"name","type":"string"},{"name":"ts_ms","type":"long"},
  {"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"true,last,false,incremental"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"},
  {"name":"db","type":"string"},{"name":"sequence","type":["null","string"],"default":null},{"name":"ts_us","type":["null","long"],"default":null},
  {"name":"schema","type":"string"},{"name":"table","type":"string"},{"name":"txId","type":["null","long"],"default":null},
  {"name":"lsn","type":["null","long"],"default":null},{"name":"xmin","type":["null","long"],"default":null}],
  "connect.name":"io.debezium.connector.postgresql.Source"}},
 {"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event","fields":[{"name":"id","type":"string"},{"name":"total_order","type":"long"},{"name":"data_collection_order","type":"long"}],"connect.version":1,"connect.name":"event.block"}],"default":null},
 {"name":"op","type":"string"},
 {"name":"ts_ms","type":["null","long"],"default":null},
 {"name":"ts_us","type":["null","long"],"default":null}
],"connect.version":2,"connect.name":"shop.public.items.Envelope"}`

const avroKeySchema = `{"type":"record","name":"Key","namespace":"shop.public.items","fields":[{"name":"id","type":"long"}],"connect.name":"shop.public.items.Key"}`

const avroTxSchema = `{"type":"record","name":"TransactionMetadataValue","namespace":"io.debezium.connector.common","fields":[
 {"name":"status","type":"string"},{"name":"id","type":"string"},{"name":"event_count","type":["null","long"],"default":null},
 {"name":"data_collections","type":["null",{"type":"array","items":{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"data_collection","type":"string"},{"name":"event_count","type":"long"}]}}],"default":null},
 {"name":"ts_ms","type":"long"}]}`

// wire encodes native with goavro (an independent Avro implementation) in
// the Confluent wire format under id.
func wire(t testing.TB, schema string, id int, native map[string]any) []byte {
	t.Helper()
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	out := binary.BigEndian.AppendUint32([]byte{0}, uint32(id))
	out, err = codec.BinaryFromNative(out, native)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func avroRow() map[string]any {
	u := func(typ string, v any) map[string]any { return map[string]any{typ: v} }
	return map[string]any{
		"id":      int64(7),
		"small":   u("int", int32(-3)),
		"price":   u("bytes.decimal", big.NewRat(-1234599, 100)),
		"anynum":  u("io.debezium.data.VariableScaleDecimal", map[string]any{"scale": int32(3), "value": []byte{0x30, 0x39}}),
		"ratio":   u("float", float32(math.Inf(1))),
		"score":   u("double", 2.5),
		"ok":      u("boolean", true),
		"name":    u("string", "héllo"),
		"blob":    u("bytes", []byte{0, 0xff}),
		"ref":     u("string", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
		"doc":     u("string", `{"a": 1}`),
		"day":     u("int", int32(19782)),
		"clock":   u("long", int64(3_723_000_001)),
		"clocktz": u("string", "04:30:00.5Z"),
		"local":   u("long", int64(1704164645123456)),
		"nanots":  u("long", int64(1700000000123456789)),
		"ms":      u("int", int32(3_723_004)),
		"at":      u("string", "2024-01-02T01:04:05.123456Z"),
		"span":    u("string", "P1Y2M-3DT4H5M6.5S"),
		"dur":     u("long", int64(90061000001)),
		"mood":    u("string", "happy"),
		"tags":    u("array", []any{u("string", "a"), nil}),
		"pt":      u("io.debezium.data.geometry.Point", map[string]any{"x": 1.5, "y": -2.0, "wkb": nil, "srid": u("int", int32(4326))}),
		"big":     u("string", "__debezium_unavailable_value"),
	}
}

func avroEvent(op string, before, after map[string]any) map[string]any {
	ev := map[string]any{
		"before": nil, "after": nil,
		"source": map[string]any{"version": "3.7.0.Final", "connector": "postgresql", "name": "shop", "ts_ms": int64(1700000000000),
			"snapshot": map[string]any{"string": "false"}, "db": "shop", "sequence": nil, "ts_us": map[string]any{"long": int64(1700000000000123)},
			"schema": "public", "table": "items", "txId": map[string]any{"long": int64(991)}, "lsn": map[string]any{"long": int64(123456)}, "xmin": nil},
		"transaction": nil, "op": op, "ts_ms": map[string]any{"long": int64(1700000000100)}, "ts_us": nil,
	}
	if before != nil {
		ev["before"] = map[string]any{"shop.public.items.Value": before}
	}
	if after != nil {
		ev["after"] = map[string]any{"shop.public.items.Value": after}
	}
	return ev
}

func TestAvro(t *testing.T) {
	t.Parallel()
	reg := &fakeRegistry{schemas: map[int]string{1: avroValueSchema, 2: avroKeySchema, 3: avroTxSchema}}
	d := NewDecoder(Config{Registry: reg})
	key := wire(t, avroKeySchema, 2, map[string]any{"id": int64(7)})
	r := Record{Topic: "shop.public.items", Offset: 5, Key: key, Value: wire(t, avroValueSchema, 1, avroEvent("u", nil, avroRow()))}
	m, err := d.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	ev := m.Event
	if m.Kind != KindChange || ev.Op != schemas.OpUpdate || ev.Schema.Name != "public.items" || ev.Before != nil {
		t.Fatalf("decoded %v %v %s before=%v", m.Kind, ev.Op, ev.Schema.Name, ev.Before)
	}
	if src := ev.Source; src.Connector != "postgresql" || src.TxID != 991 || src.LSN != 123456 || src.CommitMicros != 1700000000000123 ||
		src.Schema != "public" || src.Table != "items" || ev.TsMicros != 1700000000100000 {
		t.Errorf("source %+v ts %d", src, ev.TsMicros)
	}
	if len(m.Key) != 1 || m.Key[0].Int() != 7 || len(ev.Schema.Key) != 1 || ev.Schema.Key[0] != 0 {
		t.Errorf("key %v, schema key %v", m.Key, ev.Schema.Key)
	}
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	ewkb := []byte{1, 1, 0, 0, 0x20, 0xe6, 0x10, 0, 0}
	ewkb = binary.LittleEndian.AppendUint64(ewkb, math.Float64bits(1.5))
	ewkb = binary.LittleEndian.AppendUint64(ewkb, math.Float64bits(-2))
	checkRow(t, "after", ev.Schema, ev.After, map[string]schemas.Value{
		"id":      schemas.Int64(7),
		"small":   i16(-3),
		"price":   dec("-12345.99"),
		"anynum":  dec("12.345"),
		"ratio":   schemas.Float(schemas.KindFloat32, math.Inf(1)),
		"score":   schemas.Float(schemas.KindFloat64, 2.5),
		"ok":      schemas.Bool(true),
		"name":    str("héllo"),
		"blob":    schemas.Bytes([]byte{0, 0xff}),
		"ref":     schemas.UUID(u),
		"doc":     schemas.JSON(`{"a": 1}`),
		"day":     schemas.Date(19782),
		"clock":   schemas.Time(3_723_000_001),
		"clocktz": schemas.TimeTZ(4*3600e6+30*60e6+500_000, 0),
		"local":   schemas.Timestamp(1704164645123456),
		"nanots":  schemas.Timestamp(1700000000123456),
		"ms":      schemas.Time(3_723_004_000),
		"at":      schemas.TimestampTZ(1704157445123456),
		"span":    schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: 4*3600e6 + 5*60e6 + 6.5e6}),
		"dur":     schemas.IntervalValue(schemas.Interval{Micros: 90061000001}),
		"mood":    schemas.Enum("happy"),
		"tags":    schemas.Array([]schemas.Value{str("a"), schemas.Null()}),
		"pt":      schemas.Bytes(ewkb),
		"big":     schemas.Unchanged(),
	})
	if f := ev.Schema.Fields[ev.Schema.FieldIndex("price")].Type; f.Kind != schemas.KindDecimal || f.Precision != 10 || f.Scale != 2 {
		t.Errorf("price type %v", f)
	}
	if f := ev.Schema.Fields[ev.Schema.FieldIndex("mood")].Type; strings.Join(f.Symbols, ",") != "sad,ok,happy" {
		t.Errorf("mood type %v", f)
	}

	// A delete of the same table: schemas come from the cache.
	calls := reg.calls
	del, err := d.Decode(Record{Topic: r.Topic, Key: key, Value: wire(t, avroValueSchema, 1, avroEvent("d", map[string]any{"id": int64(7),
		"small": nil, "price": nil, "anynum": nil, "ratio": nil, "score": nil, "ok": nil, "name": nil, "blob": nil, "ref": nil, "doc": nil,
		"day": nil, "clock": nil, "clocktz": nil, "local": nil, "nanots": nil, "ms": nil, "at": nil, "span": nil, "dur": nil, "mood": nil,
		"tags": nil, "pt": nil, "big": nil}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if del.Event.Op != schemas.OpDelete || del.Event.After != nil || !del.Event.Before[1].IsNull() || del.Event.Before[0].Int() != 7 ||
		del.Event.Schema != ev.Schema || reg.calls != calls {
		t.Errorf("delete: %v before %v, %d more registry calls", del.Event.Op, del.Event.Before, reg.calls-calls)
	}

	// A tombstone with an Avro key.
	tomb, err := d.Decode(Record{Topic: r.Topic, Key: key})
	if err != nil || tomb.Kind != KindTombstone || len(tomb.Key) != 1 || tomb.Key[0].Int() != 7 {
		t.Errorf("tombstone: %v %v %v", tomb.Kind, tomb.Key, err)
	}

	// Transaction metadata, told by its schema name.
	tx, err := d.Decode(Record{Topic: "shop.transaction", Value: wire(t, avroTxSchema, 3, map[string]any{"status": "END", "id": "991:123456",
		"event_count": map[string]any{"long": int64(2)}, "ts_ms": int64(1700000000000),
		"data_collections": map[string]any{"array": []any{map[string]any{"data_collection": "public.items", "event_count": int64(2)}}}})})
	if err != nil || tx.Kind != KindTransaction || tx.Transaction.EventCount != 2 || tx.Transaction.DataCollections[0].DataCollection != "public.items" {
		t.Errorf("transaction: %v %+v %v", tx.Kind, tx.Transaction, err)
	}
}

func TestAvroErrors(t *testing.T) {
	t.Parallel()
	good := wire(t, avroValueSchema, 1, avroEvent("c", nil, avroRow()))
	tests := []struct {
		name  string
		reg   Registry
		value []byte
		want  string
	}{
		{"no registry", nil, good, ErrNoRegistry.Error()},
		{"unknown id", &fakeRegistry{}, good, "schema 1 not found"},
		{"bad schema", &fakeRegistry{schemas: map[int]string{1: `{"type":"record","fields":[{"name":"a","type":"nope"}]}`}}, good, `unknown type "nope"`},
		{"truncated", &fakeRegistry{schemas: map[int]string{1: avroValueSchema}}, good[:len(good)-3], "end of data"},
		{"trailing", &fakeRegistry{schemas: map[int]string{1: avroValueSchema}}, append(append([]byte{}, good...), 0), "bytes after the record"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewDecoder(Config{Registry: tc.reg}).Decode(Record{Topic: "shop.public.items", Offset: 9, Value: tc.value})
			re, ok := errors.AsType[*RecordError](err)
			if !ok || re.Offset != 9 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want a *RecordError with %q", err, tc.want)
			}
		})
	}
}
