package pgvalue

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/schemas"
)

// Expected values, built independently of the decoder: from time.Time and
// the schemas package's own ISO parsers.

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

func mustDecoder(t testing.TB, oid uint32, typmod int32) *Decoder {
	t.Helper()
	d, err := NewDecoder(t.Context(), oid, typmod, testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type decodeCase struct {
	oid    uint32
	typmod int32
	text   string
	want   schemas.Value
	err    error // when set, the sentinel the error must wrap
}

func TestDecode(t *testing.T) {
	t.Parallel()
	i16 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt16, n) }
	i32 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt32, n) }
	i64 := func(n int64) schemas.Value { return schemas.Int(schemas.KindInt64, n) }
	f32 := func(f float64) schemas.Value { return schemas.Float(schemas.KindFloat32, f) }
	f64 := func(f float64) schemas.Value { return schemas.Float(schemas.KindFloat64, f) }
	str := schemas.String
	u := func(s string) schemas.Value {
		b, err := schemas.ParseUUID(s)
		if err != nil {
			t.Fatal(err)
		}
		return schemas.UUID(b)
	}
	tests := map[string]decodeCase{
		// bool
		"bool t":     {oid: pgtype.BoolOID, text: "t", want: schemas.Bool(true)},
		"bool f":     {oid: pgtype.BoolOID, text: "f", want: schemas.Bool(false)},
		"bool bad":   {oid: pgtype.BoolOID, text: "yes", err: ErrSyntax},
		"bool empty": {oid: pgtype.BoolOID, text: "", err: ErrSyntax},

		// integers
		"int2 max":      {oid: pgtype.Int2OID, text: "32767", want: i16(32767)},
		"int2 min":      {oid: pgtype.Int2OID, text: "-32768", want: i16(-32768)},
		"int2 over":     {oid: pgtype.Int2OID, text: "32768", err: ErrRange},
		"int4 min":      {oid: pgtype.Int4OID, text: "-2147483648", want: i32(math.MinInt32)},
		"int4 over":     {oid: pgtype.Int4OID, text: "2147483648", err: ErrRange},
		"int8 max":      {oid: pgtype.Int8OID, text: "9223372036854775807", want: i64(math.MaxInt64)},
		"int8 min":      {oid: pgtype.Int8OID, text: "-9223372036854775808", want: i64(math.MinInt64)},
		"int8 over":     {oid: pgtype.Int8OID, text: "9223372036854775808", err: ErrRange},
		"int8 way over": {oid: pgtype.Int8OID, text: "99999999999999999999999", err: ErrRange},
		"int8 zero":     {oid: pgtype.Int8OID, text: "0", want: i64(0)},
		"int4 sign":     {oid: pgtype.Int4OID, text: "-", err: ErrSyntax},
		"int4 junk":     {oid: pgtype.Int4OID, text: "12a", err: ErrSyntax},
		"int4 space":    {oid: pgtype.Int4OID, text: " 12", err: ErrSyntax},

		// floats
		"float8":          {oid: pgtype.Float8OID, text: "0.1", want: f64(0.1)},
		"float8 exp":      {oid: pgtype.Float8OID, text: "1.7976931348623157e+308", want: f64(math.MaxFloat64)},
		"float8 tiny":     {oid: pgtype.Float8OID, text: "5e-324", want: f64(5e-324)},
		"float8 NaN":      {oid: pgtype.Float8OID, text: "NaN", want: f64(math.NaN())},
		"float8 Infinity": {oid: pgtype.Float8OID, text: "Infinity", want: f64(math.Inf(1))},
		"float8 -Inf":     {oid: pgtype.Float8OID, text: "-Infinity", want: f64(math.Inf(-1))},
		"float8 -0":       {oid: pgtype.Float8OID, text: "-0", want: f64(math.Copysign(0, -1))},
		"float8 hex":      {oid: pgtype.Float8OID, text: "0x1p3", err: ErrSyntax},
		"float8 junk":     {oid: pgtype.Float8OID, text: "1.5x", err: ErrSyntax},
		"float4":          {oid: pgtype.Float4OID, text: "1.1", want: f32(float64(float32(1.1)))},
		"float4 max":      {oid: pgtype.Float4OID, text: "3.4028235e+38", want: f32(math.MaxFloat32)},
		"float4 over":     {oid: pgtype.Float4OID, text: "1e39", err: ErrRange},

		// numeric
		"numeric":          {oid: pgtype.NumericOID, text: "-12.340", want: dec("-12.340")},
		"numeric(10,2)":    {oid: pgtype.NumericOID, typmod: numericTypmod(10, 2), text: "12345678.90", want: dec("12345678.90")},
		"numeric int":      {oid: pgtype.NumericOID, text: "12000", want: dec("12000")},
		"numeric small":    {oid: pgtype.NumericOID, text: "0.00123", want: dec("0.00123")},
		"numeric 18":       {oid: pgtype.NumericOID, text: "999999999999999999", want: dec("999999999999999999")},
		"numeric 19":       {oid: pgtype.NumericOID, text: "-9999999999999999999.5", want: dec("-9999999999999999999.5")},
		"numeric big":      {oid: pgtype.NumericOID, text: "123456789012345678901234567890.123456789", want: dec("123456789012345678901234567890.123456789")},
		"numeric NaN":      {oid: pgtype.NumericOID, text: "NaN", want: schemas.DecimalValue(schemas.DecimalNaN())},
		"numeric Inf":      {oid: pgtype.NumericOID, text: "Infinity", want: schemas.DecimalValue(schemas.DecimalInf(1))},
		"numeric -Inf":     {oid: pgtype.NumericOID, text: "-Infinity", want: schemas.DecimalValue(schemas.DecimalInf(-1))},
		"numeric two dots": {oid: pgtype.NumericOID, text: "1.2.3", err: ErrSyntax},
		"numeric point":    {oid: pgtype.NumericOID, text: ".", err: ErrSyntax},
		"numeric exp":      {oid: pgtype.NumericOID, text: "1e5", err: ErrSyntax},
		"numeric empty":    {oid: pgtype.NumericOID, text: "", err: ErrSyntax},

		// money
		"money":        {oid: moneyOID, text: "$1,234.56", want: dec("1234.56")},
		"money neg":    {oid: moneyOID, text: "-$1,234.56", want: dec("-1234.56")},
		"money zero":   {oid: moneyOID, text: "$0.00", want: dec("0.00")},
		"money max":    {oid: moneyOID, text: "$92,233,720,368,547,758.07", want: dec("92233720368547758.07")},
		"money min":    {oid: moneyOID, text: "-$92,233,720,368,547,758.08", want: dec("-92233720368547758.08")},
		"money over":   {oid: moneyOID, text: "$92,233,720,368,547,758.08", err: ErrRange},
		"money locale": {oid: moneyOID, text: "1.234,56 €", err: ErrSyntax},

		// strings
		"text":          {oid: pgtype.TextOID, text: "héllo, world", want: str("héllo, world")},
		"text empty":    {oid: pgtype.TextOID, text: "", want: str("")},
		"bpchar padded": {oid: pgtype.BPCharOID, typmod: 8, text: "ab  ", want: str("ab  ")},
		"inet":          {oid: pgtype.InetOID, text: "192.168.0.1/24", want: str("192.168.0.1/24")},
		"json":          {oid: pgtype.JSONOID, text: `{"a": [1, 2]}`, want: schemas.JSON(`{"a": [1, 2]}`)},
		"jsonb":         {oid: pgtype.JSONBOID, text: `{"a": 1}`, want: schemas.JSON(`{"a": 1}`)},
		"composite":     {oid: pairOID, text: `(1,"a b")`, want: str(`(1,"a b")`)},

		// bytea
		"bytea hex":       {oid: pgtype.ByteaOID, text: `\x00ff10Ab`, want: schemas.Bytes([]byte{0, 0xff, 0x10, 0xab})},
		"bytea empty":     {oid: pgtype.ByteaOID, text: `\x`, want: schemas.Bytes(nil)},
		"bytea long":      {oid: pgtype.ByteaOID, text: `\x` + strings.Repeat("ab", 300), want: schemas.Bytes([]byte(strings.Repeat("\xab", 300)))},
		"bytea odd":       {oid: pgtype.ByteaOID, text: `\x0`, err: ErrSyntax},
		"bytea bad hex":   {oid: pgtype.ByteaOID, text: `\xzz`, err: ErrSyntax},
		"bytea escape":    {oid: pgtype.ByteaOID, text: `a\\b\000\377`, want: schemas.Bytes([]byte("a\\b\x00\xff"))},
		"bytea bad escap": {oid: pgtype.ByteaOID, text: `a\q`, err: ErrSyntax},
		"bytea trailing":  {oid: pgtype.ByteaOID, text: `a\`, err: ErrSyntax},

		// uuid
		"uuid":        {oid: pgtype.UUIDOID, text: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", want: u("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
		"uuid bare":   {oid: pgtype.UUIDOID, text: "A0EEBC999C0B4EF8BB6D6BB9BD380A11", want: u("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
		"uuid short":  {oid: pgtype.UUIDOID, text: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", err: ErrSyntax},
		"uuid dashes": {oid: pgtype.UUIDOID, text: "a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11", err: ErrSyntax},
		"uuid hex":    {oid: pgtype.UUIDOID, text: "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", err: ErrSyntax},

		// date
		"date":          {oid: pgtype.DateOID, text: "2024-02-29", want: schemas.Date(dateDays(2024, 2, 29))},
		"date epoch":    {oid: pgtype.DateOID, text: "1970-01-01", want: schemas.Date(0)},
		"date BC":       {oid: pgtype.DateOID, text: "0044-03-15 BC", want: schemas.Date(dateDays(-43, 3, 15))},
		"date 1 BC":     {oid: pgtype.DateOID, text: "0001-02-29 BC", want: schemas.Date(dateDays(0, 2, 29))},
		"date min":      {oid: pgtype.DateOID, text: "4713-01-01 BC", want: schemas.Date(dateDays(-4712, 1, 1))},
		"date max":      {oid: pgtype.DateOID, text: "5874897-12-31", want: schemas.Date(dateDays(5874897, 12, 31))},
		"date 5 digits": {oid: pgtype.DateOID, text: "12345-01-01", want: schemas.Date(dateDays(12345, 1, 1))},
		"date inf":      {oid: pgtype.DateOID, text: "infinity", want: schemas.Date(schemas.DateInfinity)},
		"date -inf":     {oid: pgtype.DateOID, text: "-infinity", want: schemas.Date(schemas.DateNegInfinity)},
		"date feb 30":   {oid: pgtype.DateOID, text: "2023-02-29", err: ErrSyntax},
		"date year 0":   {oid: pgtype.DateOID, text: "0000-01-01", err: ErrSyntax},
		"date SQL":      {oid: pgtype.DateOID, text: "01/02/2024", err: ErrFormat},
		"date German":   {oid: pgtype.DateOID, text: "02.01.2024", err: ErrFormat},
		"date junk":     {oid: pgtype.DateOID, text: "2024-01-01x", err: ErrSyntax},

		// time and timetz
		"time":          {oid: pgtype.TimeOID, text: "10:11:12", want: schemas.Time(tsMicros(1970, 1, 1, 10, 11, 12, 0))},
		"time frac":     {oid: pgtype.TimeOID, text: "00:00:00.000001", want: schemas.Time(1)},
		"time frac 1":   {oid: pgtype.TimeOID, text: "23:59:59.5", want: schemas.Time(86399_500_000)},
		"time 24":       {oid: pgtype.TimeOID, text: "24:00:00", want: schemas.Time(86_400_000_000)},
		"time 24:01":    {oid: pgtype.TimeOID, text: "24:00:01", err: ErrSyntax},
		"time 7 digits": {oid: pgtype.TimeOID, text: "10:00:00.1234567", err: ErrSyntax},
		"time minutes":  {oid: pgtype.TimeOID, text: "10:60:00", err: ErrSyntax},
		"timetz":        {oid: pgtype.TimetzOID, text: "10:00:00+05:30", want: schemas.TimeTZ(10*3600e6, 5*3600+1800)},
		"timetz hours":  {oid: pgtype.TimetzOID, text: "10:00:00-08", want: schemas.TimeTZ(10*3600e6, -8*3600)},
		"timetz secs":   {oid: pgtype.TimetzOID, text: "10:00:00.25+05:30:15", want: schemas.TimeTZ(10*3600e6+250000, 5*3600+1800+15)},
		"timetz 24":     {oid: pgtype.TimetzOID, text: "24:00:00+00", want: schemas.TimeTZ(86_400_000_000, 0)},
		"timetz no off": {oid: pgtype.TimetzOID, text: "10:00:00", err: ErrSyntax},

		// timestamp and timestamptz
		"ts":          {oid: pgtype.TimestampOID, text: "2024-01-02 03:04:05.123456", want: schemas.Timestamp(tsMicros(2024, 1, 2, 3, 4, 5, 123456))},
		"ts no frac":  {oid: pgtype.TimestampOID, text: "1969-12-31 23:59:59", want: schemas.Timestamp(-1_000_000)},
		"ts BC":       {oid: pgtype.TimestampOID, text: "2024-01-02 03:04:05.5 BC", want: schemas.Timestamp(tsMicros(-2023, 1, 2, 3, 4, 5, 500000))},
		"ts inf":      {oid: pgtype.TimestampOID, text: "infinity", want: schemas.Timestamp(schemas.TimestampInfinity)},
		"ts -inf":     {oid: pgtype.TimestampOID, text: "-infinity", want: schemas.Timestamp(schemas.TimestampNegInfinity)},
		"ts min":      {oid: pgtype.TimestampOID, text: "4713-01-01 00:00:00 BC", want: schemas.Timestamp(tsMicros(-4712, 1, 1, 0, 0, 0, 0))},
		"ts big year": {oid: pgtype.TimestampOID, text: "294246-12-31 23:59:59.999999", want: schemas.Timestamp(tsMicros(294246, 12, 31, 23, 59, 59, 999999))},
		"ts too big":  {oid: pgtype.TimestampOID, text: "294276-12-31 23:59:59.999999", err: ErrRange},
		"ts offset":   {oid: pgtype.TimestampOID, text: "2024-01-02 03:04:05+00", err: ErrSyntax},
		"ts Postgres": {oid: pgtype.TimestampOID, text: "Tue Jan 02 03:04:05 2024", err: ErrFormat},
		"tstz":        {oid: pgtype.TimestamptzOID, text: "2024-01-02 03:04:05.123456+00", want: schemas.TimestampTZ(tsMicros(2024, 1, 2, 3, 4, 5, 123456))},
		"tstz offset": {oid: pgtype.TimestamptzOID, text: "2024-01-02 03:04:05+05:30", want: schemas.TimestampTZ(tsMicros(2024, 1, 1, 21, 34, 5, 0))},
		"tstz BC":     {oid: pgtype.TimestamptzOID, text: "0044-03-15 10:00:00+00 BC", want: schemas.TimestampTZ(tsMicros(-43, 3, 15, 10, 0, 0, 0))},
		"tstz inf":    {oid: pgtype.TimestamptzOID, text: "infinity", want: schemas.TimestampTZ(schemas.TimestampInfinity)},
		"tstz no off": {oid: pgtype.TimestamptzOID, text: "2024-01-02 03:04:05", err: ErrSyntax},

		// interval (IntervalStyle iso_8601)
		"interval":         {oid: pgtype.IntervalOID, text: "P1Y2M3DT4H5M6.5S", want: iv(14, 3, 4*3600e6+5*60e6+6.5e6)},
		"interval mixed":   {oid: pgtype.IntervalOID, text: "P1Y2M-3DT4H5M6.5S", want: iv(14, -3, 4*3600e6+5*60e6+6.5e6)},
		"interval neg":     {oid: pgtype.IntervalOID, text: "P-1Y-2M", want: iv(-14, 0, 0)},
		"interval zero":    {oid: pgtype.IntervalOID, text: "PT0S", want: iv(0, 0, 0)},
		"interval -frac":   {oid: pgtype.IntervalOID, text: "PT-0.5S", want: iv(0, 0, -500000)},
		"interval -time":   {oid: pgtype.IntervalOID, text: "PT-4H-5M-6.000001S", want: iv(0, 0, -(4*3600e6 + 5*60e6 + 6e6 + 1))},
		"interval day+h":   {oid: pgtype.IntervalOID, text: "P-1DT1H", want: iv(0, -1, 3600e6)},
		"interval hours":   {oid: pgtype.IntervalOID, text: "PT100000H0.000001S", want: iv(0, 0, 100000*3600e6+1)},
		"interval max":     {oid: pgtype.IntervalOID, text: "P178956970Y7M2147483647DT2562047788H54.775807S", want: iv(math.MaxInt32, math.MaxInt32, math.MaxInt64)},
		"interval min":     {oid: pgtype.IntervalOID, text: "P-178956970Y-8M-2147483648DT-2562047788H-54.775808S", want: iv(math.MinInt32, math.MinInt32, math.MinInt64)},
		"interval over":    {oid: pgtype.IntervalOID, text: "PT2562047788H54.775808S", err: ErrRange},
		"interval postgre": {oid: pgtype.IntervalOID, text: "1 year 2 mons", err: ErrFormat},
		"interval sql":     {oid: pgtype.IntervalOID, text: "1-2", err: ErrSyntax},
		"interval inf":     {oid: pgtype.IntervalOID, text: "infinity", err: ErrFormat},
		"interval P":       {oid: pgtype.IntervalOID, text: "P", err: ErrSyntax},
		"interval frac Y":  {oid: pgtype.IntervalOID, text: "P1.5Y", err: ErrSyntax},
		"interval unit":    {oid: pgtype.IntervalOID, text: "P1X", err: ErrSyntax},
		"interval no unit": {oid: pgtype.IntervalOID, text: "P1", err: ErrSyntax},

		// enums and domains
		"enum":          {oid: moodOID, text: "happy", want: schemas.Enum("happy")},
		"enum unknown":  {oid: moodOID, text: "angry", err: ErrStaleType},
		"domain int4":   {oid: posintOID, text: "42", want: i32(42)},
		"domain price":  {oid: priceOID, text: "9.99", want: dec("9.99")},
		"domain bad":    {oid: posintOID, text: "x", err: ErrSyntax},
		"enum array":    {oid: moodArrayOID, text: "{sad,happy,NULL}", want: arr(schemas.Enum("sad"), schemas.Enum("happy"), schemas.Null())},
		"domain array":  {oid: posintArrOID, text: "{1,2}", want: arr(i32(1), i32(2))},
		"box array dom": {oid: boxArrDomOID, text: "{(3,4),(1,2);(1,1),(0,0)}", want: arr(str("(3,4),(1,2)"), str("(1,1),(0,0)"))},

		// arrays
		"int4[]":           {oid: pgtype.Int4ArrayOID, text: "{1,2,NULL}", want: arr(i32(1), i32(2), schemas.Null())},
		"int4[] empty":     {oid: pgtype.Int4ArrayOID, text: "{}", want: arr()},
		"int4[] 2d":        {oid: pgtype.Int4ArrayOID, text: "{{1,2},{3,4}}", want: arr(arr(i32(1), i32(2)), arr(i32(3), i32(4)))},
		"int4[] 3d":        {oid: pgtype.Int4ArrayOID, text: "{{{1},{2}},{{3},{4}}}", want: arr(arr(arr(i32(1)), arr(i32(2))), arr(arr(i32(3)), arr(i32(4))))},
		"int4[] bounds":    {oid: pgtype.Int4ArrayOID, text: "[0:1]={1,2}", want: arr(i32(1), i32(2))},
		"int4[] bounds 2d": {oid: pgtype.Int4ArrayOID, text: "[-1:0][1:1]={{1},{2}}", want: arr(arr(i32(1)), arr(i32(2)))},
		"int4[] spaces":    {oid: pgtype.Int4ArrayOID, text: " { 1 , 2 } ", want: arr(i32(1), i32(2))},
		"int4[] quoted":    {oid: pgtype.Int4ArrayOID, text: `{"1"}`, want: arr(i32(1))},
		"text[]": {oid: pgtype.TextArrayOID, text: `{"a b","c\"d",NULL,"NULL","","x\\y"," lead","{}","a,b",plain,null}`,
			want: arr(str("a b"), str(`c"d`), schemas.Null(), str("NULL"), str(""), str(`x\y`), str(" lead"), str("{}"), str("a,b"), str("plain"), schemas.Null())},
		"text[] unquoted escapes": {oid: pgtype.TextArrayOID, text: `{a\ b\,c  , d\ }`, want: arr(str("a b,c"), str("d "))},
		"text[] escaped NULL":     {oid: pgtype.TextArrayOID, text: `{\NULL}`, want: arr(str("NULL"))},
		"bytea[]":                 {oid: pgtype.ByteaArrayOID, text: `{"\\x0102",NULL}`, want: arr(schemas.Bytes([]byte{1, 2}), schemas.Null())},
		"jsonb[]":                 {oid: pgtype.JSONBArrayOID, text: `{"{\"a\": 1}","[1, 2]"}`, want: arr(schemas.JSON(`{"a": 1}`), schemas.JSON(`[1, 2]`))},
		"numeric(10,2)[]":         {oid: pgtype.NumericArrayOID, typmod: numericTypmod(10, 2), text: "{1.50,NaN}", want: arr(dec("1.50"), schemas.DecimalValue(schemas.DecimalNaN()))},
		"tstz[]":                  {oid: pgtype.TimestamptzArrayOID, text: `{"2024-01-02 03:04:05+00",infinity}`, want: arr(schemas.TimestampTZ(tsMicros(2024, 1, 2, 3, 4, 5, 0)), schemas.TimestampTZ(schemas.TimestampInfinity))},
		"money[]":                 {oid: moneyArrayOID, text: `{"$1,000.00",-$0.01}`, want: arr(dec("1000.00"), dec("-0.01"))},
		"composite-ish text[]":    {oid: pgtype.TextArrayOID, text: `{"(1,\"a b\")"}`, want: arr(str(`(1,"a b")`))},
		"int4[] bad elem":         {oid: pgtype.Int4ArrayOID, text: "{1,x}", err: ErrSyntax},
		"int4[] unterminated":     {oid: pgtype.Int4ArrayOID, text: "{1,2", err: ErrSyntax},
		"int4[] no brace":         {oid: pgtype.Int4ArrayOID, text: "1,2", err: ErrSyntax},
		"int4[] junk after":       {oid: pgtype.Int4ArrayOID, text: "{1}x", err: ErrSyntax},
		"int4[] ragged":           {oid: pgtype.Int4ArrayOID, text: "{{1,2},{3}}", err: ErrSyntax},
		"int4[] mixed":            {oid: pgtype.Int4ArrayOID, text: "{{1,2},3}", err: ErrSyntax},
		"int4[] mixed 2":          {oid: pgtype.Int4ArrayOID, text: "{1,{2}}", err: ErrSyntax},
		"int4[] empty elem":       {oid: pgtype.Int4ArrayOID, text: "{1,,2}", err: ErrSyntax},
		"int4[] bad bounds":       {oid: pgtype.Int4ArrayOID, text: "[0:x]={1}", err: ErrSyntax},
		"int4[] too deep":         {oid: pgtype.Int4ArrayOID, text: "{{{{{{{1}}}}}}}", err: ErrSyntax},
		"text[] open quote":       {oid: pgtype.TextArrayOID, text: `{"abc}`, err: ErrSyntax},
		"text[] lone backslash":   {oid: pgtype.TextArrayOID, text: `{abc\`, err: ErrSyntax},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := mustDecoder(t, tt.oid, cmpTypmod(tt.typmod))
			got, err := d.Decode([]byte(tt.text))
			if tt.err != nil {
				var de *DecodeError
				if !errors.Is(err, tt.err) || !errors.As(err, &de) {
					t.Fatalf("Decode(%q) = %v, %v; want a *DecodeError wrapping %v", tt.text, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%q): %v", tt.text, err)
			}
			if !schemas.Equal(got, tt.want) {
				t.Errorf("Decode(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// cmpTypmod turns the zero typmod of a table row into -1 (none).
func cmpTypmod(m int32) int32 {
	if m == 0 {
		return -1
	}
	return m
}

func TestDecodeColumn(t *testing.T) {
	t.Parallel()
	d := mustDecoder(t, pgtype.Int4OID, -1)
	tests := []struct {
		name string
		kind byte
		data string
		want schemas.Value
		err  error
	}{
		{"text", TupleText, "7", schemas.Int(schemas.KindInt32, 7), nil},
		{"null", TupleNull, "", schemas.Null(), nil},
		{"unchanged", TupleUnchanged, "", schemas.Unchanged(), nil},
		{"binary", TupleBinary, "\x00\x00\x00\x07", schemas.Value{}, ErrFormat},
		{"unknown", 'x', "", schemas.Value{}, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := d.DecodeColumn(tt.kind, []byte(tt.data))
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && !schemas.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrorText(t *testing.T) {
	t.Parallel()
	d := mustDecoder(t, pgtype.Int4ArrayOID, -1)
	long := "{" + strings.Repeat("1,", 40) + "é,x}"
	_, err := d.Decode([]byte(long))
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want *DecodeError", err)
	}
	if de.Type != "_int4" || len(de.Text) > maxErrorText+3 || !strings.HasSuffix(de.Text, "...") {
		t.Errorf("DecodeError = %+v", de)
	}
	msg := err.Error()
	for _, want := range []string{"_int4", "element 41", `int4 value "é"`, "invalid syntax"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
}

func TestRuntimeParams(t *testing.T) {
	t.Parallel()
	p := RuntimeParams()
	p["TimeZone"] = "Europe/Paris"
	if RuntimeParams()["TimeZone"] != "UTC" {
		t.Error("RuntimeParams shares its map between calls")
	}
}
