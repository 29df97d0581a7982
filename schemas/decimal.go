package schemas

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

type decForm uint8

const (
	decFinite decForm = iota
	decNaN
	decPosInf
	decNegInf
)

// Decimal is an exact, arbitrary-precision decimal number: unscaled × 10^-scale,
// or NaN, or ±Infinity. The scale is kept as given, so 1.50 and 1.5 are
// different representations of the same number ([Decimal.Equal] tells them
// apart, [Decimal.Cmp] does not). Values that fit in an int64 need no
// allocation. The zero Decimal is 0.
type Decimal struct {
	small int64
	big   *big.Int // the unscaled value when it does not fit in small; never changed after construction
	scale int32
	form  decForm
}

// NewDecimal returns unscaled × 10^-scale. A negative scale multiplies the
// unscaled value out so that the result's scale is 0.
func NewDecimal(unscaled int64, scale int32) Decimal {
	if scale < 0 {
		return NewDecimalBig(big.NewInt(unscaled), scale)
	}
	return Decimal{small: unscaled, scale: scale}
}

// NewDecimalBig returns unscaled × 10^-scale; unscaled is copied.
func NewDecimalBig(unscaled *big.Int, scale int32) Decimal {
	u := new(big.Int).Set(unscaled)
	if scale < 0 {
		u.Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-scale)), nil))
		scale = 0
	}
	return decimalOf(u, scale)
}

// decimalOf takes ownership of u.
func decimalOf(u *big.Int, scale int32) Decimal {
	if u.IsInt64() {
		return Decimal{small: u.Int64(), scale: scale}
	}
	return Decimal{big: u, scale: scale}
}

// DecimalNaN returns the decimal NaN.
func DecimalNaN() Decimal { return Decimal{form: decNaN} }

// DecimalInf returns +Infinity for sign >= 0 and -Infinity otherwise.
func DecimalInf(sign int) Decimal {
	if sign < 0 {
		return Decimal{form: decNegInf}
	}
	return Decimal{form: decPosInf}
}

// ErrDecimalSyntax is returned (wrapped) by [ParseDecimal] for text that is
// not a decimal number.
var ErrDecimalSyntax = errors.New("schemas: invalid decimal")

// ParseDecimal parses plain or exponent notation ("-12.340", "1.5e-3") and
// "NaN", "Infinity", "-Infinity" (any case; "inf" too). The scale is the
// number of digits after the point, less the exponent, and never below 0.
func ParseDecimal(s string) (Decimal, error) {
	switch strings.ToLower(s) {
	case "nan":
		return DecimalNaN(), nil
	case "infinity", "+infinity", "inf", "+inf":
		return DecimalInf(1), nil
	case "-infinity", "-inf":
		return DecimalInf(-1), nil
	}
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil || i == 0 {
			return Decimal{}, fmt.Errorf("%w: %q", ErrDecimalSyntax, s)
		}
		mant, exp = s[:i], e
	}
	neg := false
	if mant != "" && (mant[0] == '-' || mant[0] == '+') {
		neg = mant[0] == '-'
		mant = mant[1:]
	}
	intPart, frac, hasPoint := strings.Cut(mant, ".")
	if (intPart == "" && frac == "") || (hasPoint && intPart == "" && frac == "") {
		return Decimal{}, fmt.Errorf("%w: %q", ErrDecimalSyntax, s)
	}
	for _, part := range [2]string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return Decimal{}, fmt.Errorf("%w: %q", ErrDecimalSyntax, s)
			}
		}
	}
	digits := intPart + frac
	scale := int64(len(frac)) - exp
	if scale > math.MaxInt32 || scale < math.MinInt32 || len(digits) > 1<<17 {
		return Decimal{}, fmt.Errorf("%w: %q: exponent out of range", ErrDecimalSyntax, s)
	}
	if len(digits) <= 18 {
		var v int64
		for i := 0; i < len(digits); i++ {
			v = v*10 + int64(digits[i]-'0')
		}
		if neg {
			v = -v
		}
		return NewDecimal(v, int32(scale)), nil
	}
	u, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Decimal{}, fmt.Errorf("%w: %q", ErrDecimalSyntax, s)
	}
	if neg {
		u.Neg(u)
	}
	if scale < 0 {
		if -scale > 1<<17 {
			return Decimal{}, fmt.Errorf("%w: %q: exponent out of range", ErrDecimalSyntax, s)
		}
		return NewDecimalBig(u, int32(scale)), nil
	}
	return decimalOf(u, int32(scale)), nil
}

// MustParseDecimal is [ParseDecimal] for constants in tests and tables; it
// panics on bad text.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsNaN reports whether d is NaN.
func (d Decimal) IsNaN() bool { return d.form == decNaN }

// IsInf reports whether d is +Infinity (sign > 0), -Infinity (sign < 0) or
// either (sign == 0).
func (d Decimal) IsInf(sign int) bool {
	switch d.form {
	case decPosInf:
		return sign >= 0
	case decNegInf:
		return sign <= 0
	}
	return false
}

// IsFinite reports whether d is neither NaN nor infinite.
func (d Decimal) IsFinite() bool { return d.form == decFinite }

// Scale returns the number of digits after the decimal point.
func (d Decimal) Scale() int32 { return d.scale }

// Unscaled returns the unscaled value as a new big.Int (0 for NaN and
// infinities).
func (d Decimal) Unscaled() *big.Int {
	if d.big != nil {
		return new(big.Int).Set(d.big)
	}
	return big.NewInt(d.small)
}

// Unscaled64 returns the unscaled value when it fits in an int64.
func (d Decimal) Unscaled64() (int64, bool) {
	return d.small, d.big == nil && d.form == decFinite
}

// Equal reports whether d and o have the same representation: the same
// unscaled value and scale, or the same special value.
func (d Decimal) Equal(o Decimal) bool {
	if d.form != o.form {
		return false
	}
	if d.form != decFinite {
		return true
	}
	if d.scale != o.scale {
		return false
	}
	if d.big == nil && o.big == nil {
		return d.small == o.small
	}
	return d.Unscaled().Cmp(o.Unscaled()) == 0
}

// Cmp compares numerically: -1, 0 or +1. NaN sorts above everything and
// equals NaN, as in PostgreSQL.
func (d Decimal) Cmp(o Decimal) int {
	rank := func(x Decimal) int {
		switch x.form {
		case decNegInf:
			return 0
		case decPosInf:
			return 2
		case decNaN:
			return 3
		}
		return 1
	}
	if rd, ro := rank(d), rank(o); rd != ro || rd != 1 {
		return cmpInt(rd, ro)
	}
	a, b := d.Unscaled(), o.Unscaled()
	ten := big.NewInt(10)
	if d.scale < o.scale {
		a.Mul(a, new(big.Int).Exp(ten, big.NewInt(int64(o.scale-d.scale)), nil))
	} else if o.scale < d.scale {
		b.Mul(b, new(big.Int).Exp(ten, big.NewInt(int64(d.scale-o.scale)), nil))
	}
	return a.Cmp(b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String renders d exactly in plain notation with all scale digits:
// "-12.340", "NaN", "Infinity", "-Infinity".
func (d Decimal) String() string { return string(d.Append(nil)) }

// Append appends [Decimal.String]'s text to dst.
func (d Decimal) Append(dst []byte) []byte {
	switch d.form {
	case decNaN:
		return append(dst, "NaN"...)
	case decPosInf:
		return append(dst, "Infinity"...)
	case decNegInf:
		return append(dst, "-Infinity"...)
	}
	var buf [24]byte
	var digits []byte
	neg := false
	if d.big == nil {
		u := d.small
		neg = u < 0
		digits = strconv.AppendUint(buf[:0], absU64(u), 10)
	} else {
		neg = d.big.Sign() < 0
		digits = new(big.Int).Abs(d.big).Append(buf[:0], 10)
	}
	if neg {
		dst = append(dst, '-')
	}
	scale := int(d.scale)
	if scale == 0 {
		return append(dst, digits...)
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-scale:]...)
}

func absU64(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// Float64 returns the nearest float64 (lossy; for statistics, never for data).
func (d Decimal) Float64() float64 {
	switch d.form {
	case decNaN:
		return math.NaN()
	case decPosInf:
		return math.Inf(1)
	case decNegInf:
		return math.Inf(-1)
	}
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// AppendTwosComplement appends the unscaled value as big-endian two's
// complement in the fewest bytes (the encoding of Kafka Connect's and Avro's
// decimal). It must not be called on NaN or infinities.
func (d Decimal) AppendTwosComplement(dst []byte) []byte {
	if d.big == nil {
		v := d.small
		n := 1
		for n < 8 && (v < -(1<<(8*n-1)) || v >= 1<<(8*n-1)) {
			n++
		}
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byte(v>>(8*i)))
		}
		return dst
	}
	u := d.big
	if u.Sign() >= 0 {
		b := u.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			dst = append(dst, 0)
		}
		return append(dst, b...)
	}
	// Negative: 2^(8n) + u, with n large enough to keep the sign bit.
	n := (u.BitLen() + 8) / 8
	m := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
	m.Add(m, u)
	b := m.Bytes()
	for i := len(b); i < n; i++ {
		dst = append(dst, 0xff)
	}
	return append(dst, b...)
}

// DecimalFromTwosComplement is the inverse of
// [Decimal.AppendTwosComplement]: b is a big-endian two's complement
// unscaled value. Empty b is 0.
func DecimalFromTwosComplement(b []byte, scale int32) Decimal {
	if len(b) <= 8 {
		var v int64
		if len(b) > 0 && b[0]&0x80 != 0 {
			v = -1
		}
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return NewDecimal(v, scale)
	}
	u := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return NewDecimalBig(u, scale)
}
