package kafkasink

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/internal/fakeregistry"
	"github.com/heliosdb/helios-etl/schemas"
)

// fakeProducer keeps what it is given and acknowledges it.
type fakeProducer struct {
	mu   sync.Mutex
	recs []*kgo.Record
}

func (p *fakeProducer) ProduceSync(_ context.Context, rs ...*kgo.Record) kgo.ProduceResults {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(kgo.ProduceResults, len(rs))
	for i, r := range rs {
		p.recs = append(p.recs, r)
		out[i] = kgo.ProduceResult{Record: r}
	}
	return out
}

func typ(k schemas.Kind) schemas.Type { return schemas.Type{Kind: k} }

func allTypes() *schemas.Schema {
	elem := typ(schemas.KindInt32)
	return &schemas.Schema{Name: "public.everything", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt64)},
		{Name: "b", Type: typ(schemas.KindBool), Nullable: true},
		{Name: "i2", Type: typ(schemas.KindInt16), Nullable: true},
		{Name: "i4", Type: typ(schemas.KindInt32), Nullable: true},
		{Name: "f4", Type: typ(schemas.KindFloat32), Nullable: true},
		{Name: "f8", Type: typ(schemas.KindFloat64), Nullable: true},
		{Name: "num", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 3}, Nullable: true},
		{Name: "anynum", Type: schemas.Type{Kind: schemas.KindDecimal, Scale: schemas.VariableScale}, Nullable: true},
		{Name: "s", Type: typ(schemas.KindString), Nullable: true},
		{Name: "by", Type: typ(schemas.KindBytes), Nullable: true},
		{Name: "u", Type: typ(schemas.KindUUID), Nullable: true},
		{Name: "j", Type: typ(schemas.KindJSON), Nullable: true},
		{Name: "d", Type: typ(schemas.KindDate), Nullable: true},
		{Name: "t", Type: typ(schemas.KindTime), Nullable: true},
		{Name: "ttz", Type: typ(schemas.KindTimeTZ), Nullable: true},
		{Name: "ts", Type: typ(schemas.KindTimestamp), Nullable: true},
		{Name: "tstz", Type: typ(schemas.KindTimestampTZ), Nullable: true},
		{Name: "iv", Type: typ(schemas.KindInterval), Nullable: true},
		{Name: "mood", Type: schemas.Type{Kind: schemas.KindEnum, Symbols: []string{"sad", "ok", "happy"}}, Nullable: true},
		{Name: "label", Type: schemas.Type{Kind: schemas.KindEnum, Symbols: []string{"very good", "bad"}}, Nullable: true},
		{Name: "arr", Type: schemas.Type{Kind: schemas.KindArray, Elem: &elem}, Nullable: true},
		{Name: "big", Type: typ(schemas.KindString), Nullable: true},
	}}
}

func union(branch string, v any) any { return map[string]any{branch: v} }

func TestAvroRoundTrip(t *testing.T) {
	t.Parallel()
	s := allTypes()
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	row := []schemas.Value{
		schemas.Int64(math.MaxInt64), schemas.Bool(true), schemas.Int(schemas.KindInt16, -32768), schemas.Int(schemas.KindInt32, math.MaxInt32),
		schemas.Float(schemas.KindFloat32, 1.5), schemas.Float(schemas.KindFloat64, math.Inf(-1)),
		schemas.DecimalValue(schemas.MustParseDecimal("-123456789.125")), schemas.DecimalValue(schemas.DecimalNaN()),
		schemas.String("héllo ✓"), schemas.Bytes([]byte{0, 0xff}), schemas.UUID(u), schemas.JSON(`{"a": [1]}`),
		schemas.Date(-1), schemas.Time(86_400_000_000), schemas.TimeTZ(3_600_000_000, 19800), schemas.Timestamp(schemas.TimestampInfinity),
		schemas.TimestampTZ(ts.UnixMicro()), schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: 1}),
		schemas.Enum("happy"), schemas.Enum("very good"),
		schemas.Array([]schemas.Value{schemas.Int(schemas.KindInt32, 1), schemas.Null()}), schemas.Unchanged(),
	}
	c, err := newAvroCodec(s)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(c.valueSchema)
	if err != nil {
		t.Fatalf("goavro rejects the generated schema: %v\n%s", err, c.valueSchema)
	}
	ev := schemas.Event{Op: schemas.OpUpdate, Schema: s, After: row, Source: schemas.Source{LSN: 42, CommitMicros: ts.UnixMicro()}}
	bin, err := c.appendValue(nil, &ev)
	if err != nil {
		t.Fatal(err)
	}
	native, rest, err := codec.NativeFromBinary(bin)
	if err != nil || len(rest) != 0 {
		t.Fatalf("goavro decode: %v (%d bytes left)", err, len(rest))
	}
	got := native.(map[string]any)
	want := map[string]any{
		"id":     int64(math.MaxInt64),
		"b":      union("boolean", true),
		"i2":     union("int", int32(-32768)),
		"i4":     union("int", int32(math.MaxInt32)),
		"f4":     union("float", float32(1.5)),
		"f8":     union("double", math.Inf(-1)),
		"num":    union("bytes.decimal", big.NewRat(-123456789125, 1000)),
		"anynum": union("string", "NaN"),
		"s":      union("string", "héllo ✓"),
		"by":     union("bytes", []byte{0, 0xff}),
		"u":      union("string", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
		"j":      union("string", `{"a": [1]}`),
		"d":      union("int.date", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)),
		"t":      union("long.time-micros", 24*time.Hour),
		"ttz":    union("string", "01:00:00+05:30"),
		"ts":     union("long", int64(math.MaxInt64)),
		"tstz":   union("long.timestamp-micros", ts),
		"iv":     union("string", "P1Y2M-3DT0.000001S"),
		"mood":   union("helios.public.mood_enum", "happy"),
		"label":  union("string", "very good"),
		"arr":    union("array", []any{union("int", int32(1)), nil}),
		"big":    nil,

		FieldOp:        "u",
		FieldDeleted:   false,
		FieldLSN:       union("long", int64(42)),
		FieldTsMicros:  ts,
		FieldUnchanged: []any{"big"},
	}
	for k, w := range want {
		g := got[k]
		if gm, ok := g.(map[string]any); ok {
			if r, ok := gm["bytes.decimal"].(*big.Rat); ok {
				if r.Cmp(w.(map[string]any)["bytes.decimal"].(*big.Rat)) == 0 {
					continue
				}
			}
			if tt, ok := gm["long.timestamp-micros"].(time.Time); ok && tt.Equal(ts) {
				continue
			}
			if tt, ok := gm["int.date"].(time.Time); ok && tt.Equal(w.(map[string]any)["int.date"].(time.Time)) {
				continue
			}
		}
		if tt, ok := g.(time.Time); ok && tt.Equal(ts) {
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %#v, want %#v", k, g, w)
		}
	}
	if iv := got["iv"].(map[string]any)["string"].(string); iv != row[17].Interval().String() {
		t.Errorf("interval %s", iv)
	}
	// The key record.
	kc, err := goavro.NewCodec(c.keySchema)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := c.appendKey(nil, &ev)
	if err != nil {
		t.Fatal(err)
	}
	kn, _, err := kc.NativeFromBinary(kb)
	if err != nil || kn.(map[string]any)["id"] != int64(math.MaxInt64) {
		t.Fatalf("key = %v, %v", kn, err)
	}
	// A finite decimal only: NaN has no Avro decimal form.
	row2 := append([]schemas.Value(nil), row...)
	row2[6] = schemas.DecimalValue(schemas.DecimalNaN())
	if _, err := c.appendValue(nil, &schemas.Event{Op: schemas.OpCreate, Schema: s, After: row2}); err == nil {
		t.Error("NaN in decimal(12,3): no error")
	}
}

func smallSchema(version int32, extra ...schemas.Field) *schemas.Schema {
	s := &schemas.Schema{Name: "public.orders", Version: version, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt64)},
		{Name: "qty", Type: typ(schemas.KindInt32), Nullable: true},
	}}
	s.Fields = append(s.Fields, extra...)
	return s
}

func rec(off int64, s *schemas.Schema, row ...schemas.Value) emit.Record {
	return emit.Record{Topic: "src", Offset: off, Event: schemas.Event{Op: schemas.OpCreate, Schema: s, After: row}}
}

// schemaID reads the Confluent wire-format header.
func schemaID(t *testing.T, b []byte) int {
	t.Helper()
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("not the Confluent wire format: % x", b)
	}
	return int(binary.BigEndian.Uint32(b[1:5]))
}

func TestSchemaEvolution(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{PolicyFail, PolicyQuarantine} {
		t.Run(policy, func(t *testing.T) {
			t.Parallel()
			reg := fakeregistry.New()
			defer reg.Close()
			cl, err := sr.NewClient(sr.URLs(reg.URL()))
			if err != nil {
				t.Fatal(err)
			}
			p := &fakeProducer{}
			sink, err := New(Config{Format: FormatAvro, Topic: "{topic}.avro", OnIncompatible: policy, DLQTopic: "dlq"}, p, cl, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			v1 := smallSchema(1)
			if err := sink.Write(ctx, []emit.Record{rec(0, v1, schemas.Int64(1), schemas.Int(schemas.KindInt32, 5))}); err != nil {
				t.Fatal(err)
			}
			// A new nullable column: a compatible version 2.
			v2 := smallSchema(2, schemas.Field{Name: "note", Type: typ(schemas.KindString), Nullable: true})
			if err := sink.Write(ctx, []emit.Record{rec(1, v2, schemas.Int64(2), schemas.Int(schemas.KindInt32, 6), schemas.String("n"))}); err != nil {
				t.Fatal(err)
			}
			versions, err := cl.SubjectVersions(ctx, "src.avro-value")
			if err != nil || len(versions) != 2 {
				t.Fatalf("versions of src.avro-value = %v, %v; want 2", versions, err)
			}
			s2, _ := cl.SchemaByVersion(ctx, "src.avro-value", 2)
			if id := schemaID(t, p.recs[1].Value); id != s2.ID || !strings.Contains(s2.Schema.Schema, `"note"`) {
				t.Fatalf("second record has schema id %d; version 2 is id %d: %s", id, s2.ID, s2.Schema.Schema)
			}
			codec, err := goavro.NewCodec(s2.Schema.Schema)
			if err != nil {
				t.Fatal(err)
			}
			native, _, err := codec.NativeFromBinary(p.recs[1].Value[5:])
			if err != nil || !reflect.DeepEqual(native.(map[string]any)["note"], union("string", "n")) {
				t.Fatalf("decoded %v, %v", native, err)
			}
			// qty changes type: incompatible under BACKWARD.
			v3 := smallSchema(3, schemas.Field{Name: "note", Type: typ(schemas.KindString), Nullable: true})
			v3.Fields[1].Type = typ(schemas.KindString)
			err = sink.Write(ctx, []emit.Record{rec(2, v3, schemas.Int64(3), schemas.String("many"), schemas.Null())})
			switch policy {
			case PolicyFail:
				var ie *IncompatibleError
				if !errors.As(err, &ie) || ie.Subject != "src.avro-value" || ie.SourceVersion != 3 || !strings.Contains(err.Error(), "qty") {
					t.Fatalf("err = %v, want an IncompatibleError naming src.avro-value, version 3 and qty", err)
				}
				t.Logf("reported: %v", err)
			case PolicyQuarantine:
				if err != nil {
					t.Fatal(err)
				}
				last := p.recs[len(p.recs)-1]
				if last.Topic != "dlq" || headerOf(last, emit.HeaderDLQReason) != "incompatible-schema" || !strings.Contains(headerOf(last, emit.HeaderDLQError), "qty") {
					t.Fatalf("last record: topic %s headers %v", last.Topic, last.Headers)
				}
				// The stream goes on with compatible versions.
				if err := sink.Write(ctx, []emit.Record{rec(3, v2, schemas.Int64(4), schemas.Int(schemas.KindInt32, 7), schemas.Null())}); err != nil {
					t.Fatal(err)
				}
				if p.recs[len(p.recs)-1].Topic != "src.avro" {
					t.Fatal("compatible record after a quarantined one was not produced")
				}
			}
		})
	}
}

func headerOf(r *kgo.Record, k string) string {
	for _, h := range r.Headers {
		if h.Key == k {
			return string(h.Value)
		}
	}
	return ""
}
