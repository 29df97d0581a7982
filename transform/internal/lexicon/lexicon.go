// Package lexicon holds the fixed word lists that inference and matching look
// values up in: ISO 3166-1 countries and ISO 4217 currencies (generated from
// the Debian iso-codes package into iso.go), and short lists of large cities
// and common given names. Lookups ignore case and surrounding blanks.
//
// The lists are read-only after package initialisation and safe for
// concurrent use.
package lexicon

import "strings"

// countryAliases are common short names that ISO does not list.
var countryAliases = map[string]string{
	"usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "uk": "GB", "great britain": "GB",
	"britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "russia": "RU", "south korea": "KR",
	"korea": "KR", "north korea": "KP", "vietnam": "VN", "iran": "IR", "syria": "SY", "laos": "LA",
	"bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "czech republic": "CZ", "czechia": "CZ",
	"turkey": "TR", "ivory coast": "CI", "holland": "NL", "the netherlands": "NL", "moldova": "MD",
	"macedonia": "MK", "taiwan": "TW", "palestine": "PS", "vatican": "VA", "brunei": "BN",
	"micronesia": "FM", "cape verde": "CV", "swaziland": "SZ", "burma": "MM", "uae": "AE",
}

var (
	countryByName = map[string]string{} // lower-case name, alpha-2 or alpha-3 → alpha-2
	alpha2        = map[string]bool{}
	alpha3        = map[string]string{} // alpha-3 → alpha-2
	currencySet   = map[string]bool{}
	citySet       = map[string]bool{}
	givenSet      = map[string]bool{}
)

func init() {
	for _, c := range countries {
		alpha2[c[0]] = true
		alpha3[c[1]] = c[0]
		for _, n := range c[2:] {
			countryByName[strings.ToLower(n)] = c[0]
		}
	}
	for k, v := range countryAliases {
		countryByName[k] = v
	}
	for _, c := range currencies {
		currencySet[c] = true
	}
	for _, c := range strings.Split(cities, ",") {
		citySet[strings.TrimSpace(c)] = true
	}
	for _, n := range strings.Fields(givenNames) {
		givenSet[n] = true
	}
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CountryAlpha2 returns the ISO 3166-1 alpha-2 code of a country given by
// name, alpha-2 or alpha-3 code.
func CountryAlpha2(s string) (string, bool) {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(s)
	if len(u) == 2 && alpha2[u] {
		return u, true
	}
	if a, ok := alpha3[u]; ok && len(u) == 3 {
		return a, true
	}
	a, ok := countryByName[strings.ToLower(s)]
	return a, ok
}

// IsCountryCode reports whether s is an upper-case ISO 3166-1 alpha-2 or
// alpha-3 code.
func IsCountryCode(s string) bool {
	if len(s) == 2 {
		return alpha2[s]
	}
	_, ok := alpha3[s]
	return len(s) == 3 && ok
}

// IsCountryName reports whether s names a country (not a code).
func IsCountryName(s string) bool {
	_, ok := countryByName[key(s)]
	return ok && len(strings.TrimSpace(s)) > 3
}

// IsCurrency reports whether s is an upper-case ISO 4217 code.
func IsCurrency(s string) bool { return len(s) == 3 && currencySet[s] }

// IsCity reports whether s is one of the listed large cities.
func IsCity(s string) bool { return citySet[key(s)] }

// IsGivenName reports whether s is one of the listed common given names.
func IsGivenName(s string) bool { return givenSet[key(s)] }

const cities = `new york, los angeles, chicago, houston, phoenix, philadelphia, san antonio, san diego,
dallas, san jose, austin, jacksonville, fort worth, columbus, charlotte, san francisco, indianapolis,
seattle, denver, washington, boston, el paso, nashville, detroit, oklahoma city, portland, las vegas,
memphis, louisville, baltimore, milwaukee, albuquerque, tucson, fresno, sacramento, kansas city, mesa,
atlanta, omaha, colorado springs, raleigh, miami, long beach, virginia beach, oakland, minneapolis,
tulsa, tampa, arlington, new orleans, wichita, cleveland, bakersfield, aurora, anaheim, honolulu,
santa ana, riverside, corpus christi, lexington, stockton, st. louis, saint louis, pittsburgh, cincinnati,
anchorage, henderson, greensboro, plano, newark, lincoln, toledo, orlando, chula vista, irvine,
fort wayne, jersey city, durham, st. paul, buffalo, madison, lubbock, scottsdale, reno, glendale,
gilbert, winston-salem, norfolk, chandler, boise, richmond, spokane, salt lake city, des moines,
birmingham, rochester, yonkers, hartford, providence, brooklyn, queens, bronx, manhattan, staten island,
toronto, montreal, vancouver, calgary, ottawa, edmonton, winnipeg, quebec, mexico city, guadalajara,
monterrey, london, manchester, liverpool, leeds, glasgow, edinburgh, bristol, dublin, paris, lyon,
marseille, toulouse, nice, berlin, hamburg, munich, cologne, frankfurt, stuttgart, dusseldorf, leipzig,
vienna, zurich, geneva, basel, amsterdam, rotterdam, the hague, brussels, antwerp, madrid, barcelona,
valencia, seville, lisbon, porto, rome, milan, naples, turin, florence, venice, athens, istanbul,
ankara, moscow, saint petersburg, kyiv, kiev, warsaw, krakow, prague, budapest, bucharest, sofia,
belgrade, zagreb, stockholm, oslo, copenhagen, helsinki, reykjavik, tokyo, osaka, kyoto, yokohama,
nagoya, seoul, busan, beijing, shanghai, shenzhen, guangzhou, chengdu, wuhan, hong kong, taipei,
singapore, kuala lumpur, bangkok, jakarta, manila, hanoi, ho chi minh city, mumbai, delhi, new delhi,
bangalore, bengaluru, chennai, kolkata, hyderabad, pune, karachi, lahore, dhaka, tehran, baghdad,
riyadh, jeddah, dubai, abu dhabi, doha, tel aviv, jerusalem, cairo, alexandria, lagos, nairobi,
johannesburg, cape town, casablanca, accra, addis ababa, sydney, melbourne, brisbane, perth, adelaide,
auckland, wellington, sao paulo, rio de janeiro, buenos aires, santiago, lima, bogota, caracas, quito,
montevideo, havana`

const givenNames = `james john robert michael william david richard joseph thomas charles christopher daniel
matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas
zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin carl
arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne
elijah randy roy vincent ralph eugene russell bobby mason philip louis mary patricia jennifer linda
elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna
michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy
angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn
janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina
joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances
kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella
theresa diana natalie brittany charlotte marie kayla alexis lori ana luis carlos miguel jorge pedro
luca marco giulia sofia hans anna lena jan pierre jean marie sophie lucas hugo chloe wei li yan hiroshi
yuki akira mohammed muhammad ahmed ali fatima omar hassan priya raj amit arjun ravi anil sunil olga
ivan dmitri sergei natasha elena irina`

// Alpha3 returns the ISO 3166-1 alpha-3 code for an alpha-2 code.
func Alpha3(a2 string) string {
	for _, c := range countries {
		if c[0] == a2 {
			return c[1]
		}
	}
	return ""
}
