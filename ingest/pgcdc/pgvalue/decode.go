package pgvalue

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/heliosdb/helios-etl/schemas"
)

// RuntimeParams returns the session settings the connection that produces
// the text values must use, as pgconn RuntimeParams (startup parameters) for
// the replication connection, or as SET commands on a query connection. The
// [Decoder] relies on them:
//
//   - DateStyle "ISO, MDY": dates as 2024-01-02, "BC" suffixes.
//   - IntervalStyle "iso_8601": intervals as P1Y2M3DT4H5M6.5S.
//   - TimeZone "UTC": timestamptz printed with "+00" (other offsets are
//     parsed correctly too; UTC keeps the text short).
//   - extra_float_digits "3": floats printed exactly (shortest round-trip
//     form, the default since PostgreSQL 12).
//   - lc_monetary "C": money printed as $1,234.56 with two decimals.
//   - bytea_output "hex": bytea printed as \x0102 (the escape format is
//     decoded too, more slowly).
//   - client_encoding "UTF8": text is UTF-8.
//
// The map is a new copy on each call.
func RuntimeParams() map[string]string {
	return map[string]string{
		"DateStyle":          "ISO, MDY",
		"IntervalStyle":      "iso_8601",
		"TimeZone":           "UTC",
		"extra_float_digits": "3",
		"lc_monetary":        "C",
		"bytea_output":       "hex",
		"client_encoding":    "UTF8",
	}
}

var (
	// ErrSyntax is returned (wrapped in a [*DecodeError]) for text that is
	// not a value of the column's type.
	ErrSyntax = errors.New("pgvalue: invalid syntax")
	// ErrRange is returned (wrapped in a [*DecodeError]) for a well-formed
	// value that the change-event model cannot hold, such as a timestamp
	// after year 294246 or an int4 column holding 2^31.
	ErrRange = errors.New("pgvalue: value out of range")
	// ErrFormat is returned (wrapped in a [*DecodeError]) for text written
	// in a format the decoder does not read: a DateStyle other than ISO, an
	// IntervalStyle other than iso_8601, binary tuple data, or an infinite
	// interval (PostgreSQL 17). Check that the connection uses
	// [RuntimeParams].
	ErrFormat = errors.New("pgvalue: unsupported text format (is the connection using pgvalue.RuntimeParams?)")
	// ErrStaleType is returned (wrapped in a [*DecodeError]) for an enum
	// label the [Decoder] does not know: the type was altered (ALTER TYPE
	// ... ADD VALUE) after it was resolved. Forget the type in the catalog
	// cache and resolve the column again.
	ErrStaleType = errors.New("pgvalue: enum label not in the resolved type (type changed?)")
)

// maxErrorText is how much of a bad value a [DecodeError] keeps.
const maxErrorText = 64

// DecodeError reports a text value that could not be decoded. Err is one of
// [ErrSyntax], [ErrRange], [ErrFormat] or [ErrStaleType], possibly wrapped
// with detail.
type DecodeError struct {
	// Type is the PostgreSQL type name ("int4", "_text", "mood").
	Type string
	// Text is the value, cut to its first 64 bytes (with "...").
	Text string
	// Err is the cause.
	Err error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decode %s value %q: %v", e.Type, e.Text, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

func newDecodeError(typ string, text []byte, err error) *DecodeError {
	s := text
	cut := len(s) > maxErrorText
	if cut {
		n := maxErrorText
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	t := string(s)
	if cut {
		t += "..."
	}
	return &DecodeError{Type: typ, Text: t, Err: err}
}

// Decoder converts the text-format values of one column type, as pgoutput
// sends them, into [schemas.Value]. Make one per column with [NewDecoder].
// A Decoder is immutable and safe for concurrent use. Decoding a scalar
// allocates nothing beyond the text of strings, JSON and bytes (and the
// digits of decimals longer than 18 digits); arrays allocate their elements.
type Decoder struct {
	typ   schemas.Type
	conv  conv
	name  string   // PostgreSQL type name, for errors
	elem  *Decoder // of an array
	delim byte     // array element delimiter
}

// Type returns the column's change-event type.
func (d *Decoder) Type() schemas.Type { return d.typ }

// Tuple data kinds of a pgoutput TupleData column (pglogrepl's
// TupleDataType* constants).
const (
	TupleNull      = 'n'
	TupleUnchanged = 'u'
	TupleText      = 't'
	TupleBinary    = 'b'
)

// DecodeColumn decodes one column of pgoutput tuple data: kind is the
// column's data type byte ([TupleNull], [TupleUnchanged], [TupleText] or
// [TupleBinary]) and data its bytes. NULL becomes [schemas.Null] and an
// unchanged TOASTed value [schemas.Unchanged]; binary data (a subscription
// with binary 'true') is an [ErrFormat] error.
func (d *Decoder) DecodeColumn(kind byte, data []byte) (schemas.Value, error) {
	switch kind {
	case TupleText:
		return d.Decode(data)
	case TupleNull:
		return schemas.Null(), nil
	case TupleUnchanged:
		return schemas.Unchanged(), nil
	case TupleBinary:
		return schemas.Value{}, &DecodeError{Type: d.name, Text: "<binary>", Err: ErrFormat}
	}
	return schemas.Value{}, &DecodeError{Type: d.name, Text: fmt.Sprintf("<tuple data kind %q>", kind), Err: ErrFormat}
}

// Decode parses one text-format value. text is not retained.
func (d *Decoder) Decode(text []byte) (schemas.Value, error) {
	v, err := d.decode(text)
	if err != nil {
		return schemas.Value{}, newDecodeError(d.name, text, err)
	}
	return v, nil
}

func (d *Decoder) decode(b []byte) (schemas.Value, error) {
	switch d.conv {
	case convString:
		return schemas.String(string(b)), nil
	case convBool:
		return decodeBool(b)
	case convInt16:
		n, err := parseInt(b, 16)
		return schemas.Int(schemas.KindInt16, n), err
	case convInt32:
		n, err := parseInt(b, 32)
		return schemas.Int(schemas.KindInt32, n), err
	case convInt64:
		n, err := parseInt(b, 64)
		return schemas.Int(schemas.KindInt64, n), err
	case convFloat32:
		f, err := parseFloat(b, 32)
		return schemas.Float(schemas.KindFloat32, f), err
	case convFloat64:
		f, err := parseFloat(b, 64)
		return schemas.Float(schemas.KindFloat64, f), err
	case convNumeric:
		dec, err := parseNumeric(b)
		return schemas.DecimalValue(dec), err
	case convMoney:
		dec, err := parseMoney(b)
		return schemas.DecimalValue(dec), err
	case convBytes:
		return decodeBytea(b)
	case convUUID:
		u, err := parseUUID(b)
		return schemas.UUID(u), err
	case convJSON:
		return schemas.JSON(string(b)), nil
	case convDate:
		days, err := parseDate(b)
		return schemas.Date(days), err
	case convTime:
		us, err := parseTime(b)
		return schemas.Time(us), err
	case convTimeTZ:
		us, off, err := parseTimeTZ(b)
		return schemas.TimeTZ(us, off), err
	case convTimestamp:
		us, err := parseTimestamp(b, false)
		return schemas.Timestamp(us), err
	case convTimestampTZ:
		us, err := parseTimestamp(b, true)
		return schemas.TimestampTZ(us), err
	case convInterval:
		iv, err := parseInterval(b)
		return schemas.IntervalValue(iv), err
	case convEnum:
		for _, s := range d.typ.Symbols {
			if s == string(b) {
				return schemas.Enum(s), nil
			}
		}
		return schemas.Value{}, ErrStaleType
	case convArray:
		return d.decodeArray(b)
	}
	return schemas.Value{}, fmt.Errorf("internal error: conversion %d", d.conv)
}

func decodeBool(b []byte) (schemas.Value, error) {
	switch string(b) {
	case "t", "true":
		return schemas.Bool(true), nil
	case "f", "false":
		return schemas.Bool(false), nil
	}
	return schemas.Value{}, ErrSyntax
}

// parseInt parses a decimal integer that fits in bits.
func parseInt(b []byte, bits uint) (int64, error) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) {
		return 0, ErrSyntax
	}
	limit := uint64(1) << (bits - 1) // |min|
	var u uint64
	for ; i < len(b); i++ {
		c := b[i] - '0'
		if c > 9 {
			return 0, ErrSyntax
		}
		if u > (limit+9)/10 {
			return 0, ErrRange
		}
		u = u*10 + uint64(c)
	}
	if neg {
		if u > limit {
			return 0, ErrRange
		}
		return -int64(u-1) - 1, nil
	}
	if u >= limit {
		return 0, ErrRange
	}
	return int64(u), nil
}

func parseFloat(b []byte, bits int) (float64, error) {
	// PostgreSQL writes NaN, Infinity and -Infinity, which ParseFloat reads.
	// It never writes hex floats or underscores, which ParseFloat would
	// accept.
	for _, c := range b {
		if c == '_' || c == 'x' || c == 'X' || c == 'p' || c == 'P' {
			return 0, ErrSyntax
		}
	}
	f, err := strconv.ParseFloat(string(b), bits)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, ErrRange
		}
		return 0, ErrSyntax
	}
	return f, nil
}

// parseNumeric parses numeric's output: plain notation, NaN, Infinity and
// -Infinity. Up to 18 digits it allocates nothing.
func parseNumeric(b []byte) (schemas.Decimal, error) {
	switch string(b) {
	case "NaN":
		return schemas.DecimalNaN(), nil
	case "Infinity":
		return schemas.DecimalInf(1), nil
	case "-Infinity":
		return schemas.DecimalInf(-1), nil
	}
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var v int64
	digits, scale := 0, int32(-1)
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if digits < 18 {
				v = v*10 + int64(c-'0')
			}
			digits++
			if scale >= 0 {
				scale++
			}
		case c == '.' && scale < 0:
			scale = 0
		default:
			return schemas.Decimal{}, ErrSyntax
		}
	}
	if digits == 0 {
		return schemas.Decimal{}, ErrSyntax
	}
	if scale < 0 {
		scale = 0
	}
	if digits > 18 {
		d, err := schemas.ParseDecimal(string(b))
		if err != nil {
			return schemas.Decimal{}, ErrSyntax
		}
		return d, nil
	}
	if neg {
		v = -v
	}
	return schemas.NewDecimal(v, scale), nil
}

// parseMoney parses money's output with lc_monetary=C: "$1,234.56",
// "-$1,234.56". The result has the scale of the text (2).
func parseMoney(b []byte) (schemas.Decimal, error) {
	i := 0
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	if i < len(b) && b[i] == '$' {
		i++
	}
	var u uint64
	digits, scale := 0, int32(-1)
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if u > (math.MaxUint64-9)/10 {
				return schemas.Decimal{}, ErrRange
			}
			u = u*10 + uint64(c-'0')
			digits++
			if scale >= 0 {
				scale++
			}
		case c == ',' && scale < 0 && digits > 0:
		case c == '.' && scale < 0:
			scale = 0
		default:
			return schemas.Decimal{}, ErrSyntax
		}
	}
	if digits == 0 {
		return schemas.Decimal{}, ErrSyntax
	}
	if scale < 0 {
		scale = 0
	}
	switch {
	case neg && u <= 1<<63:
		return schemas.NewDecimal(-int64(u-1)-1, scale), nil
	case !neg && u < 1<<63:
		return schemas.NewDecimal(int64(u), scale), nil
	}
	return schemas.Decimal{}, ErrRange
}

// decodeBytea decodes bytea_output=hex ("\x0102") and, more slowly,
// bytea_output=escape ("a\\b\000").
func decodeBytea(b []byte) (schemas.Value, error) {
	var stack [128]byte
	if len(b) >= 2 && b[0] == '\\' && b[1] == 'x' {
		h := b[2:]
		if len(h)%2 != 0 {
			return schemas.Value{}, fmt.Errorf("%w: odd number of hex digits", ErrSyntax)
		}
		out := stack[:0]
		if len(h)/2 > len(stack) {
			out = make([]byte, 0, len(h)/2)
		}
		for i := 0; i < len(h); i += 2 {
			hi, ok1 := unhex(h[i])
			lo, ok2 := unhex(h[i+1])
			if !ok1 || !ok2 {
				return schemas.Value{}, fmt.Errorf("%w: bad hex digit", ErrSyntax)
			}
			out = append(out, hi<<4|lo)
		}
		return schemas.Bytes(out), nil
	}
	out := stack[:0]
	if len(b) > len(stack) {
		out = make([]byte, 0, len(b))
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(b) && isOctal(b[i+1]) && b[i+1] <= '3' && isOctal(b[i+2]) && isOctal(b[i+3]):
			out = append(out, (b[i+1]-'0')<<6|(b[i+2]-'0')<<3|(b[i+3]-'0'))
			i += 3
		default:
			return schemas.Value{}, fmt.Errorf("%w: bad escape in bytea escape format", ErrSyntax)
		}
	}
	return schemas.Bytes(out), nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// uuidHex are the offsets of the 16 hex pairs in the canonical UUID form.
var uuidHex = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// parseUUID reads the canonical 8-4-4-4-12 form, or 32 bare hex digits.
func parseUUID(b []byte) ([16]byte, error) {
	var u [16]byte
	switch len(b) {
	case 36:
		if b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
			return u, ErrSyntax
		}
	case 32:
	default:
		return u, ErrSyntax
	}
	for k := range u {
		i := 2 * k
		if len(b) == 36 {
			i = int(uuidHex[k])
		}
		hi, ok1 := unhex(b[i])
		lo, ok2 := unhex(b[i+1])
		if !ok1 || !ok2 {
			return u, ErrSyntax
		}
		u[k] = hi<<4 | lo
	}
	return u, nil
}
