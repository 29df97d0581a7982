package deploy

import (
	"fmt"
	"strings"
	"unicode"
)

// selector is one metric selector of a PromQL expression: the metric name
// and the labels its matchers name.
type selector struct {
	metric string
	labels []string
}

// promqlRefs is a small PromQL scanner, enough for the expressions of this
// folder: it returns the metric selectors and the labels named in by(),
// without(), on() and ignoring(). Grafana variables ($name, ${name}) are
// skipped. It is not a full parser; promtool checks the syntax.
func promqlRefs(expr string) (sels []selector, grouping []string, err error) {
	keywords := map[string]bool{"and": true, "or": true, "unless": true, "offset": true, "bool": true,
		"inf": true, "nan": true, "group_left": true, "group_right": true,
		// aggregation operators, which may be followed by by()/without()
		"sum": true, "avg": true, "min": true, "max": true, "count": true, "group": true, "stddev": true,
		"stdvar": true, "topk": true, "bottomk": true, "quantile": true, "count_values": true}
	groupers := map[string]bool{"by": true, "without": true, "on": true, "ignoring": true}
	s := expr
	i := 0
	skipSpace := func() {
		for i < len(s) && unicode.IsSpace(rune(s[i])) {
			i++
		}
	}
	ident := func() string {
		j := i
		for i < len(s) && (s[i] == '_' || s[i] == ':' || unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i]))) {
			i++
		}
		return s[j:i]
	}
	list := func() ([]string, error) { // after '(' of a grouping: idents until ')'
		var out []string
		for {
			skipSpace()
			if i >= len(s) {
				return nil, fmt.Errorf("unclosed label list")
			}
			switch s[i] {
			case ')':
				i++
				return out, nil
			case ',':
				i++
			default:
				id := ident()
				if id == "" {
					return nil, fmt.Errorf("unexpected %q in label list at %d", s[i], i)
				}
				out = append(out, id)
			}
		}
	}
	matchers := func() ([]string, error) { // after '{': label op "value", ...
		var out []string
		for {
			skipSpace()
			if i >= len(s) {
				return nil, fmt.Errorf("unclosed matchers")
			}
			if s[i] == '}' {
				i++
				return out, nil
			}
			if s[i] == ',' {
				i++
				continue
			}
			l := ident()
			if l == "" {
				return nil, fmt.Errorf("unexpected %q in matchers at %d", s[i], i)
			}
			out = append(out, l)
			skipSpace()
			for i < len(s) && strings.ContainsRune("=!~", rune(s[i])) {
				i++
			}
			skipSpace()
			if i >= len(s) || s[i] != '"' {
				return nil, fmt.Errorf("matcher %s: want a quoted value", l)
			}
			end := strings.IndexByte(s[i+1:], '"')
			for end > 0 && s[i+end] == '\\' {
				next := strings.IndexByte(s[i+end+2:], '"')
				if next < 0 {
					end = -1
					break
				}
				end += next + 1
			}
			if end < 0 {
				return nil, fmt.Errorf("matcher %s: unclosed string", l)
			}
			i += end + 2
		}
	}
	for i < len(s) {
		c := s[i]
		switch {
		case unicode.IsSpace(rune(c)):
			i++
		case c == '[': // range or subquery durations
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, nil, fmt.Errorf("unclosed [ at %d", i)
			}
			i += end + 1
		case c == '$': // Grafana variable
			i++
			if i < len(s) && s[i] == '{' {
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return nil, nil, fmt.Errorf("unclosed ${ at %d", i)
				}
				i += end + 1
			} else {
				ident()
			}
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, nil, fmt.Errorf("unclosed string at %d", i)
			}
			i += end + 2
		case unicode.IsDigit(rune(c)) || (c == '.' && i+1 < len(s) && unicode.IsDigit(rune(s[i+1]))):
			for i < len(s) && (unicode.IsDigit(rune(s[i])) || unicode.IsLetter(rune(s[i])) || s[i] == '.') {
				i++
			}
		case c == '_' || unicode.IsLetter(rune(c)):
			id := ident()
			skipSpace()
			switch {
			case groupers[strings.ToLower(id)]:
				if i >= len(s) || s[i] != '(' {
					return nil, nil, fmt.Errorf("%s without a label list", id)
				}
				i++
				ls, err := list()
				if err != nil {
					return nil, nil, err
				}
				grouping = append(grouping, ls...)
			case keywords[strings.ToLower(id)]:
				if (id == "group_left" || id == "group_right") && i < len(s) && s[i] == '(' {
					i++
					ls, err := list()
					if err != nil {
						return nil, nil, err
					}
					grouping = append(grouping, ls...)
				}
			case i < len(s) && s[i] == '(': // function or aggregation
			default:
				sel := selector{metric: id}
				if i < len(s) && s[i] == '{' {
					i++
					ls, err := matchers()
					if err != nil {
						return nil, nil, fmt.Errorf("%s: %w", id, err)
					}
					sel.labels = ls
				}
				sels = append(sels, sel)
			}
		default:
			i++
		}
	}
	return sels, grouping, nil
}
