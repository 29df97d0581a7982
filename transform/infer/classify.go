package infer

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// value is what the classifier learns from one non-null text value. It is
// returned by value so that classifying allocates nothing.
type value struct {
	typ Type
	// dates: candidate layouts (a bit set of layout*), and time-part flags
	dates  layoutSet
	clock  clockSet
	day    int32 // days since 1970-01-01 for dates and timestamps
	boolW  boolWords
	num    float64 // numbers: the value
	frac   uint8   // numbers: digits after the decimal point
	flags  numFlags
	normTo int // numbers: length of the normalized prefix (trailing ".0" cut)
}

type numFlags uint8

const (
	numThousands numFlags = 1 << iota // 1,234
	numCurrency                       // $12.50
	numPercent                        // 12%
	numExponent                       // 1e6
)

// boolWords is a set of boolean word families seen in a column.
type boolWords uint8

const (
	boolTrueFalse boolWords = 1 << iota // true/false
	boolTF                              // t/f
	boolYesNo                           // yes/no
	boolYN                              // y/n
	boolOnOff                           // on/off
)

var boolWordNames = []string{"true/false", "t/f", "yes/no", "y/n", "on/off"}

// Names returns the word families, such as "y/n", in a fixed order.
func (w boolWords) names() []string {
	var out []string
	for i, n := range boolWordNames {
		if w&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// lower returns the ASCII lower case of b.
func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// eqFold compares s with the lower-case ASCII word w, ignoring case.
func eqFold(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// nullWords are values read as null in any column (compared ignoring case).
var nullWords = []string{"null", "none", "nil", "nan", "n/a", "na", "#n/a", "-", "not available"}

// IsNullWord reports whether s is one of the words read as null: empty,
// "null", "none", "nil", "nan", "n/a", "na", "#n/a", "-" or "not available"
// (ignoring case and surrounding blanks).
func IsNullWord(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	if len(s) > 13 {
		return false
	}
	switch lower(s[0]) {
	case 'n', '-', '#':
	default:
		return false
	}
	for _, w := range nullWords {
		if eqFold(s, w) {
			return true
		}
	}
	return false
}

func boolWord(s string) (boolWords, bool) {
	switch len(s) {
	case 1:
		switch lower(s[0]) {
		case 't', 'f':
			return boolTF, true
		case 'y', 'n':
			return boolYN, true
		}
	case 2:
		if eqFold(s, "no") {
			return boolYesNo, true
		}
		if eqFold(s, "on") {
			return boolOnOff, true
		}
	case 3:
		if eqFold(s, "yes") {
			return boolYesNo, true
		}
		if eqFold(s, "off") {
			return boolOnOff, true
		}
	case 4:
		if eqFold(s, "true") {
			return boolTrueFalse, true
		}
	case 5:
		if eqFold(s, "false") {
			return boolTrueFalse, true
		}
	}
	return 0, false
}

// ParseBool reads a boolean word (see the package documentation); ok is
// false when s is not one.
func ParseBool(s string) (v, ok bool) {
	s = strings.TrimSpace(s)
	if _, ok := boolWord(s); !ok {
		switch s {
		case "1":
			return true, true
		case "0":
			return false, true
		}
		return false, false
	}
	switch lower(s[0]) {
	case 't', 'y':
		return true, true
	case 'o':
		return len(s) == 2, true
	}
	return false, true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// classify classifies one value that is not null. It never allocates; it
// falls back to encoding/json only for text that starts like a JSON object
// or array.
func classify(s string) value {
	var v value
	s = trimBlank(s)
	if s == "" {
		v.typ = String
		return v
	}
	c := s[0]
	switch {
	case isDigit(c) || c == '-' || c == '+' || c == '.' || c == '$':
		if classifyNumber(s, &v) {
			return v
		}
		if classifyDate(s, &v) {
			return v
		}
		if isUUID(s) {
			v.typ = UUID
			return v
		}
	case c == '{' || c == '[':
		if len(s) >= 2 && json.Valid([]byte(s)) {
			v.typ = JSON
			return v
		}
	default:
		if w, ok := boolWord(s); ok {
			v.typ, v.boolW = Boolean, w
			return v
		}
		if classifyDate(s, &v) {
			return v
		}
		if isUUID(s) {
			v.typ = UUID
			return v
		}
	}
	v.typ = String
	return v
}

func trimBlank(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// classifyNumber reads integers, fixed-point decimals and floats, with an
// optional sign, a leading "$", thousands commas, a trailing "%" and an
// exponent. Integers with a leading zero ("007", zip codes) are not numbers:
// reading them as numbers would lose the zeros, so they stay strings.
func classifyNumber(s string, v *value) bool {
	i, n := 0, len(s)
	neg := false
	if s[i] == '-' || s[i] == '+' {
		neg = s[i] == '-'
		i++
	}
	if i < n && s[i] == '$' {
		v.flags |= numCurrency
		i++
	}
	start := i
	var mant uint64
	digits, intDigits := 0, 0
	group, commas := 0, 0
	for i < n {
		b := s[i]
		if isDigit(b) {
			if digits < 19 {
				mant = mant*10 + uint64(b-'0')
			}
			digits++
			intDigits++
			group++
			i++
			continue
		}
		if b == ',' && group > 0 && ((commas == 0 && group <= 3) || group == 3) {
			commas++
			group = 0
			v.flags |= numThousands
			i++
			continue
		}
		break
	}
	if commas > 0 && group != 3 {
		return false
	}
	if intDigits > 1 && s[start] == '0' {
		return false // leading zero: an identifier, keep as string
	}
	scale := 1.0
	frac := 0
	isDec := false
	if i < n && s[i] == '.' {
		isDec = true
		i++
		for i < n && isDigit(s[i]) {
			if digits < 19 {
				mant = mant*10 + uint64(s[i]-'0')
				scale *= 10
			}
			digits++
			frac++
			i++
		}
	}
	if digits == 0 {
		return false
	}
	exp := 0
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < n && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		ed := 0
		for i < n && isDigit(s[i]) {
			if exp < 10000 {
				exp = exp*10 + int(s[i]-'0')
			}
			ed++
			i++
		}
		if ed == 0 {
			return false
		}
		if eneg {
			exp = -exp
		}
		v.flags |= numExponent
	}
	if i < n && s[i] == '%' {
		v.flags |= numPercent
		i++
	}
	if i != n {
		return false
	}
	f := float64(mant) / scale
	if digits > 19 || exp != 0 {
		f = parseFloatSlow(s)
		if math.IsInf(f, 0) {
			return false // out of float64 range: keep the text
		}
	}
	if neg {
		f = -f
	}
	v.num = f
	v.frac = uint8(min(frac, 255))
	v.normTo = n
	switch {
	case exp != 0 || digits > 18:
		v.typ = Float
	case isDec:
		v.typ = Decimal
		// "14.0" and "14" are the same number: cut zeros for hashing.
		end := n
		if v.flags&numPercent != 0 {
			end--
		}
		j := end
		for j > 0 && s[j-1] == '0' {
			j--
		}
		if j > 0 && s[j-1] == '.' {
			j--
		}
		if v.flags&numPercent == 0 && j > start && isDigit(s[j-1]) {
			v.normTo = j
		}
	default:
		v.typ = Integer
	}
	return true
}

// isUUID matches the 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		b := s[i]
		switch i {
		case 8, 13, 18, 23:
			if b != '-' {
				return false
			}
		default:
			if !(isDigit(b) || ('a' <= b && b <= 'f') || ('A' <= b && b <= 'F')) {
				return false
			}
		}
	}
	return true
}

// parseFloatSlow parses numbers with more than 19 digits or an exponent.
func parseFloatSlow(s string) float64 {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '$', ',', '%', '+', '-':
			if c == '-' && i > 0 && (s[i-1] == 'e' || s[i-1] == 'E') {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	f, _ := strconv.ParseFloat(b.String(), 64)
	return f
}

// TypeOf returns the type the classifier gives one value: [Unknown] for a
// null word (see [IsNullWord]), [String] when nothing narrower fits.
func TypeOf(s string) Type {
	if IsNullWord(s) {
		return Unknown
	}
	return classify(s).typ
}
