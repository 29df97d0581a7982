package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCombined(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func writeFileIn(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const srcCSV = `cust_id,fname,email_addr,signup_dt,is_active,notes
1,Mary,mary@example.com,03/04/2021,Y,called
2,John,john@example.com,12/25/2020,N,
3,Linda,linda@example.com,01/02/2022,Y,vip
4,Wei,wei@example.com,07/08/2021,N,x,extra
5,Ana,ana@example.com,11/30/2021,Y,
`

func TestSchemaInferJSONContract(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFileIn(t, dir, "src.csv", srcCSV)
	out, err := runCombined(t, "schema", "infer", "--input", in, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if rows, ok := doc["rows"].(float64); !ok || rows != 4 {
		t.Errorf("rows = %v, want 4 (one bad row skipped)", doc["rows"])
	}
	if doc["skipped_rows"] != float64(1) {
		t.Errorf("skipped_rows = %v, want 1", doc["skipped_rows"])
	}
	fields, ok := doc["fields"].([]any)
	if !ok || len(fields) != 6 {
		t.Fatalf("fields = %v", doc["fields"])
	}
	want := map[string][2]string{"cust_id": {"integer", ""}, "email_addr": {"string", "email"},
		"signup_dt": {"date", ""}, "is_active": {"boolean", ""}}
	for _, f := range fields {
		m := f.(map[string]any)
		name, _ := m["name"].(string)
		typ, ok1 := m["type"].(string)
		sem, ok2 := m["semantic"].(string)
		nullable, ok3 := m["nullable"].(bool)
		_, ok4 := m["unique"].(bool)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			t.Errorf("field %v lacks a key or has the wrong type", m)
		}
		if w, ok := want[name]; ok && (typ != w[0] || sem != w[1]) {
			t.Errorf("%s: %s/%q, want %s/%q", name, typ, sem, w[0], w[1])
		}
		if name == "notes" && !nullable {
			t.Error("notes should be nullable")
		}
		if name == "cust_id" && m["unique"] != true {
			t.Error("cust_id should be unique")
		}
	}
	table, err := runCombined(t, "schema", "infer", "--input", in)
	if err != nil || !strings.Contains(table, "COLUMN") || !strings.Contains(table, "email_addr") {
		t.Errorf("table output: %v\n%s", err, table)
	}
}

func TestSchemaMatchJSONContract(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeFileIn(t, dir, "src.csv", srcCSV)
	tgt := writeFileIn(t, dir, "tgt.csv", "customer_id,first_name,email,signup_date,active,loyalty_tier\n")
	out, err := runCombined(t, "schema", "match", "--source", src, "--target", tgt, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var doc struct {
		Mappings []map[string]any `json:"mappings"`
		US       []string         `json:"unmapped_source"`
		UT       []string         `json:"unmapped_target"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"mappings", "unmapped_source", "unmapped_target"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	seenS, seenT := map[string]int{}, map[string]int{}
	got := map[string]string{}
	for _, m := range doc.Mappings {
		s, ok1 := m["source"].(string)
		tg, ok2 := m["target"].(string)
		c, ok3 := m["confidence"].(float64)
		if !ok1 || !ok2 || !ok3 {
			t.Fatalf("mapping %v lacks source/target/confidence", m)
		}
		if c < 0 || c > 1 {
			t.Errorf("confidence %v outside [0,1]", c)
		}
		seenS[s]++
		seenT[tg]++
		got[s] = tg
	}
	for _, s := range doc.US {
		seenS[s]++
	}
	for _, s := range doc.UT {
		seenT[s]++
	}
	for _, s := range []string{"cust_id", "fname", "email_addr", "signup_dt", "is_active", "notes"} {
		if seenS[s] != 1 {
			t.Errorf("source %s appears %d times", s, seenS[s])
		}
	}
	for _, s := range []string{"customer_id", "first_name", "email", "signup_date", "active", "loyalty_tier"} {
		if seenT[s] != 1 {
			t.Errorf("target %s appears %d times", s, seenT[s])
		}
	}
	for s, tg := range map[string]string{"cust_id": "customer_id", "fname": "first_name", "email_addr": "email", "signup_dt": "signup_date"} {
		if got[s] != tg {
			t.Errorf("%s -> %q, want %s", s, got[s], tg)
		}
	}
}

func TestSchemaMatchOverridesAndAccept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeFileIn(t, dir, "src.csv", srcCSV)
	tgt := writeFileIn(t, dir, "tgt.csv", "customer_id,first_name,email,signup_date,active,loyalty_tier\n")
	ov := writeFileIn(t, dir, "ov.toml", "[overrides]\nnotes = \"loyalty_tier\"\n")
	state := filepath.Join(dir, "state.json")
	out, err := runCombined(t, "schema", "match", "--source", src, "--target", tgt, "--format", "json",
		"--overrides", ov, "--override", "fname=-", "--accept", "--state", state)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var res struct {
		Mappings []struct{ Source, Target, Origin string } `json:"mappings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Mappings {
		if m.Source == "fname" {
			t.Error("fname mapped despite fname=-")
		}
		if m.Source == "notes" && (m.Target != "loyalty_tier" || m.Origin != "override") {
			t.Errorf("notes -> %s (%s)", m.Target, m.Origin)
		}
	}
	if b, err := os.ReadFile(state); err != nil || !strings.Contains(string(b), "schema-mapping/") {
		t.Fatalf("state file: %v %s", err, b)
	}
	out, err = runCombined(t, "schema", "match", "--source", src, "--target", tgt, "--format", "json", "--state", state)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"origin": "accepted"`) {
		t.Errorf("accepted mappings not reused:\n%s", out)
	}
}

func TestSchemaErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeFileIn(t, dir, "src.csv", srcCSV)
	bad := writeFileIn(t, dir, "bad.csv", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"schema", "infer", "--input", filepath.Join(dir, "nope.csv")}, "nope.csv"},
		{[]string{"schema", "infer", "--input", bad}, "bad.csv"},
		{[]string{"schema", "infer", "--input", filepath.Join(dir, "x.xlsx")}, "unknown file format"},
		{[]string{"schema", "infer", "--input", src, "--format", "yaml"}, "--format"},
		{[]string{"schema", "match", "--source", src}, "--target"},
		{[]string{"schema", "match", "--source", src, "--target", src, "--override", "nope"}, "source=target"},
		{[]string{"schema", "match", "--source", src, "--target", src, "--override", "zzz=cust_id"}, "zzz"},
	} {
		_, err := runCombined(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to mention %q", tc.args, err, tc.want)
		}
	}
}

func TestSchemaMatchAcceptedInPebbleState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeFileIn(t, dir, "src.csv", srcCSV)
	tgt := writeFileIn(t, dir, "tgt.csv", "customer_id,first_name,email,signup_date,active,loyalty_tier\n")
	stateDir := filepath.Join(dir, "state")
	out, err := runCombined(t, "schema", "match", "--source", src, "--target", tgt, "--format", "json",
		"--override", "notes=loyalty_tier", "--accept", "--state-dir", stateDir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(stateDir); err != nil {
		t.Fatalf("no state directory: %v", err)
	}
	// A later run without the override reuses the accepted mapping.
	out, err = runCombined(t, "schema", "match", "--source", src, "--target", tgt, "--format", "json", "--state-dir", stateDir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"origin": "accepted"`) || !strings.Contains(out, `"loyalty_tier"`) {
		t.Errorf("accepted mappings not reused from the Pebble state:\n%s", out)
	}
}

func TestSchemaInferNeedsOneSource(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"schema", "infer"},
		{"schema", "infer", "--input", "a.csv", "--topic", "t"},
		{"schema", "infer", "--table", "public.t"}, // no --pg
		{"schema", "infer", "--pg", "postgres://x@127.0.0.1:1/db", "--table", "a.b.c"},
	} {
		if out, err := runCombined(t, args...); err == nil {
			t.Errorf("%v did not fail:\n%s", args, out)
		}
	}
}
