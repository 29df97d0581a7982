package pgvalue_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
)

// These tests run against a real PostgreSQL (15 or later, wal_level=logical
// for the pgoutput test) named by HELIOS_TEST_PG_DSN, e.g.
// postgres://helios:helios@127.0.0.1:54329/helios?sslmode=disable.

const dsnEnv = "HELIOS_TEST_PG_DSN"

func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip(dsnEnv + " is not set: no PostgreSQL to test against")
	}
	return dsn
}

// connect opens a regular connection with the session settings the
// decoders need.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(cfg.RuntimeParams, pgvalue.RuntimeParams())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// dropLater runs stmts at the end of the test on a connection of its own, so
// that a test that failed half-way (in an aborted transaction, or with its
// connection closed by a cancelled context) still cleans up.
func dropLater(t *testing.T, dsn string, stmts ...string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		defer conn.Close(ctx)
		for _, q := range stmts {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("cleanup %q: %v", q, err)
			}
		}
	})
}

// uniqueName returns a lower-case identifier no other run uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e12)
}

// fixture is a table with a column of every supported kind of type and
// rows of edge values, each with the value expected from its text.
type fixture struct {
	table   string
	cols    []fixtureCol
	rows    int
	mood    string // enum type name
	posint  string // domain over int4
	price   string // domain over numeric(10,2)
	pair    string // composite type
	bigText string // value of c_big in row 0, TOASTed out of line
}

type fixtureCol struct {
	name string
	decl string
	vals []string        // SQL expression per row
	want []schemas.Value // expected value per row
	typ  *schemas.Type   // expected type, when checked
}

func tsMicros(y int, mo time.Month, d, h, mi, s, us int) int64 {
	return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC).UnixMicro()
}

func dateDays(y int, mo time.Month, d int) int32 {
	return int32(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dec(s string) schemas.Value { return schemas.DecimalValue(schemas.MustParseDecimal(s)) }

func iv(months, days int32, micros int64) schemas.Value {
	return schemas.IntervalValue(schemas.Interval{Months: months, Days: days, Micros: micros})
}

func arr(elems ...schemas.Value) schemas.Value { return schemas.Array(elems) }

func newFixture(t *testing.T, dsn string, conn *pgx.Conn) *fixture {
	t.Helper()
	f := &fixture{table: uniqueName("pgvalue_t"), rows: 4}
	f.mood, f.posint, f.price, f.pair = f.table+"_mood", f.table+"_posint", f.table+"_price", f.table+"_pair"
	var big strings.Builder
	for i := 1; i <= 300; i++ {
		sum := md5.Sum([]byte(strconv.Itoa(i)))
		big.WriteString(hex.EncodeToString(sum[:]))
	}
	f.bigText = big.String()

	null := schemas.Null()
	i16 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt16, n) }
	i32 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt32, n) }
	i64 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt64, n) }
	f32 := func(v float64) schemas.Value { return schemas.Float(schemas.KindFloat32, v) }
	f64 := func(v float64) schemas.Value { return schemas.Float(schemas.KindFloat64, v) }
	str := schemas.String
	inf := func(sign int) float64 { return math.Inf(sign) }
	uuid, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	moodType := schemas.Type{Kind: schemas.KindEnum, Symbols: []string{"sad", "ok", "happy"}, Source: f.mood}
	int4Type := schemas.Type{Kind: schemas.KindInt32, Source: "int4"}
	num102 := schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2, Source: "numeric"}
	tstzType := schemas.Type{Kind: schemas.KindTimestampTZ, Source: "timestamptz"}
	textType := schemas.Type{Kind: schemas.KindString, Source: "text"}
	arrOf := func(src string, e schemas.Type) *schemas.Type {
		return &schemas.Type{Kind: schemas.KindArray, Elem: &e, Source: src}
	}

	f.cols = []fixtureCol{
		{name: "c_bool", decl: "boolean", vals: []string{"true", "false", "NULL", "NULL"},
			want: []schemas.Value{schemas.Bool(true), schemas.Bool(false), null, null}},
		{name: "c_int2", decl: "int2", vals: []string{"32767", "-32768", "0", "NULL"},
			want: []schemas.Value{i16(32767), i16(-32768), i16(0), null}},
		{name: "c_int4", decl: "int4", vals: []string{"2147483647", "-2147483648", "0", "NULL"},
			want: []schemas.Value{i32(2147483647), i32(-2147483648), i32(0), null}, typ: &int4Type},
		{name: "c_int8", decl: "int8", vals: []string{"9223372036854775807", "-9223372036854775808", "0", "NULL"},
			want: []schemas.Value{i64(9223372036854775807), i64(-9223372036854775808), i64(0), null}},
		{name: "c_float4", decl: "real", vals: []string{"1.1", "'NaN'", "'-Infinity'", "'3.4028235e38'"},
			want: []schemas.Value{f32(float64(float32(1.1))), f32(math.NaN()), f32(inf(-1)), f32(3.4028234663852886e38)}},
		{name: "c_float8", decl: "double precision", vals: []string{"0.1", "'Infinity'", "'-0'", "'5e-324'"},
			want: []schemas.Value{f64(0.1), f64(inf(1)), f64(math.Copysign(0, -1)), f64(5e-324)}},
		{name: "c_num10_2", decl: "numeric(10,2)", vals: []string{"12345678.9", "-0.005", "0", "NULL"},
			want: []schemas.Value{dec("12345678.90"), dec("-0.01"), dec("0.00"), null}, typ: &num102},
		{name: "c_num", decl: "numeric", vals: []string{"'123456789012345678901234567890.000000000000000001'", "'NaN'", "'Infinity'", "'-Infinity'"},
			want: []schemas.Value{dec("123456789012345678901234567890.000000000000000001"), schemas.DecimalValue(schemas.DecimalNaN()),
				schemas.DecimalValue(schemas.DecimalInf(1)), schemas.DecimalValue(schemas.DecimalInf(-1))},
			typ: &schemas.Type{Kind: schemas.KindDecimal, Scale: schemas.VariableScale, Source: "numeric"}},
		{name: "c_num_negscale", decl: "numeric(2,-3)", vals: []string{"12345", "-99499", "NULL", "NULL"},
			want: []schemas.Value{dec("12000"), dec("-99000"), null, null},
			typ:  &schemas.Type{Kind: schemas.KindDecimal, Precision: 5, Scale: 0, Source: "numeric"}},
		{name: "c_money", decl: "money", vals: []string{"1234.56", "-1234.56", "'92233720368547758.07'", "NULL"},
			want: []schemas.Value{dec("1234.56"), dec("-1234.56"), dec("92233720368547758.07"), null}},
		{name: "c_text", decl: "text", vals: []string{"'héllo'", `E'tab\there "quoted" \\back'`, "''", "NULL"},
			want: []schemas.Value{str("héllo"), str("tab\there \"quoted\" \\back"), str(""), null}},
		{name: "c_varchar", decl: "varchar(10)", vals: []string{"'abc'", "''", "NULL", "NULL"},
			want: []schemas.Value{str("abc"), str(""), null, null}},
		{name: "c_bpchar", decl: "char(4)", vals: []string{"'ab'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("ab  "), null, null, null}},
		{name: "c_bytea", decl: "bytea", vals: []string{`'\x00ff'`, "''", `decode(repeat('ab', 200), 'hex')`, "NULL"},
			want: []schemas.Value{schemas.Bytes([]byte{0, 0xff}), schemas.Bytes(nil), schemas.Bytes([]byte(strings.Repeat("\xab", 200))), null}},
		{name: "c_uuid", decl: "uuid", vals: []string{"'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{schemas.UUID(uuid), null, null, null}},
		{name: "c_json", decl: "json", vals: []string{`'{"b": 1,  "a": [1,2]}'`, "'null'", "NULL", "NULL"},
			want: []schemas.Value{schemas.JSON(`{"b": 1,  "a": [1,2]}`), schemas.JSON("null"), null, null}},
		{name: "c_jsonb", decl: "jsonb", vals: []string{`'{"b": 1, "a": [1,2]}'`, `'"x"'`, "NULL", "NULL"},
			want: []schemas.Value{schemas.JSON(`{"a": [1, 2], "b": 1}`), schemas.JSON(`"x"`), null, null}},
		{name: "c_date", decl: "date", vals: []string{"'2024-02-29'", "'0044-03-15 BC'", "'infinity'", "'-infinity'"},
			want: []schemas.Value{schemas.Date(dateDays(2024, 2, 29)), schemas.Date(dateDays(-43, 3, 15)),
				schemas.Date(schemas.DateInfinity), schemas.Date(schemas.DateNegInfinity)}},
		{name: "c_time", decl: "time", vals: []string{"'24:00:00'", "'00:00:00.000001'", "'12:34:56.5'", "NULL"},
			want: []schemas.Value{schemas.Time(86_400_000_000), schemas.Time(1), schemas.Time(45296_500_000), null}},
		{name: "c_time3", decl: "time(3)", vals: []string{"'10:11:12.3456'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{schemas.Time(36672_346_000), null, null, null},
			typ:  &schemas.Type{Kind: schemas.KindTime, Precision: 3, Source: "time"}},
		{name: "c_timetz", decl: "timetz", vals: []string{"'10:00:00+05:30'", "'23:59:59.999999-08'", "NULL", "NULL"},
			want: []schemas.Value{schemas.TimeTZ(36000_000_000, 19800), schemas.TimeTZ(86399_999_999, -28800), null, null}},
		{name: "c_ts", decl: "timestamp", vals: []string{"'2024-01-02 03:04:05.123456'", "'0044-03-15 10:00:00 BC'", "'infinity'", "'-infinity'"},
			want: []schemas.Value{schemas.Timestamp(tsMicros(2024, 1, 2, 3, 4, 5, 123456)), schemas.Timestamp(tsMicros(-43, 3, 15, 10, 0, 0, 0)),
				schemas.Timestamp(schemas.TimestampInfinity), schemas.Timestamp(schemas.TimestampNegInfinity)}},
		{name: "c_tstz", decl: "timestamptz", vals: []string{"'2024-01-02 03:04:05.5+05:30'", "'0001-01-01 00:00:00+00 BC'", "'infinity'", "'-infinity'"},
			want: []schemas.Value{schemas.TimestampTZ(tsMicros(2024, 1, 1, 21, 34, 5, 500000)), schemas.TimestampTZ(tsMicros(0, 1, 1, 0, 0, 0, 0)),
				schemas.TimestampTZ(schemas.TimestampInfinity), schemas.TimestampTZ(schemas.TimestampNegInfinity)},
			typ: &tstzType},
		{name: "c_interval", decl: "interval", vals: []string{"'1 year 2 months -3 days 04:05:06.5'", "'-1 year -2 months'", "'0'", "'1 day -01:00:00.000001'"},
			want: []schemas.Value{iv(14, -3, 4*3600e6+5*60e6+6.5e6), iv(-14, 0, 0), iv(0, 0, 0), iv(0, 1, -3600e6-1)}},
		{name: "c_inet", decl: "inet", vals: []string{"'192.168.0.1/24'", "'::1'", "NULL", "NULL"},
			want: []schemas.Value{str("192.168.0.1/24"), str("::1"), null, null},
			typ:  &schemas.Type{Kind: schemas.KindString, Source: "inet"}},
		{name: "c_cidr", decl: "cidr", vals: []string{"'10.0.0.0/8'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("10.0.0.0/8"), null, null, null}},
		{name: "c_macaddr", decl: "macaddr", vals: []string{"'08:00:2B:01:02:03'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("08:00:2b:01:02:03"), null, null, null}},
		{name: "c_bit", decl: "bit(3)", vals: []string{"B'101'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("101"), null, null, null}},
		{name: "c_varbit", decl: "varbit", vals: []string{"B'1101'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("1101"), null, null, null}},
		{name: "c_xml", decl: "xml", vals: []string{"'<a>1</a>'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("<a>1</a>"), null, null, null}},
		{name: "c_tsvector", decl: "tsvector", vals: []string{"'a fat cat'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("'a' 'cat' 'fat'"), null, null, null}},
		{name: "c_oid", decl: "oid", vals: []string{"42", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str("42"), null, null, null}},
		{name: "c_enum", decl: f.mood, vals: []string{"'happy'", "'sad'", "NULL", "NULL"},
			want: []schemas.Value{schemas.Enum("happy"), schemas.Enum("sad"), null, null}, typ: &moodType},
		{name: "c_posint", decl: f.posint, vals: []string{"42", "NULL", "NULL", "NULL"},
			want: []schemas.Value{i32(42), null, null, null}, typ: &schemas.Type{Kind: schemas.KindInt32, Source: f.posint}},
		{name: "c_price", decl: f.price, vals: []string{"9.99", "NULL", "NULL", "NULL"},
			want: []schemas.Value{dec("9.99"), null, null, null},
			typ:  &schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2, Source: f.price}},
		{name: "c_pair", decl: f.pair, vals: []string{"ROW(1, 'a b')", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str(`(1,"a b")`), null, null, null}, typ: &schemas.Type{Kind: schemas.KindString, Source: f.pair}},
		{name: "c_int_arr", decl: "int4[]", vals: []string{"'{1,2,NULL}'", "'{{1,2},{3,4}}'", "'[0:1]={5,6}'", "'{}'"},
			want: []schemas.Value{arr(i32(1), i32(2), null), arr(arr(i32(1), i32(2)), arr(i32(3), i32(4))), arr(i32(5), i32(6)), arr()},
			typ:  arrOf("_int4", int4Type)},
		{name: "c_text_arr", decl: "text[]", vals: []string{`ARRAY['a b', 'c"d', NULL, 'NULL', '', 'x\y', ' lead', '{}', 'a,b', 'é']`, "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(str("a b"), str(`c"d`), null, str("NULL"), str(""), str(`x\y`), str(" lead"), str("{}"), str("a,b"), str("é")), null, null, null},
			typ:  arrOf("_text", textType)},
		{name: "c_enum_arr", decl: f.mood + "[]", vals: []string{"'{sad,happy}'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(schemas.Enum("sad"), schemas.Enum("happy")), null, null, null},
			typ:  arrOf("_"+f.mood, moodType)},
		{name: "c_num_arr", decl: "numeric(10,2)[]", vals: []string{"'{1.5,NULL,NaN}'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(dec("1.50"), null, schemas.DecimalValue(schemas.DecimalNaN())), null, null, null},
			typ:  arrOf("_numeric", num102)},
		{name: "c_tstz_arr", decl: "timestamptz[]", vals: []string{"ARRAY['2024-01-02 03:04:05+00'::timestamptz, 'infinity']", "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(schemas.TimestampTZ(tsMicros(2024, 1, 2, 3, 4, 5, 0)), schemas.TimestampTZ(schemas.TimestampInfinity)), null, null, null},
			typ:  arrOf("_timestamptz", tstzType)},
		{name: "c_bytea_arr", decl: "bytea[]", vals: []string{`ARRAY['\x0102'::bytea, NULL]`, "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(schemas.Bytes([]byte{1, 2}), null), null, null, null}},
		{name: "c_jsonb_arr", decl: "jsonb[]", vals: []string{`ARRAY['{"a": "x,y"}'::jsonb]`, "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(schemas.JSON(`{"a": "x,y"}`)), null, null, null}},
		{name: "c_date_arr", decl: "date[]", vals: []string{"'{2024-01-01,infinity,NULL}'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(schemas.Date(dateDays(2024, 1, 1)), schemas.Date(schemas.DateInfinity), null), null, null, null}},
		{name: "c_pair_arr", decl: f.pair + "[]", vals: []string{"ARRAY[ROW(1, 'a b')::" + f.pair + "]", "NULL", "NULL", "NULL"},
			want: []schemas.Value{arr(str(`(1,"a b")`)), null, null, null}},
		{name: "c_big", decl: "text", vals: []string{"'" + f.bigText + "'", "NULL", "NULL", "NULL"},
			want: []schemas.Value{str(f.bigText), null, null, null}},
	}

	ctx := t.Context()
	ddl := []string{
		fmt.Sprintf("CREATE TYPE %s AS ENUM ('sad', 'ok', 'happy')", f.mood),
		fmt.Sprintf("CREATE DOMAIN %s AS int4 CHECK (VALUE > 0)", f.posint),
		fmt.Sprintf("CREATE DOMAIN %s AS numeric(10,2)", f.price),
		fmt.Sprintf("CREATE TYPE %s AS (a int4, b text)", f.pair),
	}
	var cols []string
	for _, c := range f.cols {
		cols = append(cols, c.name+" "+c.decl)
	}
	ddl = append(ddl, fmt.Sprintf("CREATE TABLE %s (id int4 PRIMARY KEY, %s, c_gen int8 GENERATED ALWAYS AS (c_int4::int8 * 2) STORED)",
		f.table, strings.Join(cols, ", ")))
	dropLater(t, dsn,
		"DROP TABLE IF EXISTS "+f.table,
		"DROP TYPE IF EXISTS "+f.pair,
		"DROP DOMAIN IF EXISTS "+f.price,
		"DROP DOMAIN IF EXISTS "+f.posint,
		"DROP TYPE IF EXISTS "+f.mood)
	for _, q := range ddl {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	f.cols = append(f.cols, fixtureCol{name: "c_gen", want: []schemas.Value{i64(4294967294), i64(-4294967296), i64(0), null}})
	return f
}

// insertRows inserts the fixture's rows, in one transaction.
func (f *fixture) insertRows(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	batch := &pgx.Batch{}
	for r := range f.rows {
		var names, vals []string
		for _, c := range f.cols {
			if c.vals == nil {
				continue // generated
			}
			names = append(names, c.name)
			vals = append(vals, c.vals[r])
		}
		batch.Queue(fmt.Sprintf("INSERT INTO %s (id, %s) VALUES (%d, %s)", f.table, strings.Join(names, ", "), r, strings.Join(vals, ", ")))
	}
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }() // a no-op after Commit
	if err := tx.SendBatch(t.Context(), batch).Close(); err != nil {
		t.Fatalf("insert fixture rows: %v", err)
	}
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) col(name string) (fixtureCol, bool) {
	for _, c := range f.cols {
		if c.name == name {
			return c, true
		}
	}
	return fixtureCol{}, false
}

func checkValue(t *testing.T, where string, c fixtureCol, row int, dec *pgvalue.Decoder, kind byte, text []byte) {
	t.Helper()
	got, err := dec.DecodeColumn(kind, text)
	if err != nil {
		t.Errorf("%s %s row %d: %v", where, c.name, row, err)
		return
	}
	if !schemas.Equal(got, c.want[row]) {
		t.Errorf("%s %s row %d: text %q decoded to %v, want %v", where, c.name, row, text, got, c.want[row])
	}
}

func checkType(t *testing.T, where string, c fixtureCol, dec *pgvalue.Decoder) {
	t.Helper()
	if c.typ != nil && !dec.Type().Equal(*c.typ) {
		t.Errorf("%s %s: type %+v, want %+v", where, c.name, dec.Type(), *c.typ)
	}
}

// TestPostgresText decodes every fixture column as the server's output
// function writes it (a text-format result, which is what pgoutput sends),
// resolving column types from pg_attribute through the pgx catalog. A ::text
// cast is not the same text for every type: bpchar::text drops the padding
// and inet::text always shows the netmask ("::1/128" where inet_out and
// pgoutput write "::1").
func TestPostgresText(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	conn := connect(t, dsn)
	f := newFixture(t, dsn, conn)
	f.insertRows(t, conn)
	ctx := t.Context()
	cat := pgvalue.NewCatalog(conn)

	rows, err := conn.Query(ctx, `SELECT attname, atttypid::int8, atttypmod FROM pg_attribute
		WHERE attrelid = $1::regclass AND attnum > 1 AND NOT attisdropped ORDER BY attnum`, f.table)
	if err != nil {
		t.Fatal(err)
	}
	type attr struct {
		name   string
		oid    int64
		typmod int32
	}
	attrs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (attr, error) {
		var a attr
		err := r.Scan(&a.name, &a.oid, &a.typmod)
		return a, err
	})
	if err != nil {
		t.Fatal(err)
	}
	decs := make([]*pgvalue.Decoder, len(attrs))
	var sel []string
	for i, a := range attrs {
		c, ok := f.col(a.name)
		if !ok {
			t.Fatalf("column %s is not in the fixture", a.name)
		}
		if decs[i], err = pgvalue.NewDecoder(ctx, uint32(a.oid), a.typmod, cat); err != nil {
			t.Fatalf("column %s: %v", a.name, err)
		}
		checkType(t, "pg_attribute", c, decs[i])
		sel = append(sel, a.name)
	}
	rows, err = conn.Query(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY id", strings.Join(sel, ", "), f.table),
		pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	row := 0
	for rows.Next() {
		for i, raw := range rows.RawValues() {
			c, _ := f.col(attrs[i].name)
			kind := byte(pgvalue.TupleText)
			if raw == nil {
				kind = pgvalue.TupleNull
			}
			checkValue(t, "text result", c, row, decs[i], kind, raw)
		}
		row++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if row != f.rows {
		t.Fatalf("read %d rows, want %d", row, f.rows)
	}
}

// TestPgoutput streams the fixture rows through a real publication and
// temporary logical slot and decodes the tuple data pgoutput sends: proof
// that the walsender's text matches the decoders under RuntimeParams.
func TestPgoutput(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	conn := connect(t, dsn)
	f := newFixture(t, dsn, conn)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	pub := f.table + "_pub"
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE PUBLICATION %s FOR TABLE %s", pub, f.table)); err != nil {
		t.Fatal(err)
	}
	dropLater(t, dsn, "DROP PUBLICATION IF EXISTS "+pub)

	rcfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(rcfg.RuntimeParams, pgvalue.RuntimeParams())
	rcfg.RuntimeParams["replication"] = "database"
	repl, err := pgconn.ConnectConfig(ctx, rcfg)
	if err != nil {
		t.Fatalf("replication connect: %v", err)
	}
	// Registered after the publication's cleanup, so it runs first: the
	// temporary slot goes away with the connection.
	t.Cleanup(func() { repl.Close(context.Background()) })

	slot := f.table + "_slot"
	created, err := pglogrepl.CreateReplicationSlot(ctx, repl, slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{Temporary: true, Mode: pglogrepl.LogicalReplication})
	if err != nil {
		t.Fatalf("create slot: %v", err)
	}
	start, err := pglogrepl.ParseLSN(created.ConsistentPoint)
	if err != nil {
		t.Fatal(err)
	}
	if err := pglogrepl.StartReplication(ctx, repl, slot, start, pglogrepl.StartReplicationOptions{
		PluginArgs: []string{"proto_version '1'", "publication_names '" + pub + "'"},
	}); err != nil {
		t.Fatalf("start replication: %v", err)
	}

	f.insertRows(t, conn)
	// An update that leaves the TOASTed c_big alone: pgoutput sends it as
	// unchanged ('u').
	if _, err := conn.Exec(ctx, fmt.Sprintf("UPDATE %s SET c_int4 = 1 WHERE id = 0", f.table)); err != nil {
		t.Fatal(err)
	}

	var (
		rel     *pglogrepl.RelationMessage
		decs    []*pgvalue.Decoder
		inserts []*pglogrepl.TupleData
		update  *pglogrepl.TupleData
		commits int
	)
	cat := pgvalue.NewCatalog(conn)
	for commits < 2 {
		msg, err := repl.ReceiveMessage(ctx)
		if err != nil {
			t.Fatalf("receive (after %d inserts): %v", len(inserts), err)
		}
		cd, ok := msg.(*pgproto3.CopyData)
		if !ok {
			t.Fatalf("unexpected message %T", msg)
		}
		if cd.Data[0] != pglogrepl.XLogDataByteID {
			continue // keepalive
		}
		xld, err := pglogrepl.ParseXLogData(cd.Data[1:])
		if err != nil {
			t.Fatal(err)
		}
		lm, err := pglogrepl.Parse(xld.WALData)
		if err != nil {
			t.Fatal(err)
		}
		switch m := lm.(type) {
		case *pglogrepl.RelationMessage:
			rel = m
			decs = make([]*pgvalue.Decoder, len(m.Columns))
			for i, c := range m.Columns {
				if decs[i], err = pgvalue.NewDecoder(ctx, c.DataType, c.TypeModifier, cat); err != nil {
					t.Fatalf("relation column %s: %v", c.Name, err)
				}
			}
		case *pglogrepl.InsertMessage:
			inserts = append(inserts, m.Tuple)
		case *pglogrepl.UpdateMessage:
			update = m.NewTuple
		case *pglogrepl.CommitMessage:
			commits++
		}
	}
	if rel == nil || len(inserts) != f.rows || update == nil {
		t.Fatalf("got relation %v, %d inserts, update %v; want a relation, %d inserts and an update", rel != nil, len(inserts), update != nil, f.rows)
	}
	for i, rc := range rel.Columns[1:] {
		c, ok := f.col(rc.Name)
		if !ok {
			t.Fatalf("relation column %s is not in the fixture", rc.Name)
		}
		checkType(t, "relation", c, decs[i+1])
	}
	for r, tup := range inserts {
		for i, col := range tup.Columns[1:] {
			c, _ := f.col(rel.Columns[i+1].Name)
			checkValue(t, "pgoutput insert", c, r, decs[i+1], col.DataType, col.Data)
		}
	}
	for i, col := range update.Columns[1:] {
		c, _ := f.col(rel.Columns[i+1].Name)
		switch c.name {
		case "c_big":
			v, err := decs[i+1].DecodeColumn(col.DataType, col.Data)
			if err != nil || !v.IsUnchanged() {
				t.Errorf("update c_big = %v, %v (kind %q), want unchanged", v, err, col.DataType)
			}
		case "c_int4":
			c.want = []schemas.Value{schemas.Int(schemas.KindInt32, 1)}
			checkValue(t, "pgoutput update", c, 0, decs[i+1], col.DataType, col.Data)
		default:
			checkValue(t, "pgoutput update", c, 0, decs[i+1], col.DataType, col.Data)
		}
	}
}

// TestPostgresOtherStyles shows what happens when the connection does not use
// RuntimeParams: a clear ErrFormat, not a wrong value.
func TestPostgresOtherStyles(t *testing.T) {
	t.Parallel()
	conn := connect(t, testDSN(t))
	ctx := t.Context()
	if _, err := conn.Exec(ctx, "SET DateStyle = 'SQL, DMY'; SET IntervalStyle = 'postgres'"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		oid  uint32
		expr string
	}{
		{1082, "date '2024-01-02'"},
		{1114, "timestamp '2024-01-02 03:04:05'"},
		{1186, "interval '1 day 02:00'"},
	} {
		var text string
		if err := conn.QueryRow(ctx, "SELECT "+c.expr, pgx.QueryResultFormats{pgx.TextFormatCode}).Scan(&text); err != nil {
			t.Fatal(err)
		}
		d, err := pgvalue.NewDecoder(ctx, c.oid, -1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Decode([]byte(text)); !errors.Is(err, pgvalue.ErrFormat) {
			t.Errorf("%s as %q: err = %v, want ErrFormat", c.expr, text, err)
		}
	}
}
