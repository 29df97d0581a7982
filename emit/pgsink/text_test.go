package pgsink

import (
	"context"
	"math"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

// TestTextIntoPostgres checks that the text of every kind is read by
// PostgreSQL as the exact value: each row gives a value, the target type,
// and the text PostgreSQL prints for it.
func TestTextIntoPostgres(t *testing.T) {
	pool, _ := testPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'"); err != nil {
		t.Fatal(err)
	}
	i32 := func(v int64) schemas.Value { return schemas.Int(schemas.KindInt32, v) }
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	cases := []struct {
		name string
		v    schemas.Value
		typ  string
		want string
	}{
		{"bool", schemas.Bool(true), "boolean", "true"},
		{"int8 min", schemas.Int64(math.MinInt64), "bigint", "-9223372036854775808"},
		{"float nan", schemas.Float(schemas.KindFloat64, math.NaN()), "double precision", "NaN"},
		{"float -inf", schemas.Float(schemas.KindFloat64, math.Inf(-1)), "double precision", "-Infinity"},
		{"float exact", schemas.Float(schemas.KindFloat64, 0.1), "double precision", "0.1"},
		{"float4", schemas.Float(schemas.KindFloat32, 3.4028235e38), "real", "3.4028235e+38"},
		{"decimal", schemas.DecimalValue(schemas.MustParseDecimal("-12345678901234567890.123456789")), "numeric", "-12345678901234567890.123456789"},
		{"decimal scale", schemas.DecimalValue(schemas.MustParseDecimal("1.50")), "numeric(10,2)", "1.50"},
		{"decimal nan", schemas.DecimalValue(schemas.DecimalNaN()), "numeric", "NaN"},
		{"decimal inf", schemas.DecimalValue(schemas.DecimalInf(-1)), "numeric", "-Infinity"},
		{"text", schemas.String("tab\there \"q\" \\ ✓"), "text", "tab\there \"q\" \\ ✓"},
		{"bytea", schemas.Bytes([]byte{0, 0xff, '\\'}), "bytea", `\x00ff5c`},
		{"uuid", schemas.UUID(u), "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"jsonb", schemas.JSON(`{"b": [1, 2], "a": null}`), "jsonb", `{"a": null, "b": [1, 2]}`},
		{"date bc", schemas.Date(int32(-719528)), "date", "0001-01-01 BC"},
		{"date -inf", schemas.Date(schemas.DateNegInfinity), "date", "-infinity"},
		{"time 24h", schemas.Time(86_400_000_000), "time", "24:00:00"},
		{"timetz", schemas.TimeTZ(36_000_500_000, 5*3600+1800), "timetz", "10:00:00.5+05:30"},
		{"timetz utc", schemas.TimeTZ(1, 0), "timetz", "00:00:00.000001+00"},
		{"timestamp", schemas.Timestamp(1_704_164_645_123_456), "timestamp", "2024-01-02 03:04:05.123456"},
		{"timestamp bc", schemas.Timestamp(-62_167_219_200_000_000), "timestamp", "0001-01-01 00:00:00 BC"},
		{"timestamp inf", schemas.Timestamp(schemas.TimestampInfinity), "timestamp", "infinity"},
		{"timestamptz", schemas.TimestampTZ(-1), "timestamptz", "1969-12-31 23:59:59.999999+00"},
		{"interval", schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: -(4*3600e6 + 5*60e6 + 6.5e6)}), "interval", "1 year 2 mons -3 days -04:05:06.5"},
		{"interval big", schemas.IntervalValue(schemas.Interval{Micros: 1e15}), "interval", "277777:46:40"},
		{"int array", schemas.Array([]schemas.Value{i32(1), schemas.Null(), i32(-3)}), "integer[]", "{1,NULL,-3}"},
		{"text array", schemas.Array([]schemas.Value{schemas.String(`a"b`), schemas.String(`c\d`), schemas.String("NULL"), schemas.String("")}), "text[]", `{"a\"b","c\\d","NULL",""}`},
		{"matrix", schemas.Array([]schemas.Value{schemas.Array([]schemas.Value{i32(1), i32(2)}), schemas.Array([]schemas.Value{i32(3), i32(4)})}), "integer[]", "{{1,2},{3,4}}"},
		{"bytea array", schemas.Array([]schemas.Value{schemas.Bytes([]byte{1})}), "bytea[]", `{"\\x01"}`},
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1"); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		b, err := appendText(nil, c.v)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got string
		if err := conn.QueryRow(ctx, "SELECT $1::text::"+c.typ+"::text", string(b)).Scan(&got); err != nil {
			t.Errorf("%s: %q: %v", c.name, b, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: sent %q, PostgreSQL has %q, want %q", c.name, b, got, c.want)
		}
	}
}
