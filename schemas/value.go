package schemas

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

const (
	stateNull uint8 = iota // the zero Value is NULL
	statePresent
	stateUnchanged
)

// Value is one typed field value: a small tagged union, copied by value. The
// zero Value is [Null]. Scalars, UUIDs, dates, times, timestamps, intervals
// and int64-sized decimals live inline; strings, bytes and JSON hold one
// string; arrays hold a []Value. Construct values with the functions of this
// package and read them with the accessor of their kind; an accessor called
// on another kind returns the zero value of its result.
type Value struct {
	kind  Kind
	state uint8
	n     int64
	m     int64
	s     string
	x     any // *big.Int of a large decimal, or []Value of an array
}

// Null returns SQL NULL.
func Null() Value { return Value{} }

// Unchanged returns the marker for a value the source did not send (see the
// package documentation); it is not NULL.
func Unchanged() Value { return Value{state: stateUnchanged} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	v := Value{kind: KindBool, state: statePresent}
	if b {
		v.n = 1
	}
	return v
}

// Int returns an integer of kind KindInt16, KindInt32 or KindInt64.
func Int(kind Kind, i int64) Value { return Value{kind: kind, state: statePresent, n: i} }

// Int64 returns a KindInt64 value.
func Int64(i int64) Value { return Int(KindInt64, i) }

// Float returns a float of kind KindFloat32 or KindFloat64.
func Float(kind Kind, f float64) Value {
	if kind == KindFloat32 {
		f = float64(float32(f))
	}
	return Value{kind: kind, state: statePresent, n: int64(math.Float64bits(f))}
}

// DecimalValue returns a decimal value.
func DecimalValue(d Decimal) Value {
	v := Value{kind: KindDecimal, state: statePresent, n: d.small, m: int64(d.scale) | int64(d.form)<<32}
	if d.big != nil {
		v.x = d.big
	}
	return v
}

// String returns a text value.
func String(s string) Value { return Value{kind: KindString, state: statePresent, s: s} }

// Bytes returns a binary value; b is copied.
func Bytes(b []byte) Value { return Value{kind: KindBytes, state: statePresent, s: string(b)} }

// UUID returns a UUID value.
func UUID(u [16]byte) Value {
	return Value{kind: KindUUID, state: statePresent,
		n: int64(be64(u[:8])), m: int64(be64(u[8:]))}
}

// JSON returns a JSON value from its text; the text is not checked.
func JSON(text string) Value { return Value{kind: KindJSON, state: statePresent, s: text} }

// Date returns a date as days since 1970-01-01; [DateInfinity] and
// [DateNegInfinity] are the infinite dates.
func Date(days int32) Value { return Value{kind: KindDate, state: statePresent, n: int64(days)} }

// Time returns a time of day in microseconds since midnight (24:00:00 is
// 86 400 000 000).
func Time(micros int64) Value { return Value{kind: KindTime, state: statePresent, n: micros} }

// TimeTZ returns a time of day with a zone offset in seconds east of UTC.
func TimeTZ(micros int64, offsetSeconds int32) Value {
	return Value{kind: KindTimeTZ, state: statePresent, n: micros, m: int64(offsetSeconds)}
}

// Timestamp returns a timestamp without time zone, in microseconds since
// 1970-01-01 00:00:00; [TimestampInfinity] and [TimestampNegInfinity] are
// the infinite timestamps.
func Timestamp(micros int64) Value { return Value{kind: KindTimestamp, state: statePresent, n: micros} }

// TimestampTZ returns an instant in microseconds since the Unix epoch (UTC).
func TimestampTZ(micros int64) Value {
	return Value{kind: KindTimestampTZ, state: statePresent, n: micros}
}

// IntervalValue returns an interval value.
func IntervalValue(iv Interval) Value {
	return Value{kind: KindInterval, state: statePresent, n: iv.Micros,
		m: int64(iv.Months)<<32 | int64(uint32(iv.Days))}
}

// Enum returns an enum value holding one symbol.
func Enum(symbol string) Value { return Value{kind: KindEnum, state: statePresent, s: symbol} }

// Array returns an array value; elems is kept, not copied.
func Array(elems []Value) Value { return Value{kind: KindArray, state: statePresent, x: elems} }

// The infinite dates and timestamps.
const (
	DateInfinity         = math.MaxInt32
	DateNegInfinity      = math.MinInt32
	TimestampInfinity    = math.MaxInt64
	TimestampNegInfinity = math.MinInt64
)

// Kind returns the value's kind; KindInvalid for NULL and unchanged.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is SQL NULL.
func (v Value) IsNull() bool { return v.state == stateNull }

// IsUnchanged reports whether v is the unchanged marker.
func (v Value) IsUnchanged() bool { return v.state == stateUnchanged }

// Bool returns the boolean.
func (v Value) Bool() bool { return v.kind == KindBool && v.n != 0 }

// Int returns an integer of any integer kind.
func (v Value) Int() int64 {
	switch v.kind {
	case KindInt16, KindInt32, KindInt64:
		return v.n
	}
	return 0
}

// Float returns a float of either float kind.
func (v Value) Float() float64 {
	if v.kind == KindFloat32 || v.kind == KindFloat64 {
		return math.Float64frombits(uint64(v.n))
	}
	return 0
}

// Decimal returns the decimal.
func (v Value) Decimal() Decimal {
	if v.kind != KindDecimal {
		return Decimal{}
	}
	d := Decimal{small: v.n, scale: int32(v.m), form: decForm(v.m >> 32)}
	if b, ok := v.x.(*big.Int); ok {
		d.big = b
	}
	return d
}

// Str returns the text of a string, JSON or enum value, or the bytes of a
// binary value as a string (no copy).
func (v Value) Str() string {
	switch v.kind {
	case KindString, KindJSON, KindEnum, KindBytes:
		return v.s
	}
	return ""
}

// Bytes returns a copy of a binary value.
func (v Value) Bytes() []byte {
	if v.kind != KindBytes {
		return nil
	}
	return []byte(v.s)
}

// UUID returns the 16 bytes of a UUID.
func (v Value) UUID() (u [16]byte) {
	if v.kind == KindUUID {
		putBE64(u[:8], uint64(v.n))
		putBE64(u[8:], uint64(v.m))
	}
	return u
}

// Days returns a date's days since 1970-01-01.
func (v Value) Days() int32 {
	if v.kind != KindDate {
		return 0
	}
	return int32(v.n)
}

// Micros returns the microseconds of a time, time with zone, timestamp or
// timestamp with zone.
func (v Value) Micros() int64 {
	switch v.kind {
	case KindTime, KindTimeTZ, KindTimestamp, KindTimestampTZ:
		return v.n
	}
	return 0
}

// ZoneOffset returns the offset in seconds east of UTC of a time with zone.
func (v Value) ZoneOffset() int32 {
	if v.kind != KindTimeTZ {
		return 0
	}
	return int32(v.m)
}

// Interval returns the interval.
func (v Value) Interval() Interval {
	if v.kind != KindInterval {
		return Interval{}
	}
	return Interval{Months: int32(v.m >> 32), Days: int32(uint32(v.m)), Micros: v.n}
}

// Elems returns the elements of an array (not a copy).
func (v Value) Elems() []Value {
	e, _ := v.x.([]Value)
	return e
}

// Equal reports whether a and b are the same value of the same kind. Floats
// compare by bits (NaN equals NaN), decimals by representation.
func Equal(a, b Value) bool {
	if a.state != b.state || a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindFloat32, KindFloat64:
		// Every NaN equals every NaN, whatever its payload bits.
		if fa, fb := a.Float(), b.Float(); fa != fa && fb != fb {
			return true
		}
	case KindDecimal:
		return a.Decimal().Equal(b.Decimal())
	case KindArray:
		ea, eb := a.Elems(), b.Elems()
		if len(ea) != len(eb) {
			return false
		}
		for i := range ea {
			if !Equal(ea[i], eb[i]) {
				return false
			}
		}
		return true
	}
	return a.n == b.n && a.m == b.m && a.s == b.s
}

// EqualRows reports whether two rows hold equal values.
func EqualRows(a, b []Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// String renders the value for people and logs: ISO 8601 for temporal
// values, canonical text for UUIDs, hex for bytes ("\x0102"), "NULL" and
// "UNCHANGED" for the markers.
func (v Value) String() string { return string(v.Append(nil)) }

// Append appends [Value.String]'s text to dst.
func (v Value) Append(dst []byte) []byte {
	switch v.state {
	case stateNull:
		return append(dst, "NULL"...)
	case stateUnchanged:
		return append(dst, "UNCHANGED"...)
	}
	switch v.kind {
	case KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case KindInt16, KindInt32, KindInt64:
		return strconv.AppendInt(dst, v.n, 10)
	case KindFloat32:
		return strconv.AppendFloat(dst, v.Float(), 'g', -1, 32)
	case KindFloat64:
		return strconv.AppendFloat(dst, v.Float(), 'g', -1, 64)
	case KindDecimal:
		return v.Decimal().Append(dst)
	case KindString, KindJSON, KindEnum:
		return append(dst, v.s...)
	case KindBytes:
		dst = append(dst, `\x`...)
		return hex.AppendEncode(dst, []byte(v.s))
	case KindUUID:
		return AppendUUID(dst, v.UUID())
	case KindDate:
		return AppendDate(dst, v.Days())
	case KindTime:
		return AppendTime(dst, v.n)
	case KindTimeTZ:
		return AppendTimeTZ(dst, v.n, v.ZoneOffset())
	case KindTimestamp:
		return AppendTimestamp(dst, v.n, false)
	case KindTimestampTZ:
		return AppendTimestamp(dst, v.n, true)
	case KindInterval:
		return v.Interval().AppendISO(dst)
	case KindArray:
		dst = append(dst, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.Append(dst)
		}
		return append(dst, ']')
	}
	return fmt.Appendf(dst, "<%v>", v.kind)
}

// AppendUUID appends the canonical 8-4-4-4-12 text of u.
func AppendUUID(dst []byte, u [16]byte) []byte {
	var buf [36]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u[10:])
	return append(dst, buf[:]...)
}

// ParseUUID parses the canonical text form (hyphens optional, any case,
// optional braces).
func ParseUUID(s string) ([16]byte, error) {
	var u [16]byte
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23 || len(s) != 36) {
			i++
			continue
		}
		if n == 16 || i+1 >= len(s) {
			return u, fmt.Errorf("invalid UUID %q: want 32 hex digits", s)
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, fmt.Errorf("invalid UUID %q: bad hex digit", s)
		}
		u[n] = hi<<4 | lo
		n++
		i += 2
	}
	if n != 16 {
		return u, fmt.Errorf("invalid UUID %q: want 32 hex digits", s)
	}
	return u, nil
}

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

func be64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
}

func putBE64(b []byte, v uint64) {
	_ = b[7]
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}
