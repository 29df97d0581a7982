package clean

import (
	"errors"
	"strings"
	"testing"
)

func TestCoerce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule, in, want string
		invalid        bool
	}{
		{"a=coerce:cents_to_decimal", "1234", "12.34", false},
		{"a=coerce:cents_to_decimal", "-5", "-0.05", false},
		{"a=coerce:cents_to_decimal", "12.5", "", true},
		{"a=coerce:cents_to_decimal", "abc", "", true},
		{"a=coerce:date_layout:MM/DD/YYYY:YYYY-MM-DD", "03/14/2025", "2025-03-14", false},
		{"a=coerce:date_layout:MM/DD/YYYY:YYYY-MM-DD", "14/03/2025", "", true},
		{"a=coerce:bool_words::true/false", "Y", "true", false},
		{"a=coerce:bool_words::true/false", "n", "false", false},
		{"a=coerce:bool_words::true/false", "maybe", "", true},
		{"a=coerce:country_to_iso::alpha-2", "Germany", "DE", false},
		{"a=coerce:country_to_iso::alpha-3", "United States", "USA", false},
		{"a=coerce:country_to_iso::alpha-2", "Atlantis", "", true},
		{"a=coerce:cast:string:integer", "42", "42", false},
		{"a=coerce:cast:string:integer", "4x2", "", true},
		{"a=coerce:cast:integer:decimal", "42", "42", false},
		{"a=coerce:timestamp_to_date", "2025-03-14T10:00:00Z", "2025-03-14", false},
		{"a=coerce:timestamp_to_date", "yesterday", "", true},
		{"a=trim,coerce:cents_to_decimal", "  99 ", "0.99", false},
		{"a=coerce:cents_to_decimal", "", "", false},
		{"a=trim,null:constant:n/a", "", "n/a", false},
		{"a=null:constant:x:y", "", "x:y", false},
		{"a=null:mode,upper", " b", " B", false},
		{"a=null:median", "", "", false}, // no statistics yet: stays null
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.in, func(t *testing.T) {
			t.Parallel()
			r, err := ParseRule(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := New(Config{Rules: []Rule{r}})
			if err != nil {
				t.Fatal(err)
			}
			vals, nulls := []string{tt.in}, []bool{tt.in == ""}
			res := mustApply(t, rs, []string{"a"}, vals, nulls)
			if tt.invalid {
				if !res.Quarantine || res.Drop || len(res.Violations) != 1 || !errors.Is(res.Violations[0].Err, ErrInvalid) ||
					!strings.HasPrefix(res.Reason, "a: ") {
					t.Errorf("got %+v; want the record quarantined with a reason naming the field", res)
				}
				if vals[0] != tt.in {
					t.Errorf("invalid value changed to %q", vals[0])
				}
				return
			}
			if res.Quarantine || res.Drop || len(res.Violations) > 0 || vals[0] != tt.want {
				t.Errorf("got %q, %+v; want %q", vals[0], res, tt.want)
			}
		})
	}
}

func TestParseRuleErrors(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "a", "=trim", "a=", "a=shout", "a=coerce", "a=coerce:nope",
		"a=coerce:date_layout:XX:YYYY-MM-DD", "a=coerce:cast::bignum", "a=trim:x", "a=coerce:cast::integer,coerce:cast::integer",
		"a=null", "a=null:", "a=null:average", "a=null:constant", "a=null:mean,null:mode"} {
		if _, err := ParseRule(spec); err == nil {
			t.Errorf("ParseRule(%q) = nil error", spec)
		}
	}
}

func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"a=trim,email", "x=coerce:date_layout:MM/DD/YYYY:YYYY-MM-DD", "b=coerce:bool_words::y/n", "=", "a=coerce:::", "a=trim,null:constant:n/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		r, err := ParseRule(spec)
		if err != nil {
			return
		}
		rs, err := New(Config{Rules: []Rule{r}})
		if err != nil {
			t.Fatalf("ParseRule(%q) accepted a rule New rejects: %v", spec, err)
		}
		if _, err := rs.Apply([]string{r.Field}, []string{"12/31/2024"}, []bool{false}); err != nil {
			t.Fatalf("ParseRule(%q): Apply without a store: %v", spec, err)
		}
	})
}
