package pgvalue

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/schemas"
)

// mapCatalog is a Catalog fake.
type mapCatalog map[uint32]TypeInfo

func (m mapCatalog) LookupType(_ context.Context, oid uint32) (TypeInfo, error) {
	ti, ok := m[oid]
	if !ok {
		return TypeInfo{}, fmt.Errorf("%w: %d", ErrUnknownType, oid)
	}
	return ti, nil
}

// OIDs of the fake user types.
const (
	moodOID       = 90001
	moodArrayOID  = 90002
	posintOID     = 90003
	posintArrOID  = 90004
	priceOID      = 90005
	pairOID       = 90006
	loopOID       = 90007
	boxArrDomOID  = 90008
	voidOID       = 2278
	citextOID     = 90009
	priceArrayOID = 90010
)

var testCatalog = mapCatalog{
	moodOID:       {OID: moodOID, Name: "mood", Kind: 'e', Category: 'E', EnumLabels: []string{"sad", "ok", "happy"}},
	moodArrayOID:  {OID: moodArrayOID, Name: "_mood", Kind: 'b', Category: 'A', Elem: moodOID, Delim: ','},
	posintOID:     {OID: posintOID, Name: "posint", Kind: 'd', Category: 'N', Base: pgtype.Int4OID, BaseTypmod: -1},
	posintArrOID:  {OID: posintArrOID, Name: "_posint", Kind: 'b', Category: 'A', Elem: posintOID},
	priceOID:      {OID: priceOID, Name: "price", Kind: 'd', Category: 'N', Base: pgtype.NumericOID, BaseTypmod: numericTypmod(10, 2)},
	priceArrayOID: {OID: priceArrayOID, Name: "_price", Kind: 'b', Category: 'A', Elem: priceOID},
	pairOID:       {OID: pairOID, Name: "pair", Kind: 'c', Category: 'C'},
	loopOID:       {OID: loopOID, Name: "loop", Kind: 'd', Base: loopOID},
	boxArrDomOID:  {OID: boxArrDomOID, Name: "boxes", Kind: 'd', Base: pgtype.BoxArrayOID, BaseTypmod: -1},
	voidOID:       {OID: voidOID, Name: "void", Kind: 'p', Category: 'P'},
	citextOID:     {OID: citextOID, Name: "citext", Kind: 'b', Category: 'S'},
}

func numericTypmod(p, s int32) int32 { return (p<<16 | s&0x7ff) + 4 }

func TestTypeOf(t *testing.T) {
	t.Parallel()
	dec := func(p, s int32) schemas.Type {
		return schemas.Type{Kind: schemas.KindDecimal, Precision: p, Scale: s, Source: "numeric"}
	}
	arr := func(src string, e schemas.Type) schemas.Type {
		return schemas.Type{Kind: schemas.KindArray, Elem: &e, Source: src}
	}
	mood := schemas.Type{Kind: schemas.KindEnum, Symbols: []string{"sad", "ok", "happy"}, Source: "mood"}
	tests := []struct {
		name   string
		oid    uint32
		typmod int32
		want   schemas.Type
	}{
		{"int2", pgtype.Int2OID, -1, schemas.Type{Kind: schemas.KindInt16, Source: "int2"}},
		{"int4", pgtype.Int4OID, -1, schemas.Type{Kind: schemas.KindInt32, Source: "int4"}},
		{"int8", pgtype.Int8OID, -1, schemas.Type{Kind: schemas.KindInt64, Source: "int8"}},
		{"float4", pgtype.Float4OID, -1, schemas.Type{Kind: schemas.KindFloat32, Source: "float4"}},
		{"float8", pgtype.Float8OID, -1, schemas.Type{Kind: schemas.KindFloat64, Source: "float8"}},
		{"bool", pgtype.BoolOID, -1, schemas.Type{Kind: schemas.KindBool, Source: "bool"}},
		{"numeric", pgtype.NumericOID, -1, dec(0, schemas.VariableScale)},
		{"numeric(10,2)", pgtype.NumericOID, numericTypmod(10, 2), dec(10, 2)},
		{"numeric(5)", pgtype.NumericOID, numericTypmod(5, 0), dec(5, 0)},
		{"numeric(1000,1000)", pgtype.NumericOID, numericTypmod(1000, 1000), dec(1000, 1000)},
		{"numeric(2,-3)", pgtype.NumericOID, numericTypmod(2, -3), dec(5, 0)},
		{"numeric(3,5)", pgtype.NumericOID, numericTypmod(3, 5), dec(5, 5)},
		{"money", moneyOID, -1, schemas.Type{Kind: schemas.KindDecimal, Precision: 19, Scale: 2, Source: "money"}},
		{"text", pgtype.TextOID, -1, schemas.Type{Kind: schemas.KindString, Source: "text"}},
		{"varchar(20)", pgtype.VarcharOID, 24, schemas.Type{Kind: schemas.KindString, Source: "varchar"}},
		{"bpchar", pgtype.BPCharOID, 8, schemas.Type{Kind: schemas.KindString, Source: "bpchar"}},
		{"name", pgtype.NameOID, -1, schemas.Type{Kind: schemas.KindString, Source: "name"}},
		{"bytea", pgtype.ByteaOID, -1, schemas.Type{Kind: schemas.KindBytes, Source: "bytea"}},
		{"uuid", pgtype.UUIDOID, -1, schemas.Type{Kind: schemas.KindUUID, Source: "uuid"}},
		{"json", pgtype.JSONOID, -1, schemas.Type{Kind: schemas.KindJSON, Source: "json"}},
		{"jsonb", pgtype.JSONBOID, -1, schemas.Type{Kind: schemas.KindJSON, Source: "jsonb"}},
		{"date", pgtype.DateOID, -1, schemas.Type{Kind: schemas.KindDate, Source: "date"}},
		{"time", pgtype.TimeOID, -1, schemas.Type{Kind: schemas.KindTime, Source: "time"}},
		{"time(3)", pgtype.TimeOID, 3, schemas.Type{Kind: schemas.KindTime, Precision: 3, Source: "time"}},
		{"timetz(0)", pgtype.TimetzOID, 0, schemas.Type{Kind: schemas.KindTimeTZ, Source: "timetz"}},
		{"timestamp(6)", pgtype.TimestampOID, 6, schemas.Type{Kind: schemas.KindTimestamp, Precision: 6, Source: "timestamp"}},
		{"timestamptz(2)", pgtype.TimestamptzOID, 2, schemas.Type{Kind: schemas.KindTimestampTZ, Precision: 2, Source: "timestamptz"}},
		{"interval", pgtype.IntervalOID, -1, schemas.Type{Kind: schemas.KindInterval, Source: "interval"}},
		{"interval(3)", pgtype.IntervalOID, 0x7fff0003, schemas.Type{Kind: schemas.KindInterval, Precision: 3, Source: "interval"}},
		{"interval year to month", pgtype.IntervalOID, 6<<16 | 0xffff, schemas.Type{Kind: schemas.KindInterval, Source: "interval"}},
		{"inet", pgtype.InetOID, -1, schemas.Type{Kind: schemas.KindString, Source: "inet"}},
		{"cidr", pgtype.CIDROID, -1, schemas.Type{Kind: schemas.KindString, Source: "cidr"}},
		{"macaddr8", pgtype.Macaddr8OID, -1, schemas.Type{Kind: schemas.KindString, Source: "macaddr8"}},
		{"xml", pgtype.XMLOID, -1, schemas.Type{Kind: schemas.KindString, Source: "xml"}},
		{"bit(3)", pgtype.BitOID, 3, schemas.Type{Kind: schemas.KindString, Source: "bit"}},
		{"tsvector", pgtype.TSVectorOID, -1, schemas.Type{Kind: schemas.KindString, Source: "tsvector"}},
		{"oid", pgtype.OIDOID, -1, schemas.Type{Kind: schemas.KindString, Source: "oid"}},
		{"int4[]", pgtype.Int4ArrayOID, -1, arr("_int4", schemas.Type{Kind: schemas.KindInt32, Source: "int4"})},
		{"numeric(10,2)[]", pgtype.NumericArrayOID, numericTypmod(10, 2), arr("_numeric", dec(10, 2))},
		{"money[]", moneyArrayOID, -1, arr("_money", schemas.Type{Kind: schemas.KindDecimal, Precision: 19, Scale: 2, Source: "money"})},
		{"timestamptz(3)[]", pgtype.TimestamptzArrayOID, 3, arr("_timestamptz", schemas.Type{Kind: schemas.KindTimestampTZ, Precision: 3, Source: "timestamptz"})},
		{"enum", moodOID, -1, mood},
		{"enum[]", moodArrayOID, -1, arr("_mood", mood)},
		{"domain int4", posintOID, -1, schemas.Type{Kind: schemas.KindInt32, Source: "posint"}},
		{"domain[]", posintArrOID, -1, arr("_posint", schemas.Type{Kind: schemas.KindInt32, Source: "posint"})},
		{"domain numeric(10,2)", priceOID, -1, schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2, Source: "price"}},
		{"domain numeric(10,2)[]", priceArrayOID, -1, arr("_price", schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2, Source: "price"})},
		{"domain over box[]", boxArrDomOID, -1, arr("boxes", schemas.Type{Kind: schemas.KindString, Source: "box"})},
		{"composite", pairOID, -1, schemas.Type{Kind: schemas.KindString, Source: "pair"}},
		{"extension type", citextOID, -1, schemas.Type{Kind: schemas.KindString, Source: "citext"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := TypeOf(t.Context(), tt.oid, tt.typmod, testCatalog)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("TypeOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTypeOfErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		oid  uint32
		cat  Catalog
		want error
	}{
		{"no catalog", moodOID, nil, ErrUnknownType},
		{"not in catalog", 123456, testCatalog, ErrUnknownType},
		{"domain cycle", loopOID, testCatalog, ErrUnsupportedType},
		{"pseudo-type", voidOID, testCatalog, ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := TypeOf(t.Context(), tt.oid, -1, tt.cat)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNumericTypmod(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ p, s int32 }{{1, 0}, {10, 2}, {1000, 1000}, {1000, -1000}, {2, -3}, {3, 5}} {
		p, s, ok := NumericTypmod(numericTypmod(c.p, c.s))
		if !ok || p != c.p || s != c.s {
			t.Errorf("NumericTypmod(numeric(%d,%d)) = %d, %d, %v", c.p, c.s, p, s, ok)
		}
	}
	if _, _, ok := NumericTypmod(-1); ok {
		t.Error("NumericTypmod(-1) ok, want unconstrained")
	}
}
