package ops

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// Filter keeps the events for which its expression holds and drops the
// others. Build it with [ParseFilter].
type Filter struct {
	field string // "op" for the operation
	cmp   string // ==, !=, <, <=, >, >=, in
	lit   string
	ops   []schemas.Op // for op comparisons
	num   float64
	isNum bool
	null  bool
	boolV *bool
}

var cmps = []string{"==", "!=", "<=", ">=", "<", ">", "in"}

// ParseFilter parses "op in c,u", "op != d" or "<field> <cmp> <literal>",
// where cmp is ==, !=, <, <=, >, >= and literal a number, a string (bare or
// in double quotes), true, false or null.
func ParseFilter(expr string) (*Filter, error) {
	parts := strings.Fields(expr)
	if len(parts) < 3 {
		return nil, fmt.Errorf("filter %q: want <field> <cmp> <value>, e.g. filter op != d", expr)
	}
	f := &Filter{field: parts[0], cmp: parts[1], lit: strings.Join(parts[2:], " ")}
	if !slices.Contains(cmps, f.cmp) {
		return nil, fmt.Errorf("filter %q: unknown comparison %q (==, !=, <, <=, >, >=, in)", expr, f.cmp)
	}
	if f.field == "op" {
		for c := range strings.SplitSeq(f.lit, ",") {
			op, err := schemas.ParseOpCode(strings.TrimSpace(c))
			if err != nil {
				return nil, fmt.Errorf("filter %q: %w", expr, err)
			}
			f.ops = append(f.ops, op)
		}
		if f.cmp != "==" && f.cmp != "!=" && f.cmp != "in" {
			return nil, fmt.Errorf("filter %q: op takes ==, != or in", expr)
		}
		if f.cmp != "in" && len(f.ops) != 1 {
			return nil, fmt.Errorf("filter %q: use in for a list of ops", expr)
		}
		return f, nil
	}
	if f.cmp == "in" {
		return nil, fmt.Errorf("filter %q: in is for op only", expr)
	}
	switch {
	case f.lit == "null":
		f.null = true
		if f.cmp != "==" && f.cmp != "!=" {
			return nil, fmt.Errorf("filter %q: null takes == or !=", expr)
		}
	case f.lit == "true" || f.lit == "false":
		v := f.lit == "true"
		f.boolV = &v
	default:
		if n, err := strconv.ParseFloat(f.lit, 64); err == nil {
			f.num, f.isNum = n, true
		} else if u, err := strconv.Unquote(f.lit); err == nil {
			f.lit = u
		}
	}
	return f, nil
}

// Apply implements [stage.Transform].
func (f *Filter) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		if r.Event == nil {
			if f.field != "op" {
				b.Fail(r, errNoEvent)
			}
			continue
		}
		if f.match(r.Event) {
			b.Emit(r)
		}
	}
	return nil
}

func (f *Filter) match(ev *schemas.Event) bool {
	if f.field == "op" {
		in := slices.Contains(f.ops, ev.Op)
		return in == (f.cmp != "!=")
	}
	row := ev.Row()
	i := -1
	if ev.Schema != nil {
		i = ev.Schema.FieldIndex(f.field)
	}
	var v schemas.Value
	if i >= 0 && i < len(row) {
		v = row[i]
	}
	if f.null || v.IsNull() {
		eq := f.null && v.IsNull()
		if f.cmp == "==" {
			return eq
		}
		return f.cmp == "!=" && !eq
	}
	var c int
	switch {
	case f.boolV != nil:
		if v.Kind() != schemas.KindBool {
			return f.cmp == "!="
		}
		c = boolCmp(v.Bool(), *f.boolV)
	case f.isNum:
		n, ok := number(v)
		if !ok {
			return f.cmp == "!="
		}
		c = floatCmp(n, f.num)
	default:
		c = strings.Compare(v.String(), f.lit)
	}
	switch f.cmp {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default:
		return c >= 0
	}
}

func number(v schemas.Value) (float64, bool) {
	switch v.Kind() {
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		return float64(v.Int()), true
	case schemas.KindFloat32, schemas.KindFloat64:
		return v.Float(), true
	case schemas.KindDecimal:
		return v.Decimal().Float64(), true
	}
	return 0, false
}

func floatCmp(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolCmp(a, b bool) int {
	if a == b {
		return 0
	}
	return 1
}
