package config

import (
	"errors"
	"net/url"
	"strings"
)

// redacted replaces secrets in Config.Redacted.
const redacted = "******"

// isURLDSN reports whether a PostgreSQL connection string is in URL form.
func isURLDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// checkDSN checks the syntax of a PostgreSQL connection string without
// echoing it, since it may hold a password.
func checkDSN(key, dsn string) *Error {
	const hint = `e.g. "postgres://user@host:5432/db" or "host=localhost dbname=app user=helios"`
	switch {
	case dsn == "":
		return nil
	case isURLDSN(dsn):
		if _, err := url.Parse(dsn); err != nil {
			return problem(key, hint, "invalid connection URL")
		}
	case strings.Contains(dsn, "://"):
		return problem(key, "the scheme is postgres:// or postgresql://", "unsupported connection URL scheme")
	default:
		if _, err := scanKeywords(dsn); err != nil {
			return problem(key, hint, "invalid connection string: %v", err)
		}
	}
	return nil
}

// checkHTTPURL checks an optional http or https URL without echoing it.
func checkHTTPURL(key, s string) *Error {
	const hint = `e.g. "http://localhost:8081"`
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return problem(key, hint, "invalid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return problem(key, hint, "the URL scheme must be http or https")
	case u.Host == "":
		return problem(key, hint, "the URL has no host")
	}
	return nil
}

// redactDSN hides the passwords in a PostgreSQL connection string. A string
// it cannot parse is hidden entirely.
func redactDSN(s string) string {
	if s == "" || isURLDSN(s) || strings.Contains(s, "://") {
		return redactURL(s)
	}
	kvs, err := scanKeywords(s)
	if err != nil {
		return redacted
	}
	var b strings.Builder
	last := 0
	for _, kv := range kvs {
		if isPasswordKey(kv.key) {
			b.WriteString(s[last:kv.start])
			b.WriteString(redacted)
			last = kv.end
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactURL hides the password of a URL's user info and the password
// parameters of its query. It works on the text rather than through
// url.URL, so that the rest of the URL is shown as written; when unsure
// (an @ anywhere), it hides more than the password, never less.
func redactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		if strings.Contains(s, "@") {
			return redacted
		}
		return s
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		user, _, hasPassword := strings.Cut(rest[:at], ":")
		b.WriteString(user)
		if hasPassword {
			b.WriteString(":" + redacted)
		}
		rest = rest[at:]
	}
	head, frag, hasFrag := strings.Cut(rest, "#")
	path, query, hasQuery := strings.Cut(head, "?")
	b.WriteString(path)
	if hasQuery {
		params := strings.Split(query, "&")
		for i, p := range params {
			k, _, _ := strings.Cut(p, "=")
			if uk, err := url.QueryUnescape(k); err != nil || isPasswordKey(uk) {
				params[i] = k + "=" + redacted
			}
		}
		b.WriteString("?" + strings.Join(params, "&"))
	}
	if hasFrag {
		b.WriteString("#" + frag)
	}
	return b.String()
}

func isPasswordKey(k string) bool {
	return k == "password" || k == "sslpassword"
}

// keyword is one keyword = value pair of a connection string; start and end
// delimit the value as written, quotes included.
type keyword struct {
	key        string
	start, end int
}

// scanKeywords splits a libpq keyword/value connection string:
// whitespace-separated keyword = value pairs, where a value is either
// single-quoted or runs to the next space, and a backslash escapes the next
// character in both forms.
func scanKeywords(s string) ([]keyword, error) {
	var kvs []keyword
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' }
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return kvs, nil
		}
		k := i
		for i < len(s) && s[i] != '=' && !isSpace(s[i]) {
			i++
		}
		key := s[k:i]
		if key == "" {
			return nil, errors.New(`missing keyword before "="`)
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] != '=' {
			return nil, errors.New(`missing "=" after keyword "` + key + `"`)
		}
		i++
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		start := i
		if i < len(s) && s[i] == '\'' {
			i++
			for {
				if i >= len(s) {
					return nil, errors.New(`unterminated quoted value of keyword "` + key + `"`)
				}
				if s[i] == '\\' {
					i += 2
					continue
				}
				i++
				if s[i-1] == '\'' {
					break
				}
			}
		} else {
			for i < len(s) && !isSpace(s[i]) {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i, len(s))
		}
		kvs = append(kvs, keyword{key: key, start: start, end: i})
	}
}
