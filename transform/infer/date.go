package infer

import "strings"

// layoutSet is a set of date layouts a value (or every value of a column)
// can be read with. Ambiguous values such as 03/04/2021 keep two bits.
type layoutSet uint16

const (
	layISO      layoutSet = 1 << iota // 2006-01-02
	layYMDSlash                       // 2006/01/02
	layMDYSlash                       // 01/02/2006
	layDMYSlash                       // 02/01/2006
	layMDYDash                        // 01-02-2006
	layDMYDash                        // 02-01-2006
	layDMYDot                         // 02.01.2006
	layDMonY                          // 02-Jan-2006, 2 Jan 2006
	layMonDY                          // Jan 2, 2006
	numLayouts  = iota
)

// layoutNames are the names used in formats and conversions, in order of
// preference when a column fits several (month-first wins over day-first).
var layoutNames = [numLayouts]string{
	"YYYY-MM-DD", "YYYY/MM/DD", "MM/DD/YYYY", "DD/MM/YYYY", "MM-DD-YYYY",
	"DD-MM-YYYY", "DD.MM.YYYY", "DD-Mon-YYYY", "Mon DD, YYYY",
}

// first returns the name of the preferred layout in the set, "" if empty.
func (l layoutSet) first() string {
	for i := range numLayouts {
		if l&(1<<i) != 0 {
			return layoutNames[i]
		}
	}
	return ""
}

// clockSet describes the time part of timestamps.
type clockSet uint8

const (
	clockT       clockSet = 1 << iota // date and time split by 'T'
	clockSpace                        // split by a blank
	clockSeconds                      // hh:mm:ss
	clockFrac                         // fractional seconds
	clockZone                         // Z or ±hh:mm
	clockAMPM                         // 12-hour clock with AM/PM
)

func (c clockSet) layout() string {
	var b strings.Builder
	if c&clockT != 0 {
		b.WriteString("T")
	} else {
		b.WriteString(" ")
	}
	if c&clockAMPM != 0 {
		b.WriteString("hh:mm")
	} else {
		b.WriteString("HH:mm")
	}
	if c&clockSeconds != 0 {
		b.WriteString(":ss")
	}
	if c&clockFrac != 0 {
		b.WriteString(".fff")
	}
	if c&clockAMPM != 0 {
		b.WriteString(" AM")
	}
	if c&clockZone != 0 {
		b.WriteString("Z07:00")
	}
	return b.String()
}

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// month reads an English month name at the start of s, as its first three
// letters, "Sept" or the full name, and returns the month and the name's
// length, or 0.
func month(s string) (int, int) {
	if len(s) < 3 {
		return 0, 0
	}
	j := 0
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	w := s[:j]
	for m, n := range monthNames {
		if eqFold(w, n) || eqFold(w, n[:3]) || (m == 8 && eqFold(w, "sept")) {
			return m + 1, j
		}
	}
	return 0, 0
}

// digits reads up to max digits at s[i:], returning the number, the count
// and the new index.
func digits(s string, i, maxN int) (int, int, int) {
	v, n := 0, 0
	for i < len(s) && n < maxN && isDigit(s[i]) {
		v = v*10 + int(s[i]-'0')
		n++
		i++
	}
	return v, n, i
}

func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || y < 1 || y > 9999 {
		return false
	}
	dim := [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		dim = 28
	}
	return d <= dim
}

// daysFromCivil returns days since 1970-01-01 (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// classifyDate reads a date or a timestamp in one of the supported layouts
// (see the package documentation). It fills v and reports success.
func classifyDate(s string, v *value) bool {
	if len(s) < 8 || len(s) > 40 {
		return false
	}
	var set layoutSet
	var y, m, d int
	i := 0
	switch {
	case isDigit(s[0]):
		a, na, j := digits(s, 0, 4)
		if j >= len(s) {
			return false
		}
		sep := s[j]
		if na == 4 && (sep == '-' || sep == '/') {
			mm, nm, k := digits(s, j+1, 2)
			if nm == 0 || k >= len(s) || s[k] != sep {
				return false
			}
			dd, nd, k2 := digits(s, k+1, 2)
			if nd == 0 {
				return false
			}
			y, m, d, i = a, mm, dd, k2
			if sep == '-' {
				set = layISO
			} else {
				set = layYMDSlash
			}
			break
		}
		if na > 2 {
			return false
		}
		if sep == '-' || sep == ' ' {
			if mon, ml := month(s[j+1:]); mon > 0 {
				k := j + 1 + ml
				if k >= len(s) || s[k] != sep {
					return false
				}
				yy, ny, k2 := digits(s, k+1, 4)
				if ny != 4 {
					return false
				}
				y, m, d, i, set = yy, mon, a, k2, layDMonY
				break
			}
		}
		if sep != '/' && sep != '-' && sep != '.' {
			return false
		}
		b, nb, k := digits(s, j+1, 2)
		if nb == 0 || k >= len(s) || s[k] != sep {
			return false
		}
		yy, ny, k2 := digits(s, k+1, 4)
		if ny != 4 {
			return false
		}
		y, i = yy, k2
		switch sep {
		case '/':
			if validDay(y, a, b) {
				set |= layMDYSlash
			}
			if validDay(y, b, a) {
				set |= layDMYSlash
			}
		case '-':
			if validDay(y, a, b) {
				set |= layMDYDash
			}
			if validDay(y, b, a) {
				set |= layDMYDash
			}
		case '.':
			if validDay(y, b, a) {
				set |= layDMYDot
			}
		}
		if set == 0 {
			return false
		}
		if set&(layMDYSlash|layMDYDash) != 0 {
			m, d = a, b
		} else {
			m, d = b, a
		}
	default:
		mon, ml := month(s)
		if mon == 0 || ml >= len(s) || s[ml] != ' ' {
			return false
		}
		dd, nd, k := digits(s, ml+1, 2)
		if nd == 0 || k+1 >= len(s) || s[k] != ',' || s[k+1] != ' ' {
			return false
		}
		yy, ny, k2 := digits(s, k+2, 4)
		if ny != 4 {
			return false
		}
		y, m, d, i, set = yy, mon, dd, k2, layMonDY
	}
	if !validDay(y, m, d) {
		return false
	}
	v.dates = set
	v.day = daysFromCivil(y, m, d)
	if i == len(s) {
		v.typ = Date
		return true
	}
	c, ok := clock(s[i:])
	if !ok {
		return false
	}
	v.typ, v.clock = Timestamp, c
	return true
}

// clock reads the time part of a timestamp: 'T' or ' ', hh:mm[:ss[.f+]],
// then an optional " AM"/" PM" and an optional zone (Z, ±hh, ±hhmm, ±hh:mm,
// " UTC").
func clock(s string) (clockSet, bool) {
	var c clockSet
	switch s[0] {
	case 'T':
		c |= clockT
	case ' ':
		c |= clockSpace
	default:
		return 0, false
	}
	h, nh, i := digits(s, 1, 2)
	if nh == 0 || h > 23 || i >= len(s) || s[i] != ':' {
		return 0, false
	}
	mi, nm, i2 := digits(s, i+1, 2)
	if nm != 2 || mi > 59 {
		return 0, false
	}
	i = i2
	if i < len(s) && s[i] == ':' {
		sec, ns, i3 := digits(s, i+1, 2)
		if ns != 2 || sec > 60 {
			return 0, false
		}
		c |= clockSeconds
		i = i3
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			_, nf, i4 := digits(s, i+1, 9)
			if nf == 0 {
				return 0, false
			}
			c |= clockFrac
			i = i4
		}
	}
	rest := s[i:]
	if len(rest) >= 3 && rest[0] == ' ' && (eqFold(rest[1:3], "am") || eqFold(rest[1:3], "pm")) {
		if h == 0 || h > 12 {
			return 0, false
		}
		c |= clockAMPM
		rest = rest[3:]
	}
	switch {
	case rest == "":
	case rest == "Z" || rest == " UTC" || rest == "UTC":
		c |= clockZone
	case rest[0] == '+' || rest[0] == '-':
		_, n1, j := digits(rest, 1, 2)
		if n1 != 2 {
			return 0, false
		}
		if j < len(rest) && rest[j] == ':' {
			j++
		}
		_, n2, j2 := digits(rest, j, 2)
		if (n2 != 0 && n2 != 2) || j2 != len(rest) {
			return 0, false
		}
		c |= clockZone
	default:
		return 0, false
	}
	return c, true
}

// ParseDate reads a date or timestamp in any supported layout and returns
// its date as YYYY-MM-DD. Day-first and month-first readings of an
// ambiguous value (03/04/2021) resolve month-first.
func ParseDate(s string) (string, bool) {
	var v value
	if !classifyDate(trimBlank(s), &v) {
		return "", false
	}
	return dayString(v.day), true
}
