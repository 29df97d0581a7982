package config

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Redacted returns a copy of c with its secrets replaced by "******": the
// passwords, the JWT secret, and the passwords inside the PostgreSQL DSN
// (URL user info, password= and sslpassword=) and the schema registry URL.
// Empty values stay empty, so the copy still shows what is unset. A DSN that
// cannot be parsed is hidden entirely.
func (c *Config) Redacted() *Config {
	r := *c
	walkStrings(reflect.ValueOf(&r).Elem(), func(f reflect.StructField, s *string) {
		switch f.Tag.Get("redact") {
		case "secret":
			if *s != "" {
				*s = redacted
			}
		case "dsn":
			*s = redactDSN(*s)
		case "url":
			*s = redactURL(*s)
		}
	})
	return &r
}

// Encode writes c as TOML, every key with its value, in the order of the
// example file. A $ that would start a ${VAR} reference or a $$ is written
// as $$, so that parsing the output gives c back. Encode writes the secrets
// as they are: encode c.Redacted() to show a configuration.
func (c *Config) Encode(w io.Writer) error {
	e := *c
	walkStrings(reflect.ValueOf(&e).Elem(), func(_ reflect.StructField, s *string) {
		*s = escapeDollars(*s)
	})
	return toml.NewEncoder(w).Encode(&e)
}

// Require returns a problem for each of keys, dotted paths such as
// "kafka.brokers", that is empty or zero. The file checks do not require
// the keys that only some commands use; each command calls Require with the
// ones it cannot run without, before it starts anything:
//
//	if err := cfg.Require("kafka.brokers", "source.postgres.dsn"); err != nil {
//		return err
//	}
func (c *Config) Require(keys ...string) error {
	var ps []*Error
	for _, key := range keys {
		v, f, ok := fieldAt(reflect.ValueOf(c).Elem(), key)
		if !ok {
			ps = append(ps, problem(key, "", "Require: no such key"))
			continue
		}
		if !isEmpty(v) {
			continue
		}
		hint := ""
		if ex := f.Tag.Get("example"); ex != "" {
			hint = fmt.Sprintf("e.g. %s = %s", lastPart(key), ex)
			if parent := parentPath(key); parent != "" {
				hint += fmt.Sprintf(" in [%s]", parent)
			}
		}
		ps = append(ps, problem(key, hint, "must be set for this command"))
	}
	c.locate(ps)
	return join(ps)
}

// fieldAt finds the field at a dotted key path in the struct v.
func fieldAt(v reflect.Value, key string) (reflect.Value, reflect.StructField, bool) {
	var f reflect.StructField
	for _, name := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct || v.Type() == durationType {
			return reflect.Value{}, f, false
		}
		var ok bool
		if f, ok = fieldByKey(v.Type(), name); !ok {
			return reflect.Value{}, f, false
		}
		v = v.FieldByIndex(f.Index)
	}
	return v, f, true
}

func isEmpty(v reflect.Value) bool {
	if v.Kind() == reflect.Slice {
		return v.Len() == 0
	}
	return v.IsZero()
}

// walkStrings calls fn with every string of the addressable struct v, list
// elements included, and the field that holds it. It copies the lists first,
// so that a copy of a Config can be changed without changing the original.
func walkStrings(v reflect.Value, fn func(reflect.StructField, *string)) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Type == durationType {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			walkStrings(fv, fn)
		case fv.Kind() == reflect.String:
			fn(f, fv.Addr().Interface().(*string))
		case fv.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String && !fv.IsNil():
			list := slices.Clone(fv.Interface().([]string))
			for j := range list {
				fn(f, &list[j])
			}
			fv.Set(reflect.ValueOf(list))
		}
	}
}
