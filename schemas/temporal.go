package schemas

import (
	"errors"
	"fmt"
	"strconv"
)

// Interval is a PostgreSQL-style interval: months, days and microseconds are
// kept apart because their lengths vary (a month is not 30 days, a day is not
// always 24 hours).
type Interval struct {
	Months int32
	Days   int32
	Micros int64
}

const (
	microsPerSecond = 1_000_000
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour
)

// ErrTemporalSyntax is returned (wrapped) for malformed date, time,
// timestamp and interval text.
var ErrTemporalSyntax = errors.New("schemas: invalid temporal text")

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (astronomical years: 0 is 1 BC). Howard Hinnant's days_from_civil inverse.
func civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mm := int64(m)
	if mm > 2 {
		mm -= 3
	} else {
		mm += 9
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// AppendDate appends an ISO 8601 date ("2024-02-29"; "-0044-03-15" and
// "+12345-01-01" outside years 0-9999; "infinity" and "-infinity").
func AppendDate(dst []byte, days int32) []byte {
	switch days {
	case DateInfinity:
		return append(dst, "infinity"...)
	case DateNegInfinity:
		return append(dst, "-infinity"...)
	}
	y, m, d := civil(int64(days))
	return appendYMD(dst, y, m, d)
}

func appendYMD(dst []byte, y int64, m, d int) []byte {
	switch {
	case y < 0:
		dst = append(dst, '-')
		dst = appendPad(dst, -y, 4)
	case y > 9999:
		dst = append(dst, '+')
		dst = strconv.AppendInt(dst, y, 10)
	default:
		dst = appendPad(dst, y, 4)
	}
	dst = append(dst, '-')
	dst = appendPad(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPad(dst, int64(d), 2)
}

func appendPad(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	b := strconv.AppendInt(buf[:0], v, 10)
	for i := len(b); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, b...)
}

// AppendTime appends "HH:MM:SS" with ".fff" or ".ffffff" when there are
// fractional seconds.
func AppendTime(dst []byte, micros int64) []byte {
	h := micros / microsPerHour
	micros -= h * microsPerHour
	mi := micros / microsPerMinute
	micros -= mi * microsPerMinute
	s := micros / microsPerSecond
	micros -= s * microsPerSecond
	dst = appendPad(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s, 2)
	return appendFraction(dst, micros)
}

func appendFraction(dst []byte, micros int64) []byte {
	switch {
	case micros == 0:
		return dst
	case micros%1000 == 0:
		dst = append(dst, '.')
		return appendPad(dst, micros/1000, 3)
	}
	dst = append(dst, '.')
	return appendPad(dst, micros, 6)
}

// AppendTimeTZ appends a time with its offset: "10:15:30Z", "10:15:30+05:30".
func AppendTimeTZ(dst []byte, micros int64, offsetSeconds int32) []byte {
	return appendOffset(AppendTime(dst, micros), offsetSeconds)
}

func appendOffset(dst []byte, off int32) []byte {
	if off == 0 {
		return append(dst, 'Z')
	}
	if off < 0 {
		dst = append(dst, '-')
		off = -off
	} else {
		dst = append(dst, '+')
	}
	dst = appendPad(dst, int64(off/3600), 2)
	dst = append(dst, ':')
	dst = appendPad(dst, int64(off/60%60), 2)
	if off%60 != 0 {
		dst = append(dst, ':')
		dst = appendPad(dst, int64(off%60), 2)
	}
	return dst
}

// AppendTimestamp appends "2024-01-02T03:04:05.123456", with a "Z" when utc
// is true; "infinity" and "-infinity" for the infinite timestamps.
func AppendTimestamp(dst []byte, micros int64, utc bool) []byte {
	switch micros {
	case TimestampInfinity:
		return append(dst, "infinity"...)
	case TimestampNegInfinity:
		return append(dst, "-infinity"...)
	}
	days := floorDiv(micros, microsPerDay)
	y, m, d := civil(days)
	dst = appendYMD(dst, y, m, d)
	dst = append(dst, 'T')
	dst = AppendTime(dst, micros-days*microsPerDay)
	if utc {
		dst = append(dst, 'Z')
	}
	return dst
}

// ParseDate parses an ISO 8601 date as written by [AppendDate].
func ParseDate(s string) (int32, error) {
	switch s {
	case "infinity", "+infinity":
		return DateInfinity, nil
	case "-infinity":
		return DateNegInfinity, nil
	}
	p := parser{s: s}
	days, ok := p.date()
	if !ok || !p.done() || days <= DateNegInfinity || days >= DateInfinity {
		return 0, fmt.Errorf("%w: date %q", ErrTemporalSyntax, s)
	}
	return int32(days), nil
}

// ParseTime parses "HH:MM[:SS[.f…]]" into microseconds since midnight.
func ParseTime(s string) (int64, error) {
	p := parser{s: s}
	us, ok := p.clock()
	if !ok || !p.done() {
		return 0, fmt.Errorf("%w: time %q", ErrTemporalSyntax, s)
	}
	return us, nil
}

// ParseTimeTZ parses a time with an offset ("Z", "+05:30", "-0800", "+05").
func ParseTimeTZ(s string) (micros int64, offsetSeconds int32, err error) {
	p := parser{s: s}
	us, ok := p.clock()
	if !ok {
		return 0, 0, fmt.Errorf("%w: time with zone %q", ErrTemporalSyntax, s)
	}
	off, ok := p.offset()
	if !ok || !p.done() {
		return 0, 0, fmt.Errorf("%w: time with zone %q", ErrTemporalSyntax, s)
	}
	return us, off, nil
}

// ParseTimestamp parses "YYYY-MM-DD[T ]HH:MM:SS[.f…][offset]". With an
// offset the result is normalized to UTC; hasZone tells whether there was
// one.
func ParseTimestamp(s string) (micros int64, hasZone bool, err error) {
	switch s {
	case "infinity", "+infinity":
		return TimestampInfinity, false, nil
	case "-infinity":
		return TimestampNegInfinity, false, nil
	}
	p := parser{s: s}
	days, ok := p.date()
	if !ok || !(p.eat('T') || p.eat(' ') || p.eat('t')) {
		return 0, false, fmt.Errorf("%w: timestamp %q", ErrTemporalSyntax, s)
	}
	us, ok := p.clock()
	if !ok {
		return 0, false, fmt.Errorf("%w: timestamp %q", ErrTemporalSyntax, s)
	}
	var off int32
	if !p.done() {
		if off, ok = p.offset(); !ok || !p.done() {
			return 0, false, fmt.Errorf("%w: timestamp %q", ErrTemporalSyntax, s)
		}
		hasZone = true
	}
	const limit = 1 << 62 / microsPerDay
	if days > limit || days < -limit {
		return 0, false, fmt.Errorf("%w: timestamp %q: out of range", ErrTemporalSyntax, s)
	}
	return days*microsPerDay + us - int64(off)*microsPerSecond, hasZone, nil
}

// AppendISO appends the interval in ISO 8601 duration form with a sign per
// component where needed: "P1Y2M3DT4H5M6.5S", "P-1M", "PT0S".
func (iv Interval) AppendISO(dst []byte) []byte {
	if iv == (Interval{}) {
		return append(dst, "PT0S"...)
	}
	dst = append(dst, 'P')
	if y := iv.Months / 12; y != 0 {
		dst = strconv.AppendInt(dst, int64(y), 10)
		dst = append(dst, 'Y')
	}
	if m := iv.Months % 12; m != 0 {
		dst = strconv.AppendInt(dst, int64(m), 10)
		dst = append(dst, 'M')
	}
	if iv.Days != 0 {
		dst = strconv.AppendInt(dst, int64(iv.Days), 10)
		dst = append(dst, 'D')
	}
	if iv.Micros == 0 {
		return dst
	}
	dst = append(dst, 'T')
	us := iv.Micros
	if h := us / microsPerHour; h != 0 {
		dst = strconv.AppendInt(dst, h, 10)
		dst = append(dst, 'H')
		us -= h * microsPerHour
	}
	if m := us / microsPerMinute; m != 0 {
		dst = strconv.AppendInt(dst, m, 10)
		dst = append(dst, 'M')
		us -= m * microsPerMinute
	}
	if us != 0 {
		if us < 0 {
			dst = append(dst, '-')
			us = -us
		}
		dst = strconv.AppendInt(dst, us/microsPerSecond, 10)
		if f := us % microsPerSecond; f != 0 {
			dst = append(dst, '.')
			var buf [8]byte
			b := appendPad(buf[:0], f, 6)
			for len(b) > 0 && b[len(b)-1] == '0' {
				b = b[:len(b)-1]
			}
			dst = append(dst, b...)
		}
		dst = append(dst, 'S')
	}
	return dst
}

// String returns the ISO 8601 form ([Interval.AppendISO]).
func (iv Interval) String() string { return string(iv.AppendISO(nil)) }

// ParseInterval parses an ISO 8601 duration with optional signs per
// component and fractional seconds: "P1Y2M3W4DT5H6M7.25S", "-P1D", "PT-0.5S".
// Weeks count as 7 days; years as 12 months.
func ParseInterval(s string) (Interval, error) {
	bad := func() (Interval, error) { return Interval{}, fmt.Errorf("%w: interval %q", ErrTemporalSyntax, s) }
	neg := false
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if i >= len(s) || s[i] != 'P' {
		return bad()
	}
	i++
	var iv Interval
	var months, days, micros int64
	inTime, any := false, false
	for i < len(s) {
		if s[i] == 'T' {
			if inTime {
				return bad()
			}
			inTime = true
			i++
			continue
		}
		start := i
		if s[i] == '-' || s[i] == '+' {
			i++
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		intEnd := i
		frac := ""
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
			fs := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			frac = s[fs:i]
		}
		if i >= len(s) || intEnd == start || (intEnd == start+1 && (s[start] == '-' || s[start] == '+')) {
			return bad()
		}
		n, err := strconv.ParseInt(s[start:intEnd], 10, 64)
		if err != nil || n > 1<<40 || n < -(1<<40) {
			return bad()
		}
		unit := s[i]
		i++
		any = true
		if frac != "" && !(inTime && unit == 'S') {
			return bad()
		}
		switch {
		case !inTime && unit == 'Y':
			months += n * 12
		case !inTime && unit == 'M':
			months += n
		case !inTime && unit == 'W':
			days += n * 7
		case !inTime && unit == 'D':
			days += n
		case inTime && unit == 'H':
			micros += n * microsPerHour
		case inTime && unit == 'M':
			micros += n * microsPerMinute
		case inTime && unit == 'S':
			f := int64(0)
			if frac != "" {
				if len(frac) > 6 {
					frac = frac[:6]
				}
				f, _ = strconv.ParseInt(frac, 10, 64)
				for k := len(frac); k < 6; k++ {
					f *= 10
				}
				if s[start] == '-' {
					f = -f
				}
			}
			micros += n*microsPerSecond + f
		default:
			return bad()
		}
	}
	if !any {
		return bad()
	}
	if neg {
		months, days, micros = -months, -days, -micros
	}
	if months > 1<<31-1 || months < -(1<<31) || days > 1<<31-1 || days < -(1<<31) {
		return bad()
	}
	iv.Months, iv.Days, iv.Micros = int32(months), int32(days), micros
	return iv, nil
}

// parser is a tiny cursor over ISO 8601 text.
type parser struct {
	s string
	i int
}

func (p *parser) done() bool { return p.i == len(p.s) }

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits reads exactly n digits.
func (p *parser) digits(n int) (int64, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	var v int64
	for k := 0; k < n; k++ {
		c := p.s[p.i+k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	p.i += n
	return v, true
}

func (p *parser) date() (int64, bool) {
	sign := int64(1)
	wide := false
	if p.eat('-') {
		sign = -1
	} else if p.eat('+') {
		wide = true
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	n := p.i - start
	if n < 4 || n > 9 || (n > 4 && !wide && sign > 0) {
		return 0, false
	}
	y, _ := strconv.ParseInt(p.s[start:p.i], 10, 64)
	y *= sign
	if !p.eat('-') {
		return 0, false
	}
	m, ok := p.digits(2)
	if !ok || !p.eat('-') {
		return 0, false
	}
	d, ok := p.digits(2)
	if !ok || m < 1 || m > 12 || d < 1 || d > int64(daysIn(y, int(m))) {
		return 0, false
	}
	return daysFromCivil(y, int(m), int(d)), true
}

func daysIn(y int64, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// clock reads HH:MM[:SS[.f…]] (24:00:00 allowed, as in PostgreSQL).
func (p *parser) clock() (int64, bool) {
	h, ok := p.digits(2)
	if !ok || !p.eat(':') {
		return 0, false
	}
	m, ok := p.digits(2)
	if !ok {
		return 0, false
	}
	var s, f int64
	if p.eat(':') {
		if s, ok = p.digits(2); !ok {
			return 0, false
		}
		if p.eat('.') || p.eat(',') {
			start := p.i
			for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				if p.i-start < 6 {
					f = f*10 + int64(p.s[p.i]-'0')
				}
				p.i++
			}
			n := p.i - start
			if n == 0 {
				return 0, false
			}
			for ; n < 6; n++ {
				f *= 10
			}
		}
	}
	if m > 59 || s > 60 || h > 24 || (h == 24 && (m != 0 || s != 0 || f != 0)) {
		return 0, false
	}
	return h*microsPerHour + m*microsPerMinute + s*microsPerSecond + f, true
}

// offset reads "Z", "±HH", "±HH:MM", "±HHMM" or "±HH:MM:SS".
func (p *parser) offset() (int32, bool) {
	if p.eat('Z') || p.eat('z') {
		return 0, true
	}
	sign := int64(1)
	switch {
	case p.eat('-'):
		sign = -1
	case p.eat('+'):
	default:
		return 0, false
	}
	h, ok := p.digits(2)
	if !ok {
		return 0, false
	}
	var m, s int64
	colon := p.eat(':')
	if colon || (p.i < len(p.s)) {
		if m, ok = p.digits(2); !ok {
			return 0, false
		}
		if colon && p.eat(':') {
			if s, ok = p.digits(2); !ok {
				return 0, false
			}
		}
	}
	if h > 15 || m > 59 || s > 59 {
		return 0, false
	}
	return int32(sign * (h*3600 + m*60 + s)), true
}

// DaysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date, with astronomical years (0 is 1 BC, -1 is 2 BC).
func DaysFromCivil(year int64, month, day int) int64 { return daysFromCivil(year, month, day) }

// DaysInMonth returns the number of days of a month of a proleptic
// Gregorian (astronomical) year.
func DaysInMonth(year int64, month int) int { return daysIn(year, month) }

// Civil returns the proleptic Gregorian date (astronomical year) of a day
// number since 1970-01-01; it is the inverse of [DaysFromCivil].
func Civil(days int64) (year int64, month, day int) { return civil(days) }
