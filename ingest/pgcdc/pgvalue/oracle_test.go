package pgvalue_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
)

// PostgreSQL's binary formats count from 2000-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1_000_000
)

func beInt64(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }
func beInt32(b []byte) int32 { return int32(binary.BigEndian.Uint32(b)) }

func binTimestamp(b []byte) int64 {
	switch us := beInt64(b); us {
	case math.MaxInt64:
		return schemas.TimestampInfinity
	case math.MinInt64:
		return schemas.TimestampNegInfinity
	default:
		return us + pgEpochMicros
	}
}

// TestPostgresBinaryOracle decodes thousands of server-generated values
// from their text and compares them with the same values in PostgreSQL's
// binary format, decoded here independently: dates and timestamps across
// the whole range (BC included), times with and without zones, intervals
// with mixed signs, floats bit for bit and numerics.
func TestPostgresBinaryOracle(t *testing.T) {
	t.Parallel()
	conn := connect(t, testDSN(t))
	ctx := t.Context()
	tests := []struct {
		name string
		oid  uint32
		sql  string // one column named v
		bin  func(t *testing.T, b []byte) schemas.Value
	}{
		{"date wide", pgtype.DateOID,
			`SELECT date '2000-01-01' + i * 999983 AS v FROM generate_series(-2, 2144) i
			 UNION ALL SELECT date '2000-01-01' + i * 997 FROM generate_series(-2458, 10) i
			 UNION ALL VALUES ('infinity'::date), ('-infinity')`,
			func(t *testing.T, b []byte) schemas.Value {
				switch d := beInt32(b); d {
				case math.MaxInt32, math.MinInt32:
					return schemas.Date(d)
				default:
					return schemas.Date(d + pgEpochDays)
				}
			}},
		{"timestamp wide", pgtype.TimestampOID,
			`SELECT timestamp '2000-01-01' + (i * 4611686018427 + i * i) * interval '1 microsecond' * 1000 AS v
			 FROM generate_series(-45, 1990) i
			 UNION ALL SELECT timestamp '0001-01-01' + (i * 86399999999 + 7 * i) * interval '1 microsecond' FROM generate_series(-1000, 1000) i
			 UNION ALL VALUES ('infinity'::timestamp), ('-infinity')`,
			func(t *testing.T, b []byte) schemas.Value { return schemas.Timestamp(binTimestamp(b)) }},
		{"timestamptz", pgtype.TimestamptzOID,
			`SELECT timestamptz '1999-12-31 23:00:00-05' + (i * 98765432109877 + i) * interval '1 microsecond' AS v
			 FROM generate_series(-1000, 1000) i
			 UNION ALL VALUES ('infinity'::timestamptz), ('-infinity')`,
			func(t *testing.T, b []byte) schemas.Value { return schemas.TimestampTZ(binTimestamp(b)) }},
		{"time", pgtype.TimeOID,
			`SELECT time '00:00' + (i::int8 * 43200001 + i % 7) * interval '1 microsecond' AS v FROM generate_series(0, 2000) i
			 UNION ALL VALUES ('24:00:00'::time)`,
			func(t *testing.T, b []byte) schemas.Value { return schemas.Time(beInt64(b)) }},
		{"timetz", pgtype.TimetzOID,
			`SELECT (time '00:00' + (i::int8 * 43200001) * interval '1 microsecond')::text::timetz
			        AT TIME ZONE make_interval(mins => (i % 1800) - 900) AS v FROM generate_series(0, 2000) i`,
			func(t *testing.T, b []byte) schemas.Value {
				// The zone is stored in seconds west of UTC.
				return schemas.TimeTZ(beInt64(b[:8]), -beInt32(b[8:]))
			}},
		{"interval", pgtype.IntervalOID,
			`SELECT make_interval(months => (i * 7919) % 100000, days => -(i * 31) % 50000)
			        + (i * 123456789123 - i * i) * interval '1 microsecond' AS v FROM generate_series(-1000, 1000) i`,
			func(t *testing.T, b []byte) schemas.Value {
				return schemas.IntervalValue(schemas.Interval{Micros: beInt64(b[:8]), Days: beInt32(b[8:12]), Months: beInt32(b[12:])})
			}},
		{"numeric", pgtype.NumericOID,
			`SELECT round((((i % 17) - 8.5) * 10.0 ^ ((i % 61) - 30) * pi())::numeric, i % 40) AS v FROM generate_series(1, 3000) i
			 UNION ALL SELECT i::numeric ^ 7 * 10::numeric ^ 20 FROM generate_series(-300, 300) i
			 UNION ALL VALUES ('NaN'::numeric), ('Infinity'), ('-Infinity'), ('0.000'), ('-0.00001')`,
			func(t *testing.T, b []byte) schemas.Value {
				var n pgtype.Numeric
				if err := pgtype.NewMap().Scan(pgtype.NumericOID, pgx.BinaryFormatCode, b, &n); err != nil {
					t.Fatal(err)
				}
				switch {
				case n.NaN:
					return schemas.DecimalValue(schemas.DecimalNaN())
				case n.InfinityModifier == pgtype.Infinity:
					return schemas.DecimalValue(schemas.DecimalInf(1))
				case n.InfinityModifier == pgtype.NegativeInfinity:
					return schemas.DecimalValue(schemas.DecimalInf(-1))
				}
				return schemas.DecimalValue(schemas.NewDecimalBig(n.Int, -n.Exp))
			}},
		{"float8", pgtype.Float8OID,
			`SELECT ((i % 17) - 8.5) * 10.0 ^ ((i % 601) - 300) * pi() AS v FROM generate_series(1, 3000) i
			 UNION ALL VALUES ('NaN'::float8), ('Infinity'), ('-Infinity'), ('-0'), ('5e-324'), ('1.7976931348623157e308')`,
			func(t *testing.T, b []byte) schemas.Value {
				return schemas.Float(schemas.KindFloat64, math.Float64frombits(binary.BigEndian.Uint64(b)))
			}},
		{"float4", pgtype.Float4OID,
			`SELECT (((i % 17) - 8.5) * 10.0 ^ ((i % 71) - 35) * pi())::float4 AS v FROM generate_series(1, 3000) i
			 UNION ALL VALUES ('NaN'::float4), ('Infinity'), ('-0'), ('1e-45'), ('3.4028235e38')`,
			func(t *testing.T, b []byte) schemas.Value {
				return schemas.Float(schemas.KindFloat32, float64(math.Float32frombits(binary.BigEndian.Uint32(b))))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec, err := pgvalue.NewDecoder(ctx, tt.oid, -1, nil)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := conn.Query(ctx, "SELECT v, v FROM ("+tt.sql+") s",
				pgx.QueryResultFormats{pgx.TextFormatCode, pgx.BinaryFormatCode})
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n, bad := 0, 0
			for rows.Next() {
				raw := rows.RawValues()
				n++
				got, err := dec.Decode(raw[0])
				if err != nil {
					t.Errorf("%v", err)
				} else if want := tt.bin(t, raw[1]); !sameValue(got, want) {
					t.Errorf("text %q decoded to %v; binary says %v", raw[0], got, want)
				} else {
					continue
				}
				if bad++; bad > 10 {
					t.Fatal("too many differences")
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d values", n)
		})
	}
}

// sameValue is schemas.Equal, except that finite decimals compare by
// number: the binary numeric format does not keep trailing zeros.
func sameValue(a, b schemas.Value) bool {
	if a.Kind() == schemas.KindDecimal && b.Kind() == schemas.KindDecimal && a.Decimal().IsFinite() && b.Decimal().IsFinite() {
		return a.Decimal().Cmp(b.Decimal()) == 0
	}
	return schemas.Equal(a, b)
}
