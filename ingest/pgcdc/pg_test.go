package pgcdc

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"

	"github.com/heliosdb/helios-etl/integration/testenv"
)

// pgEnv is one test's own schema, slot, publication and topic prefix (all
// named e.name) on the shared services (testenv: make test sets them).
type pgEnv struct {
	t       *testing.T
	sc      *testenv.Schema
	dsn     string
	brokers []string
	conn    *pgx.Conn
	name    string
}

func newPGEnv(t *testing.T) *pgEnv {
	t.Helper()
	sc := testenv.NewSchema(t, "pgcdc")
	return &pgEnv{t: t, sc: sc, dsn: sc.DSN, brokers: sc.Brokers, conn: sc.Conn, name: sc.Name}
}

func (e *pgEnv) exec(sql string, args ...any) {
	e.t.Helper()
	e.sc.Exec(sql, args...)
}

// waitInactive waits until no walsender holds the slot: the server ends
// it a moment after Run has closed the replication connection.
func (e *pgEnv) waitInactive() {
	e.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var active bool
		err := e.conn.QueryRow(e.t.Context(), "SELECT active FROM pg_replication_slots WHERE slot_name = $1", e.name).Scan(&active)
		if err != nil || !active {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("slot %s still active after 30s", e.name)
		}
	}
}

// run is one Run of a source in the background.
type run struct {
	src    *Source
	log    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs a source with cfg (its names filled in from e) and store.
func (e *pgEnv) start(cfg Config, store Store) *run {
	e.t.Helper()
	cfg.DSN, cfg.Slot, cfg.Publication, cfg.TopicPrefix = e.dsn, e.name, e.name, e.name
	cfg.SpoolDir = e.t.TempDir()
	if cfg.StatusInterval == 0 {
		cfg.StatusInterval = 100 * time.Millisecond
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.brokers...), kgo.ProducerLinger(time.Millisecond))
	if err != nil {
		e.t.Fatal(err)
	}
	tconn, err := connectTypes(e.t.Context(), e.dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	log := &syncBuffer{}
	src, err := New(cfg, Deps{Producer: cl, Topics: NewTopics(kadm.NewClient(cl)), Store: store,
		Types: testTypes{cat: pgvalue.NewCatalog(tconn)}, Logger: slog.New(slog.NewJSONHandler(log, nil))})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{src: src, log: log, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := src.Run(ctx)
		cl.Close()
		tconn.Close(context.Background())
		r.done <- err
	}()
	e.t.Cleanup(func() {
		cancel()
		<-r.done
		if e.t.Failed() {
			e.t.Logf("--- source log ---\n%s", r.log.String())
		}
		r.done <- nil // for a wait after this cleanup
	})
	return r
}

// wait returns Run's error, or fails the test after d.
func (r *run) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(d):
		t.Fatalf("Run did not return within %s\n%s", d, r.log.String())
		return nil
	}
}

// stop cancels Run and returns its error.
func (r *run) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	return r.wait(t, 30*time.Second)
}

// waitLog waits until the source's log holds substr.
func (r *run) waitLog(t *testing.T, substr string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(r.log.String(), substr) {
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("Run returned (%v) before logging %s\n%s", err, substr, r.log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the log after %s\n%s", substr, d, r.log.String())
		}
	}
}

func connectTypes(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	for k, v := range pgvalue.RuntimeParams() {
		cfg.RuntimeParams[k] = v
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// testTypes resolves column types with pgvalue, as the command does.
type testTypes struct{ cat *pgvalue.PgCatalog }

func (tt testTypes) Column(ctx context.Context, oid uint32, typmod int32) (schemas.Type, ValueFunc, error) {
	d, err := pgvalue.NewDecoder(ctx, oid, typmod, tt.cat)
	if err != nil {
		return schemas.Type{}, nil, err
	}
	return d.Type(), d.Decode, nil
}

// memStore is an in-memory [Store].
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemStore() *memStore { return &memStore{m: map[string][]byte{}} }

func (s *memStore) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.m[key]), nil
}

func (s *memStore) Put(key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = bytes.Clone(value)
	return nil
}

func (s *memStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// syncBuffer is a log destination that tests read while the source writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// consume reads topic from the start until done(records) or d passes.
func (e *pgEnv) consume(topic string, d time.Duration, done func([]*kgo.Record) bool) ([]*kgo.Record, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.MetadataMinAge(200*time.Millisecond))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(e.t.Context(), d)
	defer cancel()
	var recs []*kgo.Record
	for !done(recs) {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return recs, fmt.Errorf("%s: %d records after %s: %w", topic, len(recs), d, ctx.Err())
		}
		fs.EachRecord(func(r *kgo.Record) { recs = append(recs, r) })
	}
	return recs, nil
}

func recordHeader(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
