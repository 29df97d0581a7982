package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func golden(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join("..", "..", "ingest", "debezium", "testdata", name)
}

func TestDebeziumDecodeFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stdin  string
		want   []string // substrings of stdout
		stderr string
		code   int
	}{
		{name: "text", args: []string{"--file", golden(t, "pg/04_update_toast.json")},
			want: []string{" change u ", "key={id=1}", "c_int4=7", "big=UNCHANGED", `c_text="héllo \"wörld\" ✓ 😀"`, "c_timetz=04:30:00.500Z"}},
		{name: "json", args: []string{"--file", golden(t, "pg/01_insert_full.json"), "--format", "json"},
			want: []string{`"kind":"change"`, `"op":"c"`, `"c_int4":2147483647`, `"c_num":"12345678.90"`, `"c_int_arr":[1,null,3]`, `"c_nan":null`}},
		{name: "tombstone", args: []string{"--file", golden(t, "pg/07_tombstone.json")}, want: []string{" tombstone key={id=3}"}},
		{name: "heartbeat skipped", args: []string{"--file", golden(t, "pg/heartbeat.json")}, want: []string{""}},
		{name: "heartbeat shown", args: []string{"--file", golden(t, "pg/heartbeat.json"), "--heartbeats"}, want: []string{" heartbeat"}},
		{name: "stdin messages", args: []string{"--file", "-", "--file-topic", "shop.transaction"},
			stdin: `{"status":"BEGIN","id":"1:2","ts_ms":1} {"status":"END","id":"1:3","event_count":0,"data_collections":[],"ts_ms":1}`,
			want:  []string{"shop.transaction/0@0 transaction BEGIN 1:2\n", "shop.transaction/0@1 transaction END 1:3 events=0\n"}},
		{name: "bad record goes on", args: []string{"--file", "-", "--file-topic", "s.p.t"},
			stdin: `{"before":null} {"topic":"s.transaction","key":null,"value":{"status":"END","id":"9:9","ts_ms":1}}`,
			want:  []string{"s.transaction/0@1 transaction END 9:9"}, stderr: "s.p.t/0@0 value: envelope: message has no schema section", code: 1},
		{name: "max", args: []string{"--file", "-", "--file-topic", "x.transaction", "--max", "1"},
			stdin: `{"status":"BEGIN","id":"1:2","ts_ms":1} {"status":"BEGIN","id":"1:3","ts_ms":1}`, want: []string{"1:2\n"}},
		{name: "no source", args: nil, stderr: "give --file or --topic", code: 2},
		{name: "topic without brokers", args: []string{"--topic", "t"}, stderr: "--topic needs --brokers", code: 2},
		{name: "bad format", args: []string{"--file", "-", "--format", "yaml"}, stderr: `--format "yaml"`, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := run(t, tc.stdin, append([]string{"debezium", "decode"}, tc.args...)...)
			if code := exitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d; stderr: %s", code, err, tc.code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout does not contain %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.stderr)
			}
			if tc.name == "heartbeat skipped" && out != "" {
				t.Errorf("heartbeat printed: %s", out)
			}
			if tc.name == "json" {
				var v map[string]any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Errorf("--format json printed invalid JSON: %v", err)
				}
			}
		})
	}
}

// TestDebeziumDecodeAllGolden decodes every golden file without an error,
// but the payload-only one, which needs a schema hint.
func TestDebeziumDecodeAllGolden(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(golden(t, "*/*.json"))
	if len(files) < 15 {
		t.Fatalf("found %d golden files", len(files))
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(f, "payload_only") {
			continue
		}
		_, errOut, err := run(t, "", "debezium", "decode", "--file", f, "--format", "json")
		if err != nil {
			t.Errorf("%s: %v %s", f, err, errOut)
		}
	}
}

// TestDebeziumDecodeTopicAvro reads an Avro record (Confluent wire format)
// from a topic of an in-process Kafka (kfake), with its schema from a fake
// registry over HTTP.
func TestDebeziumDecodeTopicAvro(t *testing.T) {
	t.Parallel()
	const schema = `{"type":"record","name":"Value","namespace":"shop.public.t","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}`
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/schemas/ids/7" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"schema": schema})
	}))
	t.Cleanup(reg.Close)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "shop.public.t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// id 5 (zigzag 0x0a), name "ab"; and a record that is not Avro nor JSON.
	avro := []byte{0, 0, 0, 0, 7, 0x0a, 0x04, 'a', 'b'}
	if err := cl.ProduceSync(t.Context(), &kgo.Record{Topic: "shop.public.t", Value: []byte("garbage")},
		&kgo.Record{Topic: "shop.public.t", Value: avro}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	// The topic and the registry named by flags, then by a pipeline
	// configuration's [source.debezium] topic pattern.
	conf := writeFile(t, "etl.toml", fmt.Sprintf("[source.debezium]\ntopic_pattern = %q\n[kafka]\nbrokers = [%q]\n[schema_registry]\nurl = %q\n",
		`shop\.public\..*`, cluster.ListenAddrs()[0], reg.URL))
	for _, args := range [][]string{
		{"--brokers", brokers, "--topic", "shop.public.t", "--registry", reg.URL},
		{"--config", conf},
	} {
		out, errOut, err := run(t, "", append([]string{"debezium", "decode", "--from-beginning", "--max", "2"}, args...)...)
		if exitCode(err) != 1 || !strings.Contains(errOut, "shop.public.t/0@0 value") {
			t.Errorf("%v: exit %v, stderr %q: want the garbage record reported", args, err, errOut)
		}
		if want := `shop.public.t/0@1 change c public.t after={id=5, name="ab"}`; !strings.Contains(out, want) {
			t.Errorf("%v: stdout %q does not contain %q", args, out, want)
		}
	}
}
