package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// smallCSV writes 200 rows whose first data row (row 0) has a bad email and
// row 150 repeats the id of row 3.
func smallCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,email,amount\n")
	for i := range 200 {
		id, email := fmt.Sprint(i), fmt.Sprintf("u%d@example.com", i)
		switch i {
		case 0:
			email = "nope"
		case 150:
			id = "3"
		}
		fmt.Fprintf(&b, "%s,%s,%d.5\n", id, email, 10+i%7)
	}
	path := filepath.Join(t.TempDir(), "small.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQualityProfileJSONContract(t *testing.T) {
	t.Parallel()
	for _, input := range []string{smallCSV(t), "../../transform/quality/testdata/eval/heldout/people.jsonl"} {
		out, err := runCLI(t, "quality", "profile", "--input", input, "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Rows  *int                `json:"rows"`
			Score map[string]*float64 `json:"score"`
			Anom  []map[string]any    `json:"anomalies"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v\n%s", input, err, out)
		}
		if got.Rows == nil || *got.Rows == 0 || len(got.Score) != 5 || got.Anom == nil {
			t.Fatalf("%s: %s", input, out)
		}
		for _, k := range []string{"overall", "completeness", "validity", "uniqueness", "consistency"} {
			if v := got.Score[k]; v == nil || *v < 0 || *v > 1 {
				t.Errorf("score.%s = %v", k, v)
			}
		}
		kinds := map[string]bool{"unexpected_null": true, "invalid_format": true, "out_of_range": true, "duplicate": true, "outlier": true}
		for _, a := range got.Anom {
			if len(a) != 4 || !kinds[a["kind"].(string)] || a["field"] == "" || a["detail"] == "" {
				t.Errorf("anomaly %v", a)
			}
			if row := a["row"].(float64); row < 0 || row >= float64(*got.Rows) || row != float64(int(row)) {
				t.Errorf("row %v of %d", row, *got.Rows)
			}
		}
		if strings.HasSuffix(input, "small.csv") {
			want := []string{"0 email invalid_format", "150 id duplicate"}
			var have []string
			for _, a := range got.Anom {
				have = append(have, fmt.Sprintf("%v %v %v", a["row"], a["field"], a["kind"]))
			}
			if strings.Join(have, ",") != strings.Join(want, ",") {
				t.Errorf("anomalies %v, want %v (0-based rows)", have, want)
			}
		}
	}
}

func TestQualityProfileFormats(t *testing.T) {
	t.Parallel()
	in := smallCSV(t)
	out, err := runCLI(t, "quality", "profile", "--input", in)
	if err != nil || !strings.Contains(out, "200 rows") || !strings.Contains(out, "unique key") {
		t.Errorf("text: %v\n%s", err, out)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if _, err := runCLI(t, "quality", "profile", "--input", in, "--format", "html", "-o", html); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(html)
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "<svg") || strings.Contains(string(b), "http") {
		t.Errorf("html report:\n%.300s", b)
	}
	if _, err := runCLI(t, "quality", "profile", "--input", in, "--format", "xml"); err == nil {
		t.Error("--format xml accepted")
	}
	if _, err := runCLI(t, "quality", "profile"); err == nil {
		t.Error("missing --input accepted")
	}
	if _, err := runCLI(t, "quality", "profile", "--input", in, "--sensitivity", "3"); err == nil {
		t.Error("--sensitivity 3 accepted")
	}
	var ee exitError
	if _, err := runCLI(t, "quality", "profile", "--input", in, "--format", "json", "--min-score", "0.9999"); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("--min-score: %v, want exit status 2", err)
	}
}

func TestQualityProfilePasses(t *testing.T) {
	t.Parallel()
	input := smallCSV(t)
	var outs []string
	for _, args := range [][]string{nil, {"--passes", "1"}, {"--single-pass"}, {"--passes", "2"}} {
		out, err := runCLI(t, append([]string{"quality", "profile", "--input", input, "--format", "json"}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		outs = append(outs, out)
	}
	// Up to 20,000 rows, one pass finds exactly what two passes find.
	for i, out := range outs[1:] {
		if out != outs[0] {
			t.Errorf("run %d differs from the default:\n%s\nvs\n%s", i+1, out, outs[0])
		}
	}
	if !strings.Contains(outs[0], `"kind": "duplicate"`) {
		t.Errorf("the planted duplicate is missing: %s", outs[0])
	}
	if _, err := runCLI(t, "quality", "profile", "--input", input, "--passes", "3"); err == nil || !strings.Contains(err.Error(), "--passes 3: want 1 or 2") {
		t.Errorf("--passes 3: err = %v", err)
	}
}
