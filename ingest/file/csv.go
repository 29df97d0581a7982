package file

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
)

// csvScanner splits CSV text into records the way encoding/csv does with
// LazyQuotes off (RFC 4180: quoted fields may hold separators, doubled quotes
// and line breaks; "\r\n" reads as "\n"; empty lines are skipped), but
// without copying each field. The input is read in large blocks and each
// block of whole lines becomes one string; the fields of unquoted records,
// and of quoted fields without escapes, are substrings of it. So a record
// costs no allocation, and a block costs one.
//
// Errors are encoding/csv's: [csv.ErrQuote] and [csv.ErrBareQuote] in a
// [*csv.ParseError]. After one, the rest of the physical line where it
// happened is skipped and the next call goes on with the following line.
type csvScanner struct {
	src   io.Reader
	comma byte

	chunk string // whole lines read and not yet parsed, from pos
	pos   int
	line  int    // 1-based line number of chunk[pos]
	tail  []byte // bytes read after the last line break
	eof   bool
	err   error // a read error other than io.EOF, reported once the chunk is spent

	fields  []string
	scratch []byte
}

// csvBlock is the size of one read; a line longer than that grows the buffer.
const csvBlock = 256 << 10

func newCSVScanner(r io.Reader, comma byte, block int) *csvScanner {
	return &csvScanner{src: r, comma: comma, line: 1, tail: make([]byte, 0, max(block, 1))}
}

// fill appends at least one more line (or, at the end of input, the rest) to
// the unparsed part of the chunk. It reports false when nothing was added.
func (s *csvScanner) fill() bool {
	for !s.eof && s.err == nil {
		if len(s.tail) == cap(s.tail) {
			s.tail = append(s.tail, make([]byte, cap(s.tail))...)[:len(s.tail)]
		}
		old := len(s.tail)
		n, err := s.src.Read(s.tail[old:cap(s.tail)])
		s.tail = s.tail[:old+n]
		switch {
		case err == io.EOF:
			s.eof = true
		case err != nil:
			s.err = err
		}
		if i := bytes.LastIndexByte(s.tail[old:], '\n'); i >= 0 {
			s.take(old + i + 1)
			return true
		}
	}
	if len(s.tail) == 0 {
		return false
	}
	s.take(len(s.tail))
	return true
}

// take moves the first n bytes of the tail to the end of the chunk.
func (s *csvScanner) take(n int) {
	s.chunk = s.chunk[s.pos:] + string(s.tail[:n])
	s.pos = 0
	s.tail = s.tail[:copy(s.tail, s.tail[n:])]
}

// next returns the fields of the next record and the line it starts on. The
// slice is reused by the following call; the strings are not. At the end it
// returns io.EOF, or the read error that ended the input.
func (s *csvScanner) next() (fields []string, line int, err error) {
	for {
		if s.pos >= len(s.chunk) && !s.fill() {
			if s.err != nil {
				return nil, 0, s.err
			}
			return nil, 0, io.EOF
		}
		rest := s.chunk[s.pos:]
		end := strings.IndexByte(rest, '\n')
		text := rest
		if end >= 0 {
			text = rest[:end]
		} else if !s.eof && s.err == nil {
			// Only the end of input lacks a line break; read on.
			s.fill()
			continue
		}
		if n := len(text); n > 0 && text[n-1] == '\r' {
			text = text[:n-1]
		}
		if strings.IndexByte(text, '"') < 0 {
			s.advance(end, len(rest))
			if text == "" {
				continue // encoding/csv skips empty lines
			}
			return s.split(text), s.line - 1, nil
		}
		start := s.line
		s.fields = s.fields[:0]
		used, breaks, perr, more := s.quoted(rest, s.eof || s.err != nil)
		if more {
			s.fill() // adds a line, or finds the end of input: either way, parse again
			continue
		}
		s.pos += used
		s.line += breaks
		if perr != nil {
			perr.StartLine = start
			return nil, start, perr
		}
		return s.fields, start, nil
	}
}

// advance consumes one physical line of rest that ends at end (-1: at the
// end of input).
func (s *csvScanner) advance(end, n int) {
	if end < 0 {
		s.pos += n
	} else {
		s.pos += end + 1
	}
	s.line++
}

// split cuts an unquoted line at the separators.
func (s *csvScanner) split(text string) []string {
	s.fields = s.fields[:0]
	for {
		i := strings.IndexByte(text, s.comma)
		if i < 0 {
			s.fields = append(s.fields, text)
			break
		}
		s.fields = append(s.fields, text[:i])
		text = text[i+1:]
	}
	return s.fields
}

// quoted parses one record that holds a quote, starting at rest[0], into
// s.fields. It returns the bytes and line breaks consumed, or more = true
// when the record goes on past the end of rest and the input has not ended
// (atEnd false). On a syntax error it consumes up to the end of the line
// where the error is.
func (s *csvScanner) quoted(rest string, atEnd bool) (used, breaks int, perr *csv.ParseError, more bool) {
	p := 0
	fail := func(at int, err error) (int, int, *csv.ParseError, bool) {
		line := s.line + breaks
		if i := strings.IndexByte(rest[at:], '\n'); i >= 0 {
			return at + i + 1, breaks + 1, &csv.ParseError{Line: line, Err: err}, false
		}
		return len(rest), breaks + 1, &csv.ParseError{Line: line, Err: err}, false
	}
	for {
		if p < len(rest) && rest[p] == '"' {
			p++
			start, escaped := p, false
			for {
				q := strings.IndexByte(rest[p:], '"')
				if q < 0 {
					if !atEnd {
						return 0, 0, nil, true
					}
					// encoding/csv: an unterminated quoted field reads to the end and fails.
					return len(rest), breaks + strings.Count(rest[p:], "\n") + 1,
						&csv.ParseError{Line: s.line + breaks, Err: csv.ErrQuote}, false
				}
				if nl := strings.Count(rest[p:p+q], "\n"); nl > 0 {
					breaks += nl
					escaped = escaped || strings.Contains(rest[p:p+q], "\r\n")
				}
				p += q + 1
				if p < len(rest) && rest[p] == '"' {
					escaped = true
					p++
					continue
				}
				break
			}
			field := rest[start : p-1]
			if escaped {
				field = s.unescape(field)
			}
			s.fields = append(s.fields, field)
			switch {
			case p < len(rest) && rest[p] == s.comma:
				p++
				continue
			case p == len(rest), p+1 == len(rest) && rest[p] == '\r' && atEnd:
				if !atEnd {
					return 0, 0, nil, true
				}
				return len(rest), breaks + 1, nil, false
			case rest[p] == '\n':
				return p + 1, breaks + 1, nil, false
			case rest[p] == '\r' && p+1 < len(rest) && rest[p+1] == '\n':
				return p + 2, breaks + 1, nil, false
			}
			return fail(p, csv.ErrQuote)
		}
		// An unquoted field: up to the separator or the end of the line.
		end := len(rest)
		nl := strings.IndexByte(rest[p:], '\n')
		if nl >= 0 {
			end = p + nl
		}
		text := rest[p:end]
		last := false
		if i := strings.IndexByte(text, s.comma); i >= 0 {
			text = text[:i]
		} else {
			last = true
			if n := len(text); n > 0 && text[n-1] == '\r' && (nl >= 0 || atEnd) {
				text = text[:n-1]
			}
		}
		if strings.IndexByte(text, '"') >= 0 {
			return fail(p, csv.ErrBareQuote)
		}
		s.fields = append(s.fields, text)
		if !last {
			p += len(text) + 1
			continue
		}
		if nl < 0 {
			if !atEnd {
				return 0, 0, nil, true
			}
			return len(rest), breaks + 1, nil, false
		}
		return end + 1, breaks + 1, nil, false
	}
}

// unescape turns doubled quotes into one and "\r\n" into "\n".
func (s *csvScanner) unescape(f string) string {
	b := s.scratch[:0]
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '"' && i+1 < len(f) && f[i+1] == '"':
			i++
		case c == '\r' && i+1 < len(f) && f[i+1] == '\n':
			continue
		}
		b = append(b, c)
	}
	s.scratch = b
	return string(b)
}
