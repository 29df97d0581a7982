package clean

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every standardizer's error: the value cannot be
// put in the standard form.
var ErrInvalid = errors.New("clean: invalid value")

func invalid(kind, v string) error {
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	return fmt.Errorf("%w: %q is not a valid %s", ErrInvalid, v, kind)
}

// Trim removes leading and trailing white space (Unicode included).
func Trim(s string) string { return strings.TrimSpace(s) }

// Lower and Upper change the case (Unicode).
func Lower(s string) string { return strings.ToLower(s) }

// Upper changes the case (Unicode).
func Upper(s string) string { return strings.ToUpper(s) }

// Email standardizes an email address: trimmed, an optional "mailto:" and
// display name ("Ann <ann@x.org>") removed, lower-cased, and checked to be
// local@domain.tld with an ASCII local part and domain labels.
func Email(s string) (string, error) {
	v := strings.TrimSpace(s)
	if i := strings.LastIndexByte(v, '<'); i >= 0 && strings.HasSuffix(v, ">") {
		v = strings.TrimSpace(v[i+1 : len(v)-1])
	}
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	v = strings.ToLower(v)
	at := strings.IndexByte(v, '@')
	if at <= 0 || at != strings.LastIndexByte(v, '@') || at > 64 || len(v) > 254 {
		return "", invalid("email", s)
	}
	local, domain := v[:at], v[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", invalid("email", s)
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return "", invalid("email", s)
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", invalid("email", s)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", invalid("email", s)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", invalid("email", s)
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.IndexFunc(tld, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return "", invalid("email", s)
	}
	return v, nil
}

// callingCodes maps ISO 3166 alpha-2 regions to their country calling code
// and whether national numbers carry a trunk prefix 0 to drop.
var callingCodes = map[string]struct {
	code  string
	trunk bool
}{
	"US": {"1", false}, "CA": {"1", false}, "GB": {"44", true}, "IE": {"353", true}, "DE": {"49", true},
	"FR": {"33", true}, "ES": {"34", false}, "IT": {"39", false}, "PT": {"351", false}, "NL": {"31", true},
	"BE": {"32", true}, "CH": {"41", true}, "AT": {"43", true}, "SE": {"46", true}, "NO": {"47", false},
	"DK": {"45", false}, "FI": {"358", true}, "PL": {"48", false}, "BR": {"55", true}, "MX": {"52", false},
	"AR": {"54", true}, "JP": {"81", true}, "CN": {"86", true}, "IN": {"91", true}, "AU": {"61", true},
	"NZ": {"64", true}, "ZA": {"27", true}, "NG": {"234", true}, "KE": {"254", true}, "EG": {"20", true},
}

// Phone standardizes a phone number to E.164: "+", the country calling
// code and the national number, digits only, 8 to 15 digits in all.
// Separators (spaces, dots, dashes, parentheses, slashes) are dropped; an
// international prefix "00" or "011" is read as "+"; a number without one is
// national to region (ISO 3166 alpha-2; its trunk prefix 0 is dropped, and
// for NANP a leading 1 is the country code); a trunk prefix written "(0)"
// after the country code is dropped. An extension ("x123", "ext.
// 123") is an error, not silently dropped.
func Phone(s, region string) (string, error) {
	// "+44 (0)20 ...": the national trunk prefix written in parentheses
	// is not dialled from abroad.
	v := strings.TrimSpace(strings.Replace(s, "(0)", "", 1))
	if v == "" {
		return "", invalid("phone number", s)
	}
	var digits []byte
	plus := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && len(digits) == 0 && !plus:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t':
		default:
			return "", invalid("phone number", s)
		}
	}
	d := string(digits)
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, "011") && (region == "US" || region == "CA"):
		d = d[3:]
	default:
		cc, ok := callingCodes[strings.ToUpper(region)]
		if !ok {
			return "", fmt.Errorf("%w: %q has no country code and region %q is unknown", ErrInvalid, s, region)
		}
		if cc.code == "1" && len(d) == 11 && d[0] == '1' {
			d = d[1:]
		}
		if cc.trunk && strings.HasPrefix(d, "0") {
			d = d[1:]
		}
		if cc.code == "1" && len(d) != 10 {
			return "", invalid("phone number", s)
		}
		d = cc.code + d
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", invalid("phone number", s)
	}
	return "+" + d, nil
}

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
	"jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// datetimeLayouts are tried in order for values with a time of day.
var datetimeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02 15:04", time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC,
}

// Date standardizes a calendar date to ISO 8601 (YYYY-MM-DD). It reads ISO
// dates and datetimes (the date part is kept as written, no time-zone
// shift), YYYY/MM/DD, YYYYMMDD, numeric day-month-year or month-day-year
// with / - or . (dayFirst says which when both are possible; 31/12/2024 and
// 12/31/2024 are read the only way they can be), and month names in
// English ("2 Jan 2006", "Jan 2, 2006", "January 2nd 2006"). Two-digit
// years are rejected: they are ambiguous.
func Date(s string, dayFirst bool) (string, error) {
	v := strings.TrimSpace(s)
	y, m, d, ok := parseDate(v, dayFirst)
	if !ok {
		return "", invalid("date", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1 || y > 9999 {
		return "", invalid("date", s) // 2023-02-30 and friends
	}
	return t.Format("2006-01-02"), nil
}

// DateTime standardizes a date and time to RFC 3339 (ISO 8601) in UTC. A
// value without a zone is taken as UTC; a date alone is midnight UTC.
func DateTime(s string, dayFirst bool) (string, error) {
	v := strings.TrimSpace(s)
	for _, l := range datetimeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC().Format(time.RFC3339Nano), nil
		}
	}
	d, err := Date(v, dayFirst)
	if err != nil {
		return "", invalid("date-time", s)
	}
	return d + "T00:00:00Z", nil
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func parseDate(v string, dayFirst bool) (y, m, d int, ok bool) {
	// ISO date, possibly followed by a time.
	if len(v) >= 10 && (v[4] == '-' || v[4] == '/') && v[7] == v[4] {
		if len(v) > 10 {
			rest := v[10:]
			if rest[0] != 'T' && rest[0] != ' ' {
				return 0, 0, 0, false
			}
			if _, err := checkISODateTime(v); err != nil {
				return 0, 0, 0, false
			}
		}
		y, ok1 := atoi(v[:4])
		m, ok2 := atoi(v[5:7])
		d, ok3 := atoi(v[8:10])
		return y, m, d, ok1 && ok2 && ok3
	}
	if len(v) == 8 {
		if n, ok := atoi(v); ok {
			return n / 10000, n / 100 % 100, n % 100, true
		}
	}
	// Numeric with separators: yyyy-m-d or a/b/yyyy.
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) == 3 && len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2 {
		yy, ok1 := atoi(parts[0])
		mm, ok2 := atoi(parts[1])
		dd, ok3 := atoi(parts[2])
		return yy, mm, dd, ok1 && ok2 && ok3
	}
	if len(parts) == 3 && len(parts[2]) == 4 {
		a, ok1 := atoi(parts[0])
		b, ok2 := atoi(parts[1])
		yy, ok3 := atoi(parts[2])
		if !ok1 || !ok2 || !ok3 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return 0, 0, 0, false
		}
		switch {
		case a > 12 && b <= 12:
			return yy, b, a, true
		case b > 12 && a <= 12:
			return yy, a, b, true
		case dayFirst:
			return yy, b, a, true
		default:
			return yy, a, b, true
		}
	}
	// Month names: tokens of letters and digits.
	fields := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
		return r == ' ' || r == ',' || r == '-' || r == '/' || r == '.'
	})
	if len(fields) == 3 || (len(fields) == 4 && isWeekday(fields[0])) {
		if len(fields) == 4 {
			fields = fields[1:]
		}
		var mon time.Month
		var nums []int
		for _, f := range fields {
			if mm, ok := monthNames[f]; ok && mon == 0 {
				mon = mm
				continue
			}
			f = strings.TrimRight(f, "stndrh") // 1st, 2nd, 3rd, 4th
			n, ok := atoi(f)
			if !ok {
				return 0, 0, 0, false
			}
			nums = append(nums, n)
		}
		if mon == 0 || len(nums) != 2 {
			return 0, 0, 0, false
		}
		// The year has four digits; the day is the other number.
		switch {
		case nums[0] > 999 && nums[1] <= 31:
			return nums[0], int(mon), nums[1], true
		case nums[1] > 999 && nums[0] <= 31:
			return nums[1], int(mon), nums[0], true
		}
	}
	return 0, 0, 0, false
}

func isWeekday(s string) bool {
	for _, w := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// checkISODateTime tells whether an ISO date followed by a time is valid
// ISO 8601 in one of the accepted layouts, and returns it parsed.
func checkISODateTime(v string) (time.Time, error) {
	for _, l := range datetimeLayouts[:6] {
		if t, err := time.Parse(l, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, invalid("date-time", v)
}

// Bool standardizes a boolean to "true" or "false": true/false, t/f,
// yes/no, y/n, on/off and 1/0, in any case.
func Bool(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y", "on", "1":
		return "true", nil
	case "false", "f", "no", "n", "off", "0":
		return "false", nil
	}
	return "", invalid("boolean", s)
}

// Country standardizes a country to its ISO 3166-1 alpha-2 code from the
// code itself (any case), its alpha-3 code, or its English name or a common
// alias ("United States", "USA", "U.S.", "Deutschland", "UK"...), ignoring
// case, accents, punctuation and a leading "the".
func Country(s string) (string, error) {
	k := countryKey(s)
	if code, ok := countryIndex[k]; ok {
		return code, nil
	}
	return "", invalid("country", s)
}

// countryKey folds a name: lower case, ASCII letters only (accents folded
// for the common Latin letters), words joined by single spaces.
func countryKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		r = fold(r)
		switch {
		case r >= 'a' && r <= 'z':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '.' || r == '\'':
		case unicode.IsSpace(r) || r == '-' || r == ',' || r == '(' || r == ')' || r == '&':
			space = true
		default:
			if r >= utf8.RuneSelf {
				return ""
			}
			space = true
		}
	}
	k := b.String()
	k = strings.TrimPrefix(k, "the ")
	return k
}

func fold(r rune) rune {
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã', 'å':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ', 'ø':
		return 'o'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	case 'ç':
		return 'c'
	case 'ñ':
		return 'n'
	}
	return r
}
