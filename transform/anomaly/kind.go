package anomaly

// Kind is what is wrong with a value.
type Kind uint8

// The kinds of anomaly, from the most specific to the least: when one value
// could be reported as several, the detector reports the first that applies
// in this order (a null is not also an invalid format, a duplicate key is not
// also an outlier).
const (
	None           Kind = iota
	UnexpectedNull      // null in a field that is (almost) never null
	InvalidFormat       // not the field's dominant format
	Duplicate           // repeats a value of a field that is a unique key
	OutOfRange          // outside configured bounds or the learned domain
	Outlier             // statistically extreme for the field or the row
	numKinds
)

var kindNames = [numKinds]string{"none", "unexpected_null", "invalid_format", "duplicate", "out_of_range", "outlier"}

// String returns the kind's name as used in reports and metric labels.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Kinds lists every kind of anomaly (None excluded), in precedence order.
func Kinds() []Kind {
	return []Kind{UnexpectedNull, InvalidFormat, Duplicate, OutOfRange, Outlier}
}

// ParseKind returns the kind with the given name.
func ParseKind(s string) (Kind, bool) {
	for k := UnexpectedNull; k < numKinds; k++ {
		if kindNames[k] == s {
			return k, true
		}
	}
	return None, false
}

// Finding is one anomalous value.
type Finding struct {
	// Row is the 0-based index of the data row.
	Row int64
	// Col is the field's position in the header; Field is its name.
	Col   int
	Field string
	Kind  Kind
	// Detail says, for a person, why the value was flagged.
	Detail string
}
