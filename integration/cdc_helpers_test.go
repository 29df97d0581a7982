package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"

	"github.com/heliosdb/helios-etl/integration/testenv"
)

// cdcEnv is one CDC test's own schema, slot, publication, topic prefix and
// state directory on the shared services.
type cdcEnv struct {
	t        *testing.T
	sc       *testenv.Schema
	dsn      string
	brokers  []string
	conn     *pgx.Conn
	name     string
	stateDir string
}

func newCDCEnv(t *testing.T) *cdcEnv {
	t.Helper()
	sc := testenv.NewSchema(t, "cdc")
	return &cdcEnv{t: t, sc: sc, dsn: sc.DSN, brokers: sc.Brokers, conn: sc.Conn, name: sc.Name, stateDir: t.TempDir()}
}

func (e *cdcEnv) exec(sql string, args ...any) {
	e.t.Helper()
	e.sc.Exec(sql, args...)
}

func (e *cdcEnv) topic(table string) string { return e.name + "." + e.name + "." + table }

// start runs helios-etl cdc on this environment's tables.
func (e *cdcEnv) start(name string, tables []string, extra ...string) *proc {
	e.t.Helper()
	qualified := make([]string, len(tables))
	for i, t := range tables {
		qualified[i] = e.name + "." + t
	}
	args := append([]string{"cdc", "--pg", e.dsn, "--brokers", strings.Join(e.brokers, ","),
		"--slot", e.name, "--publication", e.name, "--topic-prefix", e.name, "--tables", strings.Join(qualified, ","),
		"--state-dir", e.stateDir, "--metrics-addr", "127.0.0.1:0"}, extra...)
	return startProc(e.t, name, args...)
}

// consumer reads topics from the start with read_committed isolation.
type consumer struct {
	cl   *kgo.Client
	recs []*kgo.Record
}

func (e *cdcEnv) consumer(topics ...string) *consumer {
	e.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.brokers...), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.MetadataMinAge(200*time.Millisecond), kgo.AllowAutoTopicCreation())
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(cl.Close)
	return &consumer{cl: cl}
}

// until polls until done(all records so far) is true or ctx ends.
func (c *consumer) until(ctx context.Context, done func([]*kgo.Record) bool) error {
	for !done(c.recs) {
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := c.cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return fmt.Errorf("after %d records: %w", len(c.recs), context.Cause(ctx))
		}
		fs.EachRecord(func(r *kgo.Record) { c.recs = append(c.recs, r) })
	}
	return nil
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// decodeAll decodes self-describing (--json-schemas) change events.
func decodeAll(t testing.TB, recs []*kgo.Record) []schemas.Event {
	t.Helper()
	dec := envelope.NewDecoder()
	var evs []schemas.Event
	for _, r := range recs {
		ev, err := dec.Decode(r.Value, nil)
		if err != nil {
			t.Fatalf("%s/%d@%d: %v\n%s", r.Topic, r.Partition, r.Offset, err, r.Value)
		}
		evs = append(evs, ev)
	}
	return evs
}

func field(ev schemas.Event, row []schemas.Value, name string) schemas.Value {
	i := ev.Schema.FieldIndex(name)
	if i < 0 || row == nil {
		return schemas.Null()
	}
	return row[i]
}

// kvTable creates <schema>.kv (id int primary key, v int) holding rows
// rows with v = id % mod, and analyzes it (the snapshot plans its chunks
// from the statistics).
func (e *cdcEnv) kvTable(rows, mod int) {
	e.t.Helper()
	e.exec(fmt.Sprintf(`CREATE TABLE %[1]s.kv (id int PRIMARY KEY, v int NOT NULL);
		INSERT INTO %[1]s.kv SELECT g, g %% %[3]d FROM generate_series(1, %[2]d) g; ANALYZE %[1]s.kv`, e.name, rows, mod))
}

// snapshotConfig writes a configuration file whose [source.postgres]
// reads the snapshot with workers connections in chunks of chunkRows rows
// (plus the lines of extra), and returns its path.
func snapshotConfig(t *testing.T, workers, chunkRows int, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "etl.toml")
	body := fmt.Sprintf("[source.postgres]\nsnapshot_workers = %d\nsnapshot_chunk_rows = %d\n%s", workers, chunkRows, extra)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
