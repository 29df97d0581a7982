package infer

// Type is a column type from the inference vocabulary. The zero value,
// [Unknown], is the type of a column that has held only nulls so far.
type Type uint8

// The type vocabulary, in the order of the widening lattice described in the
// package documentation.
const (
	Unknown Type = iota
	Boolean
	Integer
	Decimal
	Float
	Date
	Timestamp
	UUID
	JSON
	String
	numTypes
)

var typeNames = [numTypes]string{"unknown", "boolean", "integer", "decimal", "float", "date", "timestamp", "uuid", "json", "string"}

// String returns the type's name as printed by `helios-etl schema infer`.
func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return "invalid"
}

// ParseType is the inverse of [Type.String].
func ParseType(s string) (Type, bool) {
	for i, n := range typeNames {
		if n == s {
			return Type(i), true
		}
	}
	return Unknown, false
}

// Numeric reports whether values of t are numbers.
func (t Type) Numeric() bool { return t == Integer || t == Decimal || t == Float }

// Temporal reports whether values of t are dates or timestamps.
func (t Type) Temporal() bool { return t == Date || t == Timestamp }

// Widen returns the narrowest type that holds every value of a and of b, and
// whether that needed a fallback to [String] because the two are not related
// in the lattice (see the package documentation for the rules).
func Widen(a, b Type) (t Type, toString bool) {
	switch {
	case a == b:
		return a, false
	case a == Unknown:
		return b, false
	case b == Unknown:
		return a, false
	case a == String || b == String:
		return String, false
	case a.Numeric() && b.Numeric():
		return max(a, b), false
	case a.Temporal() && b.Temporal():
		return Timestamp, false
	}
	return String, true
}
