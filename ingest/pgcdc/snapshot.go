package pgcdc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
)

// snapshot reads every captured table in the slot's exported snapshot and
// produces its rows as read events, then waits until Kafka has them all.
// Streaming then starts at the slot's consistent point: no gap, no overlap.
func (s *Source) snapshot(ctx context.Context, snapshotName string, lsn uint64) error {
	cfg, err := pgx.ParseConfig(s.cfg.DSN)
	if err != nil {
		return fmt.Errorf("pgcdc: parse dsn: %w", err)
	}
	for k, v := range RuntimeParams {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("pgcdc: snapshot connection: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("pgcdc: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snapshotName+"'"); err != nil {
		return fmt.Errorf("pgcdc: use exported snapshot %s: %w", snapshotName, err)
	}
	tables, err := s.snapshotTables(ctx, tx.Conn())
	if err != nil {
		return err
	}
	s.tracker = newTracker(0)
	s.cur = s.tracker.begin()
	s.curXid, s.curCommitUs = 0, s.deps.Now().UnixMicro()
	prog := &progress{log: s.log, start: s.deps.Now(), now: s.deps.Now, last: s.deps.Now()}
	for _, t := range tables {
		prog.total += t.estimate
	}
	var pending *pendingRead
	for ti, t := range tables {
		rel, err := s.snapshotRelation(ctx, tx.Conn(), t)
		if err != nil {
			return err
		}
		cols := make([]string, len(rel.schema.Fields))
		for i, f := range rel.schema.Fields {
			cols[i] = pgx.Identifier{f.Name}.Sanitize()
		}
		q := "SELECT " + strings.Join(cols, ", ") + " FROM " + pgx.Identifier{t.nsp, t.name}.Sanitize()
		rows, err := tx.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			return fmt.Errorf("pgcdc: snapshot %s: %w", rel.table, err)
		}
		for rows.Next() {
			raw := rows.RawValues()
			row := make([]schemas.Value, len(raw))
			for i, b := range raw {
				if b == nil {
					continue // NULL
				}
				if row[i], err = rel.values[i](b); err != nil {
					rows.Close()
					return fmt.Errorf("pgcdc: snapshot %s.%s: %w", rel.table, rel.schema.Fields[i].Name, err)
				}
			}
			// One row of look-ahead marks the last row of the snapshot.
			if pending != nil {
				if err := s.emitRead(ctx, pending, schemas.SnapshotTrue, lsn); err != nil {
					rows.Close()
					return err
				}
			}
			pending = &pendingRead{rel: rel, row: row}
			s.metrics.snapshotRows.WithLabelValues(rel.table).Inc()
			prog.row(rel.table, ti+1, len(tables))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("pgcdc: snapshot %s: %w", rel.table, err)
		}
	}
	if pending != nil {
		if err := s.emitRead(ctx, pending, schemas.SnapshotLast, lsn); err != nil {
			return err
		}
	}
	s.tracker.commit(s.cur, lsn)
	s.cur = nil
	if err := s.deps.Producer.Flush(ctx); err != nil {
		return fmt.Errorf("pgcdc: flush snapshot: %w", err)
	}
	if _, owed, err := s.tracker.state(); err != nil || owed > 0 {
		return fmt.Errorf("pgcdc: snapshot not acknowledged by Kafka (%d transactions owed): %v", owed, err)
	}
	prog.done()
	return nil
}

type pendingRead struct {
	rel *relation
	row []schemas.Value
}

func (s *Source) emitRead(ctx context.Context, p *pendingRead, mark schemas.Snapshot, lsn uint64) error {
	ev := schemas.Event{Op: schemas.OpRead, Schema: p.rel.schema, After: p.row,
		Source: schemas.Source{Connector: "postgresql", Version: "helios-etl", Name: s.cfg.TopicPrefix, Database: s.dbName,
			Schema: p.rel.nsp, Table: p.rel.name, LSN: lsn, CommitMicros: s.curCommitUs, Snapshot: mark},
		TsMicros: s.deps.Now().UnixMicro()}
	r, err := s.record(p.rel, &ev)
	if err != nil {
		return err
	}
	tx := s.cur
	s.tracker.add(tx)
	s.deps.Producer.Produce(ctx, r, func(_ *kgo.Record, err error) { s.tracker.ack(tx, err) })
	if _, _, err := s.tracker.state(); err != nil {
		return fmt.Errorf("pgcdc: kafka did not take a snapshot record: %w", err)
	}
	return nil
}

type snapTable struct {
	oid       uint32
	nsp, name string
	estimate  int64
}

func (s *Source) snapshotTables(ctx context.Context, conn *pgx.Conn) ([]snapTable, error) {
	rows, err := conn.Query(ctx, `
		SELECT c.oid, n.nspname, c.relname, greatest(c.reltuples, 0)::int8
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
		err := r.Scan(&t.oid, &t.nsp, &t.name, &t.estimate)
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

// progress logs snapshot progress every few seconds: rows, rate and ETA.
type progress struct {
	log         interface{ Info(string, ...any) }
	start, last time.Time
	now         func() time.Time
	rows, total int64
}

func (p *progress) row(table string, ti, tn int) {
	p.rows++
	if p.rows%4096 != 0 {
		return
	}
	now := p.now()
	if now.Sub(p.last) < 5*time.Second {
		return
	}
	p.last = now
	rate := float64(p.rows) / now.Sub(p.start).Seconds()
	args := []any{"table", table, "table_n", fmt.Sprintf("%d/%d", ti, tn), "rows", p.rows, "rows_per_s", int64(rate)}
	if p.total > p.rows && rate > 0 {
		args = append(args, "eta", time.Duration(float64(p.total-p.rows)/rate*float64(time.Second)).Round(time.Second).String())
	}
	p.log.Info("snapshot progress", args...)
}

func (p *progress) done() {
	el := p.now().Sub(p.start)
	p.log.Info("snapshot done", "rows", p.rows, "seconds", el.Seconds(), "rows_per_s", int64(float64(p.rows)/max(el.Seconds(), 1e-9)))
}
