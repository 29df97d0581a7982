package config

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// FuzzLoad checks that Parse never panics, that a syntax error is one
// problem with a line inside the document, that problems with keys and types
// point at a line, and that a configuration it accepts encodes to a file it
// reads back the same. Run it by hand, about 30 seconds (the example seed is
// large, so keep minimizing short):
//
//	go test ./cmd/helios-etl/internal/config -run '^$' -fuzz FuzzLoad -fuzztime 30s -fuzzminimizetime 5s
func FuzzLoad(f *testing.F) {
	f.Add([]byte(""))
	f.Add(Example())
	f.Add([]byte("[kafka]\nbrokers = [\"k:9092\"]\ncompression = \"zstd\"\nsasl = { mechanism = \"PLAIN\", user = \"u\", password = \"${PASS}\" }\n"))
	f.Add([]byte("[kafka]\ncompresion = zstd\n"))
	f.Add([]byte("[source.postgres]\ndsn = \"postgres://u:${PASS:-x}@h/db\"\ntables = [\"public.a\", 1]\n"))
	f.Add([]byte("quality.min_score = 0.5\n[etl]\nbatch_timeout = \"30\"\n[[x]]\n"))
	f.Add([]byte("'quoted.key' = 1\n[\"a b\".c]\nd = {e = [1, {f = 2}]}\n"))
	vars := env(map[string]string{"PASS": "p$ss", "EMPTY": "", "HOST": "h:9092"})

	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.toml", data, vars)
		if err != nil {
			ps := problems(err)
			if len(ps) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			var doc map[string]any
			if toml.Unmarshal(bytes.TrimPrefix(data, []byte("\uFEFF")), &doc) != nil {
				if len(ps) != 1 || ps[0].Line < 1 || ps[0].Line > lines || ps[0].Column < 1 {
					t.Fatalf("syntax error without a line in 1..%d: %v", lines, err)
				}
				return
			}
			for _, p := range ps {
				decode := strings.HasPrefix(p.Msg, "unknown ") || strings.HasPrefix(p.Msg, "expected ")
				if p.File != "fuzz.toml" || decode && (p.Line < 1 || p.Line > lines) {
					t.Fatalf("problem without a place: %#v", p)
				}
			}
			return
		}
		var buf bytes.Buffer
		if err := c.Encode(&buf); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		back, err := Parse("encoded.toml", buf.Bytes(), nil)
		if err != nil {
			t.Fatalf("Parse(Encode(c)): %v\n%s", err, buf.String())
		}
		equalConfig(t, back, c)
		if err := c.Redacted().Encode(&buf); err != nil {
			t.Fatalf("Encode(Redacted): %v", err)
		}
	})
}
