package pgvalue

import (
	"fmt"

	"github.com/heliosdb/helios-etl/schemas"
)

// maxArrayDepth is PostgreSQL's MAXDIM.
const maxArrayDepth = 6

// decodeArray parses array output: "{1,2,NULL}", `{"a b","c\"d"}`,
// "{{1,2},{3,4}}", "{}", and "[0:1]={1,2}" (explicit lower bounds, which are
// dropped). A multidimensional array becomes an array of arrays.
func (d *Decoder) decodeArray(b []byte) (schemas.Value, error) {
	i := 0
	if i < len(b) && b[i] == '[' {
		// Dimension decoration: [lo:hi][lo:hi]=
		for i < len(b) && b[i] != '=' {
			switch c := b[i]; {
			case c == '[' || c == ']' || c == ':' || c == '-' || c == '+' || isDigit(c):
			default:
				return schemas.Value{}, fmt.Errorf("%w: bad array dimensions", ErrSyntax)
			}
			i++
		}
		if i == len(b) {
			return schemas.Value{}, fmt.Errorf("%w: bad array dimensions", ErrSyntax)
		}
		i++
	}
	i = skipSpace(b, i)
	if i == len(b) || b[i] != '{' {
		return schemas.Value{}, fmt.Errorf("%w: array does not start with {", ErrSyntax)
	}
	p := arrayParser{d: d, b: b}
	v, i, err := p.level(i, 1)
	if err != nil {
		return schemas.Value{}, err
	}
	if i = skipSpace(b, i); i != len(b) {
		return schemas.Value{}, fmt.Errorf("%w: junk after array", ErrSyntax)
	}
	return v, nil
}

type arrayParser struct {
	d       *Decoder
	b       []byte
	scratch []byte // unescaped element text
	n       int    // elements so far, for errors
}

// level parses one {...} starting at b[i] == '{' and returns the index
// after its '}'.
func (p *arrayParser) level(i, depth int) (schemas.Value, int, error) {
	if depth > maxArrayDepth {
		return schemas.Value{}, 0, fmt.Errorf("%w: more than %d array dimensions", ErrSyntax, maxArrayDepth)
	}
	b := p.b
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return schemas.Array([]schemas.Value{}), i + 1, nil
	}
	var elems []schemas.Value
	nested := false
	for {
		i = skipSpace(b, i)
		if i == len(b) {
			return schemas.Value{}, 0, fmt.Errorf("%w: unterminated array", ErrSyntax)
		}
		if b[i] == '{' {
			if len(elems) > 0 && !nested {
				return schemas.Value{}, 0, fmt.Errorf("%w: array mixes elements and sub-arrays", ErrSyntax)
			}
			nested = true
			sub, next, err := p.level(i, depth+1)
			if err != nil {
				return schemas.Value{}, 0, err
			}
			if len(elems) > 0 && len(elems[0].Elems()) != len(sub.Elems()) {
				return schemas.Value{}, 0, fmt.Errorf("%w: sub-arrays of different lengths", ErrSyntax)
			}
			elems = append(elems, sub)
			i = next
		} else {
			if nested {
				return schemas.Value{}, 0, fmt.Errorf("%w: array mixes elements and sub-arrays", ErrSyntax)
			}
			v, next, err := p.element(i)
			if err != nil {
				return schemas.Value{}, 0, err
			}
			elems = append(elems, v)
			i = next
		}
		i = skipSpace(b, i)
		if i == len(b) {
			return schemas.Value{}, 0, fmt.Errorf("%w: unterminated array", ErrSyntax)
		}
		switch b[i] {
		case p.d.delim:
			i++
		case '}':
			return schemas.Array(elems), i + 1, nil
		default:
			return schemas.Value{}, 0, fmt.Errorf("%w: unexpected %q in array", ErrSyntax, b[i])
		}
	}
}

// element parses one element at b[i] (not a space) and decodes it with the
// element decoder.
func (p *arrayParser) element(i int) (schemas.Value, int, error) {
	b := p.b
	p.n++
	var text []byte
	if b[i] == '"' {
		i++
		start := i
		escaped := false
		for i < len(b) && b[i] != '"' {
			if b[i] == '\\' {
				escaped = true
				i++
			}
			i++
		}
		if i >= len(b) {
			return schemas.Value{}, 0, fmt.Errorf("%w: unterminated quoted array element", ErrSyntax)
		}
		text = b[start:i]
		if escaped {
			text = p.unescape(text)
		}
		i++ // closing quote
	} else {
		start, end := i, i
		escaped := false
	scan:
		for i < len(b) {
			switch c := b[i]; {
			case c == '\\':
				if i+1 == len(b) {
					return schemas.Value{}, 0, fmt.Errorf("%w: unterminated escape in array", ErrSyntax)
				}
				escaped = true
				i += 2
				end = i
			case c == p.d.delim || c == '}':
				break scan
			case c == '{' || c == '"':
				return schemas.Value{}, 0, fmt.Errorf("%w: unexpected %q in array element", ErrSyntax, c)
			case isSpace(c):
				i++
			default:
				i++
				end = i
			}
		}
		text = b[start:end]
		if !escaped && len(text) == 4 && isNULL(text) {
			return schemas.Null(), i, nil
		}
		if escaped {
			text = p.unescape(text)
		}
	}
	v, err := p.d.elem.decode(text)
	if err != nil {
		return schemas.Value{}, 0, fmt.Errorf("element %d: %w", p.n, newDecodeError(p.d.elem.name, text, err))
	}
	return v, i, nil
}

// unescape drops the backslashes of text (each quotes the next byte) into
// the parser's scratch buffer, which the next call overwrites.
func (p *arrayParser) unescape(text []byte) []byte {
	s := p.scratch[:0]
	for k := 0; k < len(text); k++ {
		if text[k] == '\\' && k+1 < len(text) {
			k++
		}
		s = append(s, text[k])
	}
	p.scratch = s
	return s
}

func isNULL(t []byte) bool {
	return (t[0]|0x20) == 'n' && (t[1]|0x20) == 'u' && (t[2]|0x20) == 'l' && (t[3]|0x20) == 'l'
}

// isSpace is PostgreSQL's scanner_isspace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}
