package integration

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/debezium"
	"github.com/heliosdb/helios-etl/schemas"
)

// envRecordGolden, when set to 1, makes TestDebeziumConformance rewrite the
// golden files of ingest/debezium/testdata/pg from the live run.
const envRecordGolden = "HELIOS_RECORD_GOLDEN"

// conformanceTable has a column of every common PostgreSQL type; %[1]s is
// the schema. REPLICA IDENTITY stays DEFAULT, so updates carry no before
// image and unchanged TOASTed values are not sent.
const conformanceTable = `CREATE TYPE %[1]s.mood AS ENUM ('sad', 'ok', 'happy');
	CREATE TABLE %[1]s.every (
		id int8 PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8, c_num numeric(10,2), c_anynum numeric, c_nan numeric,
		c_float4 float4, c_float8 float8, c_bool bool, c_text text, c_varchar varchar(10), c_char char(3),
		c_bytea bytea, c_uuid uuid, c_json json, c_jsonb jsonb, c_date date, c_time time, c_timetz timetz,
		c_ts timestamp, c_tstz timestamptz, c_interval interval, c_int_arr int4[], c_text_arr text[],
		c_mood %[1]s.mood, c_inet inet, c_money money, c_xml xml, c_bit bit(10), big text)`

// conformanceWorkload is the workload both captures see: six transactions
// of inserts, updates (one leaving a TOASTed value unchanged), a delete and
// a truncate. %[1]s is the schema; $1 of the first statement is a TOASTed
// text.
var conformanceWorkload = []string{
	`INSERT INTO %[1]s.every VALUES (1, -32768, 2147483647, 9223372036854775807, 12345678.90,
		'3.14159265358979323846264338327950288419716939937510', 'NaN', 1.5, '-Infinity', true, 'héllo "wörld" ✓ 😀',
		'varchar', 'ab', '\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": [1, 2], "a": null}',
		'{"b": [1, 2], "a": null}', '2024-02-29', '23:59:59.999999', '10:00:00.5+05:30', '2024-01-02 03:04:05.123456',
		'2024-01-02 03:04:05.123456+02', '1 year 2 months -3 days 04:05:06.5', '{1,NULL,3}', ARRAY['a b', 'c"d', 'NULL', ''],
		'happy', '192.168.0.1/24', 1234.56, '<a>x</a>', B'1010101010', $1)`,
	`BEGIN; INSERT INTO %[1]s.every (id) VALUES (2);
	INSERT INTO %[1]s.every VALUES (3, 0, -1, -9223372036854775808, -0.01, '-0.00000000000000000001', 0, 'Infinity', 2.5e-300,
		false, '', '', 'abc', '\x', '00000000-0000-0000-0000-000000000000', '[]', '{}', '1970-01-01', '00:00:00',
		'23:30:00-08:00', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '-00:00:00.000001', '{}', '{}',
		'sad', '::1', -0.01, '<b/>', B'0000000001', 'small'); COMMIT`,
	`UPDATE %[1]s.every SET c_int4 = 7 WHERE id = 1`,
	`UPDATE %[1]s.every SET c_text = 'now set', c_num = 1.00 WHERE id = 2`,
	`DELETE FROM %[1]s.every WHERE id = 3`,
	`TRUNCATE %[1]s.every`,
}

// goldenNames name the Debezium data-topic records of the workload, in
// order, as golden files.
var goldenNames = []string{"01_insert_full", "02_insert_nulls", "03_insert_edges", "04_update_toast",
	"05_update", "06_delete", "07_tombstone", "08_truncate"}

// TestDebeziumConformance runs one workload over a table with every common
// column type, captured once by the real Debezium PostgreSQL connector (in
// Kafka Connect) and once by helios-etl's own CDC, and checks that both
// decode, with ingest/debezium, to the same change events: the same
// operations, keys and before/after values, field by field.
//
// The differences it allows are the documented ones (see the package
// documentation of ingest/debezium, "Debezium and helios-etl's CDC"):
//   - source metadata other than the transaction id, schema and table
//     (connector version, name, sequence, ts fields, xmin), and the
//     envelope's ts fields and transaction block;
//   - type metadata: helios-etl names the source type of each column
//     (__debezium.source.column.type), Debezium does not by default;
//   - timetz: Debezium converts the value to UTC, helios-etl keeps the
//     offset; compared as instants of the day;
//   - numeric NaN: Debezium writes null, helios-etl "NaN";
//   - bit(n): Debezium writes io.debezium.data.Bits bytes, helios-etl the
//     bit string; compared as bit strings.
//
// With HELIOS_RECORD_GOLDEN=1 it rewrites the golden files of
// ingest/debezium/testdata/pg from Debezium's messages.
func TestDebeziumConformance(t *testing.T) {
	t.Parallel()
	base := connectURL(t)
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	e.exec(fmt.Sprintf(conformanceTable, e.name))

	p := e.start("cdc", []string{"every"}, "--snapshot", "never", "--json-schemas")
	dbz := startDebezium(t, ctx, e, base)
	waitStreaming(t, ctx, p)
	// Debezium's slot captures the changes committed after its consistent
	// point, whose LSN the slot shows once it is reached.
	if err := waitFor(ctx, "Debezium's slot at its consistent point", func() (bool, error) {
		var n int
		err := e.conn.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1 AND confirmed_flush_lsn IS NOT NULL", dbz.slot).Scan(&n)
		return n == 1, err
	}); err != nil {
		t.Fatalf("%v\nDebezium status: %s", err, dbz.status())
	}

	// Incompressible, so it is TOASTed out of line; seeded, so that the
	// golden files do not change with each recording.
	bigText := seededText(8000)
	for i, stmt := range conformanceWorkload {
		sql := fmt.Sprintf(stmt, e.name)
		if i == 0 {
			e.exec(sql, bigText)
		} else {
			e.exec(sql)
		}
	}

	heliosTopic := e.topic("every")
	dbzTopic := dbz.prefix + "." + e.name + ".every"
	txTopic := dbz.prefix + ".transaction"
	hbTopic := "__debezium-heartbeat." + dbz.prefix
	c := e.consumer(heliosTopic, dbzTopic, txTopic, hbTopic)
	byTopic := func(recs []*kgo.Record, topic string) []*kgo.Record {
		var out []*kgo.Record
		for _, r := range recs {
			if r.Topic == topic {
				out = append(out, r)
			}
		}
		return out
	}
	if err := c.until(p.alive(ctx), func(r []*kgo.Record) bool {
		return len(byTopic(r, heliosTopic)) >= len(goldenNames) && len(byTopic(r, dbzTopic)) >= len(goldenNames) &&
			len(byTopic(r, txTopic)) >= 12 && len(byTopic(r, hbTopic)) >= 1
	}); err != nil {
		t.Fatalf("%v\nDebezium status: %s\n%s", err, dbz.status(), p.logText())
	}
	hRecs, dRecs := byTopic(c.recs, heliosTopic), byTopic(c.recs, dbzTopic)
	if len(hRecs) != len(goldenNames) || len(dRecs) != len(goldenNames) {
		t.Fatalf("helios-etl wrote %d records, Debezium %d; want %d", len(hRecs), len(dRecs), len(goldenNames))
	}

	dec := debezium.NewDecoder(debezium.Config{})
	decode := func(recs []*kgo.Record) []debezium.Message {
		var out []debezium.Message
		for _, r := range recs {
			m, err := dec.Decode(debezium.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value})
			if err != nil {
				t.Fatalf("%v\n%s", err, r.Value)
			}
			out = append(out, m)
		}
		return out
	}
	hMsgs, dMsgs := decode(hRecs), decode(dRecs)

	// Both follow the delete with a tombstone (7th).
	if dMsgs[6].Kind != debezium.KindTombstone || len(dMsgs[6].Key) != 1 || dMsgs[6].Key[0].Int() != 3 {
		t.Errorf("Debezium record 7 = %v key %v, want the tombstone of id 3", dMsgs[6].Kind, dMsgs[6].Key)
	}
	for i := range hMsgs {
		compareMessages(t, goldenNames[i], hMsgs[i], dMsgs[i])
	}

	// Transaction metadata: find the BEGIN and END of the two-insert
	// transaction by its id, "<txId>:<lsn>".
	txRecs := byTopic(c.recs, txTopic)
	txs := decode(txRecs)
	begin, end := -1, -1
	for i, m := range txs {
		if m.Kind == debezium.KindTransaction && strings.HasPrefix(m.Transaction.ID, fmt.Sprint(dMsgs[1].Event.Source.TxID)+":") {
			if m.Transaction.Status == "BEGIN" {
				begin = i
			} else {
				end = i
			}
		}
	}
	if begin < 0 || end < 0 {
		t.Fatalf("no BEGIN/END for txId %d in %d transaction metadata events", dMsgs[1].Event.Source.TxID, len(txs))
	}
	// The ids of BEGIN and END differ: Debezium's PostgreSQL connector puts
	// the LSN of the event in them, and only the txId part is the same.
	if tx := txs[end].Transaction; tx.EventCount != 2 ||
		len(tx.DataCollections) != 1 || tx.DataCollections[0].DataCollection != e.name+".every" || tx.DataCollections[0].EventCount != 2 {
		t.Errorf("transaction metadata of the two-insert transaction: BEGIN %+v END %+v", txs[begin].Transaction, tx)
	}
	hb := byTopic(c.recs, hbTopic)
	if m := decode(hb[:1]); m[0].Kind != debezium.KindHeartbeat {
		t.Errorf("heartbeat record decoded as %v", m[0].Kind)
	}
	// helios-etl debezium decode reads the same topic and prints the same.
	out, err := exec.CommandContext(ctx, heliosBinary(t), "debezium", "decode", "--brokers", strings.Join(e.brokers, ","),
		"--topic", dbzTopic, "--from-beginning", "--max", fmt.Sprint(len(goldenNames)), "--format", "json").CombinedOutput()
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); err != nil || len(lines) != len(goldenNames) ||
		!strings.Contains(lines[3], `"big":{"unchanged":true}`) || !strings.Contains(lines[6], `"kind":"tombstone"`) {
		t.Errorf("debezium decode --topic: %v\n%s", err, out)
	}
	if os.Getenv(envRecordGolden) == "1" {
		recordGolden(t, dRecs, goldenNames)
		recordGolden(t, []*kgo.Record{txRecs[begin], txRecs[end], hb[0]}, []string{"tx_begin", "tx_end", "heartbeat"})
	}
	if err := p.stop(t, 30*time.Second); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
}

// seededText returns n hex digits of a fixed pseudo-random sequence.
func seededText(n int) string {
	r := mrand.New(mrand.NewPCG(6, 6))
	b := make([]byte, n/2)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(b)
}

// compareMessages checks that a helios-etl message and a Debezium message
// are the same change, but for the documented differences.
func compareMessages(t *testing.T, name string, h, d debezium.Message) {
	t.Helper()
	he, de := h.Event, d.Event
	if h.Kind != d.Kind || he.Op != de.Op {
		t.Errorf("%s: helios-etl %v %v, Debezium %v %v", name, h.Kind, he.Op, d.Kind, de.Op)
		return
	}
	if !schemas.EqualRows(h.Key, d.Key) {
		t.Errorf("%s: key helios-etl %v, Debezium %v", name, h.Key, d.Key)
	}
	hs, ds := he.Source, de.Source
	if hs.TxID != ds.TxID || hs.Schema != ds.Schema || hs.Table != ds.Table || hs.Database != ds.Database ||
		hs.LSN != ds.LSN || hs.CommitMicros != ds.CommitMicros || hs.Connector != ds.Connector || hs.Snapshot != ds.Snapshot {
		t.Errorf("%s: source helios-etl %+v, Debezium %+v", name, hs, ds)
	}
	if he.Schema == nil || de.Schema == nil {
		if (he.Schema == nil) != (de.Schema == nil) {
			t.Errorf("%s: schema helios-etl %v, Debezium %v", name, he.Schema, de.Schema)
		}
		return
	}
	if he.Schema.Name != de.Schema.Name || len(he.Schema.Fields) != len(de.Schema.Fields) {
		t.Errorf("%s: schema helios-etl %s %d fields, Debezium %s %d fields", name, he.Schema.Name, len(he.Schema.Fields), de.Schema.Name, len(de.Schema.Fields))
		return
	}
	if fmt.Sprint(he.Schema.Key) != fmt.Sprint(de.Schema.Key) {
		t.Errorf("%s: key columns helios-etl %v, Debezium %v", name, he.Schema.Key, de.Schema.Key)
	}
	compareRows(t, name+" before", he.Schema, de.Schema, he.Before, de.Before)
	compareRows(t, name+" after", he.Schema, de.Schema, he.After, de.After)
}

func compareRows(t *testing.T, what string, hs, ds *schemas.Schema, h, d []schemas.Value) {
	t.Helper()
	if h == nil || d == nil {
		if (h == nil) != (d == nil) {
			t.Errorf("%s: helios-etl %v, Debezium %v", what, h, d)
		}
		return
	}
	for i, hf := range hs.Fields {
		df := ds.Fields[i]
		if hf.Name != df.Name {
			t.Errorf("%s: field %d is %q in helios-etl, %q in Debezium", what, i, hf.Name, df.Name)
			continue
		}
		hv, dv := h[i], d[i]
		switch {
		case hf.Type.Kind == schemas.KindTimeTZ && hv.Kind() == schemas.KindTimeTZ && dv.Kind() == schemas.KindTimeTZ:
			// Debezium writes timetz in UTC.
			hv, dv = schemas.Time(utcTimeOfDay(hv)), schemas.Time(utcTimeOfDay(dv))
		case hv.Kind() == schemas.KindDecimal && hv.Decimal().IsNaN() && dv.IsNull():
			continue // Debezium cannot write a NaN numeric
		case hf.Type.Source == "bit" && df.Type.Kind == schemas.KindBytes:
			if dv.Kind() == schemas.KindBytes {
				dv = schemas.String(bitsText(dv.Bytes(), len(hv.Str())))
			}
		case hf.Type.Kind == schemas.KindDecimal && hf.Type.Scale == schemas.VariableScale &&
			hv.Kind() == schemas.KindDecimal && dv.Kind() == schemas.KindDecimal && hv.Decimal().Cmp(dv.Decimal()) == 0:
			continue // Debezium drops the trailing zeros of a numeric without scale
		case hf.Type.Kind != df.Type.Kind:
			t.Errorf("%s.%s: kind helios-etl %v, Debezium %v", what, hf.Name, hf.Type, df.Type)
		}
		if !schemas.Equal(hv, dv) {
			t.Errorf("%s.%s: helios-etl %v, Debezium %v", what, hf.Name, h[i], d[i])
		}
	}
}

// utcTimeOfDay is a timetz as microseconds since midnight UTC.
func utcTimeOfDay(v schemas.Value) int64 {
	const day = 86_400_000_000
	us := (v.Micros() - int64(v.ZoneOffset())*1_000_000) % day
	if us < 0 {
		us += day
	}
	return us
}

// bitsText renders io.debezium.data.Bits bytes (the bit string as a
// little-endian number) as PostgreSQL's bit string of n bits.
func bitsText(b []byte, n int) string {
	out := make([]byte, n)
	for i := range n {
		bit := n - 1 - i // the bit's weight
		out[i] = '0'
		if bit/8 < len(b) && b[bit/8]&(1<<(bit%8)) != 0 {
			out[i] = '1'
		}
	}
	return string(out)
}

// goldenRecord is the file format of ingest/debezium/testdata: a Kafka
// record with its key and value as JSON (null for a tombstone).
type goldenRecord struct {
	Topic string          `json:"topic"`
	Key   json.RawMessage `json:"key"`
	Value json.RawMessage `json:"value"`
}

func recordGolden(t *testing.T, recs []*kgo.Record, names []string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(filepath.Dir(file)), "ingest", "debezium", "testdata", "pg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		g := goldenRecord{Topic: r.Topic, Key: r.Key, Value: r.Value}
		if len(g.Key) == 0 {
			g.Key = nil
		}
		if len(g.Value) == 0 {
			g.Value = nil
		}
		b, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, names[i]+".json")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// debeziumConnector is one Debezium PostgreSQL connector of a test.
type debeziumConnector struct {
	base, name, slot, prefix string
}

// startDebezium registers a Debezium PostgreSQL connector on e's table
// "every", with its own slot, publication and topic prefix, and removes all
// of them at cleanup.
func startDebezium(t *testing.T, ctx context.Context, e *cdcEnv, base string) *debeziumConnector {
	t.Helper()
	u, err := url.Parse(e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	c := &debeziumConnector{base: base, name: "dbz_" + e.name, slot: "dbz_" + e.name, prefix: "dbz_" + e.name}
	cfg := map[string]string{
		"connector.class":                           debeziumPostgres,
		"tasks.max":                                 "1",
		"database.hostname":                         u.Hostname(),
		"database.port":                             u.Port(),
		"database.user":                             u.User.Username(),
		"database.password":                         pass,
		"database.dbname":                           strings.TrimPrefix(u.Path, "/"),
		"topic.prefix":                              c.prefix,
		"plugin.name":                               "pgoutput",
		"slot.name":                                 c.slot,
		"slot.drop.on.stop":                         "true",
		"publication.name":                          c.slot,
		"publication.autocreate.mode":               "filtered",
		"table.include.list":                        e.name + ".every",
		"snapshot.mode":                             "no_data",
		"skipped.operations":                        "none",
		"decimal.handling.mode":                     "precise",
		"time.precision.mode":                       "adaptive_time_microseconds",
		"interval.handling.mode":                    "string",
		"binary.handling.mode":                      "bytes",
		"provide.transaction.metadata":              "true",
		"heartbeat.interval.ms":                     "1000",
		"key.converter":                             "org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable":              "true",
		"value.converter":                           "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable":            "true",
		"topic.creation.default.replication.factor": "1",
		"topic.creation.default.partitions":         "1",
	}
	var created map[string]any
	connectCall(ctx, t, http.MethodPut, base+"/connectors/"+c.name+"/config", cfg, &created)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, base+"/connectors/"+c.name, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		// slot.drop.on.stop drops the slot when the task stops; make sure.
		_ = waitFor(ctx, "Debezium's slot released", func() (bool, error) {
			var n int
			err := e.conn.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1 AND active", c.slot).Scan(&n)
			return n == 0, err
		})
		_, _ = e.conn.Exec(ctx, "SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1", c.slot)
		_, _ = e.conn.Exec(ctx, "DROP PUBLICATION IF EXISTS "+c.slot)
		if cl, err := kgo.NewClient(kgo.SeedBrokers(e.brokers...)); err == nil {
			adm := kadm.NewClient(cl)
			_, _ = adm.DeleteTopics(ctx, c.prefix+"."+e.name+".every", c.prefix+".transaction", "__debezium-heartbeat."+c.prefix)
			cl.Close()
		}
	})
	return c
}

// status returns the connector's status from the REST API, for failures;
// it has its own deadline, as the test's may have passed.
func (c *debeziumConnector) status() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/connectors/"+c.name+"/status", nil)
	if err != nil {
		return err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
