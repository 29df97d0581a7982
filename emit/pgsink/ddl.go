package pgsink

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/heliosdb/helios-etl/schemas"
)

// pgType returns the PostgreSQL type that holds every value of t exactly,
// spelled as format_type() spells it so that it compares with the
// catalog.
func pgType(t schemas.Type) (string, error) {
	switch t.Kind {
	case schemas.KindBool:
		return "boolean", nil
	case schemas.KindInt16:
		return "smallint", nil
	case schemas.KindInt32:
		return "integer", nil
	case schemas.KindInt64:
		return "bigint", nil
	case schemas.KindFloat32:
		return "real", nil
	case schemas.KindFloat64:
		return "double precision", nil
	case schemas.KindDecimal:
		if t.Scale == schemas.VariableScale || t.Precision <= 0 || t.Precision > 1000 {
			return "numeric", nil
		}
		return "numeric(" + strconv.Itoa(int(t.Precision)) + "," + strconv.Itoa(int(t.Scale)) + ")", nil
	case schemas.KindString, schemas.KindEnum:
		// Enums land as text: the target need not know the source's
		// enum types, and a label added at the source needs no DDL.
		return "text", nil
	case schemas.KindBytes:
		return "bytea", nil
	case schemas.KindUUID:
		return "uuid", nil
	case schemas.KindJSON:
		if t.Source == "json" {
			return "json", nil // json keeps the text as written
		}
		return "jsonb", nil
	case schemas.KindDate:
		return "date", nil
	case schemas.KindTime:
		return "time without time zone", nil
	case schemas.KindTimeTZ:
		return "time with time zone", nil
	case schemas.KindTimestamp:
		return "timestamp without time zone", nil
	case schemas.KindTimestampTZ:
		return "timestamp with time zone", nil
	case schemas.KindInterval:
		return "interval", nil
	case schemas.KindArray:
		if t.Elem == nil {
			return "", fmt.Errorf("array without element type")
		}
		e := *t.Elem
		for e.Kind == schemas.KindArray && e.Elem != nil { // PostgreSQL arrays do not count dimensions
			e = *e.Elem
		}
		et, err := pgType(e)
		if err != nil {
			return "", err
		}
		return et + "[]", nil
	}
	return "", fmt.Errorf("no PostgreSQL type for %v", t)
}

// fits reports whether a column of type have holds every value of type
// want without loss: the same type, a wider one, or text.
func fits(have, want string) bool {
	if have == want || have == "text" {
		return true
	}
	if strings.HasSuffix(have, "[]") && strings.HasSuffix(want, "[]") {
		return fits(strings.TrimSuffix(have, "[]"), strings.TrimSuffix(want, "[]"))
	}
	switch {
	case (have == "json" || have == "jsonb") && (want == "json" || want == "jsonb"):
		return true
	case have == "double precision" && want == "real":
		return true
	}
	hr, wr := intRank(have), intRank(want)
	if hr > 0 && wr > 0 {
		return hr >= wr
	}
	if hp, hs, ok := numeric(have); ok {
		if wr > 0 {
			return hp == 0 || hp-hs >= []int{0, 5, 10, 19}[wr]
		}
		if wp, ws, ok := numeric(want); ok {
			switch {
			case hp == 0: // unconstrained numeric holds any decimal
				return true
			case wp == 0:
				return false
			default:
				return hs >= ws && hp-hs >= wp-ws
			}
		}
	}
	return false
}

func intRank(t string) int {
	switch t {
	case "smallint":
		return 1
	case "integer":
		return 2
	case "bigint":
		return 3
	}
	return 0
}

// numeric parses "numeric" (precision 0) and "numeric(p,s)".
func numeric(t string) (p, s int, ok bool) {
	if t == "numeric" {
		return 0, 0, true
	}
	if !strings.HasPrefix(t, "numeric(") || !strings.HasSuffix(t, ")") {
		return 0, 0, false
	}
	ps := strings.Split(t[len("numeric("):len(t)-1], ",")
	if len(ps) != 2 {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(ps[0])
	s, err2 := strconv.Atoi(ps[1])
	return p, s, err1 == nil && err2 == nil
}

// widened is the type to alter a column of type have to so that it also
// holds want, or "" when no widening does.
func widened(have, want string) string {
	if fits(want, have) {
		return want
	}
	hp, hs, ok1 := numeric(have)
	wp, ws, ok2 := numeric(want)
	if ok1 && ok2 && hp > 0 && wp > 0 {
		s := max(hs, ws)
		p := max(hp-hs, wp-ws) + s
		if p <= 1000 {
			return "numeric(" + strconv.Itoa(p) + "," + strconv.Itoa(s) + ")"
		}
		return "numeric"
	}
	if hr, wr := intRank(have), intRank(want); hr > 0 && wr > 0 || ok1 && wr > 0 || hr > 0 && ok2 {
		return "numeric"
	}
	return ""
}

// ident quotes a name for SQL.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// qualified quotes schema.table.
func qualified(schema, table string) string { return pgx.Identifier{schema, table}.Sanitize() }
