package mask_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/mask"
)

// FuzzParseRules checks that rule lists parse or fail without panicking,
// that parsed rules read back from their String form, and that masking
// with them never leaks a masked string value longer than 4 characters.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{"email", "public.users.ssn:hash", "a,b:partial, c.d.e:redact", "x:", ".", "a..b", "é.ü.ö:hash,,"} {
		f.Add(s, "secret value 12345")
	}
	f.Fuzz(func(t *testing.T, spec, value string) {
		rules, err := mask.ParseRules(spec)
		if err != nil {
			return
		}
		for _, r := range rules {
			if again, err := mask.ParseRule(r.String()); err != nil || again != r {
				t.Fatalf("rule %+v: String %q reads back as %+v, %v", r, r.String(), again, err)
			}
		}
		m, err := mask.New(rules, []byte("fuzz-key-0123456789"))
		if err != nil {
			return
		}
		r := rules[0]
		s := &schemas.Schema{Name: r.Schema + "." + r.Table, Fields: []schemas.Field{{Name: r.Column, Type: schemas.Type{Kind: schemas.KindString}}}}
		ev := m.Event(schemas.Event{Schema: s, Source: schemas.Source{Schema: r.Schema, Table: r.Table}, After: []schemas.Value{schemas.String(value)}})
		got := ev.After[0].Str()
		if utf8.RuneCountInString(value) > 4 && len(value) > 8 && strings.Contains(got, value) {
			t.Fatalf("masked %q as %q", value, got)
		}
		if ev.Schema.Fields[0].Type.Kind != schemas.KindString || ev.After[0].Kind() != schemas.KindString {
			t.Fatalf("masked value is not a string: %v", ev.After[0])
		}
	})
}
