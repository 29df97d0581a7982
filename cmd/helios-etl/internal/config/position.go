package config

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// source records where the keys of a file are, to give positions to
// problems found after decoding.
type source struct {
	name string
	// pos maps a key path (as built by childPath, with [i] for list
	// elements) to where it is defined: the key of a key/value pair, the
	// header of a table, the first use of a table made by a dotted key, or
	// a list element.
	pos map[string]position
}

type position struct{ line, col int }

// locate fills in File, Line and Column of each problem: the position of its
// key, or else of the nearest enclosing table or list that the file defines.
func (c *Config) locate(ps []*Error) {
	if c.src == nil {
		return
	}
	for _, p := range ps {
		p.File = c.src.name
		if p.Line > 0 {
			continue
		}
		for key := p.Key; key != ""; key = parentPath(key) {
			if at, ok := c.src.pos[key]; ok {
				p.Line, p.Column = at.line, at.col
				break
			}
		}
	}
}

// parentPath strips the last part (or list index) of a key path made of bare
// keys; it returns "" at the root.
func parentPath(key string) string {
	if strings.HasSuffix(key, "]") {
		if i := strings.LastIndexByte(key, '['); i > 0 {
			return key[:i]
		}
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i]
	}
	return ""
}

// index finds the position of every key, table and list element of a
// document that go-toml has accepted.
func index(data []byte) map[string]position {
	x := indexer{pos: map[string]position{}, lines: lineStarts(data)}
	x.p.Reset(data)
	var table string
	for x.p.NextExpression() {
		e := x.p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = x.key("", e.Key(), true)
		case unstable.KeyValue:
			x.keyValue(table, e)
		}
	}
	return x.pos
}

type indexer struct {
	p     unstable.Parser
	pos   map[string]position
	lines []int
}

// key records the parts of a dotted key under path, all at the position of
// the key's first part, and returns the full path. An explicit table header
// wins over an earlier implicit definition of the same table by a dotted
// key.
func (x *indexer) key(path string, it unstable.Iterator, header bool) string {
	var at position
	for first := true; it.Next(); first = false {
		n := it.Node()
		if first {
			at = x.at(int(n.Raw.Offset))
		}
		path = childPath(path, keyPart(string(n.Data)))
		if _, ok := x.pos[path]; !ok || header && it.IsLast() {
			x.pos[path] = at
		}
	}
	return path
}

func (x *indexer) keyValue(table string, kv *unstable.Node) {
	key := kv.Key()
	path := x.key(table, key, false)
	x.value(path, kv.Value())
}

func (x *indexer) value(path string, v *unstable.Node) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			e := it.Node()
			if e.Kind == unstable.Comment {
				continue
			}
			epath := fmt.Sprintf("%s[%d]", path, i)
			if e.Raw.Length > 0 {
				x.pos[epath] = x.at(int(e.Raw.Offset))
			} else {
				x.pos[epath] = x.pos[path]
			}
			x.value(epath, e)
			i++
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			if kv := it.Node(); kv.Kind == unstable.KeyValue {
				x.keyValue(path, kv)
			}
		}
	}
}

// at converts a byte offset to a line and a byte column, both 1-based.
func (x *indexer) at(offset int) position {
	return offsetPosition(x.lines, offset)
}

// lineStarts returns the offset of the first byte of every line.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func offsetPosition(starts []int, offset int) position {
	line := sort.Search(len(starts), func(i int) bool { return starts[i] > offset }) - 1
	return position{line: line + 1, col: offset - starts[line] + 1}
}

// syntaxError converts go-toml's error for a document it rejects. It adds
// the key of the line when the line is a key/value pair or a table header,
// and a hint for the common mistakes.
func syntaxError(name string, data []byte, err error) *Error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &Error{File: name, Line: 1, Column: 1, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line, col := de.Position()
	e := &Error{File: name, Line: line, Column: col, Msg: strings.TrimPrefix(de.Error(), "toml: ")}
	text := lineText(data, line)
	e.Key = keyOfLine(data, line, text)
	switch {
	case strings.Contains(e.Msg, "at start of value"):
		if word := bareWord(text, col); word != "" && e.Key != "" {
			e.Hint = fmt.Sprintf("strings are quoted: %s = %q", lastPart(e.Key), word)
		}
	case strings.Contains(e.Msg, "already"):
		e.Hint = "a key or table may be defined only once"
	}
	return e
}

// lineText returns line n (1-based) of data, without its line break.
func lineText(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[n-1], "\r")
}

var (
	simpleKey = `(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`
	dottedKey = simpleKey + `(?:[ \t]*\.[ \t]*` + simpleKey + `)*`
	keyLine   = regexp.MustCompile(`^[ \t]*(` + dottedKey + `)[ \t]*=`)
	headLine  = regexp.MustCompile(`^[ \t]*\[\[?[ \t]*(` + dottedKey + `)[ \t]*\]`)
)

// keyOfLine returns the full path of the key defined on line n of a
// document with a syntax error there, or "" when the line does not start
// with a key or a table header. The enclosing table is the last header the
// parser read before the error.
func keyOfLine(data []byte, n int, text string) string {
	if m := headLine.FindStringSubmatch(text); m != nil {
		return parseKey(m[1])
	}
	m := keyLine.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	key := parseKey(m[1])
	if key == "" {
		return ""
	}
	var p unstable.Parser
	p.Reset(data)
	starts := lineStarts(data)
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		it := e.Key()
		if !it.Next() || offsetPosition(starts, int(it.Node().Raw.Offset)).line >= n {
			break
		}
		it = e.Key()
		path := ""
		for it.Next() {
			path = childPath(path, keyPart(string(it.Node().Data)))
		}
		table = path
	}
	return childPath(table, key)
}

// parseKey converts a dotted key as written to a path, or "" when it does
// not parse.
func parseKey(s string) string {
	var p unstable.Parser
	p.Reset([]byte(s + " = 0"))
	if !p.NextExpression() {
		return ""
	}
	path := ""
	for it := p.Expression().Key(); it.Next(); {
		path = childPath(path, keyPart(string(it.Node().Data)))
	}
	return path
}

// bareWord returns the unquoted text that starts at column col of a line,
// up to a comment or the end of the line.
func bareWord(text string, col int) string {
	if col < 1 || col > len(text) {
		return ""
	}
	w, _, _ := strings.Cut(text[col-1:], "#")
	w = strings.TrimSpace(w)
	if strings.ContainsAny(w, `"'[]{}=`) {
		return ""
	}
	return w
}
