package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Load reads the file at path, expands ${VAR} references from the process
// environment and returns the configuration; see [Parse].
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes a configuration file, fills in the defaults and validates
// it. name is the file name used in error messages. env looks up the
// variables of ${VAR} references, like os.LookupEnv; nil means that no
// variable is set. An empty file gives the default configuration.
//
// The error, when not nil, wraps one [*Error] per problem; see the package
// documentation for what is checked.
func Parse(name string, data []byte, env func(string) (string, bool)) (*Config, error) {
	if env == nil {
		env = noEnv
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))

	// go-toml checks the syntax and the TOML rules (no key defined twice,
	// …) and gives plain values; the keys and types of our schema are
	// checked below, with every problem reported and not only the first.
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, join([]*Error{syntaxError(name, data, err)})
	}

	c := defaults()
	c.src = &source{name: name, pos: index(data)}
	d := decoder{env: env}
	d.table("", reflect.ValueOf(c).Elem(), doc)
	c.locate(d.errs)

	// Validate what could be decoded too, so that one run reports
	// everything; a key that failed to decode keeps its valid default, and
	// its other problems would be noise.
	bad := map[string]bool{}
	for _, e := range d.errs {
		bad[e.Key] = true
	}
	ps := d.errs
	for _, p := range problems(c.Validate()) {
		if !bad[p.Key] {
			ps = append(ps, p)
		}
	}
	if err := join(ps); err != nil {
		return nil, err
	}
	return c, nil
}

// decoder assigns the values of a decoded document to a Config, checking
// keys and types, and collects the problems.
type decoder struct {
	env  func(string) (string, bool)
	errs []*Error
}

func (d *decoder) fail(key, hint, format string, args ...any) {
	d.errs = append(d.errs, problem(key, hint, format, args...))
}

var (
	durationType        = reflect.TypeFor[Duration]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// table decodes the TOML table m at path into the struct v.
func (d *decoder) table(path string, v reflect.Value, m map[string]any) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		key := childPath(path, keyPart(name))
		f, ok := fieldByKey(v.Type(), name)
		if !ok {
			d.unknown(path, key, name, v.Type(), m[name])
			continue
		}
		d.value(key, f, v.FieldByIndex(f.Index), m[name])
	}
}

// value decodes the TOML value raw at key into v, the field f.
func (d *decoder) value(key string, f reflect.StructField, v reflect.Value, raw any) {
	mismatch := func(hint string) {
		d.fail(key, hint, "expected %s, got %s", expected(f), tomlKind(raw))
	}
	t := v.Type()
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		s, ok := raw.(string)
		if !ok {
			hint := ""
			if t == durationType {
				hint = fmt.Sprintf(`durations are strings with a unit: %s = "30s"`, lastPart(key))
			}
			mismatch(hint)
			return
		}
		s, ok = d.expand(key, s)
		if !ok {
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			hint := ""
			if t == durationType {
				hint = `use a number and a unit: "250ms", "30s", "5m", "1h"`
			}
			d.fail(key, hint, "%v", err)
		}
	case t.Kind() == reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			mismatch(fmt.Sprintf("use a [%s] table", key))
			return
		}
		d.table(key, v, m)
	case t.Kind() == reflect.String:
		s, ok := raw.(string)
		if !ok {
			mismatch("")
			return
		}
		if s, ok = d.expand(key, s); ok {
			v.SetString(s)
		}
	case t.Kind() == reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			mismatch(unquoteHint(key, raw, reflect.Bool))
			return
		}
		v.SetBool(b)
	case t.Kind() == reflect.Int:
		i, ok := raw.(int64)
		if !ok {
			hint := unquoteHint(key, raw, reflect.Int)
			if f, isFloat := raw.(float64); isFloat && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				hint = fmt.Sprintf("write it as an integer: %s = %d", lastPart(key), int64(f))
			}
			mismatch(hint)
			return
		}
		if v.OverflowInt(i) {
			d.fail(key, "", "integer %d is too large", i)
			return
		}
		v.SetInt(i)
	case t.Kind() == reflect.Float64:
		switch n := raw.(type) {
		case float64:
			v.SetFloat(n)
		case int64:
			v.SetFloat(float64(n))
		default:
			mismatch(unquoteHint(key, raw, reflect.Float64))
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		list, ok := raw.([]any)
		if !ok {
			hint := ""
			if s, isString := raw.(string); isString {
				hint = "use a list: " + lastPart(key) + " = " + listOf(s)
			}
			mismatch(hint)
			return
		}
		var out []string // an empty list decodes as nil, like a missing one
		for i, e := range list {
			ekey := fmt.Sprintf("%s[%d]", key, i)
			s, ok := e.(string)
			if !ok {
				d.fail(ekey, "", "expected a string, got %s", tomlKind(e))
				continue
			}
			if s, ok = d.expand(ekey, s); ok {
				out = append(out, s)
			}
		}
		v.Set(reflect.ValueOf(out))
	default:
		panic(fmt.Sprintf("config: field %s has type %s, which the decoder does not support", f.Name, t))
	}
}

// expand expands the ${VAR} references of the string at key.
func (d *decoder) expand(key, s string) (string, bool) {
	v, err := expand(s, d.env)
	if err != nil {
		hint := ""
		var ee *envError
		if errors.As(err, &ee) {
			hint = ee.hint
		}
		d.fail(key, hint, "%v", err)
		return "", false
	}
	return v, true
}

// unknown reports the key name, which the table at path (the struct t) does
// not have.
func (d *decoder) unknown(path, key, name string, t reflect.Type, raw any) {
	what := "key"
	if _, ok := raw.(map[string]any); ok {
		what = "table"
	}
	names := keysOf(t)
	hint := ""
	if s := suggest(name, names); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	} else if full := findKey(reflect.TypeFor[Config](), "", name); full != "" && full != key {
		hint = fmt.Sprintf("did you mean %q?", full)
	} else if path == "" {
		hint = "the tables are " + strings.Join(names, ", ")
	} else {
		hint = fmt.Sprintf("[%s] has %s", path, strings.Join(names, ", "))
	}
	d.fail(key, hint, "unknown %s", what)
}

// fieldByKey returns the field of the struct t with the TOML key name.
func fieldByKey(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && tomlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tomlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// keysOf lists the TOML keys of the struct t, in order.
func keysOf(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			names = append(names, tomlName(f))
		}
	}
	return names
}

// findKey returns the full path of the first key called name anywhere in the
// struct t, or "".
func findKey(t reflect.Type, path, name string) string {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key := childPath(path, tomlName(f))
		if tomlName(f) == name {
			return key
		}
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			if k := findKey(f.Type, key, name); k != "" {
				return k
			}
		}
	}
	return ""
}

// expected describes the values a field takes, for type errors.
func expected(f reflect.StructField) string {
	var s string
	switch t := f.Type; {
	case t == durationType:
		s = "a duration"
		if f.Tag.Get("example") == "" {
			s += ` like "30s"`
		}
	case t.Kind() == reflect.Struct:
		return "a table"
	case t.Kind() == reflect.String:
		s = "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Int:
		return "an integer"
	case t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Slice:
		s = "a list of strings"
	default:
		s = "a " + t.String()
	}
	if ex := f.Tag.Get("example"); ex != "" {
		s += " like " + ex
	}
	return s
}

// tomlKind names the TOML type of a decoded value.
func tomlKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64:
		return "integer"
	case float64:
		return "float"
	case []any:
		return "list"
	case map[string]any:
		return "table"
	case time.Time, toml.LocalDateTime:
		return "date-time"
	case toml.LocalDate:
		return "date"
	case toml.LocalTime:
		return "time"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// unquoteHint suggests removing the quotes around a string that would be a
// valid value of kind.
func unquoteHint(key string, raw any, kind reflect.Kind) string {
	s, ok := raw.(string)
	if !ok {
		return ""
	}
	var err error
	switch kind {
	case reflect.Bool:
		_, err = strconv.ParseBool(s)
		if s != "true" && s != "false" {
			return ""
		}
	case reflect.Int:
		_, err = strconv.ParseInt(s, 10, 64)
	default:
		_, err = strconv.ParseFloat(s, 64)
	}
	if err != nil {
		return ""
	}
	return fmt.Sprintf("remove the quotes: %s = %s", lastPart(key), s)
}

// listOf writes a comma-separated string as a TOML list of strings.
func listOf(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strconv.Quote(strings.TrimSpace(p))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// lastPart returns the last part of a dotted key.
func lastPart(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}
