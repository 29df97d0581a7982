package pgsink

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/heliosdb/helios-etl/schemas"
)

// appendText appends v in PostgreSQL's text input format, exact for every
// kind: decimals as their digits (never a float), timestamps to the
// microsecond with BC years and ±infinity, intervals with months, days and
// microseconds kept apart. v must not be NULL or unchanged.
func appendText(dst []byte, v schemas.Value) ([]byte, error) {
	switch v.Kind() {
	case schemas.KindBool:
		if v.Bool() {
			return append(dst, 't'), nil
		}
		return append(dst, 'f'), nil
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case schemas.KindFloat32, schemas.KindFloat64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return append(dst, "NaN"...), nil
		case math.IsInf(f, 1):
			return append(dst, "Infinity"...), nil
		case math.IsInf(f, -1):
			return append(dst, "-Infinity"...), nil
		}
		bits := 64
		if v.Kind() == schemas.KindFloat32 {
			bits = 32
		}
		return strconv.AppendFloat(dst, f, 'g', -1, bits), nil
	case schemas.KindDecimal:
		d := v.Decimal()
		switch {
		case d.IsNaN():
			return append(dst, "NaN"...), nil
		case d.IsInf(1):
			return append(dst, "Infinity"...), nil
		case d.IsInf(-1):
			return append(dst, "-Infinity"...), nil
		}
		return d.Append(dst), nil
	case schemas.KindString, schemas.KindJSON, schemas.KindEnum:
		return append(dst, v.Str()...), nil
	case schemas.KindBytes:
		dst = append(dst, `\x`...)
		return hex.AppendEncode(dst, []byte(v.Str())), nil
	case schemas.KindUUID:
		return schemas.AppendUUID(dst, v.UUID()), nil
	case schemas.KindDate:
		switch d := v.Days(); d {
		case schemas.DateInfinity:
			return append(dst, "infinity"...), nil
		case schemas.DateNegInfinity:
			return append(dst, "-infinity"...), nil
		default:
			return appendCivil(dst, time.Unix(int64(d)*86400, 0).UTC(), false, false), nil
		}
	case schemas.KindTime:
		return schemas.AppendTime(dst, v.Micros()), nil
	case schemas.KindTimeTZ:
		return schemas.AppendTimeTZ(dst, v.Micros(), v.ZoneOffset()), nil
	case schemas.KindTimestamp, schemas.KindTimestampTZ:
		switch us := v.Micros(); us {
		case schemas.TimestampInfinity:
			return append(dst, "infinity"...), nil
		case schemas.TimestampNegInfinity:
			return append(dst, "-infinity"...), nil
		default:
			return appendCivil(dst, time.UnixMicro(us).UTC(), true, v.Kind() == schemas.KindTimestampTZ), nil
		}
	case schemas.KindInterval:
		iv := v.Interval()
		dst = strconv.AppendInt(dst, int64(iv.Months), 10)
		dst = append(dst, " mons "...)
		dst = strconv.AppendInt(dst, int64(iv.Days), 10)
		dst = append(dst, " days "...)
		us := iv.Micros
		if us < 0 {
			dst = append(dst, '-')
		}
		u := uint64(us)
		if us < 0 {
			u = uint64(-(us + 1)) + 1 // math.MinInt64 too
		}
		dst = strconv.AppendUint(dst, u/3_600_000_000, 10)
		u %= 3_600_000_000
		dst = append(dst, ':')
		dst = pad2(dst, u/60_000_000)
		u %= 60_000_000
		dst = append(dst, ':')
		dst = pad2(dst, u/1_000_000)
		return fmt.Appendf(dst, ".%06d", u%1_000_000), nil
	case schemas.KindArray:
		return appendArray(dst, v)
	}
	return dst, fmt.Errorf("no PostgreSQL text form for a %v value", v.Kind())
}

func pad2(dst []byte, n uint64) []byte {
	if n < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendUint(dst, n, 10)
}

// appendCivil appends t as "YYYY-MM-DD[ HH:MM:SS.ffffff][+00][ BC]".
func appendCivil(dst []byte, t time.Time, clock, utc bool) []byte {
	y := t.Year()
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = fmt.Appendf(dst, "%04d-%02d-%02d", y, int(t.Month()), t.Day())
	if clock {
		dst = fmt.Appendf(dst, " %02d:%02d:%02d.%06d", t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1000)
	}
	if utc {
		dst = append(dst, "+00"...)
	}
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendArray appends an array literal, every element quoted.
func appendArray(dst []byte, v schemas.Value) ([]byte, error) {
	dst = append(dst, '{')
	for i, e := range v.Elems() {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch {
		case e.IsNull() || e.IsUnchanged():
			dst = append(dst, "NULL"...)
		case e.Kind() == schemas.KindArray:
			var err error
			if dst, err = appendArray(dst, e); err != nil {
				return dst, err
			}
		default:
			start := len(dst)
			var err error
			if dst, err = appendText(dst, e); err != nil {
				return dst, err
			}
			dst = quoteElem(dst, start)
		}
	}
	return append(dst, '}'), nil
}

// quoteElem quotes the element text at dst[start:] in place.
func quoteElem(dst []byte, start int) []byte {
	n := 2
	for _, c := range dst[start:] {
		if c == '"' || c == '\\' {
			n++
		}
	}
	end := len(dst)
	for range n {
		dst = append(dst, 0)
	}
	// Copy backwards, escaping.
	w := len(dst) - 1
	dst[w] = '"'
	w--
	for r := end - 1; r >= start; r-- {
		c := dst[r]
		dst[w] = c
		w--
		if c == '"' || c == '\\' {
			dst[w] = '\\'
			w--
		}
	}
	dst[w] = '"'
	return dst
}
