package envelope

import (
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

// benchSchema is a typical 10-column orders table.
func benchSchema() (*schemas.Schema, schemas.Event) {
	s := &schemas.Schema{Name: "public.orders", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt64)},
		{Name: "customer_id", Type: typ(schemas.KindInt64)},
		{Name: "status", Type: typ(schemas.KindString)},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 2}},
		{Name: "currency", Type: typ(schemas.KindString)},
		{Name: "created_at", Type: typ(schemas.KindTimestampTZ)},
		{Name: "updated_at", Type: typ(schemas.KindTimestamp), Nullable: true},
		{Name: "paid", Type: typ(schemas.KindBool)},
		{Name: "ref", Type: typ(schemas.KindUUID)},
		{Name: "note", Type: typ(schemas.KindString), Nullable: true},
	}}
	row := []schemas.Value{
		schemas.Int64(123456789), schemas.Int64(42), schemas.String("shipped"),
		schemas.DecimalValue(schemas.NewDecimal(1234599, 2)), schemas.String("EUR"),
		schemas.TimestampTZ(1700000000123456), schemas.Timestamp(1700000000654321), schemas.Bool(true),
		schemas.UUID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), schemas.String("leave at the door"),
	}
	ev := schemas.Event{Op: schemas.OpUpdate, Schema: s, Before: row, After: row,
		Source: schemas.Source{Connector: "postgresql", Name: "helios", Database: "shop", Schema: "public", Table: "orders",
			LSN: 123456789, TxID: 991, CommitMicros: 1700000000000000}, TsMicros: 1700000000100000}
	return s, ev
}

func BenchmarkEncode(b *testing.B) {
	_, ev := benchSchema()
	for _, withSchema := range []bool{false, true} {
		name := "payload"
		if withSchema {
			name = "with-schema"
		}
		b.Run(name, func(b *testing.B) {
			enc := NewEncoder(Options{Schemas: withSchema})
			buf, _ := enc.AppendValue(nil, &ev)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = enc.AppendValue(buf[:0], &ev)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	s, ev := benchSchema()
	for _, withSchema := range []bool{false, true} {
		name := "payload"
		if withSchema {
			name = "with-schema"
		}
		b.Run(name, func(b *testing.B) {
			data, _ := NewEncoder(Options{Schemas: withSchema}).AppendValue(nil, &ev)
			dec := NewDecoder()
			var hint *schemas.Schema
			if !withSchema {
				hint = s
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := dec.Decode(data, hint); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
