package debezium

import (
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// ordersRecord is a typical change event: an update of a 10-column orders
// table in Debezium's PostgreSQL envelope, with its key.
func ordersRecord(b *testing.B, withSchema bool) (Record, *schemas.Schema) {
	s := &schemas.Schema{Name: "public.orders", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "customer_id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "status", Type: schemas.Type{Kind: schemas.KindString}},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 2}},
		{Name: "currency", Type: schemas.Type{Kind: schemas.KindString}},
		{Name: "created_at", Type: schemas.Type{Kind: schemas.KindTimestampTZ}},
		{Name: "updated_at", Type: schemas.Type{Kind: schemas.KindTimestamp}, Nullable: true},
		{Name: "paid", Type: schemas.Type{Kind: schemas.KindBool}},
		{Name: "ref", Type: schemas.Type{Kind: schemas.KindUUID}},
		{Name: "note", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	}}
	row := []schemas.Value{
		schemas.Int64(123456789), schemas.Int64(42), schemas.String("shipped"),
		schemas.DecimalValue(schemas.NewDecimal(1234599, 2)), schemas.String("EUR"),
		schemas.TimestampTZ(1700000000123456), schemas.Timestamp(1700000000654321), schemas.Bool(true),
		schemas.UUID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), schemas.String("leave at the door"),
	}
	ev := schemas.Event{Op: schemas.OpUpdate, Schema: s, After: row,
		Source: schemas.Source{Connector: "postgresql", Name: "shop", Database: "shop", Schema: "public", Table: "orders",
			LSN: 123456789, TxID: 991, CommitMicros: 1700000000000000}, TsMicros: 1700000000100000}
	enc := envelope.NewEncoder(envelope.Options{Schemas: withSchema, TopicPrefix: "shop"})
	value, err := enc.AppendValue(nil, &ev)
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := enc.AppendKey(nil, &ev)
	if err != nil {
		b.Fatal(err)
	}
	return Record{Topic: "shop.public.orders", Key: key, Value: value}, s
}

// BenchmarkDecode decodes whole records (value and key): a typical
// 10-column update, and the real Debezium message of a 31-column row of
// every type (01_insert_full.json, 8 kB of it a TOASTed text), each with
// and without the schema section.
func BenchmarkDecode(b *testing.B) {
	run := func(b *testing.B, r Record, hint *schemas.Schema) {
		d := NewDecoder(Config{Hint: func(string) *schemas.Schema { return hint }})
		b.SetBytes(int64(len(r.Key) + len(r.Value)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.Decode(r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	}
	for _, withSchema := range []bool{true, false} {
		name := "payload-only"
		if withSchema {
			name = "with-schema"
		}
		b.Run("orders/"+name, func(b *testing.B) {
			r, s := ordersRecord(b, withSchema)
			if withSchema {
				s = nil
			}
			run(b, r, s)
		})
		b.Run("pg-every-type/"+name, func(b *testing.B) {
			r := loadGolden(b, "pg/01_insert_full.json")
			var hint *schemas.Schema
			if !withSchema {
				m, err := NewDecoder(Config{}).Decode(r)
				if err != nil {
					b.Fatal(err)
				}
				hint = m.Event.Schema
				r.Value, r.Key = payloadOnly(b, r.Value), payloadOnly(b, r.Key)
			}
			run(b, r, hint)
		})
	}
}

// BenchmarkDecodeAvro decodes a 24-column update in the Confluent wire
// format (the schemas cached after the first record).
func BenchmarkDecodeAvro(b *testing.B) {
	reg := &fakeRegistry{schemas: map[int]string{1: avroValueSchema, 2: avroKeySchema}}
	r := Record{Topic: "shop.public.items", Key: wire(b, avroKeySchema, 2, map[string]any{"id": int64(7)}),
		Value: wire(b, avroValueSchema, 1, avroEvent("u", nil, avroRow()))}
	d := NewDecoder(Config{Registry: reg})
	b.SetBytes(int64(len(r.Key) + len(r.Value)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Decode(r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
