package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a configuration file: where it is, which key, what
// is wrong and, when it can be told, how to fix it.
//
// Load and Parse return all the problems they find as one error that wraps an
// *Error per problem (errors.Join); its message has one problem per line.
type Error struct {
	// File is the name given to Parse, or the path given to Load.
	File string
	// Line and Column are 1-based; Column counts bytes. Both are 0 when the
	// problem is about a key that the file does not set and that has no
	// enclosing table in the file either.
	Line, Column int
	// Key is the dotted path of the key, such as "kafka.sasl.mechanism", with
	// an index for list elements ("kafka.brokers[1]"). It is empty for syntax
	// errors that are not inside a key/value pair.
	Key string
	// Msg says what is wrong; Hint, when not empty, how to fix it.
	Msg, Hint string
}

// Error formats the problem as "file:line:col: key: msg (hint)", leaving out
// the parts that are not known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File != "" {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// problem returns an *Error for key (relative to the section that reports
// it) with a formatted message.
func problem(key, hint, format string, args ...any) *Error {
	return &Error{Key: key, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// problems collects the *Error values inside err, which may be an *Error or
// a tree of errors.Join values. Errors of other types become an *Error with
// only a message.
func problems(err error) []*Error {
	if err == nil {
		return nil
	}
	// The tree is built by this package and never wrapped: no errors.As.
	if e, ok := err.(*Error); ok {
		return []*Error{e}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Error
		for _, e := range j.Unwrap() {
			out = append(out, problems(e)...)
		}
		return out
	}
	return []*Error{{Msg: err.Error()}}
}

// prefixed prepends prefix to the key of every problem in err: sections
// report keys relative to their table and Config.Validate puts them in place.
func prefixed(prefix string, err error) []*Error {
	ps := problems(err)
	for _, p := range ps {
		p.Key = childPath(prefix, p.Key)
	}
	return ps
}

// join sorts problems by position (the ones with no line last) and joins
// them into one error; it returns nil when there are none.
func join(ps []*Error) error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b *Error) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), strings.Compare(a.Key, b.Key))
	})
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// childPath returns the dotted path of key name inside the table at path.
// Parts that are not bare TOML keys are quoted, so that every path names one
// key unambiguously. name may itself be a dotted path already quoted.
func childPath(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	default:
		return path + "." + name
	}
}

// keyPart quotes a key part when it is not a bare TOML key.
func keyPart(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(s)
		}
	}
	return s
}

// synonyms maps words that other tools use to the candidate we use.
var synonyms = map[string]string{
	"ssl":      "tls",
	"username": "user",
	"passwd":   "password",
	"pass":     "password",
}

// suggest returns the candidate closest to name by edit distance, or "" when
// none is close enough to be a likely typo. Case, - for _, prefixes
// ("warning" for "warn") and a few synonyms ("ssl" for "tls") count as
// close.
func suggest(name string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	n := norm(name)
	if s, ok := synonyms[n]; ok && slices.Contains(candidates, s) {
		return s
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		nc := norm(c)
		d := editDistance(n, nc)
		if min(len(n), len(nc)) >= 3 && (strings.HasPrefix(n, nc) || strings.HasPrefix(nc, n)) {
			d = min(d, 1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 1
	switch l := len(n); {
	case l >= 9:
		limit = 3
	case l >= 5:
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Keys that long are not typos of ours; skip the quadratic work.
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
