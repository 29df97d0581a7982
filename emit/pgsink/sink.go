package pgsink

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/schemas"
)

// Option is a test seam or an injected dependency of [New].
type Option func(*options)

type options struct {
	log *slog.Logger
	reg prometheus.Registerer
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers the sink's metrics on reg (default: none).
func WithRegisterer(reg prometheus.Registerer) Option { return func(o *options) { o.reg = reg } }

// Sink applies change events to PostgreSQL tables, one transaction per
// batch, with the consumed positions in the same transaction. It is safe
// for concurrent use; writes are serialized.
type Sink struct {
	pool    *pgxpool.Pool
	cfg     Config
	log     *slog.Logger
	m       *metrics
	offsets string // the quoted offsets table

	mu struct {
		sync.Mutex
		ready  bool                       // schema and offsets table exist
		tables map[string]*table          // by target table name
		shapes map[*schemas.Schema]*shape // per source schema version
	}
}

var (
	_ emit.Sink    = (*Sink)(nil)
	_ emit.Resumer = (*Sink)(nil)
)

// New returns a sink that writes through pool. It validates cfg and does
// no I/O; the target schema and the offsets table are created on first use.
func New(pool *pgxpool.Pool, cfg Config, opts ...Option) (*Sink, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pgsink: %w", err)
	}
	o := options{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	m, err := newMetrics(cfg.Name, o.reg)
	if err != nil {
		return nil, err
	}
	s := &Sink{pool: pool, cfg: cfg, log: o.log, m: m, offsets: qualified(cfg.Schema, cfg.OffsetsTable)}
	s.reset()
	return s, nil
}

// reset forgets what the sink knows of the target, after a rollback that
// may have undone DDL.
func (s *Sink) reset() {
	s.mu.ready = false
	s.mu.tables = make(map[string]*table)
	s.mu.shapes = make(map[*schemas.Schema]*shape)
}

func (s *Sink) setup(ctx context.Context) error {
	if s.mu.ready {
		return nil
	}
	sql := fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %s;
CREATE TABLE IF NOT EXISTS %s (
	sink text NOT NULL,
	topic text NOT NULL,
	partition int4 NOT NULL,
	next_offset int8 NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (sink, topic, partition))`, ident(s.cfg.Schema), s.offsets)
	if _, err := s.pool.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgsink: create offsets table %s: %w", s.offsets, err)
	}
	s.mu.ready = true
	return nil
}

// NextOffsets returns the offset of the next record to apply per topic and
// partition, as committed with the data. Partitions never written are
// absent.
func (s *Sink) NextOffsets(ctx context.Context) (map[string]map[int32]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, "SELECT topic, partition, next_offset FROM "+s.offsets+" WHERE sink = $1", s.cfg.Name)
	if err != nil {
		return nil, fmt.Errorf("pgsink: read offsets: %w", err)
	}
	out := make(map[string]map[int32]int64)
	var topic string
	var part int32
	var next int64
	_, err = pgx.ForEachRow(rows, []any{&topic, &part, &next}, func() error {
		if out[topic] == nil {
			out[topic] = make(map[int32]int64)
		}
		out[topic][part] = next
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgsink: read offsets: %w", err)
	}
	return out, nil
}

type tp struct {
	topic string
	part  int32
}

// Write applies batch in one transaction: the changes, and for every
// partition in the batch the offset after its last record. Records at
// offsets the offsets table shows as applied already are skipped, so a
// batch delivered again after a crash, or by two instances during a
// rebalance, is applied once. A record the target rejects (a value out of
// range, a constraint) fails the batch with an [emit.BadRecordError]; a
// schema the target cannot take (a missing column without Evolve) fails it
// with a plain error that names table, column and change.
func (s *Sink) Write(ctx context.Context, batch []emit.Record) error {
	if len(batch) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	n, err := s.write(ctx, batch)
	if err != nil {
		s.m.errors.Inc()
		s.reset()
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23")) {
			return &emit.BadRecordError{Err: err}
		}
		return err
	}
	s.m.latency.Observe(time.Since(start).Seconds())
	s.m.batch.Observe(float64(n))
	return nil
}

func (s *Sink) write(ctx context.Context, batch []emit.Record) (int, error) {
	if err := s.setup(ctx); err != nil {
		return 0, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("pgsink: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	// Lock the partitions' rows, then skip what they show as applied.
	last := make(map[tp]int64)
	for i := range batch {
		r := &batch[i]
		k := tp{r.Topic, r.Partition}
		if o, ok := last[k]; !ok || r.Offset > o {
			last[k] = r.Offset
		}
	}
	parts := make([]tp, 0, len(last))
	for k := range last {
		parts = append(parts, k)
	}
	slices.SortFunc(parts, func(a, b tp) int { return cmp.Or(cmp.Compare(a.topic, b.topic), cmp.Compare(a.part, b.part)) })
	next, err := s.lockOffsets(ctx, tx, parts)
	if err != nil {
		return 0, err
	}
	ap := &applier{s: s, tx: tx, pending: make(map[string]*pending), written: make(map[[2]string]int), staged: make(map[string]bool)}
	applied := 0
	for i := range batch {
		r := &batch[i]
		if r.Offset < next[tp{r.Topic, r.Partition}] {
			s.m.duplicates.Inc()
			continue
		}
		applied++
		if r.Position() {
			continue
		}
		if err := ap.add(ctx, &r.Event); err != nil {
			return 0, fmt.Errorf("%s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
		}
	}
	if err := ap.flushAll(ctx); err != nil {
		return 0, err
	}
	if applied > 0 {
		topics, ps, offs := make([]string, len(parts)), make([]int32, len(parts)), make([]int64, len(parts))
		for i, p := range parts {
			topics[i], ps[i], offs[i] = p.topic, p.part, last[p]+1
		}
		_, err = tx.Exec(ctx, "UPDATE "+s.offsets+` o SET next_offset = u.n, updated_at = now()
FROM unnest($2::text[], $3::int4[], $4::int8[]) AS u(t, p, n)
WHERE o.sink = $1 AND o.topic = u.t AND o.partition = u.p AND u.n > o.next_offset`, s.cfg.Name, topics, ps, offs)
		if err != nil {
			return 0, fmt.Errorf("pgsink: store offsets: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("pgsink: commit: %w", err)
	}
	for _, c := range ap.counts {
		s.m.rows.WithLabelValues(c.table, c.op.String()).Add(float64(c.n))
	}
	for k, n := range ap.written {
		s.m.written.WithLabelValues(k[0], k[1]).Add(float64(n))
	}
	return applied, nil
}

// lockOffsets creates missing offset rows, locks the rows of parts (in
// order, so that concurrent instances cannot deadlock) and returns their
// next offsets.
func (s *Sink) lockOffsets(ctx context.Context, tx pgx.Tx, parts []tp) (map[tp]int64, error) {
	topics, ps := make([]string, len(parts)), make([]int32, len(parts))
	for i, p := range parts {
		topics[i], ps[i] = p.topic, p.part
	}
	_, err := tx.Exec(ctx, "INSERT INTO "+s.offsets+` (sink, topic, partition, next_offset)
SELECT $1, t, p, 0 FROM unnest($2::text[], $3::int4[]) AS u(t, p) ON CONFLICT DO NOTHING`, s.cfg.Name, topics, ps)
	if err != nil {
		return nil, fmt.Errorf("pgsink: create offset rows: %w", err)
	}
	rows, err := tx.Query(ctx, "SELECT o.topic, o.partition, o.next_offset FROM "+s.offsets+` o
JOIN unnest($2::text[], $3::int4[]) AS u(t, p) ON o.topic = u.t AND o.partition = u.p
WHERE o.sink = $1 ORDER BY o.topic, o.partition FOR UPDATE OF o`, s.cfg.Name, topics, ps)
	if err != nil {
		return nil, fmt.Errorf("pgsink: lock offsets: %w", err)
	}
	next := make(map[tp]int64, len(parts))
	var k tp
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&k.topic, &k.part, &n}, func() error {
		next[k] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgsink: lock offsets: %w", err)
	}
	return next, nil
}
