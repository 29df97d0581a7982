package mask_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/mask"
)

var key = []byte("0123456789abcdef-test-key")

func hmacHex(s string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func TestValue(t *testing.T) {
	t.Parallel()
	m, err := mask.New([]mask.Rule{{Column: "x", Method: mask.Hash}}, key)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		v      schemas.Value
		method mask.Method
		want   schemas.Value
	}{
		{"redact string", schemas.String("ann@example.com"), mask.Redact, schemas.String("***")},
		{"redact int", schemas.Int64(42), mask.Redact, schemas.String("***")},
		{"redact null", schemas.Null(), mask.Redact, schemas.Null()},
		{"redact unchanged", schemas.Unchanged(), mask.Redact, schemas.Unchanged()},
		{"hash string", schemas.String("123-45-6789"), mask.Hash, schemas.String(hmacHex("123-45-6789"))},
		{"hash int", schemas.Int64(42), mask.Hash, schemas.String(hmacHex("42"))},
		{"hash date", schemas.Date(0), mask.Hash, schemas.String(hmacHex("1970-01-01"))},
		{"hash null", schemas.Null(), mask.Hash, schemas.Null()},
		{"partial string", schemas.String("4111111111111111"), mask.Partial, schemas.String("***1111")},
		{"partial multibyte", schemas.String("Zoë Müller"), mask.Partial, schemas.String("***ller")},
		{"partial accents at end", schemas.String("abcdéüöä"), mask.Partial, schemas.String("***éüöä")},
		{"partial short", schemas.String("abcd"), mask.Partial, schemas.String("***")},
		{"partial int", schemas.Int64(5551234567), mask.Partial, schemas.String("***4567")},
		{"partial bytes", schemas.Bytes([]byte{1, 2, 3}), mask.Partial, schemas.String("***0203")},
		{"partial null", schemas.Null(), mask.Partial, schemas.Null()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Value reuses m's buffers: not parallel.
			if got := m.Value(c.v, c.method); !schemas.Equal(got, c.want) || got.IsNull() != c.want.IsNull() || got.IsUnchanged() != c.want.IsUnchanged() {
				t.Errorf("Value(%v, %s) = %v, want %v", c.v, c.method, got, c.want)
			}
		})
	}
}

var users = &schemas.Schema{Name: "public.users", Version: 3, Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "email", Type: schemas.Type{Kind: schemas.KindString, Source: "varchar"}, Nullable: true},
	{Name: "ssn", Type: schemas.Type{Kind: schemas.KindString}},
	{Name: "age", Type: schemas.Type{Kind: schemas.KindInt32}, Nullable: true},
}}

func row(id int64, email, ssn string, age int64) []schemas.Value {
	return []schemas.Value{schemas.Int64(id), schemas.String(email), schemas.String(ssn), schemas.Int(schemas.KindInt32, age)}
}

func TestEvent(t *testing.T) {
	t.Parallel()
	src := func(schema, table string) schemas.Source { return schemas.Source{Schema: schema, Table: table} }
	cases := []struct {
		name  string
		rules string
		ev    schemas.Event
		// want is the rendered after and before rows, and the masked
		// fields' names.
		wantAfter, wantBefore string
		masked                []string
	}{
		{
			name: "column in every table", rules: "email,age",
			ev:        schemas.Event{Op: schemas.OpUpdate, Schema: users, Source: src("public", "users"), Before: row(1, "a@x", "111", 30), After: row(1, "b@x", "111", 31)},
			wantAfter: "1 *** 111 ***", wantBefore: "1 *** 111 ***", masked: []string{"email", "age"},
		},
		{
			name: "schema.table.column matches the source", rules: "public.users.ssn:hash",
			ev:        schemas.Event{Op: schemas.OpCreate, Schema: users, Source: src("public", "users"), After: row(2, "c@x", "222", 40)},
			wantAfter: "2 c@x " + hmacHex("222") + " 40", wantBefore: "", masked: []string{"ssn"},
		},
		{
			name: "schema.table.column of another table", rules: "public.orders.ssn:hash",
			ev:        schemas.Event{Op: schemas.OpCreate, Schema: users, Source: src("public", "users"), After: row(2, "c@x", "222", 40)},
			wantAfter: "2 c@x 222 40",
		},
		{
			name: "schema.table.column of another schema", rules: "audit.users.ssn",
			ev:        schemas.Event{Op: schemas.OpCreate, Schema: users, Source: src("public", "users"), After: row(2, "c@x", "222", 40)},
			wantAfter: "2 c@x 222 40",
		},
		{
			name: "no source: the schema's name", rules: "public.users.email:partial",
			ev:         schemas.Event{Op: schemas.OpDelete, Schema: users, Before: row(3, "dora@example.com", "333", 50)},
			wantBefore: "3 ***.com 333 50", masked: []string{"email"},
		},
		{
			name: "table rule wins over the general one", rules: "ssn,public.users.ssn:partial",
			ev:        schemas.Event{Op: schemas.OpCreate, Schema: users, Source: src("public", "users"), After: row(4, "e@x", "123-45-6789", 60)},
			wantAfter: "4 e@x ***6789 60", masked: []string{"ssn"},
		},
		{
			name: "null stays null", rules: "email",
			ev: schemas.Event{Op: schemas.OpCreate, Schema: users, Source: src("public", "users"),
				After: []schemas.Value{schemas.Int64(5), schemas.Null(), schemas.String("555"), schemas.Null()}},
			wantAfter: "5 NULL 555 NULL", masked: []string{"email"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rules, err := mask.ParseRules(c.rules)
			if err != nil {
				t.Fatal(err)
			}
			m, err := mask.New(rules, key)
			if err != nil {
				t.Fatal(err)
			}
			orig := render(c.ev.After)
			got := m.Event(c.ev)
			if a, b := render(got.After), render(got.Before); a != c.wantAfter || b != c.wantBefore {
				t.Errorf("after %q before %q, want %q and %q", a, b, c.wantAfter, c.wantBefore)
			}
			if render(c.ev.After) != orig || c.ev.Schema != users {
				t.Error("the input event changed")
			}
			if err := got.Schema.Validate(); err != nil {
				t.Fatal(err)
			}
			for i, f := range got.Schema.Fields {
				isMasked := strings.Contains(" "+strings.Join(c.masked, " ")+" ", " "+f.Name+" ")
				switch {
				case isMasked && f.Type.Kind != schemas.KindString:
					t.Errorf("masked field %s has type %s, want string", f.Name, f.Type)
				case !isMasked && !f.Type.Equal(users.Fields[i].Type):
					t.Errorf("field %s changed type to %s", f.Name, f.Type)
				case f.Nullable != users.Fields[i].Nullable:
					t.Errorf("field %s: nullable changed", f.Name)
				}
			}
			if len(c.masked) == 0 && got.Schema != users {
				t.Error("an event without masked fields got a new schema")
			}
		})
	}
}

func render(r []schemas.Value) string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = v.String()
	}
	return strings.Join(s, " ")
}

// TestHashStable checks that equal values hash equally across records,
// tables and maskers with the same key, and differently with another key.
func TestHashStable(t *testing.T) {
	t.Parallel()
	rules := []mask.Rule{{Column: "email", Method: mask.Hash}}
	m1, _ := mask.New(rules, key)
	m2, _ := mask.New(rules, key)
	m3, _ := mask.New(rules, []byte("another-key-of-16-bytes"))
	orders := &schemas.Schema{Name: "shop.orders", Fields: []schemas.Field{{Name: "email", Type: schemas.Type{Kind: schemas.KindString}}}}
	a := m1.Event(schemas.Event{Schema: users, After: row(1, "ann@x", "1", 1)}).After[1]
	b := m1.Event(schemas.Event{Schema: users, After: row(2, "ann@x", "2", 2)}).After[1]
	c := m2.Event(schemas.Event{Schema: orders, After: []schemas.Value{schemas.String("ann@x")}}).After[0]
	d := m3.Event(schemas.Event{Schema: users, After: row(1, "ann@x", "1", 1)}).After[1]
	if a.Str() != b.Str() || a.Str() != c.Str() {
		t.Errorf("hashes differ: %s %s %s", a, b, c)
	}
	if a.Str() == d.Str() {
		t.Error("another key gives the same hash")
	}
}

func TestParseRule(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want mask.Rule
		err  string
	}{
		{in: "email", want: mask.Rule{Column: "email"}},
		{in: " email : hash ", want: mask.Rule{Column: "email", Method: mask.Hash}},
		{in: "public.users.ssn:partial", want: mask.Rule{Schema: "public", Table: "users", Column: "ssn", Method: mask.Partial}},
		{in: "public.users.ssn:redact", want: mask.Rule{Schema: "public", Table: "users", Column: "ssn"}},
		{in: "users.ssn", err: "not 2 names"},
		{in: "a.b.c.d", err: "not 4 names"},
		{in: "public..ssn", err: "schema.table.column"},
		{in: "", err: "schema.table.column"},
		{in: "email:md5", err: `unknown method "md5"`},
		{in: "email:", err: "unknown method"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := mask.ParseRule(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("ParseRule(%q) = %v, %v; want error with %q", c.in, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseRule(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			}
			if again, err := mask.ParseRule(got.String()); err != nil || again != got {
				t.Errorf("String %q does not read back: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		rules string
		key   []byte
		err   string
	}{
		{name: "hash without a key", rules: "ssn:hash", err: "hash needs a key of at least 16 bytes, got 0"},
		{name: "hash with a short key", rules: "ssn:hash", key: []byte("short"), err: "got 5"},
		{name: "redact without a key", rules: "ssn,email:partial"},
		{name: "twice", rules: "ssn,ssn:hash", key: key, err: "field ssn is listed twice"},
		{name: "general and table rule", rules: "ssn,public.users.ssn:hash", key: key},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rules, err := mask.ParseRules(c.rules)
			if err != nil {
				t.Fatal(err)
			}
			_, err = mask.New(rules, c.key)
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("New(%s) = %v, want error %q", c.rules, err, c.err)
			}
			if err != nil && c.key != nil && strings.Contains(err.Error(), string(c.key)) {
				t.Error("the error shows the key")
			}
		})
	}
	if _, err := mask.ParseRules(" , "); err == nil {
		t.Error("ParseRules of no fields: no error")
	}
}
