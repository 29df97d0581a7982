package mask

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
	"unicode/utf8"

	"github.com/heliosdb/helios-etl/schemas"
)

// Method is how a value is masked.
type Method uint8

// The masking methods; see the package documentation.
const (
	Redact  Method = iota // "***"
	Hash                  // hex HMAC-SHA256 with the key
	Partial               // "***" and the last 4 characters
)

var methodNames = [...]string{Redact: "redact", Hash: "hash", Partial: "partial"}

// String returns the method's name as written in rules.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// Redacted is what [Redact] (and [Partial], for short values) puts in
// place of a value.
const Redacted = "***"

// MinKeyLen is the shortest key [New] accepts for [Hash].
const MinKeyLen = 16

// partialKeep is how many trailing characters [Partial] keeps.
const partialKeep = 4

// Rule masks one column: in every table when Schema and Table are empty,
// else in the table Schema.Table only.
type Rule struct {
	Schema, Table, Column string
	Method                Method
}

// String returns the rule in the form [ParseRule] reads.
func (r Rule) String() string {
	f := r.Column
	if r.Table != "" {
		f = r.Schema + "." + r.Table + "." + r.Column
	}
	return f + ":" + r.Method.String()
}

// ParseRule reads one rule: "column" or "schema.table.column", optionally
// followed by ":redact", ":hash" or ":partial" (redact by default).
// Identifiers are taken as written: no quoting, so a name that holds a dot
// or a colon cannot be masked by name.
func ParseRule(s string) (Rule, error) {
	field, method, hasMethod := strings.Cut(strings.TrimSpace(s), ":")
	field = strings.TrimSpace(field)
	var r Rule
	if hasMethod {
		switch strings.TrimSpace(method) {
		case "redact":
			r.Method = Redact
		case "hash":
			r.Method = Hash
		case "partial":
			r.Method = Partial
		default:
			return Rule{}, fmt.Errorf("mask rule %q: unknown method %q (redact, hash or partial)", s, method)
		}
	}
	parts := strings.Split(field, ".")
	for _, p := range parts {
		if p == "" || strings.TrimSpace(p) != p {
			return Rule{}, fmt.Errorf(`mask rule %q: want "column" or "schema.table.column", optionally with :redact, :hash or :partial`, s)
		}
	}
	switch len(parts) {
	case 1:
		r.Column = parts[0]
	case 3:
		r.Schema, r.Table, r.Column = parts[0], parts[1], parts[2]
	default:
		return Rule{}, fmt.Errorf(`mask rule %q: want "column" or "schema.table.column", not %d names`, s, len(parts))
	}
	return r, nil
}

// ParseRules reads a comma-separated list of rules, as the stage's mask
// transform takes them: "email,public.users.ssn:hash".
func ParseRules(s string) ([]Rule, error) {
	var rules []Rule
	var errs []error
	for p := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		r, err := ParseRule(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("mask: no fields: mask email,public.users.ssn:hash"))
	}
	return rules, errors.Join(errs...)
}

// UsesHash reports whether one of rules uses [Hash], which needs a key.
func UsesHash(rules []Rule) bool {
	for _, r := range rules {
		if r.Method == Hash {
			return true
		}
	}
	return false
}

// Masker masks the fields its rules name in change events. Create it with
// [New]; it is not safe for concurrent use.
type Masker struct {
	rules []Rule
	mac   hash.Hash // nil without a key
	sum   [sha256.Size]byte
	buf   []byte
	plans map[planKey]*plan
}

type planKey struct {
	s             *schemas.Schema
	schema, table string
}

// plan is what a Masker does to the events of one schema: nothing when
// cols is empty.
type plan struct {
	schema  *schemas.Schema
	cols    []int
	methods []Method
}

// maxPlans bounds the plan cache; it is cleared when full.
const maxPlans = 4096

// New returns a Masker for rules. key is the HMAC key of [Hash]: rules
// that hash need one of at least [MinKeyLen] bytes. Two rules for the same
// field are an error. key is copied and never shown in errors.
func New(rules []Rule, key []byte) (*Masker, error) {
	if len(rules) == 0 {
		return nil, errors.New("mask: no rules")
	}
	seen := make(map[Rule]Method, len(rules))
	for _, r := range rules {
		k := Rule{Schema: r.Schema, Table: r.Table, Column: r.Column}
		if m, ok := seen[k]; ok {
			return nil, fmt.Errorf("mask: field %s is listed twice (%s and %s)", strings.TrimSuffix(k.String(), ":redact"), m, r.Method)
		}
		seen[k] = r.Method
		if r.Method > Partial {
			return nil, fmt.Errorf("mask: rule %s: unknown method", r)
		}
	}
	m := &Masker{rules: append([]Rule(nil), rules...), plans: map[planKey]*plan{}}
	if UsesHash(rules) {
		if len(key) < MinKeyLen {
			return nil, fmt.Errorf("mask: hash needs a key of at least %d bytes, got %d (set security.mask_key, e.g. from ${HELIOS_MASK_KEY})", MinKeyLen, len(key))
		}
		m.mac = hmac.New(sha256.New, append([]byte(nil), key...))
	}
	return m, nil
}

// method finds the rule for a column: a table's own rule wins over one for
// every table.
func (m *Masker) method(schema, table, column string) (Method, bool) {
	var general Method
	found := false
	for _, r := range m.rules {
		if r.Column != column {
			continue
		}
		if r.Table == "" {
			general, found = r.Method, true
			continue
		}
		if r.Schema == schema && r.Table == table {
			return r.Method, true
		}
	}
	return general, found
}

// Event returns ev with the masked fields of After and Before masked and a
// schema in which they are strings; ev itself, its rows and its schema are
// not changed (the rows are copied when a field is masked). An event
// without a schema, or with no masked field, is returned as it is.
func (m *Masker) Event(ev schemas.Event) schemas.Event {
	if ev.Schema == nil {
		return ev
	}
	p := m.plan(&ev)
	if len(p.cols) == 0 {
		return ev
	}
	ev.Schema = p.schema
	ev.After = m.row(ev.After, p)
	ev.Before = m.row(ev.Before, p)
	return ev
}

func (m *Masker) plan(ev *schemas.Event) *plan {
	schema, table := ev.Source.Schema, ev.Source.Table
	if table == "" {
		schema, table, _ = strings.Cut(ev.Schema.Name, ".")
		if table == "" {
			schema, table = "", schema
		}
	}
	k := planKey{s: ev.Schema, schema: schema, table: table}
	if p, ok := m.plans[k]; ok {
		return p
	}
	p := &plan{schema: ev.Schema}
	for i, f := range ev.Schema.Fields {
		if meth, ok := m.method(schema, table, f.Name); ok {
			p.cols = append(p.cols, i)
			p.methods = append(p.methods, meth)
		}
	}
	if len(p.cols) > 0 {
		s := *ev.Schema
		s.Fields = append([]schemas.Field(nil), s.Fields...)
		for _, i := range p.cols {
			s.Fields[i].Type = schemas.Type{Kind: schemas.KindString, Source: "text"}
		}
		p.schema = &s
	}
	if len(m.plans) >= maxPlans {
		clear(m.plans)
	}
	m.plans[k] = p
	return p
}

func (m *Masker) row(row []schemas.Value, p *plan) []schemas.Value {
	if row == nil {
		return nil
	}
	out := append([]schemas.Value(nil), row...)
	for j, i := range p.cols {
		if i < len(out) {
			out[i] = m.Value(out[i], p.methods[j])
		}
	}
	return out
}

// Value masks one value with method: NULL and the unchanged marker are
// kept, anything else becomes a string. [Hash] on a Masker without a key
// redacts.
func (m *Masker) Value(v schemas.Value, method Method) schemas.Value {
	if v.IsNull() || v.IsUnchanged() {
		return v
	}
	switch method {
	case Hash:
		if m.mac == nil {
			return schemas.String(Redacted)
		}
		m.buf = v.Append(m.buf[:0])
		m.mac.Reset()
		m.mac.Write(m.buf)
		return schemas.String(hex.EncodeToString(m.mac.Sum(m.sum[:0])))
	case Partial:
		m.buf = v.Append(m.buf[:0])
		if utf8.RuneCount(m.buf) <= partialKeep {
			return schemas.String(Redacted)
		}
		i := len(m.buf)
		for range partialKeep {
			_, n := utf8.DecodeLastRune(m.buf[:i])
			i -= n
		}
		return schemas.String(Redacted + string(m.buf[i:]))
	}
	return schemas.String(Redacted)
}
