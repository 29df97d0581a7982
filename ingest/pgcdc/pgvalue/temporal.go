package pgvalue

import (
	"fmt"
	"math"

	"github.com/heliosdb/helios-etl/schemas"
)

const (
	microsPerSecond = 1_000_000
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour
)

// parseDate reads DateStyle=ISO date output: "2024-01-02", "0044-03-15 BC",
// "12345-01-01", "infinity", "-infinity".
func parseDate(b []byte) (int32, error) {
	switch string(b) {
	case "infinity":
		return schemas.DateInfinity, nil
	case "-infinity":
		return schemas.DateNegInfinity, nil
	}
	y, m, d, i, ok := readYMD(b, 0)
	if !ok {
		return 0, dateStyleErr(b)
	}
	i, bc := readBC(b, i)
	if i != len(b) {
		return 0, dateStyleErr(b)
	}
	days, err := civilDays(y, m, d, bc)
	if err != nil {
		return 0, err
	}
	if days <= schemas.DateNegInfinity || days >= schemas.DateInfinity {
		return 0, ErrRange
	}
	return int32(days), nil
}

// dateStyleErr tells text in another DateStyle (Postgres "Tue Jan 02 …",
// SQL "01/02/2024", German "02.01.2024") from plain bad text.
func dateStyleErr(b []byte) error {
	if len(b) > 0 && (b[0] >= 'A' && b[0] <= 'Z' || b[0] >= 'a' && b[0] <= 'z') {
		return fmt.Errorf("%w: want DateStyle ISO", ErrFormat)
	}
	for _, c := range b {
		switch {
		case c == '/' || c == '.' && len(b) >= 10 && b[2] == '.':
			return fmt.Errorf("%w: want DateStyle ISO", ErrFormat)
		case c == ' ':
			return ErrSyntax
		}
	}
	return ErrSyntax
}

// readYMD reads YYYY[Y…]-MM-DD from b[i:]; the year has 4 to 7 digits.
func readYMD(b []byte, i int) (y int64, m, d int, next int, ok bool) {
	start := i
	for i < len(b) && isDigit(b[i]) {
		y = y*10 + int64(b[i]-'0')
		i++
	}
	if n := i - start; n < 4 || n > 7 {
		return 0, 0, 0, 0, false
	}
	if i+6 > len(b) || b[i] != '-' || b[i+3] != '-' ||
		!isDigit(b[i+1]) || !isDigit(b[i+2]) || !isDigit(b[i+4]) || !isDigit(b[i+5]) {
		return 0, 0, 0, 0, false
	}
	m = int(b[i+1]-'0')*10 + int(b[i+2]-'0')
	d = int(b[i+4]-'0')*10 + int(b[i+5]-'0')
	return y, m, d, i + 6, true
}

// readBC reads an optional " BC" at b[i:].
func readBC(b []byte, i int) (int, bool) {
	if len(b)-i >= 3 && b[i] == ' ' && b[i+1] == 'B' && b[i+2] == 'C' {
		return i + 3, true
	}
	return i, false
}

// civilDays returns the days since 1970-01-01 of a proleptic Gregorian
// date; a BC year y is astronomical year 1-y.
func civilDays(y int64, m, d int, bc bool) (int64, error) {
	if bc {
		if y == 0 {
			return 0, ErrSyntax
		}
		y = 1 - y
	} else if y == 0 {
		return 0, ErrSyntax
	}
	if m < 1 || m > 12 || d < 1 || d > schemas.DaysInMonth(y, m) {
		return 0, fmt.Errorf("%w: no such date", ErrSyntax)
	}
	return schemas.DaysFromCivil(y, m, d), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readClock reads HH:MM[:SS[.ffffff]] at b[i:]. 24:00:00 is allowed, as in
// PostgreSQL; more than six fractional digits are not.
func readClock(b []byte, i int) (int64, int, error) {
	if i+5 > len(b) || !isDigit(b[i]) || !isDigit(b[i+1]) || b[i+2] != ':' || !isDigit(b[i+3]) || !isDigit(b[i+4]) {
		return 0, 0, ErrSyntax
	}
	h := int64(b[i]-'0')*10 + int64(b[i+1]-'0')
	m := int64(b[i+3]-'0')*10 + int64(b[i+4]-'0')
	i += 5
	var s, f int64
	if i < len(b) && b[i] == ':' {
		if i+3 > len(b) || !isDigit(b[i+1]) || !isDigit(b[i+2]) {
			return 0, 0, ErrSyntax
		}
		s = int64(b[i+1]-'0')*10 + int64(b[i+2]-'0')
		i += 3
		if i < len(b) && b[i] == '.' {
			i++
			n := 0
			for i < len(b) && isDigit(b[i]) {
				if n == 6 {
					return 0, 0, fmt.Errorf("%w: more than 6 fractional digits", ErrSyntax)
				}
				f = f*10 + int64(b[i]-'0')
				n++
				i++
			}
			if n == 0 {
				return 0, 0, ErrSyntax
			}
			for ; n < 6; n++ {
				f *= 10
			}
		}
	}
	// PostgreSQL accepts a leap second (60) on input and carries it into
	// the next minute; it never prints one.
	if m > 59 || s > 60 || h > 24 || (h == 24 && (m != 0 || s != 0 || f != 0)) {
		return 0, 0, fmt.Errorf("%w: no such time", ErrSyntax)
	}
	return h*microsPerHour + m*microsPerMinute + s*microsPerSecond + f, i, nil
}

// readOffset reads a zone offset at b[i:]: ±HH, ±HH:MM or ±HH:MM:SS, in
// seconds east of UTC.
func readOffset(b []byte, i int) (int32, int, error) {
	if i+3 > len(b) || (b[i] != '+' && b[i] != '-') || !isDigit(b[i+1]) || !isDigit(b[i+2]) {
		return 0, 0, ErrSyntax
	}
	neg := b[i] == '-'
	off := (int32(b[i+1]-'0')*10 + int32(b[i+2]-'0')) * 3600
	i += 3
	for unit := int32(60); unit > 0 && i < len(b) && b[i] == ':'; unit /= 60 {
		if i+3 > len(b) || !isDigit(b[i+1]) || !isDigit(b[i+2]) {
			return 0, 0, ErrSyntax
		}
		n := int32(b[i+1]-'0')*10 + int32(b[i+2]-'0')
		if n > 59 {
			return 0, 0, ErrSyntax
		}
		off += n * unit
		i += 3
	}
	if neg {
		off = -off
	}
	return off, i, nil
}

// parseTime reads time output: "10:00:00", "10:00:00.5", "24:00:00".
func parseTime(b []byte) (int64, error) {
	us, i, err := readClock(b, 0)
	if err != nil {
		return 0, err
	}
	if i != len(b) {
		return 0, ErrSyntax
	}
	return us, nil
}

// parseTimeTZ reads timetz output: "10:00:00+05:30", "10:00:00-08". The
// time stays local; the offset is seconds east of UTC.
func parseTimeTZ(b []byte) (int64, int32, error) {
	us, i, err := readClock(b, 0)
	if err != nil {
		return 0, 0, err
	}
	off, i, err := readOffset(b, i)
	if err != nil {
		return 0, 0, err
	}
	if i != len(b) {
		return 0, 0, ErrSyntax
	}
	return us, off, nil
}

// maxTimestampDays bounds the days of a timestamp so that days ×
// microsPerDay fits in an int64 with a day to spare.
const maxTimestampDays = math.MaxInt64/microsPerDay - 1

// parseTimestamp reads timestamp and (with tz) timestamptz output:
// "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05+00",
// "0044-03-15 10:00:00+00 BC", "infinity", "-infinity". A timestamptz is
// normalized to UTC, whatever the offset.
func parseTimestamp(b []byte, tz bool) (int64, error) {
	switch string(b) {
	case "infinity":
		return schemas.TimestampInfinity, nil
	case "-infinity":
		return schemas.TimestampNegInfinity, nil
	}
	y, m, d, i, ok := readYMD(b, 0)
	if !ok || i == len(b) || (b[i] != ' ' && b[i] != 'T') {
		return 0, dateStyleErr(b)
	}
	us, i, err := readClock(b, i+1)
	if err != nil {
		return 0, err
	}
	var off int32
	if tz {
		if off, i, err = readOffset(b, i); err != nil {
			return 0, err
		}
	}
	i, bc := readBC(b, i)
	if i != len(b) {
		return 0, ErrSyntax
	}
	days, err := civilDays(y, m, d, bc)
	if err != nil {
		return 0, err
	}
	if days > maxTimestampDays || days < -maxTimestampDays {
		return 0, ErrRange
	}
	// |days × microsPerDay| ≤ MaxInt64 − microsPerDay, and |us − off| is at
	// most a day and 16 hours, so only the very edges can overflow.
	t := days * microsPerDay
	delta := us - int64(off)*microsPerSecond
	if (delta > 0 && t > math.MaxInt64-1-delta) || (delta < 0 && t < math.MinInt64+1-delta) {
		return 0, ErrRange
	}
	return t + delta, nil
}

// parseInterval reads IntervalStyle=iso_8601 output: "P1Y2M3DT4H5M6.5S",
// "P-1Y-2M", "PT-0.5S", "PT0S". Years count 12 months and weeks 7 days.
func parseInterval(b []byte) (schemas.Interval, error) {
	switch string(b) {
	case "infinity", "-infinity":
		return schemas.Interval{}, fmt.Errorf("%w: infinite intervals have no change-event value", ErrFormat)
	}
	i := 0
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) || b[i] != 'P' {
		for _, c := range b {
			if c == ' ' || c == ':' || c == '@' {
				return schemas.Interval{}, fmt.Errorf("%w: want IntervalStyle iso_8601", ErrFormat)
			}
		}
		return schemas.Interval{}, ErrSyntax
	}
	i++
	var months, days, micros int64
	inTime, any := false, false
	for i < len(b) {
		if b[i] == 'T' && !inTime {
			inTime = true
			i++
			continue
		}
		cneg := false
		if b[i] == '-' || b[i] == '+' {
			cneg = b[i] == '-'
			i++
		}
		start := i
		var n int64
		for i < len(b) && isDigit(b[i]) {
			if n > (math.MaxInt64-9)/10 {
				return schemas.Interval{}, ErrRange
			}
			n = n*10 + int64(b[i]-'0')
			i++
		}
		if i == start || i == len(b) {
			return schemas.Interval{}, ErrSyntax
		}
		var frac int64
		if b[i] == '.' {
			i++
			k := 0
			for i < len(b) && isDigit(b[i]) {
				if k == 6 {
					return schemas.Interval{}, fmt.Errorf("%w: more than 6 fractional digits", ErrSyntax)
				}
				frac = frac*10 + int64(b[i]-'0')
				k++
				i++
			}
			if k == 0 || i == len(b) || !inTime || b[i] != 'S' {
				return schemas.Interval{}, ErrSyntax
			}
			for ; k < 6; k++ {
				frac *= 10
			}
		}
		if cneg {
			n, frac = -n, -frac
		}
		unit := b[i]
		i++
		any = true
		var ok bool
		switch {
		case !inTime && unit == 'Y':
			months, ok = mulAdd(months, n, 12)
		case !inTime && unit == 'M':
			months, ok = mulAdd(months, n, 1)
		case !inTime && unit == 'W':
			days, ok = mulAdd(days, n, 7)
		case !inTime && unit == 'D':
			days, ok = mulAdd(days, n, 1)
		case inTime && unit == 'H':
			micros, ok = mulAdd(micros, n, microsPerHour)
		case inTime && unit == 'M':
			micros, ok = mulAdd(micros, n, microsPerMinute)
		case inTime && unit == 'S':
			if micros, ok = mulAdd(micros, n, microsPerSecond); ok {
				micros, ok = mulAdd(micros, frac, 1)
			}
		default:
			return schemas.Interval{}, ErrSyntax
		}
		if !ok {
			return schemas.Interval{}, ErrRange
		}
	}
	if !any {
		return schemas.Interval{}, ErrSyntax
	}
	if neg {
		if micros == math.MinInt64 {
			return schemas.Interval{}, ErrRange
		}
		months, days, micros = -months, -days, -micros
	}
	if months > math.MaxInt32 || months < math.MinInt32 || days > math.MaxInt32 || days < math.MinInt32 {
		return schemas.Interval{}, ErrRange
	}
	return schemas.Interval{Months: int32(months), Days: int32(days), Micros: micros}, nil
}

// mulAdd returns acc + n×unit, reporting false on int64 overflow.
func mulAdd(acc, n, unit int64) (int64, bool) {
	if n != 0 && (n > math.MaxInt64/unit || n < math.MinInt64/unit) {
		return 0, false
	}
	p := n * unit
	s := acc + p
	if (p > 0 && s < acc) || (p < 0 && s > acc) {
		return 0, false
	}
	return s, true
}
