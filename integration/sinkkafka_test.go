package integration

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/internal/fakeregistry"
)

// TestSinkKafkaAvroSchemaEvolution runs cdc --json-schemas into Kafka and
// two 'sink kafka --format avro' processes against a Confluent-compatible
// registry (the in-memory fake: no real registry runs here). A column added
// at the source becomes a new compatible version of the value subject, and
// records carry its id; a column whose type changes incompatibly stops the
// sink with --on-incompatible fail (an error naming the subject) and goes
// to the dead-letter topic with --on-incompatible quarantine.
func TestSinkKafkaAvroSchemaEvolution(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	reg := fakeregistry.New()
	t.Cleanup(reg.Close)
	rc, err := sr.NewClient(sr.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	e.exec(fmt.Sprintf(`CREATE TABLE %s.orders (id int8 PRIMARY KEY, qty int4, amount numeric(10,2), at timestamptz)`, e.name))
	cdc := e.start("cdc", []string{"orders"}, "--json-schemas")
	src := e.topic("orders")
	sink := func(policy string) *proc {
		return startProc(t, "sink-"+policy, "sink", "kafka", "--brokers", strings.Join(e.brokers, ","), "--topics", src,
			"--group", e.name+"_"+policy, "--format", "avro", "--topic", "{topic}."+policy, "--registry-url", reg.URL(),
			"--on-incompatible", policy, "--dlq-topic", src+"."+policy+".dlq", "--session-timeout", "6s", "--metrics-addr", "127.0.0.1:0")
	}
	failing, quarantining := sink("fail"), sink("quarantine")
	e.exec(fmt.Sprintf(`INSERT INTO %s.orders VALUES (1, 5, 12.50, '2024-01-02 03:04:05.123456+00')`, e.name))

	versions := func(subject string) int {
		vs, _ := rc.SubjectVersions(ctx, subject)
		return len(vs)
	}
	out := e.consumer(src+".fail", src+".quarantine", src+".quarantine.dlq")
	decode := func(r *kgo.Record) map[string]any {
		t.Helper()
		if len(r.Value) < 5 || r.Value[0] != 0 {
			t.Fatalf("%s: not the Confluent wire format: % x", r.Topic, r.Value)
		}
		s, err := rc.SchemaByID(ctx, int(binary.BigEndian.Uint32(r.Value[1:5])))
		if err != nil {
			t.Fatal(err)
		}
		c, err := goavro.NewCodec(s.Schema)
		if err != nil {
			t.Fatal(err)
		}
		n, _, err := c.NativeFromBinary(r.Value[5:])
		if err != nil {
			t.Fatal(err)
		}
		return n.(map[string]any)
	}
	count := func(topic string) func([]*kgo.Record) bool {
		return func(rs []*kgo.Record) bool {
			n := 0
			for _, r := range rs {
				if r.Topic == topic {
					n++
				}
			}
			return n >= 1
		}
	}
	alive := failing.alive(quarantining.alive(cdc.alive(ctx)))
	if err := out.until(alive, count(src+".fail")); err != nil {
		t.Fatalf("%v\n%s", err, failing.logText())
	}
	first := decode(out.recs[0])
	if first["id"] != int64(1) || fmt.Sprint(first["qty"]) != "map[int:5]" {
		t.Fatalf("first record: %v", first)
	}
	// A new column: version 2 of the value subject, compatible.
	e.exec(fmt.Sprintf(`ALTER TABLE %s.orders ADD COLUMN note text`, e.name))
	e.exec(fmt.Sprintf(`INSERT INTO %s.orders VALUES (2, 6, 1.00, now(), 'hello')`, e.name))
	if err := waitFor(alive, "version 2 of "+src+".fail-value", func() (bool, error) { return versions(src+".fail-value") == 2, nil }); err != nil {
		t.Fatalf("%v\n%s", err, failing.logText())
	}
	if err := out.until(alive, func(rs []*kgo.Record) bool {
		for _, r := range rs {
			if r.Topic == src+".fail" && fmt.Sprint(decode(r)["note"]) == "map[string:hello]" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no record with the new column: %v\n%s", err, failing.logText())
	}
	// An incompatible change: qty becomes text.
	e.exec(fmt.Sprintf(`ALTER TABLE %s.orders ALTER COLUMN qty TYPE text`, e.name))
	e.exec(fmt.Sprintf(`INSERT INTO %s.orders VALUES (3, 'many', 2.00, now(), 'x')`, e.name))
	select {
	case <-failing.exited:
	case <-ctx.Done():
		t.Fatalf("sink with --on-incompatible fail still runs\n%s", failing.logText())
	}
	if log := failing.logText(); failing.err == nil || !strings.Contains(log, "incompatible with the latest version of subject "+src+".fail-value") || !strings.Contains(log, "qty") {
		t.Fatalf("exit %v; want an error naming the subject and qty:\n%s", failing.err, log)
	}
	t.Logf("fail policy: %s", lastLine(failing.logText()))
	if err := out.until(quarantining.alive(ctx), count(src+".quarantine.dlq")); err != nil {
		t.Fatalf("%v\n%s", err, quarantining.logText())
	}
	for _, r := range out.recs {
		if r.Topic == src+".quarantine.dlq" {
			if header(r, "helios.dlq.reason") != "incompatible-schema" || !strings.Contains(header(r, "helios.dlq.error"), "qty") {
				t.Fatalf("dead letter headers: %v", r.Headers)
			}
		}
	}
	if err := quarantining.stop(t, 30*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, quarantining.logText())
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
