package lexicon

import "testing"

func TestCountries(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"United States": "US", "usa": "US", "FRA": "FR", "de": "DE",
		"United Kingdom": "GB", "UK": "GB", " japan ": "JP", "Bolivia": "BO", "Korea": "KR"} {
		if got, ok := CountryAlpha2(in); !ok || got != want {
			t.Errorf("CountryAlpha2(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := CountryAlpha2("Atlantis"); ok {
		t.Error("Atlantis is a country")
	}
	if Alpha3("FR") != "FRA" || !IsCountryCode("US") || !IsCountryCode("USA") || IsCountryCode("us") || IsCountryCode("ZZ") {
		t.Error("country codes")
	}
	if !IsCountryName("Germany") || IsCountryName("DE") {
		t.Error("country names")
	}
	if !IsCurrency("USD") || !IsCurrency("EUR") || IsCurrency("usd") || IsCurrency("ABC") {
		t.Error("currencies")
	}
	if !IsCity("new york") || !IsCity("Tokyo") || IsCity("Springfieldia") {
		t.Error("cities")
	}
	if !IsGivenName("Mary") || IsGivenName("Table") {
		t.Error("given names")
	}
}
