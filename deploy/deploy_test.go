package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"gopkg.in/yaml.v3"
)

// checkExpr checks that every metric expr selects is registered, and that
// every label it matches or groups by exists on one of its metrics (or is
// added by the scrape, or is le of a histogram bucket).
func checkExpr(t *testing.T, where, expr string, reg map[string][]string) {
	t.Helper()
	sels, grouping, err := promqlRefs(expr)
	if err != nil {
		t.Errorf("%s: %v in %q", where, err, expr)
		return
	}
	if len(sels) == 0 {
		t.Errorf("%s: no metric in %q", where, expr)
	}
	known := slices.Clone(scrapeLabels)
	for _, s := range sels {
		labels, ok := reg[s.metric]
		if s.metric == "up" { // written by Prometheus itself for every target
			labels, ok = []string{}, true
		}
		if !ok {
			t.Errorf("%s: metric %s is not registered by the code", where, s.metric)
			continue
		}
		known = append(known, labels...)
		for _, l := range s.labels {
			if !slices.Contains(labels, l) && !slices.Contains(scrapeLabels, l) {
				t.Errorf("%s: metric %s has no label %q (it has %v)", where, s.metric, l, labels)
			}
		}
	}
	for _, l := range grouping {
		if !slices.Contains(known, l) {
			t.Errorf("%s: grouping label %q is on none of the metrics of %q", where, l, expr)
		}
	}
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func TestPrometheusRules(t *testing.T) {
	reg := registeredMetrics(t)
	var rf ruleFile
	readYAML(t, "prometheus/helios-etl.rules.yml", &rf)
	alerts := 0
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			name := r.Alert + r.Record
			checkExpr(t, "rule "+name, r.Expr, reg)
			if r.Record != "" {
				if !regexp.MustCompile(`^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$`).MatchString(r.Record) {
					t.Errorf("recording rule %s: want level:metric:operations", r.Record)
				}
				continue
			}
			alerts++
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("alert %s: severity %q, want critical, warning or info", name, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("alert %s: no %s annotation", name, a)
				}
			}
		}
	}
	// The brief of this folder: each of these must be alerted on.
	text := readFile(t, "prometheus/helios-etl.rules.yml")
	for _, m := range []string{"etl_cdc_lag_seconds", "etl_cdc_lag_bytes", "etl_cdc_confirmed_lsn", "etl_dlq_records_total",
		"etl_quality_score", "etl_consumer_lag", "etl_state_compaction_debt_bytes", "etl_batch_processing_duration_seconds_bucket"} {
		if !strings.Contains(text, m) {
			t.Errorf("no rule uses %s", m)
		}
	}
	if alerts < 8 {
		t.Errorf("%d alerts, want the CDC, stage, quality and state ones", alerts)
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool is not installed (Debian package prometheus): rule syntax checked by the scanner only")
		return
	}
	out, err := exec.Command(promtool, "check", "rules", "prometheus/helios-etl.rules.yml").CombinedOutput()
	if err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
}

func TestGrafanaDashboard(t *testing.T) {
	reg := registeredMetrics(t)
	var d struct {
		UID        string `json:"uid"`
		Templating struct {
			List []struct {
				Name       string `json:"name"`
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
		Panels []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "grafana/helios-etl.json")), &d); err != nil {
		t.Fatalf("grafana/helios-etl.json: %v", err)
	}
	if d.UID == "" {
		t.Error("dashboard has no uid")
	}
	labelValues := regexp.MustCompile(`^label_values\((\w+),\s*(\w+)\)$`)
	for _, v := range d.Templating.List {
		if v.Definition == "" {
			continue
		}
		m := labelValues.FindStringSubmatch(v.Definition)
		if m == nil {
			t.Errorf("variable %s: cannot read %q", v.Name, v.Definition)
			continue
		}
		checkExpr(t, "variable "+v.Name, m[1]+`{`+m[2]+`=""}`, reg)
	}
	targets := 0
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			targets++
			checkExpr(t, "panel "+p.Title, tg.Expr, reg)
		}
	}
	if targets < 10 {
		t.Errorf("%d queries: the dashboard is missing its CDC, stage, DLQ, quality and state panels", targets)
	}
}

// TestScannerCatchesMistakes keeps the checks above honest: they must fail
// on a metric the code does not register and on a label it does not have.
func TestScannerCatchesMistakes(t *testing.T) {
	reg := map[string][]string{"etl_a_total": {"stage"}, "etl_h_bucket": {"stage", "le"}}
	for _, tc := range []struct {
		expr string
		bad  bool
	}{
		{`sum by (stage) (rate(etl_a_total{stage="x"}[5m])) > 1`, false},
		{`histogram_quantile(0.99, sum by (stage, le) (rate(etl_h_bucket[$__rate_interval])))`, false},
		{`rate(etl_a_total{instance=~"$instance"}[5m]) and up == 0`, false},
		{`rate(etl_b_total[5m])`, true},
		{`rate(etl_a_total{table="x"}[5m])`, true},
		{`sum by (topic) (etl_a_total)`, true},
		{`sum by (stage) (etl_a_total{stage="x}`, true},
	} {
		ft := &testing.T{}
		done := make(chan struct{})
		go func() { defer close(done); checkExpr(ft, "case", tc.expr, reg) }()
		<-done
		if ft.Failed() != tc.bad {
			t.Errorf("%q: failed=%v, want %v", tc.expr, ft.Failed(), tc.bad)
		}
	}
}

// heliosBinary builds cmd/helios-etl once for the tests of this package.
var heliosBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "helios-deploy-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "helios-etl")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/helios-etl")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build ./cmd/helios-etl: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := heliosBinary(); err == nil {
		_ = os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

func binary(t *testing.T) string {
	t.Helper()
	bin, err := heliosBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// checkCommandLine checks that args (without the binary) name a real
// subcommand and only flags that subcommand has.
func checkCommandLine(t *testing.T, where string, args []string) {
	t.Helper()
	var words, flags []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "--"):
			f, _, _ := strings.Cut(a, "=")
			flags = append(flags, f)
		case len(flags) == 0 && !strings.HasPrefix(a, "/"):
			words = append(words, a)
		}
	}
	out, err := exec.Command(binary(t), append(slices.Clone(words), "--help")...).CombinedOutput()
	if err != nil {
		t.Errorf("%s: helios-etl %s --help: %v\n%s", where, strings.Join(words, " "), err, out)
		return
	}
	help := string(out)
	// cobra prints the parent's help for an unknown subcommand: require the
	// Usage line of exactly these words.
	if !strings.Contains(help, "helios-etl "+strings.Join(words, " ")+" ") {
		t.Errorf("%s: %q is not a helios-etl command", where, strings.Join(words, " "))
	}
	for _, f := range flags {
		if !strings.Contains(help, " "+f+" ") {
			t.Errorf("%s: helios-etl %s has no flag %s", where, strings.Join(words, " "), f)
		}
	}
}

// configCheck runs `helios-etl config check -` on text, with env set.
func configCheck(t *testing.T, where, text string, env []string) {
	t.Helper()
	cmd := exec.Command(binary(t), "config", "check", "-")
	cmd.Stdin = strings.NewReader(text)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		t.Errorf("%s: helios-etl config check: %v\n%s", where, err, stderr.String())
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	if err := yaml.Unmarshal([]byte(readFile(t, path)), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// servedPaths are the HTTP paths the binary serves on monitoring.metrics_addr,
// read from serveMetrics in cmd/helios-etl/runtime.go.
func servedPaths(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("([^"]+)"`).FindAllStringSubmatch(readFile(t, "../cmd/helios-etl/runtime.go"), -1) {
		out = append(out, m[1])
	}
	if !slices.Contains(out, "/metrics") {
		t.Fatalf("runtime.go serves %v: no /metrics; the scanner is out of date", out)
	}
	return out
}

// tomlValue reads the value at path of a TOML text; nil when missing.
func tomlValue(t *testing.T, text string, path ...string) any {
	t.Helper()
	var m map[string]any
	if err := toml.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("toml: %v", err)
	}
	var v any = m
	for _, k := range path {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

// tomlString reads a string key of a TOML text ("" when missing).
func tomlString(t *testing.T, text string, path ...string) string {
	t.Helper()
	s, _ := tomlValue(t, text, path...).(string)
	return s
}

// tomlDuration reads a duration key of a TOML text, or def.
func tomlDuration(t *testing.T, text string, def time.Duration, path ...string) time.Duration {
	t.Helper()
	s, ok := tomlValue(t, text, path...).(string)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("%v: %v", path, err)
	}
	return d
}
