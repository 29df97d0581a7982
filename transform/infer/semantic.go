package infer

import (
	"net/netip"
	"strings"

	"github.com/heliosdb/helios-etl/transform/internal/lexicon"
)

// Semantic kinds. See the package documentation for how each is detected.
const (
	KindEmail       = "email"
	KindPhone       = "phone"
	KindURL         = "url"
	KindIP          = "ip"
	KindPostalCode  = "postal_code"
	KindCountryCode = "country_code"
	KindCountryName = "country_name"
	KindCurrency    = "currency"
	KindLatitude    = "latitude"
	KindLongitude   = "longitude"
	KindPersonName  = "person_name"
	KindCity        = "city"
)

// Kinds lists every semantic kind inference can report.
var Kinds = []string{KindEmail, KindPhone, KindURL, KindIP, KindPostalCode, KindCountryCode,
	KindCountryName, KindCurrency, KindLatitude, KindLongitude, KindPersonName, KindCity}

// IsEmail reports whether s looks like local@domain.tld.
func IsEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || len(s) > 254 {
		return false
	}
	dom := s[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	if dot <= 0 || len(dom)-dot-1 < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == ',' || b == ';' || b == '<' || b == '>' {
			return false
		}
	}
	for i := dot + 1; i < len(dom); i++ {
		if b := lower(dom[i]); b < 'a' || b > 'z' {
			return false
		}
	}
	return true
}

// IsURL reports whether s starts with a web scheme or "www." and has no
// blanks.
func IsURL(s string) bool {
	l := strings.ToLower(s)
	if !(strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") ||
		strings.HasPrefix(l, "ftp://") || strings.HasPrefix(l, "www.")) || len(s) < 8 {
		return false
	}
	return !strings.ContainsAny(s, " \t")
}

// IsIP reports whether s is an IPv4 or IPv6 address.
func IsIP(s string) bool {
	if len(s) < 7 || len(s) > 45 {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// IsPhone reports whether s looks like a phone number: 7 to 15 digits with
// the usual punctuation, and at least one separator or a leading "+" (a bare
// run of digits is as likely an identifier).
func IsPhone(s string) bool {
	if s == "" || !(isDigit(s[0]) || s[0] == '+' || s[0] == '(') {
		return false
	}
	var v value
	if classifyNumber(s, &v) {
		return false
	}
	d, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case isDigit(b):
			d++
		case b == '+':
			if i != 0 {
				return false
			}
			seps++
		case b == '-' || b == ' ' || b == '.' || b == '(' || b == ')':
			seps++
		case b == 'x' || b == 'X': // extension
			if d < 7 {
				return false
			}
		default:
			return false
		}
	}
	return d >= 7 && d <= 15 && seps > 0
}

// postal classifies postal codes: strong forms (ZIP+4, Canadian A1A 1A1, UK
// outward/inward codes) and the weak US five-digit form, which is only
// trusted with a name hint.
func postal(s string) (strong, weak bool) {
	n := len(s)
	allDigits := func(t string) bool {
		for i := 0; i < len(t); i++ {
			if !isDigit(t[i]) {
				return false
			}
		}
		return len(t) > 0
	}
	switch {
	case n == 5 && allDigits(s):
		return false, true
	case n == 10 && s[5] == '-' && allDigits(s[:5]) && allDigits(s[6:]):
		return true, false
	case (n == 7 || n == 6) && isAlpha(s[0]) && isDigit(s[1]) && isAlpha(s[2]):
		t := strings.ReplaceAll(s, " ", "")
		return len(t) == 6 && isDigit(t[3]) && isAlpha(t[4]) && isDigit(t[5]), false
	case n >= 6 && n <= 8 && strings.IndexByte(s, ' ') > 1:
		sp := strings.IndexByte(s, ' ')
		in := s[sp+1:]
		return len(in) == 3 && isDigit(in[0]) && isAlpha(in[1]) && isAlpha(in[2]) && isAlpha(s[0]), false
	}
	return false, false
}

func isAlpha(b byte) bool { b = lower(b); return 'a' <= b && b <= 'z' }

// personName reports whether s looks like "Given [Middle] Family": two to
// four capitalised words whose first is a known given name, or a single
// known given name (single reports which).
func personName(s string) (full, single bool) {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false, false
	}
	for _, w := range words {
		if !isAlpha(w[0]) || w[0] != strings.ToUpper(w[:1])[0] {
			return false, false
		}
		for i := 1; i < len(w); i++ {
			if b := w[i]; !isAlpha(b) && b != '.' && b != '-' && b != '\'' {
				return false, false
			}
		}
	}
	first := strings.TrimSuffix(words[0], ",")
	if len(words) == 1 {
		return false, lexicon.IsGivenName(first)
	}
	return lexicon.IsGivenName(first) || lexicon.IsGivenName(words[len(words)-1]), false
}

// nameHint reports whether the column name contains one of the words.
func nameHint(name string, words ...string) bool {
	l := strings.ToLower(name)
	for _, w := range words {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// semantic picks the semantic kind of a column from its sample of values,
// its type and its name. A kind needs 80% of the sampled values (50% for
// the kinds found through word lists, which are never complete).
func semantic(name string, typ Type, f *Field, sample []string) string {
	if len(sample) == 0 {
		return ""
	}
	var counts [16]int
	const (
		cEmail = iota
		cURL
		cIP
		cPhone
		cPostalStrong
		cPostalWeak
		cCountryCode
		cCountryName
		cCurrency
		cPersonFull
		cPersonSingle
		cCity
	)
	for _, s := range sample {
		s = trimBlank(s)
		if s == "" {
			continue
		}
		switch {
		case IsEmail(s):
			counts[cEmail]++
		case IsURL(s):
			counts[cURL]++
		case IsIP(s):
			counts[cIP]++
		case IsPhone(s):
			counts[cPhone]++
		}
		if st, wk := postal(s); st {
			counts[cPostalStrong]++
		} else if wk {
			counts[cPostalWeak]++
		}
		if len(s) <= 3 {
			if lexicon.IsCountryCode(s) {
				counts[cCountryCode]++
			}
			if lexicon.IsCurrency(s) {
				counts[cCurrency]++
			}
		} else if lexicon.IsCountryName(s) {
			counts[cCountryName]++
		}
		if lexicon.IsCity(s) {
			counts[cCity]++
		}
		if full, single := personName(s); full {
			counts[cPersonFull]++
		} else if single {
			counts[cPersonSingle]++
		}
	}
	n := float64(len(sample))
	share := func(i int) float64 { return float64(counts[i]) / n }
	switch {
	case share(cEmail) >= 0.8:
		return KindEmail
	case share(cURL) >= 0.8:
		return KindURL
	case share(cIP) >= 0.8:
		return KindIP
	case share(cPostalStrong) >= 0.8:
		return KindPostalCode
	case share(cPhone) >= 0.8 && typ == String:
		return KindPhone
	case share(cPostalStrong)+share(cPostalWeak) >= 0.8 &&
		(share(cPostalStrong) >= 0.5 || nameHint(name, "zip", "postal", "postcode")):
		return KindPostalCode
	case share(cCurrency) >= 0.8 && (f.Distinct <= 200 || nameHint(name, "cur", "ccy")):
		return KindCurrency
	case share(cCountryCode) >= 0.8 && (f.Distinct > 3 || nameHint(name, "country", "ctry", "nation")):
		return KindCountryCode
	case share(cCountryName) >= 0.6:
		return KindCountryName
	case share(cCity) >= 0.5:
		return KindCity
	case share(cPersonFull) >= 0.4, share(cPersonSingle) >= 0.5:
		return KindPersonName
	}
	if f.currencySymbol {
		return KindCurrency
	}
	if typ == Decimal || typ == Float {
		return coordinate(name, f)
	}
	return ""
}

// coordinate tells latitudes and longitudes from other decimals: values
// within ±90 (±180) carrying at least three decimal places; a name hint
// decides between the two when the range does not.
func coordinate(name string, f *Field) string {
	if f.minNum < -180 || f.maxNum > 180 || f.maxFrac < 3 || f.minNum == f.maxNum {
		return ""
	}
	lat := nameHint(name, "lat")
	lon := nameHint(name, "lon", "lng")
	switch {
	case lon:
		return KindLongitude
	case lat && f.minNum >= -90 && f.maxNum <= 90:
		return KindLatitude
	case f.minNum < -90 || f.maxNum > 90:
		return KindLongitude
	}
	return ""
}
