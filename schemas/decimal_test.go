package schemas

import (
	"bytes"
	"math/big"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		scale    int32
	}{
		{"0", "0", 0},
		{"-12.340", "-12.340", 3},
		{"+7", "7", 0},
		{".5", "0.5", 1},
		{"5.", "5", 0},
		{"0.000123", "0.000123", 6},
		{"1.5e-3", "0.0015", 4},
		{"1.5E3", "1500", 0},
		{"-9223372036854775808", "-9223372036854775808", 0},
		{"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789", 9},
		{"-0.00000000000000000000000000001", "-0.00000000000000000000000000001", 29},
		{"NaN", "NaN", 0},
		{"infinity", "Infinity", 0},
		{"-Infinity", "-Infinity", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDecimal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if d.Scale() != tc.scale {
				t.Errorf("Scale() = %d, want %d", d.Scale(), tc.scale)
			}
			back, err := ParseDecimal(d.String())
			if err != nil || !back.Equal(d) {
				t.Errorf("re-parse of %q = %v, %v", d.String(), back, err)
			}
		})
	}
	for _, bad := range []string{"", "-", ".", "1..2", "1e", "e5", "1.2.3", "12a", "0x10", "1e99999999999"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) succeeded", bad)
		}
	}
}

func TestDecimalCmpAndEqual(t *testing.T) {
	t.Parallel()
	m := MustParseDecimal
	if !m("1.50").Equal(m("1.50")) || m("1.50").Equal(m("1.5")) {
		t.Error("Equal must compare representations")
	}
	tests := []struct {
		a, b string
		want int
	}{
		{"1.50", "1.5", 0}, {"-1", "1", -1}, {"10", "9.999", 1},
		{"-Infinity", "-99999999999999999999999", -1}, {"Infinity", "1e30", 1}, {"NaN", "Infinity", 1}, {"NaN", "NaN", 0},
	}
	for _, tc := range tests {
		if got := m(tc.a).Cmp(m(tc.b)); got != tc.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTwosComplement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []byte
	}{
		{"0", []byte{0}},
		{"1", []byte{1}},
		{"-1", []byte{0xff}},
		{"127", []byte{0x7f}},
		{"128", []byte{0, 0x80}},
		{"-128", []byte{0x80}},
		{"-129", []byte{0xff, 0x7f}},
		{"9223372036854775807", []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"9223372036854775808", []byte{0, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"-9223372036854775809", []byte{0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, tc := range tests {
		d := MustParseDecimal(tc.in)
		got := d.AppendTwosComplement(nil)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: % x, want % x", tc.in, got, tc.want)
		}
		if back := DecimalFromTwosComplement(got, 0); !back.Equal(d) {
			t.Errorf("%s: back = %s", tc.in, back)
		}
	}
	// Agreement with math/big over a sweep of magnitudes and signs.
	v := big.NewInt(1)
	for i := 0; i < 300; i++ {
		for _, x := range []*big.Int{new(big.Int).Set(v), new(big.Int).Neg(v), new(big.Int).Sub(v, big.NewInt(1))} {
			d := NewDecimalBig(x, 3)
			if back := DecimalFromTwosComplement(d.AppendTwosComplement(nil), 3); back.Unscaled().Cmp(x) != 0 {
				t.Fatalf("round trip of %s gave %s", x, back.Unscaled())
			}
		}
		v.Mul(v, big.NewInt(7))
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.5", "1e-7", "NaN", "123456789012345678901234567890.5", "-.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			return
		}
		back, err := ParseDecimal(d.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", d.String(), s, err)
		}
		if !back.Equal(d) {
			t.Fatalf("%q -> %q -> %q", s, d.String(), back.String())
		}
		if d.IsFinite() {
			if rt := DecimalFromTwosComplement(d.AppendTwosComplement(nil), d.Scale()); !rt.Equal(d) {
				t.Fatalf("two's complement round trip of %q gave %q", d, rt)
			}
		}
	})
}
