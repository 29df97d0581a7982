package envelope

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError is malformed JSON, with the byte offset where it was found.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// scanner is a minimal JSON reader over one message: it reads exactly the
// shapes the envelope uses and skips the rest, allocating only for strings
// that are kept.
type scanner struct {
	b     []byte
	i     int
	depth int
}

// maxDepth bounds the nesting of skipped values, so hostile input cannot
// grow the stack without limit.
const maxDepth = 512

func (s *scanner) fail(msg string) error { return &SyntaxError{Offset: s.i, Msg: msg} }

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		if s.i >= len(s.b) {
			return s.fail(fmt.Sprintf("unexpected end of input, want %q", c))
		}
		return s.fail(fmt.Sprintf("unexpected %q, want %q", s.b[s.i], c))
	}
	s.i++
	return nil
}

// literal consumes null, true or false if it is next.
func (s *scanner) literal(word string) bool {
	s.ws()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// object iterates the members of an object: fn is called with each key (a
// view into the input, valid only during the call, unescaped only when it
// had escapes) positioned at the member's value, which fn must consume.
func (s *scanner) object(fn func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		key, err := s.rawString()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		s.ws()
		if err := fn(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.fail("want ',' or '}' in object")
		}
	}
}

// array iterates the elements of an array; fn must consume each.
func (s *scanner) array(fn func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		s.ws()
		if err := fn(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.fail("want ',' or ']' in array")
		}
	}
}

// rawString reads a string and returns its bytes: a view of the input when
// it has no escapes, else a fresh unescaped copy.
func (s *scanner) rawString() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.fail("want a string")
	}
	s.i++
	start := s.i
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		return nil, s.fail("unterminated string")
	}
	if esc := bytes.IndexByte(s.b[start:start+end], '\\'); esc >= 0 {
		s.i = start + esc
		return s.unescape(start)
	}
	// Control characters are let through: they are invalid JSON but carry
	// no ambiguity, and checking them costs a pass over every string.
	s.i = start + end + 1
	return s.b[start : start+end], nil
}

func (s *scanner) unescape(start int) ([]byte, error) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return out, nil
		case c < 0x20:
			return nil, s.fail("control character in string")
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		s.i++
		if s.i >= len(s.b) {
			break
		}
		e := s.b[s.i]
		s.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, s.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					s.i += 2
					if r2, ok = s.hex4(); !ok {
						return nil, s.fail("bad \\u escape")
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, s.fail(fmt.Sprintf("bad escape \\%c", e))
		}
	}
	return nil, s.fail("unterminated string")
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// str reads a string into a new Go string.
func (s *scanner) str() (string, error) {
	b, err := s.rawString()
	return string(b), err
}

// number returns the text of a JSON number.
func (s *scanner) number() ([]byte, error) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := 0
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && (s.b[s.i-1] == 'e' || s.b[s.i-1] == 'E')) {
			if c >= '0' && c <= '9' {
				digits++
			}
			s.i++
			continue
		}
		break
	}
	if digits == 0 {
		s.i = start
		return nil, s.fail("want a number")
	}
	return s.b[start:s.i], nil
}

// int reads a JSON integer.
func (s *scanner) int() (int64, error) {
	start := s.i
	n, err := s.number()
	if err != nil {
		return 0, err
	}
	v, ok := parseInt(n)
	if !ok {
		s.i = start
		return 0, s.fail(fmt.Sprintf("want an integer, got %s", n))
	}
	return v, nil
}

func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<63)/10 || (u == (1<<63)/10 && d > 8) {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// float reads a JSON number or one of the strings "NaN", "Infinity",
// "-Infinity".
func (s *scanner) float(bits int) (float64, error) {
	if s.peek() == '"' {
		start := s.i
		b, err := s.rawString()
		if err != nil {
			return 0, err
		}
		if f, ok := specialFloat(b); ok {
			return f, nil
		}
		s.i = start
		return 0, s.fail(fmt.Sprintf("want a number, got string %q", b))
	}
	n, err := s.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(n), bits)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, s.fail(fmt.Sprintf("bad number %s", n))
	}
	return f, nil
}

// skip consumes any JSON value.
func (s *scanner) skip() error {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxDepth {
		return s.fail("nesting too deep")
	}
	switch c := s.peek(); {
	case c == '{':
		return s.object(func([]byte) error { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, err := s.rawString()
		return err
	case c == 'n':
		if s.literal("null") {
			return nil
		}
	case c == 't':
		if s.literal("true") {
			return nil
		}
	case c == 'f':
		if s.literal("false") {
			return nil
		}
	default:
		_, err := s.number()
		return err
	}
	return s.fail("invalid literal")
}

// span consumes a value and returns its raw text.
func (s *scanner) span() ([]byte, error) {
	s.ws()
	start := s.i
	if err := s.skip(); err != nil {
		return nil, err
	}
	return s.b[start:s.i], nil
}
