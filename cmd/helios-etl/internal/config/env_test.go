package config

import (
	"testing"
)

func TestExpand(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"HOST": "db", "PORT": "5432", "EMPTY": "", "DOLLAR": "$x${y}"})
	tests := []struct {
		in, want string
		err      string
	}{
		{in: "plain", want: "plain"},
		{in: "${HOST}", want: "db"},
		{in: "${HOST}:${PORT}", want: "db:5432"},
		{in: "postgres://${HOST}/app", want: "postgres://db/app"},
		{in: "${MISSING:-fallback}", want: "fallback"},
		{in: "${MISSING:-}", want: ""},
		{in: "${EMPTY:-fallback}", want: "fallback"},
		{in: "${EMPTY}", want: ""},
		{in: "${HOST:-fallback}", want: "db"},
		{in: "${MISSING:-a:-b}", want: "a:-b"},
		{in: "$$", want: "$"},
		{in: "$${HOST}", want: "${HOST}"},
		{in: "$$$${HOST}", want: "$${HOST}"},
		{in: "$$${HOST}", want: "$db"},
		{in: "pa$word", want: "pa$word"},
		{in: "end$", want: "end$"},
		{in: "${DOLLAR}", want: "$x${y}"}, // values are not expanded again
		{in: "${MISSING}", err: "environment variable MISSING is not set"},
		{in: "a ${HOST", err: `unterminated "${"`},
		{in: "${}", err: "invalid environment variable reference ${}"},
		{in: "${1X}", err: "invalid environment variable reference ${1X}"},
		{in: "${X-y}", err: "invalid environment variable reference ${X-y}"},
		{in: "${MISSING:-${HOST}}", want: "${HOST}"}, // the default ends at the first }
	}
	for _, tt := range tests {
		got, err := expand(tt.in, vars)
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err {
				t.Errorf("expand(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
			}
		case err != nil || got != tt.want:
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestEscapeDollars(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "$", "$$", "${X}", "$${X}", "a$b", "a$", "$$$", "${", "}$", "p$${x}$"} {
		got, err := expand(escapeDollars(s), noEnv)
		if err != nil || got != s {
			t.Errorf("expand(escapeDollars(%q)) = %q, %v", s, got, err)
		}
	}
	if got := escapeDollars("pa$word"); got != "pa$word" {
		t.Errorf("escapeDollars(pa$word) = %q: a lone $ needs no escape", got)
	}
}
