package pgvalue_test

import (
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
)

// appendPGText writes v the way PostgreSQL's output function for its type
// would (under RuntimeParams), so that decoding it again must give v back.
// money is written as a plain decimal, which the money decoder also reads.
func appendPGText(dst []byte, v schemas.Value) []byte {
	switch v.Kind() {
	case schemas.KindBool:
		if v.Bool() {
			return append(dst, 't')
		}
		return append(dst, 'f')
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		return strconv.AppendInt(dst, v.Int(), 10)
	case schemas.KindFloat32, schemas.KindFloat64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return append(dst, "NaN"...)
		case math.IsInf(f, 1):
			return append(dst, "Infinity"...)
		case math.IsInf(f, -1):
			return append(dst, "-Infinity"...)
		}
		bits := 64
		if v.Kind() == schemas.KindFloat32 {
			bits = 32
		}
		return strconv.AppendFloat(dst, f, 'g', -1, bits)
	case schemas.KindDecimal:
		return v.Decimal().Append(dst)
	case schemas.KindBytes:
		return hex.AppendEncode(append(dst, `\x`...), v.Bytes())
	case schemas.KindUUID:
		return schemas.AppendUUID(dst, v.UUID())
	case schemas.KindDate:
		switch v.Days() {
		case schemas.DateInfinity:
			return append(dst, "infinity"...)
		case schemas.DateNegInfinity:
			return append(dst, "-infinity"...)
		}
		t := time.Unix(int64(v.Days())*86400, 0).UTC()
		dst, bc := appendPGDate(dst, t)
		if bc {
			dst = append(dst, " BC"...)
		}
		return dst
	case schemas.KindTime:
		return appendPGClock(dst, v.Micros())
	case schemas.KindTimeTZ:
		dst = appendPGClock(dst, v.Micros())
		off := v.ZoneOffset()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		dst = append(dst, sign)
		dst = appendPad(dst, int64(off/3600), 2)
		dst = append(dst, ':')
		dst = appendPad(dst, int64(off/60%60), 2)
		dst = append(dst, ':')
		return appendPad(dst, int64(off%60), 2)
	case schemas.KindTimestamp, schemas.KindTimestampTZ:
		us := v.Micros()
		switch us {
		case schemas.TimestampInfinity:
			return append(dst, "infinity"...)
		case schemas.TimestampNegInfinity:
			return append(dst, "-infinity"...)
		}
		t := time.UnixMicro(us).UTC()
		dst, bc := appendPGDate(dst, t)
		dst = append(dst, ' ')
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		dst = appendPGClock(dst, t.Sub(day).Microseconds())
		if v.Kind() == schemas.KindTimestampTZ {
			dst = append(dst, "+00"...)
		}
		if bc {
			dst = append(dst, " BC"...)
		}
		return dst
	case schemas.KindInterval:
		return v.Interval().AppendISO(dst)
	case schemas.KindString, schemas.KindJSON, schemas.KindEnum:
		return append(dst, v.Str()...)
	}
	panic("appendPGText: kind " + v.Kind().String())
}

func appendPGDate(dst []byte, t time.Time) ([]byte, bool) {
	y, bc := int64(t.Year()), false
	if y <= 0 {
		y, bc = 1-y, true
	}
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, int64(t.Month()), 2)
	dst = append(dst, '-')
	return appendPad(dst, int64(t.Day()), 2), bc
}

func appendPGClock(dst []byte, us int64) []byte {
	dst = appendPad(dst, us/3600e6, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, us/60e6%60, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, us/1e6%60, 2)
	if f := us % 1e6; f != 0 {
		dst = append(dst, '.')
		dst = appendPad(dst, f, 6)
	}
	return dst
}

func appendPad(dst []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendPGArray writes an array the way array_out does, quoting every
// non-null element.
func appendPGArray(dst []byte, v schemas.Value, elem func([]byte, schemas.Value) []byte) []byte {
	dst = append(dst, '{')
	for i, e := range v.Elems() {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch {
		case e.IsNull():
			dst = append(dst, "NULL"...)
		case e.Kind() == schemas.KindArray:
			dst = appendPGArray(dst, e, elem)
		default:
			dst = append(dst, '"')
			for _, c := range elem(nil, e) {
				if c == '"' || c == '\\' {
					dst = append(dst, '\\')
				}
				dst = append(dst, c)
			}
			dst = append(dst, '"')
		}
	}
	return append(dst, '}')
}

// scalarOIDs are the types FuzzScalar picks from.
var scalarOIDs = []uint32{
	pgtype.BoolOID, pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float4OID, pgtype.Float8OID,
	pgtype.NumericOID, 790 /* money */, pgtype.TextOID, pgtype.ByteaOID, pgtype.UUIDOID, pgtype.JSONBOID,
	pgtype.DateOID, pgtype.TimeOID, pgtype.TimetzOID, pgtype.TimestampOID, pgtype.TimestamptzOID, pgtype.IntervalOID,
}

func FuzzScalar(f *testing.F) {
	seeds := []string{
		"t", "f", "32767", "-9223372036854775808", "1.1", "NaN", "-Infinity", "5e-324", "-0",
		"-12.340", "123456789012345678901234567890.5", "$1,234.56", "-$92,233,720,368,547,758.08",
		`\x00ff`, `a\\b\000`, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", `{"a": 1}`,
		"2024-02-29", "0044-03-15 BC", "5874897-12-31", "infinity", "24:00:00", "23:59:59.999999",
		"10:00:00+05:30", "10:00:00.5-08:00:15", "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.5+05:30",
		"0044-03-15 10:00:00+00 BC", "294246-12-31 23:59:59.999999",
		"P1Y2M3DT4H5M6.5S", "P-1Y-2M", "PT0S", "PT-0.5S", "P178956970Y7M2147483647DT2562047788H54.775807S",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	decs := make([]*pgvalue.Decoder, len(scalarOIDs))
	for i, oid := range scalarOIDs {
		d, err := pgvalue.NewDecoder(f.Context(), oid, -1, nil)
		if err != nil {
			f.Fatal(err)
		}
		decs[i] = d
	}
	f.Fuzz(func(t *testing.T, pick uint8, text string) {
		d := decs[int(pick)%len(decs)]
		v, err := d.Decode([]byte(text))
		if err != nil {
			var de *pgvalue.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%s %q: error %v is not a *DecodeError", d.Type(), text, err)
			}
			return
		}
		if v.Kind() != d.Type().Kind {
			t.Fatalf("%s %q: decoded a %v", d.Type(), text, v.Kind())
		}
		again := appendPGText(nil, v)
		v2, err := d.Decode(again)
		if err != nil {
			t.Fatalf("%s %q -> %v -> %q: %v", d.Type(), text, v, again, err)
		}
		if !schemas.Equal(v, v2) {
			t.Fatalf("%s %q -> %v -> %q -> %v", d.Type(), text, v, again, v2)
		}
	})
}

func FuzzArrayText(f *testing.F) {
	seeds := []string{
		"{}", "{1,2,NULL}", `{"a b","c\"d",NULL,"NULL","","x\\y"}`, "{{1,2},{3,4}}", "[0:1]={1,2}",
		"[-1:0][1:1]={{1},{2}}", ` { a , "b" , c\ d } `, `{\NULL,null}`, `{"{\"a\": 1}"}`, "{{{{{{1}}}}}}",
		"{{},{}}", `{"\\x0102"}`, "{2024-01-01,infinity}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	textArr, err := pgvalue.NewDecoder(f.Context(), pgtype.TextArrayOID, -1, nil)
	if err != nil {
		f.Fatal(err)
	}
	others := make([]*pgvalue.Decoder, 0, 4)
	for _, oid := range []uint32{pgtype.Int4ArrayOID, pgtype.ByteaArrayOID, pgtype.DateArrayOID, pgtype.BoxArrayOID} {
		d, err := pgvalue.NewDecoder(f.Context(), oid, -1, nil)
		if err != nil {
			f.Fatal(err)
		}
		others = append(others, d)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, d := range others {
			if _, err := d.Decode([]byte(text)); err != nil {
				var de *pgvalue.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("%s %q: error %v is not a *DecodeError", d.Type(), text, err)
				}
			}
		}
		v, err := textArr.Decode([]byte(text))
		if err != nil {
			return
		}
		again := appendPGArray(nil, v, appendPGText)
		v2, err := textArr.Decode(again)
		if err != nil {
			t.Fatalf("%q -> %v -> %q: %v", text, v, again, err)
		}
		if !schemas.Equal(v, v2) {
			t.Fatalf("%q -> %v -> %q -> %v", text, v, again, v2)
		}
	})
}
