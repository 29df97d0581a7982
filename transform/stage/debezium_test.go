package stage_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// goldenRecord reads a record recorded from the real Debezium PostgreSQL
// connector (ingest/debezium/testdata), onto topic "in".
func goldenRecord(t *testing.T, name string) *kgo.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "ingest", "debezium", "testdata", "pg", name))
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Key, Value json.RawMessage }
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	r := &kgo.Record{Topic: "in", Key: g.Key}
	if string(g.Value) != "null" {
		r.Value = g.Value
	}
	return r
}

// TestDebeziumFormat runs a stage over Debezium's messages: change events
// go through the transforms, the tombstone is skipped, and a malformed
// message is dead-lettered with a reason naming it.
func TestDebeziumFormat(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	bad := &kgo.Record{Topic: "in", Key: []byte(`{"id":9}`), Value: []byte(`{"schema":{"type":"struct"},"payload":{`)}
	produce(t, opts, goldenRecord(t, "01_insert_full.json"), goldenRecord(t, "06_delete.json"), goldenRecord(t, "07_tombstone.json"), bad)
	cfg := baseConfig("dbz", stage.AtLeastOnce)
	cfg.Format, cfg.EnvelopeSchemas = stage.FormatDebezium, true
	filter, err := ops.Parse("filter op != d")
	if err != nil {
		t.Fatal(err)
	}
	_, stop := start(t, cfg, []stage.Transform{filter}, stage.Deps{Kafka: opts})
	out := consume(t, opts, "out", 1, false, 20*time.Second)
	dlq := consume(t, opts, "dbz.dlq", 1, false, 20*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("got %d output records, want the insert only", len(out))
	}
	ev, err := envelope.NewDecoder().Decode(out[0].Value, nil)
	if err != nil {
		t.Fatal(err)
	}
	if i := ev.Schema.FieldIndex("c_int4"); ev.Op != schemas.OpCreate || i < 0 || ev.After[i].Int() != 2147483647 {
		t.Errorf("output event %v %v", ev.Op, ev.After)
	}
	if len(dlq) != 1 || string(dlq[0].Value) != string(bad.Value) || !contains(header(dlq[0], stage.HeaderDLQError), "debezium: in/") {
		t.Errorf("dead letters %v", dlq)
	}
}
