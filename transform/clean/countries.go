package clean

// countries lists ISO 3166-1 alpha-2 codes with their alpha-3 code, English
// short name and common aliases. It covers the countries our pipelines see
// most, not all 249; an unknown country is an invalid value, not a guess.
var countries = []struct {
	a2, a3 string
	names  []string
}{
	{"US", "USA", []string{"united states", "united states of america", "america", "us of a"}},
	{"CA", "CAN", []string{"canada"}},
	{"MX", "MEX", []string{"mexico", "mejico"}},
	{"GB", "GBR", []string{"united kingdom", "great britain", "britain", "uk", "england", "scotland", "wales", "northern ireland", "united kingdom of great britain and northern ireland"}},
	{"IE", "IRL", []string{"ireland", "eire", "republic of ireland"}},
	{"DE", "DEU", []string{"germany", "deutschland", "federal republic of germany"}},
	{"FR", "FRA", []string{"france", "french republic"}},
	{"ES", "ESP", []string{"spain", "espana", "kingdom of spain"}},
	{"PT", "PRT", []string{"portugal"}},
	{"IT", "ITA", []string{"italy", "italia"}},
	{"NL", "NLD", []string{"netherlands", "holland", "nederland", "kingdom of the netherlands"}},
	{"BE", "BEL", []string{"belgium", "belgie", "belgique"}},
	{"LU", "LUX", []string{"luxembourg"}},
	{"CH", "CHE", []string{"switzerland", "schweiz", "suisse", "svizzera"}},
	{"AT", "AUT", []string{"austria", "osterreich", "oesterreich"}},
	{"SE", "SWE", []string{"sweden", "sverige"}},
	{"NO", "NOR", []string{"norway", "norge"}},
	{"DK", "DNK", []string{"denmark", "danmark"}},
	{"FI", "FIN", []string{"finland", "suomi"}},
	{"IS", "ISL", []string{"iceland"}},
	{"PL", "POL", []string{"poland", "polska"}},
	{"CZ", "CZE", []string{"czechia", "czech republic"}},
	{"SK", "SVK", []string{"slovakia"}},
	{"HU", "HUN", []string{"hungary"}},
	{"RO", "ROU", []string{"romania"}},
	{"BG", "BGR", []string{"bulgaria"}},
	{"GR", "GRC", []string{"greece", "hellas"}},
	{"TR", "TUR", []string{"turkey", "turkiye"}},
	{"UA", "UKR", []string{"ukraine"}},
	{"RU", "RUS", []string{"russia", "russian federation"}},
	{"IL", "ISR", []string{"israel"}},
	{"AE", "ARE", []string{"united arab emirates", "uae", "emirates"}},
	{"SA", "SAU", []string{"saudi arabia"}},
	{"EG", "EGY", []string{"egypt"}},
	{"MA", "MAR", []string{"morocco"}},
	{"NG", "NGA", []string{"nigeria"}},
	{"KE", "KEN", []string{"kenya"}},
	{"ZA", "ZAF", []string{"south africa"}},
	{"BR", "BRA", []string{"brazil", "brasil"}},
	{"AR", "ARG", []string{"argentina"}},
	{"CL", "CHL", []string{"chile"}},
	{"CO", "COL", []string{"colombia"}},
	{"PE", "PER", []string{"peru"}},
	{"VE", "VEN", []string{"venezuela"}},
	{"CN", "CHN", []string{"china", "peoples republic of china", "prc"}},
	{"HK", "HKG", []string{"hong kong"}},
	{"TW", "TWN", []string{"taiwan"}},
	{"JP", "JPN", []string{"japan", "nippon"}},
	{"KR", "KOR", []string{"south korea", "korea", "republic of korea"}},
	{"IN", "IND", []string{"india", "bharat"}},
	{"PK", "PAK", []string{"pakistan"}},
	{"BD", "BGD", []string{"bangladesh"}},
	{"ID", "IDN", []string{"indonesia"}},
	{"MY", "MYS", []string{"malaysia"}},
	{"SG", "SGP", []string{"singapore"}},
	{"TH", "THA", []string{"thailand"}},
	{"VN", "VNM", []string{"vietnam", "viet nam"}},
	{"PH", "PHL", []string{"philippines"}},
	{"AU", "AUS", []string{"australia"}},
	{"NZ", "NZL", []string{"new zealand", "aotearoa"}},
}

// countryIndex maps folded codes and names to alpha-2 codes.
var countryIndex = func() map[string]string {
	m := make(map[string]string, 5*len(countries))
	for _, c := range countries {
		for _, k := range append([]string{c.a2, c.a3}, c.names...) {
			m[countryKey(k)] = c.a2
		}
	}
	return m
}()
