package config

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// envError is a problem with a ${...} reference; the decoder turns it into
// an *Error at the key that holds the string.
type envError struct {
	msg, hint string
}

func (e *envError) Error() string { return e.msg }

// expand replaces ${NAME} and ${NAME:-default} in s with values from env
// and $$ with $. Like the shell, ${NAME:-default} takes the default when NAME
// is unset or empty; ${NAME} is an error when NAME is unset and the empty
// string when it is set but empty. A $ followed by anything else is kept.
func expand(s string, env func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i += 2
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", &envError{msg: `unterminated "${"`, hint: `write ${NAME}, or $$ for a literal $`}
			}
			ref := s[i+2 : i+2+end]
			v, err := lookup(ref, env)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i += 2 + end + 1
		default:
			b.WriteByte('$')
			i++
		}
	}
	return b.String(), nil
}

// lookup resolves the inside of one ${...} reference.
func lookup(ref string, env func(string) (string, bool)) (string, error) {
	name, def, hasDefault := strings.Cut(ref, ":-")
	if !validEnvName(name) {
		hint := "names are letters, digits and _, not starting with a digit"
		if strings.ContainsAny(name, "-=?+") {
			hint = "the only form with a default is ${NAME:-default}"
		}
		return "", &envError{msg: fmt.Sprintf("invalid environment variable reference ${%s}", ref), hint: hint}
	}
	v, ok := env(name)
	switch {
	case hasDefault && v == "":
		return def, nil
	case !ok:
		return "", &envError{
			msg:  fmt.Sprintf("environment variable %s is not set", name),
			hint: fmt.Sprintf("set it, or give a default: ${%s:-value}", name),
		}
	case !utf8.ValidString(v):
		return "", &envError{msg: fmt.Sprintf("environment variable %s is not valid UTF-8", name)}
	}
	return v, nil
}

func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// escapeDollars is the inverse of expand for a string without references:
// it doubles every $ that expand would otherwise read as the start of $$ or
// ${, so that expand(escapeDollars(s)) == s.
func escapeDollars(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '$' && i+1 < len(s) && (s[i+1] == '$' || s[i+1] == '{') {
			b.WriteByte('$')
		}
	}
	return b.String()
}

// noEnv is the environment of Parse when it is given none.
func noEnv(string) (string, bool) { return "", false }
