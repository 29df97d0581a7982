package anomaly

import (
	"math"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
)

// Format is the shape of a value, told from its bytes by [Classify].
type Format uint8

// The formats [Classify] tells apart. The order matters only for display.
const (
	FormatText     Format = iota // anything else
	FormatInt                    // optional sign and 1-19 digits
	FormatFloat                  // decimal with a point or exponent
	FormatBool                   // true/false/yes/no, any case
	FormatDate                   // ISO 8601 calendar date, YYYY-MM-DD
	FormatDateTime               // ISO 8601 date and time, 'T' or space
	FormatEmail                  // local@domain.tld
	FormatPhone                  // digits with +, spaces, dashes, dots or parentheses
	FormatUUID                   // 8-4-4-4-12 hex digits
	numFormats
)

var formatNames = [numFormats]string{"text", "int", "float", "bool", "date", "datetime", "email", "phone", "uuid"}

// String returns the format's lower-case name.
func (f Format) String() string {
	if f < numFormats {
		return formatNames[f]
	}
	return "unknown"
}

// numeric tells whether values of the format are numbers.
func (f Format) numeric() bool { return f == FormatInt || f == FormatFloat }

// structured tells whether the format is strict enough that a value of
// another format in a field dominated by it is an invalid format. Free text
// is not.
func (f Format) structured() bool { return f != FormatText }

// compatible tells whether a value of format v is acceptable in a field whose
// dominant format is f: numbers go together, a date is a datetime without the
// time, and a phone may be written as bare digits.
func compatible(f, v Format) bool {
	switch {
	case f == v:
		return true
	case f.numeric() && v.numeric():
		return true
	case f == FormatDateTime && v == FormatDate:
		return true
	case f == FormatPhone && v == FormatInt:
		return true
	}
	return false
}

// Classify tells the format of a value from its bytes, ignoring leading and
// trailing blanks. It does not allocate and runs no regular expression; the
// checks are the cheap structural ones a profiler needs, so "2023-02-30" is
// not a date but "2023-04-31 is checked too (days per month, leap years).
func Classify(s string) Format {
	f, _ := scan(s)
	return f
}

// scan classifies a value and, in the same pass, reads its number (for int
// and float) or its day number since 1970-01-01 (for date and datetime);
// the number is NaN for the other formats.
func scan(s string) (Format, float64) {
	s = trimBlank(s)
	if s == "" {
		return FormatText, math.NaN()
	}
	c := s[0]
	switch {
	case c >= '0' && c <= '9', c == '-', c == '+', c == '.':
		if f, x, ok := classifyNumberLike(s); ok {
			return f, x
		}
	case c == '(':
		if isPhone(s) {
			return FormatPhone, math.NaN()
		}
		return FormatText, math.NaN()
	}
	switch {
	case len(s) == 36 && isUUID(s):
		return FormatUUID, math.NaN()
	case isBool(s):
		return FormatBool, math.NaN()
	case isEmail(s):
		return FormatEmail, math.NaN()
	}
	return FormatText, math.NaN()
}

func trimBlank(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// classifyNumberLike handles values that start like a number: numbers,
// dates, datetimes, phones and UUIDs that start with a digit.
func classifyNumberLike(s string) (Format, float64, bool) {
	if f, x, ok := scanNumber(s); ok {
		return f, x, true
	}
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		// Shaped like a date: a date, a datetime or nothing valid.
		if d, ok := parseISODate(s[:10]); ok {
			if len(s) == 10 {
				return FormatDate, float64(d), true
			}
			if isTimePart(s[10:]) {
				return FormatDateTime, float64(d), true
			}
		}
		return FormatText, math.NaN(), true
	}
	if len(s) == 36 && isUUID(s) {
		return FormatUUID, math.NaN(), true
	}
	if isPhone(s) {
		return FormatPhone, math.NaN(), true
	}
	return FormatText, math.NaN(), false
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// scanNumber accepts [+-]digits[.digits][e[+-]digits]; an integer has at
// most 19 digits and no point or exponent. It returns the value: computed
// exactly from the digits when there are at most 15 and no exponent (one
// correctly rounded division, as strconv's fast path does), by
// strconv.ParseFloat otherwise.
func scanNumber(s string) (Format, float64, bool) {
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	var mant uint64
	digits, fracDigits, frac, exp := 0, 0, false, false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		mant = mant*10 + uint64(s[i]-'0')
		digits++
	}
	if i < len(s) && s[i] == '.' {
		frac = true
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			mant = mant*10 + uint64(s[i]-'0')
			digits++
			fracDigits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		frac, exp = true, true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n++
		}
		if n == 0 {
			return 0, 0, false
		}
	}
	if i != len(s) {
		return 0, 0, false
	}
	f := FormatInt
	if frac || digits > 19 {
		f = FormatFloat
	}
	var x float64
	if digits <= 15 && !exp {
		x = float64(mant) / pow10[fracDigits]
		if neg {
			x = -x
		}
	} else {
		var err error
		if x, err = strconv.ParseFloat(s, 64); err != nil {
			x = math.NaN() // out of range: a number, but not a usable one
		}
	}
	return f, x, true
}

func digit2(s string) (int, bool) {
	if len(s) < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// parseISODate reads YYYY-MM-DD and returns the days since 1970-01-01. The
// day must exist in its month (leap years included).
func parseISODate(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y := 0
	for i := range 4 {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		y = y*10 + int(c-'0')
	}
	m, ok1 := digit2(s[5:7])
	d, ok2 := digit2(s[8:10])
	if !ok1 || !ok2 || m < 1 || m > 12 || d < 1 || d > schemas.DaysInMonth(int64(y), m) {
		return 0, false
	}
	return schemas.DaysFromCivil(int64(y), m, d), true
}

// isTimePart accepts what follows the date of an ISO 8601 datetime:
// [T ]HH:MM[:SS[.fff]][Z|±HH[:]MM].
func isTimePart(s string) bool {
	if len(s) < 6 || (s[0] != 'T' && s[0] != ' ' && s[0] != 't') {
		return false
	}
	h, ok1 := digit2(s[1:3])
	mi, ok2 := digit2(s[4:6])
	if !ok1 || !ok2 || s[3] != ':' || h > 23 || mi > 59 {
		return false
	}
	s = s[6:]
	if len(s) >= 3 && s[0] == ':' {
		sec, ok := digit2(s[1:3])
		if !ok || sec > 60 {
			return false
		}
		s = s[3:]
		if len(s) > 0 && (s[0] == '.' || s[0] == ',') {
			n := 1
			for n < len(s) && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n == 1 {
				return false
			}
			s = s[n:]
		}
	}
	switch {
	case s == "", s == "Z", s == "z":
		return true
	case s[0] == '+' || s[0] == '-':
		s = s[1:]
		if len(s) == 5 && s[2] == ':' {
			s = s[:2] + s[3:]
		}
		if len(s) != 4 && len(s) != 2 {
			return false
		}
		hh, ok := digit2(s)
		if !ok || hh > 14 {
			return false
		}
		if len(s) == 4 {
			mm, ok := digit2(s[2:])
			return ok && mm < 60
		}
		return true
	}
	return false
}

// ParseDateDays reads an ISO 8601 date or datetime and returns its day
// number since 1970-01-01 (the time of day is dropped).
func ParseDateDays(s string) (int64, bool) {
	s = trimBlank(s)
	if len(s) < 10 {
		return 0, false
	}
	d, ok := parseISODate(s[:10])
	if !ok || (len(s) > 10 && !isTimePart(s[10:])) {
		return 0, false
	}
	return d, true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func isBool(s string) bool {
	switch len(s) {
	case 2, 3, 4, 5:
	default:
		return false
	}
	var b [5]byte
	for i := range len(s) {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b[:len(s)]) {
	case "true", "false", "yes", "no":
		return true
	}
	return false
}

// isPhone accepts an optional leading +, then digits with single spaces,
// dashes, dots or parentheses between them, 7 to 15 digits in all, and at
// least one separator or the + (bare digits are an integer).
func isPhone(s string) bool {
	i, digits, seps := 0, 0, 0
	if s[0] == '+' {
		i, seps = 1, 1
	}
	prevSep := true
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			prevSep = false
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
			if prevSep && c != '(' && !(c == ' ' && i > 0 && s[i-1] == ')') {
				return false
			}
			seps++
			prevSep = c != ')'
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15 && seps > 0 && !prevSep
}

// Character classes for isEmail: bit 1 allowed in the local part, bit 2 in
// a domain label, bit 4 a letter.
var emailChars = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
			t[c] = 1 | 2 | 4
		case b >= '0' && b <= '9':
			t[c] = 1 | 2
		case b == '-':
			t[c] = 1 | 2
		case strings.IndexByte("!#$%&'*+/=?^_`{|}~.", b) >= 0:
			t[c] = 1
		}
	}
	return t
}()

// isEmail accepts local@domain.tld with an atom-ish local part (letters,
// digits and !#$%&'*+/=?^_`{|}~.- without leading, trailing or doubled
// dots), a domain of letter/digit/hyphen labels and a final label of at
// least two letters.
func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' {
		return false
	}
	for i := range len(local) {
		c := local[i]
		if emailChars[c]&1 == 0 || (c == '.' && local[i-1] == '.') {
			return false
		}
	}
	labels, start, tld := 0, 0, ""
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			if emailChars[domain[i]]&2 == 0 {
				return false // also a second '@'
			}
			continue
		}
		label := domain[start:i]
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' || len(label) > 63 {
			return false
		}
		labels++
		start, tld = i+1, label
	}
	if labels < 2 || len(tld) < 2 {
		return false
	}
	for i := range len(tld) {
		if emailChars[tld[i]]&4 == 0 {
			return false
		}
	}
	return true
}

// ParseFormat is the inverse of [Format.String].
func ParseFormat(s string) (Format, bool) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), true
		}
	}
	return FormatText, false
}

// Accepts tells whether a value of format v is a valid value of a field of
// format f: the same format, any number for a number, a date for a
// datetime, bare digits for a phone.
func (f Format) Accepts(v Format) bool { return compatible(f, v) }
