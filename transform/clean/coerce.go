package clean

import (
	"fmt"
	"strings"

	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/match"
)

// Coerce converts v with a schema mapping's conversion ([match.Conversion],
// the code the mapping itself uses) and checks that the result has the
// conversion's output type ([match.Conversion.Output]): a cast's value must
// read as the target type, a date layout's result as a date, cents as a
// decimal. An empty value stays empty. The error wraps [ErrInvalid].
func Coerce(v string, c match.Conversion) (string, error) {
	out, err := c.Apply(v)
	if err != nil {
		return v, fmt.Errorf("%w: coerce %s: %w", ErrInvalid, c, err)
	}
	want := c.Output()
	if out == "" || want == infer.Unknown || want == infer.String {
		return out, nil
	}
	if got := infer.TypeOf(out); !fits(got, want) {
		return v, fmt.Errorf("%w: coerce %s: %q is %s, not %s", ErrInvalid, c, clip(out), article(got), article(want))
	}
	return out, nil
}

// fits tells whether a value of type got is a valid value of type want:
// the same type, or an integer or decimal where a wider number is wanted,
// or a date where a timestamp is.
func fits(got, want infer.Type) bool {
	switch {
	case got == want:
		return true
	case want == infer.Decimal:
		return got == infer.Integer
	case want == infer.Float:
		return got == infer.Integer || got == infer.Decimal
	case want == infer.Timestamp:
		return got == infer.Date
	}
	return false
}

func article(t infer.Type) string {
	s := t.String()
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func clip(v string) string {
	if len(v) > 40 {
		return v[:37] + "..."
	}
	return v
}

// ParseRule reads a rule from its one-line form, field=op,op,...: the ops
// of [Rule].Ops, where coerce takes its conversion after colons,
// coerce:KIND[:FROM[:TO]] (coerce:cents_to_decimal,
// coerce:date_layout:MM/DD/YYYY:YYYY-MM-DD, coerce:bool_words::true/false,
// coerce:cast:string:integer), and null:ACTION[:VALUE] for what a null
// becomes ([NullRule]: null:drop, null:mean, null:median, null:mode,
// null:constant:VALUE, where VALUE has no comma). The rule is validated.
func ParseRule(spec string) (Rule, error) {
	field, list, ok := strings.Cut(spec, "=")
	field = strings.TrimSpace(field)
	if !ok || field == "" || strings.TrimSpace(list) == "" {
		return Rule{}, fmt.Errorf("clean rule %q: want field=op,op (e.g. email=trim,email or amount=coerce:cents_to_decimal)", spec)
	}
	r := Rule{Field: field}
	for op := range strings.SplitSeq(list, ",") {
		op = strings.TrimSpace(op)
		name, conv, hasConv := strings.Cut(op, ":")
		if name == "null" {
			if !hasConv || r.Null != nil {
				return Rule{}, fmt.Errorf("clean rule %q: one null:ACTION[:VALUE] per rule", spec)
			}
			action, value, _ := strings.Cut(conv, ":")
			r.Null = &NullRule{Action: action, Value: value}
			continue
		}
		if name == "coerce" {
			if !hasConv || r.Coerce != nil {
				return Rule{}, fmt.Errorf("clean rule %q: one coerce:KIND[:FROM[:TO]] per rule", spec)
			}
			parts := append(strings.SplitN(conv, ":", 3), "", "")
			r.Coerce = &match.Conversion{Kind: parts[0], From: parts[1], To: parts[2]}
		} else if hasConv {
			return Rule{}, fmt.Errorf("clean rule %q: op %q takes no argument", spec, name)
		}
		r.Ops = append(r.Ops, name)
	}
	if err := (Config{Rules: []Rule{r}}).Validate(); err != nil {
		return Rule{}, fmt.Errorf("clean rule %q: %w", spec, err)
	}
	return r, nil
}
