package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
)

// run runs the helios-etl command line with args and returns its standard
// output, standard error and error.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestConfigCheckBrokenFile(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "etl-config.toml", `[server]
listen = "127.0.0.1:8080"

[kafka]
brokers = ["kafka-1:9092"]
compresion = "zstd"

[quality]
sensitivity = 1.5

[monitoring]
log_level = "verbose"
`)
	stdout, stderr, err := run(t, "", "config", "check", path)
	if code := exitCode(err); code != 2 {
		t.Errorf("exit code %d (%v), want 2", code, err)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	want := path + `:6:1: kafka.compresion: unknown key (did you mean "compression"?)
` + path + `:9:1: quality.sensitivity: must be between 0 and 1, got 1.5
` + path + `:12:1: monitoring.log_level: invalid value "verbose" (allowed: "debug", "info", "warn", "error")
`
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

func TestConfigCheckSyntaxError(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "etl-config.toml", "[kafka]\ncompression = zstd\n")
	_, stderr, err := run(t, "", "config", "check", path)
	if code := exitCode(err); code != 2 {
		t.Errorf("exit code %d (%v), want 2", code, err)
	}
	want := path + `:2:15: kafka.compression: unexpected character U+007A 'z' at start of value (strings are quoted: compression = "zstd")` + "\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

func TestConfigCheckMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.toml")
	_, stderr, err := run(t, "", "config", "check", path)
	if code := exitCode(err); code != 2 {
		t.Errorf("exit code %d (%v), want 2", code, err)
	}
	if !strings.Contains(stderr, path) || !strings.Contains(stderr, "no such file") {
		t.Errorf("stderr = %q, want the path and the reason", stderr)
	}
}

func TestConfigCheckPrintsRedactedConfig(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "etl-config.toml", `[source.postgres]
dsn = "postgres://helios:pg-secret@db:5432/app"
[kafka]
brokers = ["kafka-1:9092"]
sasl = { mechanism = "SCRAM-SHA-256", user = "helios", password = "kafka-secret" }
`)
	stdout, stderr, err := run(t, "", "config", "check", path)
	if err != nil || stderr != "" {
		t.Fatalf("config check: %v, stderr %q", err, stderr)
	}
	for _, secret := range []string{"pg-secret", "kafka-secret"} {
		if strings.Contains(stdout, secret) {
			t.Errorf("output shows %q:\n%s", secret, stdout)
		}
	}
	for _, want := range []string{
		`dsn = 'postgres://helios:******@db:5432/app'`,
		`brokers = ['kafka-1:9092']`,
		`password = '******'`,
		`batch_size = 1000`, // a default
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The output is a configuration file itself.
	if _, err := config.Parse("stdout", []byte(stdout), nil); err != nil {
		t.Errorf("the output does not parse: %v", err)
	}
}

func TestConfigExample(t *testing.T) {
	t.Parallel()
	stdout, _, err := run(t, "", "config", "example")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(config.Example()) {
		t.Errorf("config example printed something else than config.Example()")
	}
	// What example prints, check accepts (from standard input).
	out, stderr, err := run(t, stdout, "config", "check", "-")
	if err != nil {
		t.Fatalf("config check of the example: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(out, "# Effective configuration of -:") {
		t.Errorf("unexpected output:\n%s", out)
	}
}

func TestConfigCheckUsage(t *testing.T) {
	t.Parallel()
	if _, _, err := run(t, "", "config", "check"); exitCode(err) != 1 {
		t.Errorf("config check with no file: %v, want a usage error", err)
	}
	stdout, _, err := run(t, "", "config", "check", "--help")
	if err != nil || !strings.Contains(stdout, "helios-etl config check /etc/helios-etl/etl-config.toml") {
		t.Errorf("config check --help: %v\n%s", err, stdout)
	}
}
