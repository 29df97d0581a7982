package pgvalue_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
)

// benchRow is a typical 10-column row as pgoutput sends it.
var benchRow = []struct {
	name   string
	oid    uint32
	typmod int32
	text   string
}{
	{"int8", pgtype.Int8OID, -1, "1234567890123"},
	{"text", pgtype.TextOID, -1, "alice@example.com"},
	{"numeric(12,2)", pgtype.NumericOID, (12<<16 | 2) + 4, "12345.67"},
	{"timestamptz", pgtype.TimestamptzOID, -1, "2024-01-02 03:04:05.123456+00"},
	{"bool", pgtype.BoolOID, -1, "t"},
	{"uuid", pgtype.UUIDOID, -1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
	{"date", pgtype.DateOID, -1, "2024-01-02"},
	{"jsonb", pgtype.JSONBOID, -1, `{"sku": "A-1", "qty": [1, 2, 3]}`},
	{"float8", pgtype.Float8OID, -1, "3.141592653589793"},
	{"int4", pgtype.Int4OID, -1, "42"},
}

func benchDecoders(b *testing.B) ([]*pgvalue.Decoder, [][]byte, int64) {
	decs := make([]*pgvalue.Decoder, len(benchRow))
	texts := make([][]byte, len(benchRow))
	var n int64
	for i, c := range benchRow {
		d, err := pgvalue.NewDecoder(b.Context(), c.oid, c.typmod, nil)
		if err != nil {
			b.Fatal(err)
		}
		decs[i], texts[i] = d, []byte(c.text)
		n += int64(len(c.text))
	}
	return decs, texts, n
}

// BenchmarkDecodeRow decodes one 10-column row per iteration: ns/op is
// ns/row and allocs/op allocs/row.
func BenchmarkDecodeRow(b *testing.B) {
	decs, texts, n := benchDecoders(b)
	row := make([]schemas.Value, len(decs))
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range decs {
			v, err := d.DecodeColumn(pgvalue.TupleText, texts[i])
			if err != nil {
				b.Fatal(err)
			}
			row[i] = v
		}
	}
}

// BenchmarkDecode decodes one value per iteration, per type.
func BenchmarkDecode(b *testing.B) {
	cases := append(benchRow[:len(benchRow):len(benchRow)],
		struct {
			name   string
			oid    uint32
			typmod int32
			text   string
		}{"interval", pgtype.IntervalOID, -1, "P1Y2M3DT4H5M6.5S"},
		struct {
			name   string
			oid    uint32
			typmod int32
			text   string
		}{"numeric(40)", pgtype.NumericOID, -1, "1234567890123456789012345678901234567890"},
		struct {
			name   string
			oid    uint32
			typmod int32
			text   string
		}{"int4[10]", pgtype.Int4ArrayOID, -1, "{1,2,3,4,5,6,7,8,9,10}"},
		struct {
			name   string
			oid    uint32
			typmod int32
			text   string
		}{"text[3]", pgtype.TextArrayOID, -1, `{alpha,"b c","d\"e"}`},
	)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			d, err := pgvalue.NewDecoder(b.Context(), c.oid, c.typmod, nil)
			if err != nil {
				b.Fatal(err)
			}
			text := []byte(c.text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Decode(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
