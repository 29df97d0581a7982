package pgcdc

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// The initial snapshot.
//
// Tables are cut into chunks of heap blocks (ctid ranges, which work for
// any table, with or without a primary key); SnapshotWorkers connections
// import the slot's exported snapshot and read chunks in parallel, several
// tables at once and several chunks of one table at once. The plan and each
// finished chunk (all its records acknowledged by Kafka) are kept in the
// store, so a restart resumes with the chunks not done yet.
//
// A resumed snapshot cannot import the original exported snapshot (it dies
// with the connection that made it), so it reads the remaining chunks in a
// new one; the slot has not advanced, and streaming starts at its
// consistent point, so changes made in between are streamed after the rows
// are read: every key converges to the table's current state, though a
// resumed chunk's keys may briefly show an older change after their read.

// snapPlan is the snapshot's chunk plan, kept in the store.
type snapPlan struct {
	LSN    uint64      `json:"lsn"`
	Chunks []snapChunk `json:"chunks"`
}

// snapChunk is a range of heap blocks of one table; To 0 means to the end.
type snapChunk struct {
	OID  uint32 `json:"oid"`
	NSP  string `json:"nsp"`
	Name string `json:"name"`
	From int64  `json:"from"`
	To   int64  `json:"to"`
}

func (s *Source) planKey() string { return "pgcdc/" + s.cfg.Slot + "/snapshot/plan" }
func (s *Source) chunkKey(i int) string {
	return fmt.Sprintf("pgcdc/%s/snapshot/chunk/%08d", s.cfg.Slot, i)
}

func (s *Source) loadPlan() (*snapPlan, error) {
	b, err := s.deps.Store.Get(s.planKey())
	if err != nil || b == nil {
		return nil, err
	}
	var p snapPlan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("pgcdc: snapshot plan in state: %w", err)
	}
	return &p, nil
}

func (s *Source) snapConn(ctx context.Context, snapshotName string) (*pgx.Conn, pgx.Tx, error) {
	cfg, err := pgx.ParseConfig(s.cfg.DSN)
	if err != nil {
		return nil, nil, fmt.Errorf("pgcdc: parse dsn: %w", err)
	}
	for k, v := range pgvalue.RuntimeParams() {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("pgcdc: snapshot connection: %w", err)
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, nil, fmt.Errorf("pgcdc: begin snapshot: %w", err)
	}
	if snapshotName != "" {
		if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snapshotName+"'"); err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return nil, nil, fmt.Errorf("pgcdc: import exported snapshot %s: %w", snapshotName, err)
		}
	}
	return conn, tx, nil
}

// snapshot reads every captured table and produces its rows as read
// events, then waits until Kafka has them all. snapshotName is the slot's
// exported snapshot, or empty to resume a planned snapshot in a new one.
func (s *Source) snapshot(ctx context.Context, snapshotName string, lsn uint64) error {
	pconn, ptx, err := s.snapConn(ctx, snapshotName)
	if err != nil {
		return err
	}
	defer pconn.Close(context.WithoutCancel(ctx))
	plan, err := s.loadPlan()
	if err != nil {
		return err
	}
	if plan == nil || snapshotName != "" {
		if plan, err = s.makePlan(ctx, ptx.Conn(), lsn); err != nil {
			return err
		}
	}
	// Relations, in the snapshot's view of the catalog.
	rels := map[uint32]*relation{}
	s.tracker = newTracker(0)
	s.cur = s.tracker.begin()
	s.curXid, s.curCommitUs = 0, s.deps.Now().UnixMicro()
	for _, c := range plan.Chunks {
		if rels[c.OID] != nil {
			continue
		}
		rel, err := s.snapshotRelation(ctx, ptx.Conn(), snapTable{oid: c.OID, nsp: c.NSP, name: c.Name})
		if err != nil {
			return err
		}
		rels[c.OID] = rel
	}
	var todo []int
	for i := range plan.Chunks {
		done, err := s.deps.Store.Get(s.chunkKey(i))
		if err != nil {
			return fmt.Errorf("pgcdc: read snapshot progress: %w", err)
		}
		if done == nil {
			todo = append(todo, i)
		}
	}
	if len(todo) < len(plan.Chunks) {
		s.log.Info("resuming snapshot", "chunks_done", len(plan.Chunks)-len(todo), "chunks_left", len(todo))
	}
	prog := &progress{log: s.log, every: s.cfg.ProgressInterval, start: s.deps.Now(), now: s.deps.Now, last: s.deps.Now(),
		chunks: len(plan.Chunks), done: len(plan.Chunks) - len(todo)}
	var est int64
	_ = ptx.Conn().QueryRow(ctx, `SELECT coalesce(sum(greatest(reltuples, 0)), 0)::int8 FROM pg_class WHERE oid = ANY($1)`, oids(rels)).Scan(&est)
	prog.total = est
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("pgcdc: end planning transaction: %w", err)
	}

	work := make(chan int)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(work)
		for _, i := range todo {
			select {
			case work <- i:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for w := 0; w < min(s.cfg.SnapshotWorkers, max(len(todo), 1)); w++ {
		g.Go(func() error {
			conn, tx, err := s.snapConn(gctx, snapshotName)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			defer tx.Rollback(context.WithoutCancel(ctx))
			enc := envelope.NewEncoder(envelope.Options{TopicPrefix: s.cfg.TopicPrefix, Schemas: s.cfg.Schemas})
			for i := range work {
				c := plan.Chunks[i]
				n, err := s.readChunk(gctx, tx, enc, rels[c.OID], c, lsn, prog)
				if err != nil {
					return err
				}
				// The chunk is done once Kafka has acknowledged its records.
				if err := s.deps.Producer.Flush(gctx); err != nil {
					return fmt.Errorf("pgcdc: flush snapshot chunk: %w", err)
				}
				if _, _, err := s.tracker.state(); err != nil {
					return fmt.Errorf("pgcdc: kafka did not take a snapshot record: %w", err)
				}
				var b [8]byte
				binary.BigEndian.PutUint64(b[:], uint64(n))
				if err := s.deps.Store.Put(s.chunkKey(i), b[:]); err != nil {
					return fmt.Errorf("pgcdc: save snapshot progress: %w", err)
				}
				prog.chunkDone()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	s.tracker.commit(s.cur, lsn)
	s.cur = nil
	if _, owed, err := s.tracker.state(); err != nil || owed > 0 {
		return fmt.Errorf("pgcdc: snapshot not acknowledged by Kafka (%d transactions owed): %v", owed, err)
	}
	prog.finish()
	return nil
}

func oids(rels map[uint32]*relation) []uint32 {
	out := make([]uint32, 0, len(rels))
	for o := range rels {
		out = append(out, o)
	}
	return out
}

// makePlan cuts the publication's tables into chunks and saves the plan.
func (s *Source) makePlan(ctx context.Context, conn *pgx.Conn, lsn uint64) (*snapPlan, error) {
	tables, err := s.snapshotTables(ctx, conn)
	if err != nil {
		return nil, err
	}
	plan := &snapPlan{LSN: lsn}
	for _, t := range tables {
		rowsPerBlock := 100.0
		if t.blocks > 0 && t.estimate > 0 {
			rowsPerBlock = max(1, float64(t.estimate)/float64(t.blocks))
		}
		step := max(1, int64(float64(s.cfg.SnapshotChunkRows)/rowsPerBlock))
		from := int64(0)
		for from+step < t.blocks {
			plan.Chunks = append(plan.Chunks, snapChunk{OID: t.oid, NSP: t.nsp, Name: t.name, From: from, To: from + step})
			from += step
		}
		plan.Chunks = append(plan.Chunks, snapChunk{OID: t.oid, NSP: t.nsp, Name: t.name, From: from}) // to the end
	}
	b, err := json.Marshal(plan)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: encode snapshot plan: %w", err)
	}
	// A new plan starts from nothing done.
	if err := s.clearChunks(); err != nil {
		return nil, err
	}
	if err := s.deps.Store.Put(s.planKey(), b); err != nil {
		return nil, fmt.Errorf("pgcdc: save snapshot plan: %w", err)
	}
	s.log.Info("snapshot plan", "tables", len(tables), "chunks", len(plan.Chunks), "workers", s.cfg.SnapshotWorkers)
	return plan, nil
}

// clearChunks forgets which snapshot chunks are done.
func (s *Source) clearChunks() error {
	for i := 0; ; i++ {
		done, err := s.deps.Store.Get(s.chunkKey(i))
		if err != nil {
			return fmt.Errorf("pgcdc: read snapshot progress: %w", err)
		}
		if done == nil {
			return nil
		}
		if err := s.deps.Store.Delete(s.chunkKey(i)); err != nil {
			return fmt.Errorf("pgcdc: clear snapshot progress: %w", err)
		}
	}
}

// readChunk produces the rows of one chunk and returns how many.
func (s *Source) readChunk(ctx context.Context, tx pgx.Tx, enc *envelope.Encoder, rel *relation, c snapChunk, lsn uint64, prog *progress) (int64, error) {
	cols := make([]string, len(rel.schema.Fields))
	for i, f := range rel.schema.Fields {
		cols[i] = pgx.Identifier{f.Name}.Sanitize()
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE ctid >= '(%d,0)'::tid", strings.Join(cols, ", "), pgx.Identifier{c.NSP, c.Name}.Sanitize(), c.From)
	if c.To > 0 {
		q += fmt.Sprintf(" AND ctid < '(%d,0)'::tid", c.To)
	}
	rows, err := tx.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return 0, fmt.Errorf("pgcdc: snapshot %s blocks %d-%d: %w", rel.table, c.From, c.To, err)
	}
	defer rows.Close()
	var n int64
	snapRows := s.metrics.snapshotRows.WithLabelValues(rel.table)
	for rows.Next() {
		raw := rows.RawValues()
		row := make([]schemas.Value, len(raw))
		for i, b := range raw {
			if b == nil {
				continue // NULL
			}
			if row[i], err = rel.values[i](b); err != nil {
				return n, fmt.Errorf("pgcdc: snapshot %s.%s: %w", rel.table, rel.schema.Fields[i].Name, err)
			}
		}
		ev := schemas.Event{Op: schemas.OpRead, Schema: rel.schema, After: row,
			Source: schemas.Source{Connector: "postgresql", Version: "helios-etl", Name: s.cfg.TopicPrefix, Database: s.dbName,
				Schema: rel.nsp, Table: rel.name, LSN: lsn, CommitMicros: s.curCommitUs, Snapshot: schemas.SnapshotTrue},
			TsMicros: s.deps.Now().UnixMicro()}
		r, err := recordOf(enc, rel, &ev)
		if err != nil {
			return n, err
		}
		tx := s.cur
		s.tracker.add(tx)
		s.deps.Producer.Produce(ctx, r, func(_ *kgo.Record, err error) { s.tracker.ack(tx, err) })
		snapRows.Inc()
		n++
		prog.row(rel.table)
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("pgcdc: snapshot %s: %w", rel.table, err)
	}
	return n, nil
}

type snapTable struct {
	oid       uint32
	nsp, name string
	estimate  int64
	blocks    int64
}

func (s *Source) snapshotTables(ctx context.Context, conn *pgx.Conn) ([]snapTable, error) {
	rows, err := conn.Query(ctx, `
		SELECT c.oid, n.nspname, c.relname, greatest(c.reltuples, 0)::int8,
		       pg_relation_size(c.oid) / current_setting('block_size')::int8
		FROM pg_publication_tables p
		JOIN pg_namespace n ON n.nspname = p.schemaname
		JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
		WHERE p.pubname = $1
		ORDER BY n.nspname, c.relname`, s.cfg.Publication)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: list tables of publication %s: %w", s.cfg.Publication, err)
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (snapTable, error) {
		var t snapTable
		err := r.Scan(&t.oid, &t.nsp, &t.name, &t.estimate, &t.blocks)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgcdc: list tables of publication %s: %w", s.cfg.Publication, err)
	}
	return tables, nil
}

func (s *Source) snapshotRelation(ctx context.Context, conn *pgx.Conn, t snapTable) (*relation, error) {
	rows, err := conn.Query(ctx, `
		SELECT attname, atttypid, atttypmod FROM pg_attribute
		WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`, t.oid)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: columns of %s.%s: %w", t.nsp, t.name, err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.oid, &c.typmod)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgcdc: columns of %s.%s: %w", t.nsp, t.name, err)
	}
	rel, changed, err := s.buildRelation(ctx, t.oid, t.nsp, t.name, cols)
	if err != nil {
		return nil, err
	}
	if changed {
		if err := s.emitSchemaChange(ctx, rel, 0); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

// progress logs snapshot progress every interval: rows, rate, chunks and
// ETA. Workers share it.
type progress struct {
	mu          sync.Mutex
	log         interface{ Info(string, ...any) }
	every       time.Duration
	start, last time.Time
	now         func() time.Time
	rows, total int64
	chunks      int
	done        int
}

func (p *progress) row(table string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows++
	if p.rows%4096 != 0 {
		return
	}
	now := p.now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	rate := float64(p.rows) / now.Sub(p.start).Seconds()
	args := []any{"table", table, "chunks", fmt.Sprintf("%d/%d", p.done, p.chunks), "rows", p.rows, "rows_per_s", int64(rate)}
	if p.total > p.rows && rate > 0 {
		args = append(args, "eta", time.Duration(float64(p.total-p.rows)/rate*float64(time.Second)).Round(time.Second).String())
	}
	p.log.Info("snapshot progress", args...)
}

func (p *progress) chunkDone() {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	el := p.now().Sub(p.start)
	p.log.Info("snapshot done", "rows", p.rows, "chunks", p.chunks, "seconds", el.Seconds(), "rows_per_s", int64(float64(p.rows)/max(el.Seconds(), 1e-9)))
}
