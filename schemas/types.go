package schemas

import (
	"fmt"
	"strings"
)

// Kind is the type of a value.
type Kind uint8

// The kinds of values. The zero Kind is invalid.
const (
	KindInvalid Kind = iota
	KindBool
	KindInt16
	KindInt32
	KindInt64
	KindFloat32
	KindFloat64
	KindDecimal
	KindString
	KindBytes
	KindUUID
	KindJSON
	KindDate
	KindTime
	KindTimeTZ
	KindTimestamp
	KindTimestampTZ
	KindInterval
	KindEnum
	KindArray
	kindCount
)

var kindNames = [kindCount]string{
	KindInvalid:     "invalid",
	KindBool:        "bool",
	KindInt16:       "int16",
	KindInt32:       "int32",
	KindInt64:       "int64",
	KindFloat32:     "float32",
	KindFloat64:     "float64",
	KindDecimal:     "decimal",
	KindString:      "string",
	KindBytes:       "bytes",
	KindUUID:        "uuid",
	KindJSON:        "json",
	KindDate:        "date",
	KindTime:        "time",
	KindTimeTZ:      "timetz",
	KindTimestamp:   "timestamp",
	KindTimestampTZ: "timestamptz",
	KindInterval:    "interval",
	KindEnum:        "enum",
	KindArray:       "array",
}

// String returns the kind's name, as used in configuration and errors.
func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind is the inverse of [Kind.String].
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n == s && Kind(k) != KindInvalid {
			return Kind(k), nil
		}
	}
	return KindInvalid, fmt.Errorf("unknown type %q (want one of %s)", s, strings.Join(kindNames[1:], ", "))
}

// VariableScale is the [Type.Scale] of a decimal whose scale varies per
// value (PostgreSQL's unconstrained numeric).
const VariableScale = -1

// Type is a field's type. Types are values; [Type.Elem] is shared.
type Type struct {
	Kind Kind
	// Precision is the decimal precision (total digits) or, for times and
	// timestamps, the digits of fractional seconds; 0 when unconstrained.
	Precision int32
	// Scale is the decimal scale, or [VariableScale].
	Scale int32
	// Elem is the element type of an array.
	Elem *Type
	// Symbols are the allowed values of an enum, in declaration order.
	Symbols []string
	// Source is the type's name in the source system ("int4", "inet",
	// "mood"), kept for sinks that recreate the column; it may be empty.
	Source string
}

// String renders the type compactly: decimal(10,2), array<int32>, enum(a,b).
func (t Type) String() string {
	switch t.Kind {
	case KindDecimal:
		if t.Scale == VariableScale {
			return "decimal"
		}
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	case KindArray:
		if t.Elem == nil {
			return "array<?>"
		}
		return "array<" + t.Elem.String() + ">"
	case KindEnum:
		return "enum(" + strings.Join(t.Symbols, ",") + ")"
	}
	return t.Kind.String()
}

// Equal reports whether two types are the same, element types included.
func (t Type) Equal(o Type) bool {
	if t.Kind != o.Kind || t.Precision != o.Precision || t.Scale != o.Scale || t.Source != o.Source {
		return false
	}
	if len(t.Symbols) != len(o.Symbols) {
		return false
	}
	for i := range t.Symbols {
		if t.Symbols[i] != o.Symbols[i] {
			return false
		}
	}
	if (t.Elem == nil) != (o.Elem == nil) {
		return false
	}
	return t.Elem == nil || t.Elem.Equal(*o.Elem)
}

// Field is one column of a schema.
type Field struct {
	Name     string
	Type     Type
	Nullable bool
}

// Schema describes the rows of one table at one version. A Schema must not
// be changed once events refer to it: make a new one with a higher Version.
type Schema struct {
	// Name is the qualified table name, for example "public.orders".
	Name string
	// Version increases each time the table's shape changes.
	Version int32
	// Fields are the columns, in table order.
	Fields []Field
	// Key holds the indexes in Fields of the primary-key columns, in key
	// order. It is empty for a table without a key.
	Key []int
}

// FieldIndex returns the index of the named field, or -1.
func (s *Schema) FieldIndex(name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

// Validate checks the schema's internal consistency.
func (s *Schema) Validate() error {
	var errs []string
	seen := make(map[string]bool, len(s.Fields))
	for i, f := range s.Fields {
		if f.Name == "" {
			errs = append(errs, fmt.Sprintf("field %d has no name", i))
		}
		if seen[f.Name] {
			errs = append(errs, fmt.Sprintf("field %q appears twice", f.Name))
		}
		seen[f.Name] = true
		if err := f.Type.validate(); err != nil {
			errs = append(errs, fmt.Sprintf("field %q: %v", f.Name, err))
		}
	}
	for _, k := range s.Key {
		if k < 0 || k >= len(s.Fields) {
			errs = append(errs, fmt.Sprintf("key index %d out of range", k))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("schema %s v%d: %s", s.Name, s.Version, strings.Join(errs, "; "))
	}
	return nil
}

func (t Type) validate() error {
	switch {
	case t.Kind == KindInvalid || t.Kind >= kindCount:
		return fmt.Errorf("invalid kind %d", t.Kind)
	case t.Kind == KindArray && t.Elem == nil:
		return fmt.Errorf("array without element type")
	case t.Kind == KindArray:
		return t.Elem.validate()
	case t.Kind == KindDecimal && t.Scale != VariableScale && (t.Scale < 0 || (t.Precision > 0 && t.Scale > t.Precision)):
		return fmt.Errorf("decimal(%d,%d): scale out of range", t.Precision, t.Scale)
	}
	return nil
}
