package schemas

import (
	"math"
	"testing"
)

func TestValueAccessors(t *testing.T) {
	t.Parallel()
	u, err := ParseUUID("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		v    Value
		kind Kind
		text string
		ok   func(Value) bool
	}{
		{"null", Null(), KindInvalid, "NULL", Value.IsNull},
		{"unchanged", Unchanged(), KindInvalid, "UNCHANGED", func(v Value) bool { return v.IsUnchanged() && !v.IsNull() }},
		{"bool", Bool(true), KindBool, "true", Value.Bool},
		{"int16", Int(KindInt16, -32768), KindInt16, "-32768", func(v Value) bool { return v.Int() == -32768 }},
		{"float32 rounds", Float(KindFloat32, 0.1), KindFloat32, "0.1", func(v Value) bool { return v.Float() == float64(float32(0.1)) }},
		{"float64 NaN", Float(KindFloat64, math.NaN()), KindFloat64, "NaN", func(v Value) bool { return math.IsNaN(v.Float()) }},
		{"big decimal", DecimalValue(MustParseDecimal("-123456789012345678901234.5")), KindDecimal, "-123456789012345678901234.5", func(v Value) bool { return v.Decimal().Scale() == 1 }},
		{"bytes", Bytes([]byte{0, 1, 0xfe}), KindBytes, `\x0001fe`, func(v Value) bool { return len(v.Bytes()) == 3 }},
		{"uuid", UUID(u), KindUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", func(v Value) bool { return v.UUID() == u }},
		{"json", JSON(`{"a":[1]}`), KindJSON, `{"a":[1]}`, func(v Value) bool { return v.Str() == `{"a":[1]}` }},
		{"enum", Enum("happy"), KindEnum, "happy", func(v Value) bool { return v.Str() == "happy" }},
		{"array", Array([]Value{Int64(1), Null()}), KindArray, "[1,NULL]", func(v Value) bool { return len(v.Elems()) == 2 }},
		{"interval", IntervalValue(Interval{Months: -3, Days: -4, Micros: 5}), KindInterval, "P-3M-4DT0.000005S", func(v Value) bool {
			return v.Interval() == Interval{Months: -3, Days: -4, Micros: 5}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.v.Kind() != tc.kind {
				t.Errorf("Kind() = %v, want %v", tc.v.Kind(), tc.kind)
			}
			if got := tc.v.String(); got != tc.text {
				t.Errorf("String() = %q, want %q", got, tc.text)
			}
			if !tc.ok(tc.v) {
				t.Errorf("accessor check failed for %v", tc.v)
			}
			if !Equal(tc.v, tc.v) {
				t.Errorf("value not equal to itself")
			}
		})
	}
	if Equal(Null(), Unchanged()) || Equal(Int(KindInt32, 1), Int(KindInt64, 1)) || Equal(String("a"), Enum("a")) {
		t.Error("values of different state or kind compare equal")
	}
}

func TestValueIsSmall(t *testing.T) {
	// A row of 10 scalar values must not allocate; keep the union compact.
	allocs := testing.AllocsPerRun(100, func() {
		row := make([]Value, 0, 10)
		row = append(row, Int64(1), Bool(true), Float(KindFloat64, 1.5), Date(1), TimestampTZ(1),
			DecimalValue(NewDecimal(12345, 2)), UUID([16]byte{1}), IntervalValue(Interval{Days: 1}), Null(), Unchanged())
		_ = row
	})
	if allocs > 1 {
		t.Errorf("building a row of scalars allocates %v times, want at most 1 (the slice)", allocs)
	}
}

func TestEqualFloats(t *testing.T) {
	t.Parallel()
	// PostgreSQL's NaN (binary 0x7ff8000000000000) and Go's math.NaN()
	// (0x7ff8000000000001) are both NaN.
	pgNaN := math.Float64frombits(0x7ff8000000000000)
	negNaN := math.Float64frombits(0xfff8000000000000)
	tests := []struct {
		name string
		a, b Value
		want bool
	}{
		{"NaN payloads", Float(KindFloat64, pgNaN), Float(KindFloat64, math.NaN()), true},
		{"negative NaN", Float(KindFloat64, negNaN), Float(KindFloat64, math.NaN()), true},
		{"float32 NaN", Float(KindFloat32, pgNaN), Float(KindFloat32, math.NaN()), true},
		{"NaN and 1", Float(KindFloat64, math.NaN()), Float(KindFloat64, 1), false},
		{"zero signs", Float(KindFloat64, 0), Float(KindFloat64, math.Copysign(0, -1)), false},
		{"same", Float(KindFloat64, 0.1), Float(KindFloat64, 0.1), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Equal(tc.a, tc.b); got != tc.want {
				t.Errorf("Equal(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
