package kafkasink

import (
	"math/big"
	"testing"

	"github.com/linkedin/goavro/v2"

	"github.com/heliosdb/helios-etl/schemas"
)

// FuzzAvroRoundTrip encodes rows of a long, a decimal(38,s), a string and
// an int array, and checks that goavro decodes exactly the same values.
func FuzzAvroRoundTrip(f *testing.F) {
	f.Add(int64(0), int64(0), uint8(0), "", int32(0))
	f.Add(int64(-1), int64(-9223372036854775808), uint8(18), "héllo\x00", int32(-2147483648))
	f.Add(int64(9223372036854775807), int64(12345), uint8(3), "a\"b", int32(7))
	f.Fuzz(func(t *testing.T, id, unscaled int64, scale uint8, s string, elem int32) {
		sc := int32(scale % 19)
		elemT := typ(schemas.KindInt32)
		sch := &schemas.Schema{Name: "public.f", Key: []int{0}, Fields: []schemas.Field{
			{Name: "id", Type: typ(schemas.KindInt64)},
			{Name: "d", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 38, Scale: sc}},
			{Name: "s", Type: typ(schemas.KindString)},
			{Name: "a", Type: schemas.Type{Kind: schemas.KindArray, Elem: &elemT}},
		}}
		c, err := newAvroCodec(sch)
		if err != nil {
			t.Fatal(err)
		}
		codec, err := goavro.NewCodec(c.valueSchema)
		if err != nil {
			t.Fatal(err)
		}
		row := []schemas.Value{schemas.Int64(id), schemas.DecimalValue(schemas.NewDecimal(unscaled, sc)), schemas.String(s),
			schemas.Array([]schemas.Value{schemas.Int(schemas.KindInt32, int64(elem)), schemas.Null()})}
		bin, err := c.appendValue(nil, &schemas.Event{Op: schemas.OpCreate, Schema: sch, After: row})
		if err != nil {
			t.Fatal(err)
		}
		native, rest, err := codec.NativeFromBinary(bin)
		if err != nil || len(rest) > 0 {
			t.Fatalf("decode: %v, %d bytes left", err, len(rest))
		}
		m := native.(map[string]any)
		if m["id"] != id {
			t.Errorf("id %v, want %d", m["id"], id)
		}
		want := new(big.Rat).SetFrac(big.NewInt(unscaled), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sc)), nil))
		if r := m["d"].(map[string]any)["bytes.decimal"].(*big.Rat); r.Cmp(want) != 0 {
			t.Errorf("d %v, want %v", r, want)
		}
		if got := m["s"].(map[string]any)["string"]; got != s {
			t.Errorf("s %q, want %q", got, s)
		}
		a := m["a"].(map[string]any)["array"].([]any)
		if len(a) != 2 || a[0].(map[string]any)["int"] != elem || a[1] != nil {
			t.Errorf("a %v", a)
		}
	})
}
