package pgcdc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// Errors the caller may act on.
var (
	// ErrWalLevel means the server's wal_level is not logical.
	ErrWalLevel = errors.New("pgcdc: wal_level is not logical")
	// ErrSlotLost means the slot's WAL was removed (wal_status = lost).
	ErrSlotLost = errors.New("pgcdc: replication slot lost its WAL")
	// ErrSlotAhead means the slot confirmed more than this source ever
	// acknowledged: changes were consumed elsewhere, or the slot was
	// recreated, and would be missing from Kafka.
	ErrSlotAhead = errors.New("pgcdc: replication slot is ahead of the checkpoint")
)

// Header names of the records produced.
const (
	HeaderLSN           = "helios.lsn"
	HeaderTxID          = "helios.txid"
	HeaderSchemaVersion = "helios.schema_version"
)

// Deps are the source's collaborators, built by the caller.
type Deps struct {
	Producer Producer
	Topics   Topics
	Store    Store
	Types    Types
	Logger   *slog.Logger
	// Registerer receives the metrics; nil means none are registered.
	Registerer prometheus.Registerer
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

// Source streams one replication slot to Kafka.
type Source struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	metrics *metrics
	enc     *envelope.Encoder
	tracker *tracker

	rels          map[uint32]*relation
	cat           *catalog
	dbName        string
	serverVersion int
	serverWAL     uint64
	lastSaved     uint64
	lastCommit    time.Time // commit time of the newest transaction seen
	cur           *txnState
	curXid        int64
	curCommitUs   int64

	// the checkpointer goroutine
	ckpt *checkpointer

	// the encoder goroutine (see pipeline)
	out  chan<- emitItem
	pipe *pipeline

	// protocol 2 streaming of in-progress transactions
	spool    *spool
	inStream bool
	// patient is set while a transaction is streamed in progress (spooled,
	// nothing to produce before its commit): see patientReader.
	patient   atomic.Bool
	streamXid uint32
}

// relation is a table as the stream knows it now.
type relation struct {
	schema *schemas.Schema
	values []ValueFunc
	topic  string
	table  string // schema.table
	nsp    string
	name   string
	// rows counts the table's rows in etl_rows_processed_total (looked up
	// once, not per row).
	rows prometheus.Counter
	// size follows the size of the encoded records (value, key and
	// headers): it jumps up to a larger one and decays towards smaller
	// ones, so that one huge row does not make every later buffer huge.
	// Snapshot workers share it: a lost update only costs a regrowth.
	size atomic.Int64
}

// sizeHint is the capacity an encoded record of rel starts with.
func (rel *relation) sizeHint() int { return int(min(max(rel.size.Load(), 256), 64<<10)) }

// observeSize takes an encoded record's size into sizeHint.
func (rel *relation) observeSize(n int) {
	cur, m := rel.size.Load(), int64(n)
	if m >= cur {
		rel.size.Store(m)
		return
	}
	rel.size.Store(cur - (cur-m)/8)
}

// rowCounter is the table's etl_rows_processed_total{stage="cdc"} counter.
// Only the encoder goroutine calls it.
func (rel *relation) rowCounter(m *metrics) prometheus.Counter {
	if rel.rows == nil {
		rel.rows = m.rows.WithLabelValues("cdc", rel.table)
	}
	return rel.rows
}

// New checks the configuration and returns a source; it starts nothing.
func New(cfg Config, deps Deps) (*Source, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("pgcdc config: %w", err)
	}
	if deps.Producer == nil || deps.Topics == nil || deps.Store == nil || deps.Types == nil {
		return nil, errors.New("pgcdc: Producer, Topics, Store and Types are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	m, err := newMetrics(deps.Registerer)
	if err != nil {
		return nil, err
	}
	return &Source{
		cfg: cfg, deps: deps, log: deps.Logger.With("slot", cfg.Slot), metrics: m,
		enc:  envelope.NewEncoder(envelope.Options{TopicPrefix: cfg.TopicPrefix, Schemas: cfg.Schemas}),
		rels: make(map[uint32]*relation),
	}, nil
}

func (s *Source) lsnKey() string      { return "pgcdc/" + s.cfg.Slot + "/lsn" }
func (s *Source) snapshotKey() string { return "pgcdc/" + s.cfg.Slot + "/snapshot_done" }

// Run captures changes until ctx is cancelled or an error stops it. On
// cancellation it stops reading, waits for Kafka to acknowledge what was
// produced, saves the checkpoint and confirms it to the server before it
// returns nil.
func (s *Source) Run(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.cfg.DSN)
	if err != nil {
		return fmt.Errorf("pgcdc: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	s.cat = &catalog{conn: conn}
	if err := s.prepare(ctx, conn); err != nil {
		return err
	}
	start, err := s.loadLSN()
	if err != nil {
		return err
	}
	slot, err := s.slotStatus(ctx, conn)
	if err != nil {
		return err
	}
	done, err := s.deps.Store.Get(s.snapshotKey())
	if err != nil {
		return fmt.Errorf("pgcdc: read snapshot status: %w", err)
	}
	wantSnapshot := s.cfg.Snapshot != SnapshotNever && done == nil
	if s.cfg.Snapshot == SnapshotInitialOnly && done != nil {
		// initial_only drops its slot at the end; this one streams.
		return fmt.Errorf("pgcdc: slot %s already took its snapshot and streams from it; initial_only would drop it: give a one-off snapshot its own slot name", s.cfg.Slot)
	}

	rconn, err := s.replicationConn(ctx)
	if err != nil {
		return err
	}
	defer rconn.Close(context.WithoutCancel(ctx))

	resumed := false
	if slot.exists && wantSnapshot {
		plan, err := s.loadPlan()
		if err != nil {
			return err
		}
		if plan != nil && slot.confirmed <= plan.LSN && !slot.lost {
			// The slot has not moved since the snapshot began: read the chunks
			// not done yet, then stream from the consistent point.
			if err := s.snapshot(ctx, "", plan.LSN); err != nil {
				return err
			}
			start, resumed = plan.LSN, true
			if err := s.saveLSN(start); err != nil {
				return err
			}
		}
	}
	if slot.exists && wantSnapshot && !resumed {
		// Without a plan, or with a slot that moved, the snapshot cannot be
		// resumed: start over with a new slot (rows are upserts by key).
		s.log.Warn("snapshot did not finish before; dropping the slot to take it again")
		if err := pglogrepl.DropReplicationSlot(ctx, rconn, s.cfg.Slot, pglogrepl.DropReplicationSlotOptions{Wait: true}); err != nil {
			return fmt.Errorf("pgcdc: drop slot %s: %w", s.cfg.Slot, err)
		}
		slot.exists = false
		start = 0
	}
	switch {
	case resumed:
	case slot.exists || start != 0:
		if start, err = checkSlot(s.cfg.Slot, slot, start); err != nil {
			return err
		}
	default:
		action := "NOEXPORT_SNAPSHOT"
		if wantSnapshot {
			action = "EXPORT_SNAPSHOT"
		}
		res, err := pglogrepl.CreateReplicationSlot(ctx, rconn, s.cfg.Slot, "pgoutput",
			pglogrepl.CreateReplicationSlotOptions{SnapshotAction: action, Mode: pglogrepl.LogicalReplication})
		if err != nil {
			return fmt.Errorf("pgcdc: create slot %s: %w", s.cfg.Slot, err)
		}
		lsn, err := pglogrepl.ParseLSN(res.ConsistentPoint)
		if err != nil {
			return fmt.Errorf("pgcdc: slot %s consistent point %q: %w", s.cfg.Slot, res.ConsistentPoint, err)
		}
		start = uint64(lsn)
		s.log.Info("created replication slot", "consistent_point", res.ConsistentPoint, "snapshot", res.SnapshotName)
		if wantSnapshot {
			if err := s.snapshot(ctx, res.SnapshotName, start); err != nil {
				return err
			}
		}
		if err := s.saveLSN(start); err != nil {
			return err
		}
	}
	if s.cfg.Snapshot == SnapshotInitialOnly {
		return s.finishInitialOnly(ctx, rconn)
	}
	if wantSnapshot {
		if err := s.deps.Store.Put(s.snapshotKey(), []byte{1}); err != nil {
			return fmt.Errorf("pgcdc: save snapshot status: %w", err)
		}
	}
	return s.stream(ctx, rconn, start)
}

// finishInitialOnly ends an initial_only run whose snapshot is in Kafka:
// the slot was only needed for its exported snapshot, so it is dropped
// (else it would hold WAL back for ever), and so is the slot's checkpoint,
// which no longer has a slot behind it. The next run takes a new snapshot.
func (s *Source) finishInitialOnly(ctx context.Context, rconn *pgconn.PgConn) error {
	if err := pglogrepl.DropReplicationSlot(ctx, rconn, s.cfg.Slot, pglogrepl.DropReplicationSlotOptions{Wait: true}); err != nil {
		return fmt.Errorf("pgcdc: drop slot %s after the initial_only snapshot: %w", s.cfg.Slot, err)
	}
	for _, k := range []string{s.lsnKey(), s.planKey()} {
		if err := s.deps.Store.Delete(k); err != nil {
			return fmt.Errorf("pgcdc: forget checkpoint %s: %w", k, err)
		}
	}
	if err := s.clearChunks(); err != nil {
		return err
	}
	s.log.Info("snapshot done; initial_only mode dropped the slot and stops here")
	return nil
}

// checkWalLevel says whether a server with this wal_level can serve
// logical replication.
func checkWalLevel(level string) error {
	if level != "logical" {
		return fmt.Errorf("%w: it is %q; set wal_level = logical in postgresql.conf and restart the server", ErrWalLevel, level)
	}
	return nil
}

// checkSlot decides where streaming resumes on a slot that exists, or that
// must exist because checkpoint (the LSN acknowledged before, 0 for none)
// says changes were captured from it. It fails when changes would be
// missing from Kafka: the slot lost WAL, was dropped, or confirmed more
// than the checkpoint.
func checkSlot(name string, slot slotState, checkpoint uint64) (uint64, error) {
	const fix = "start again with a new slot name (state.dir keeps checkpoints per slot) and --snapshot initial to take a new snapshot"
	switch {
	case !slot.exists && checkpoint != 0:
		return 0, fmt.Errorf("%w: slot %s does not exist, but the checkpoint says changes up to %s were captured from it; the changes since then are gone: %s",
			ErrSlotLost, name, pglogrepl.LSN(checkpoint), fix)
	case !slot.exists:
		return 0, fmt.Errorf("pgcdc: slot %s does not exist", name)
	case slot.lost:
		return 0, fmt.Errorf("%w: slot %s has wal_status=lost: the server removed WAL it had not sent (raise max_slot_wal_keep_size); drop the slot (SELECT pg_drop_replication_slot('%s')) and %s",
			ErrSlotLost, name, name, fix)
	case checkpoint != 0 && slot.confirmed > checkpoint:
		return 0, fmt.Errorf("%w: slot %s confirmed %s, but the checkpoint is %s: the changes between them were consumed elsewhere (or the slot was recreated) and are not in Kafka; drop the slot (SELECT pg_drop_replication_slot('%s')) and %s",
			ErrSlotAhead, name, pglogrepl.LSN(slot.confirmed), pglogrepl.LSN(checkpoint), name, fix)
	case checkpoint == 0:
		return slot.confirmed, nil
	}
	return checkpoint, nil
}

// prepare checks wal_level and makes the publication.
func (s *Source) prepare(ctx context.Context, conn *pgx.Conn) error {
	var level string
	if err := conn.QueryRow(ctx, "SHOW wal_level").Scan(&level); err != nil {
		return fmt.Errorf("pgcdc: read wal_level: %w", err)
	}
	if err := checkWalLevel(level); err != nil {
		return err
	}
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&s.serverVersion); err != nil {
		return fmt.Errorf("pgcdc: read server version: %w", err)
	}
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&s.dbName); err != nil {
		return fmt.Errorf("pgcdc: read database name: %w", err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1)", s.cfg.Publication).Scan(&exists); err != nil {
		return fmt.Errorf("pgcdc: look up publication: %w", err)
	}
	if exists {
		s.log.Info("using existing publication", "publication", s.cfg.Publication)
		return nil
	}
	sql := "CREATE PUBLICATION " + pgx.Identifier{s.cfg.Publication}.Sanitize()
	if len(s.cfg.Tables) == 0 {
		sql += " FOR ALL TABLES"
	} else {
		parts := make([]string, len(s.cfg.Tables))
		for i, t := range s.cfg.Tables {
			nsp, name, _ := strings.Cut(t, ".")
			parts[i] = pgx.Identifier{nsp, name}.Sanitize()
		}
		sql += " FOR TABLE " + strings.Join(parts, ", ")
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgcdc: create publication %s: %w", s.cfg.Publication, err)
	}
	s.log.Info("created publication", "publication", s.cfg.Publication, "tables", s.cfg.Tables)
	return nil
}

type slotState struct {
	exists    bool
	lost      bool
	confirmed uint64
}

func (s *Source) slotStatus(ctx context.Context, conn *pgx.Conn) (slotState, error) {
	st, err := scanSlot(conn.QueryRow(ctx, `SELECT plugin, wal_status, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1`, s.cfg.Slot))
	if err != nil {
		return st, fmt.Errorf("pgcdc: look up slot %s: %w", s.cfg.Slot, err)
	}
	return st, nil
}

// scanSlot reads the plugin, wal_status and confirmed_flush_lsn (as text)
// of a pg_replication_slots row; no row is a slot that does not exist.
func scanSlot(row pgx.Row) (slotState, error) {
	var st slotState
	var plugin, walStatus, confirmed *string
	err := row.Scan(&plugin, &walStatus, &confirmed)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.exists = true
	if plugin == nil || *plugin != "pgoutput" {
		return st, errors.New("it exists but is not a pgoutput logical slot")
	}
	st.lost = walStatus != nil && *walStatus == "lost"
	if confirmed != nil {
		lsn, err := pglogrepl.ParseLSN(*confirmed)
		if err != nil {
			return st, fmt.Errorf("confirmed_flush_lsn %q: %w", *confirmed, err)
		}
		st.confirmed = uint64(lsn)
	}
	return st, nil
}

func (s *Source) replicationConn(ctx context.Context) (*pgconn.PgConn, error) {
	cfg, err := pgconn.ParseConfig(s.cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: parse dsn: %w", err)
	}
	cfg.RuntimeParams["replication"] = "database"
	// Reads of 256 KiB rather than pgproto3's 8 KiB: a stream of small
	// XLogData messages otherwise costs a read syscall every few rows.
	cfg.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(&patientReader{r: r, patient: &s.patient}, 256<<10), w)
	}
	if s.cfg.DecodingWorkMem != "" {
		cfg.RuntimeParams["logical_decoding_work_mem"] = s.cfg.DecodingWorkMem
	}
	for k, v := range pgvalue.RuntimeParams() {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: open replication connection: %w", err)
	}
	return conn, nil
}

// patientReader reads the replication socket. While patient is set, a
// read that follows a short one first waits patientWait: the walsender
// streaming a large transaction in progress is slower than spooling it, so
// without the wait nearly every message cost a read syscall of its own
// (a fifth of the CPU of a streamed million-row transaction). The wait
// only delays what cannot be produced before its commit anyway.
type patientReader struct {
	r       io.Reader
	patient *atomic.Bool
	short   atomic.Bool // the last read returned less than patientShort
	// wait is time.Sleep but in tests.
	wait func(time.Duration)
}

const (
	patientWait  = 500 * time.Microsecond
	patientShort = 32 << 10
)

func (p *patientReader) Read(b []byte) (int, error) {
	if p.short.Load() && p.patient.Load() {
		if p.wait != nil {
			p.wait(patientWait)
		} else {
			time.Sleep(patientWait)
		}
	}
	n, err := p.r.Read(b)
	p.short.Store(n < patientShort)
	return n, err
}

func (s *Source) loadLSN() (uint64, error) {
	b, err := s.deps.Store.Get(s.lsnKey())
	if err != nil {
		return 0, fmt.Errorf("pgcdc: read checkpoint: %w", err)
	}
	if b == nil {
		return 0, nil
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("pgcdc: checkpoint %s has %d bytes, want 8", s.lsnKey(), len(b))
	}
	lsn := binary.BigEndian.Uint64(b)
	s.lastSaved = lsn
	return lsn, nil
}

func (s *Source) saveLSN(lsn uint64) error {
	if lsn == s.lastSaved {
		return nil
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], lsn)
	if err := s.deps.Store.Put(s.lsnKey(), b[:]); err != nil {
		return fmt.Errorf("pgcdc: save checkpoint %s: %w", pglogrepl.LSN(lsn), err)
	}
	s.lastSaved = lsn
	return nil
}

// stream runs the replication loop from start.
func (s *Source) stream(ctx context.Context, conn *pgconn.PgConn, start uint64) error {
	s.tracker = newTracker(start)
	args := []string{"publication_names '" + s.cfg.Publication + "'", "messages 'true'"}
	proto := 1
	if s.serverVersion >= 140000 && s.cfg.Protocol != 1 {
		proto = 2
		sp, err := newSpool(filepath.Join(s.cfg.SpoolDir, s.cfg.Slot))
		if err != nil {
			return err
		}
		defer sp.close()
		s.spool = sp
		args = append(args, "proto_version '2'", "streaming 'on'")
	} else {
		args = append(args, "proto_version '1'")
	}
	if err := pglogrepl.StartReplication(ctx, conn, s.cfg.Slot, pglogrepl.LSN(start),
		pglogrepl.StartReplicationOptions{PluginArgs: args, Mode: pglogrepl.LogicalReplication}); err != nil {
		return fmt.Errorf("pgcdc: start replication at %s: %w", pglogrepl.LSN(start), err)
	}
	s.startPipeline(ctx)
	defer s.drainPipeline()
	s.startCheckpointer(start)
	defer s.stopCheckpointer()
	if s.cfg.HeartbeatInterval > 0 {
		hctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.heartbeat(hctx)
		}()
		defer func() { stop(); <-done }()
	}
	s.log.Info("streaming", "from", pglogrepl.LSN(start).String(), "protocol", proto)
	nextStatus := s.deps.Now().Add(s.cfg.StatusInterval)
	// Reads wait until the next status is due through the socket's read
	// deadline, set once per interval: a context per call would cost a
	// watcher per message. Cancellation moves the deadline to now.
	nc := conn.Conn()
	if err := nc.SetReadDeadline(nextStatus); err != nil {
		return fmt.Errorf("pgcdc: set read deadline: %w", err)
	}
	stopWake := context.AfterFunc(ctx, func() { _ = nc.SetReadDeadline(time.Now()) })
	defer func() {
		stopWake()
		_ = nc.SetReadDeadline(time.Time{})
	}()
	for {
		if err := ctx.Err(); err != nil {
			return s.shutdown(conn)
		}
		if _, _, err := s.tracker.state(); err != nil {
			return fmt.Errorf("pgcdc: kafka did not take a record: %w", err)
		}
		if !s.deps.Now().Before(nextStatus) {
			if err := s.status(ctx, conn); err != nil {
				return err
			}
			nextStatus = s.deps.Now().Add(s.cfg.StatusInterval)
			if ctx.Err() == nil {
				if err := nc.SetReadDeadline(nextStatus); err != nil {
					return fmt.Errorf("pgcdc: set read deadline: %w", err)
				}
			}
		}
		raw, err := conn.ReceiveMessage(context.Background())
		if err != nil {
			if ctx.Err() != nil {
				return s.shutdown(conn)
			}
			if readTimeout(err) {
				continue
			}
			return fmt.Errorf("pgcdc: receive: %w", err)
		}
		switch m := raw.(type) {
		case *pgproto3.ErrorResponse:
			return fmt.Errorf("pgcdc: server: %w", pgconn.ErrorResponseToPgError(m))
		case *pgproto3.CopyData:
			if len(m.Data) == 0 {
				continue
			}
			switch m.Data[0] {
			case pglogrepl.PrimaryKeepaliveMessageByteID:
				ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(m.Data[1:])
				if err != nil {
					return fmt.Errorf("pgcdc: keepalive: %w", err)
				}
				s.serverWAL = max(s.serverWAL, uint64(ka.ServerWALEnd))
				if s.cur == nil {
					s.tracker.idleAdvance(uint64(ka.ServerWALEnd))
				}
				if ka.ReplyRequested {
					nextStatus = s.deps.Now()
				}
			case pglogrepl.XLogDataByteID:
				x, err := pglogrepl.ParseXLogData(m.Data[1:])
				if err != nil {
					return fmt.Errorf("pgcdc: xlogdata: %w", err)
				}
				s.serverWAL = max(s.serverWAL, uint64(x.ServerWALEnd))
				if err := s.handle(ctx, x.WALData, uint64(x.WALStart)); err != nil {
					return err
				}
			}
		}
	}
}

const heartbeatPrefix = "helios-etl-heartbeat"

// heartbeat writes a non-transactional logical message every
// HeartbeatInterval on a connection of its own, until ctx ends. Errors are
// logged: a missed heartbeat only delays the slot's advance.
func (s *Source) heartbeat(ctx context.Context) {
	conn, err := pgx.Connect(ctx, s.cfg.DSN)
	if err != nil {
		s.log.Warn("heartbeat connection", "err", err)
		return
	}
	defer conn.Close(context.WithoutCancel(ctx))
	t := time.NewTicker(s.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := conn.Exec(ctx, "SELECT pg_logical_emit_message(false, $1, $2)", heartbeatPrefix, s.cfg.Slot); err != nil && ctx.Err() == nil {
			s.log.Warn("heartbeat", "err", err)
		}
	}
}

// deadline is the receive deadline of the replication loop.
// readTimeout tells a read that stopped at the socket's deadline, which
// pgconn leaves the connection usable after, from a failed read.
func readTimeout(err error) bool {
	var ne net.Error
	return pgconn.Timeout(err) || (errors.As(err, &ne) && ne.Timeout())
}

// status saves the checkpoint, then confirms it to the server: in that order,
// so the slot is never ahead of the checkpoint.
//
// In the replication loop the saving is done by the checkpointer goroutine,
// so that no disk sync stalls decoding; status then only confirms what it
// has saved. On shutdown (no checkpointer) it saves itself.
func (s *Source) status(ctx context.Context, conn *pgconn.PgConn) error {
	var confirmed uint64
	if s.ckpt != nil {
		if err := s.ckpt.failed(); err != nil {
			return err
		}
		confirmed = s.ckpt.saved.Load()
	} else {
		confirmed, _, _ = s.tracker.state()
		if err := s.saveLSN(confirmed); err != nil {
			return err
		}
	}
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, conn, pglogrepl.StandbyStatusUpdate{WALWritePosition: pglogrepl.LSN(confirmed)}); err != nil {
		return fmt.Errorf("pgcdc: send standby status: %w", err)
	}
	s.metrics.confirmed.Set(float64(confirmed))
	if s.serverWAL > confirmed {
		s.metrics.lagBytes.Set(float64(s.serverWAL - confirmed))
	} else {
		s.metrics.lagBytes.Set(0)
	}
	if _, owed, _ := s.tracker.state(); owed == 0 || s.lastCommit.IsZero() {
		s.metrics.lagSeconds.Set(0)
	} else {
		s.metrics.lagSeconds.Set(s.deps.Now().Sub(s.lastCommit).Seconds())
	}
	return nil
}

// shutdown waits for Kafka to acknowledge what was produced (bounded),
// then saves and confirms the final checkpoint.
func (s *Source) shutdown(conn *pgconn.PgConn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.stopCheckpointer()
	s.drainPipeline()
	if err := s.deps.Producer.Flush(ctx); err != nil {
		s.log.Warn("flush on shutdown", "err", err)
	}
	if err := s.status(ctx, conn); err != nil {
		return err
	}
	confirmed, owed, _ := s.tracker.state()
	s.log.Info("stopped", "confirmed_lsn", pglogrepl.LSN(confirmed).String(), "transactions_owed", owed)
	return nil
}

// handle decodes one pgoutput message. data is only valid during the call.
func (s *Source) handle(ctx context.Context, data []byte, lsn uint64) error {
	if len(data) == 0 {
		return nil
	}
	if s.spool != nil {
		if handled, err := s.handleStream(ctx, data, lsn); handled || err != nil {
			return err
		}
	}
	switch data[0] {
	case 'I', 'U', 'D':
		m, err := s.parseChange(data, lsn)
		if err != nil {
			return err
		}
		return s.emit(ctx, s.rels[m.relID], m.op, m.before, m.after, lsn)
	}
	msg, err := pglogrepl.Parse(data)
	if err != nil {
		return fmt.Errorf("pgcdc: parse pgoutput message at %s: %w", pglogrepl.LSN(lsn), err)
	}
	switch m := msg.(type) {
	case *pglogrepl.RelationMessage:
		return s.relation(ctx, m, lsn)
	case *pglogrepl.BeginMessage:
		s.cur = s.tracker.begin()
		s.curXid = int64(m.Xid)
		s.curCommitUs = m.CommitTime.UnixMicro()
	case *pglogrepl.CommitMessage:
		if s.cur == nil {
			return fmt.Errorf("pgcdc: commit at %s without begin", pglogrepl.LSN(lsn))
		}
		s.tracker.commit(s.cur, uint64(m.TransactionEndLSN))
		s.cur = nil
		s.lastCommit = m.CommitTime
		s.metrics.txns.Inc()
	case *pglogrepl.LogicalDecodingMessage:
		// Our heartbeat, outside any transaction: everything before it has
		// been sent, so with nothing in flight the slot may advance to it.
		if !m.Transactional && m.Prefix == heartbeatPrefix && s.cur == nil {
			s.tracker.idleAdvance(lsn)
		}
	case *pglogrepl.TruncateMessage:
		for _, id := range m.RelationIDs {
			rel, err := s.rel(id, lsn)
			if err != nil {
				return err
			}
			if err := s.emit(ctx, rel, schemas.OpTruncate, nil, nil, lsn); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Source) rel(id uint32, lsn uint64) (*relation, error) {
	rel, ok := s.rels[id]
	if !ok {
		return nil, fmt.Errorf("pgcdc: change at %s for relation %d before its relation message", pglogrepl.LSN(lsn), id)
	}
	return rel, nil
}

// emit produces one event; its acknowledgement is counted in the current
// transaction.
func (s *Source) emit(ctx context.Context, rel *relation, op schemas.Op, before, after []schemas.Value, lsn uint64) error {
	if s.cur == nil {
		return fmt.Errorf("pgcdc: change at %s outside a transaction", pglogrepl.LSN(lsn))
	}
	ev := schemas.Event{Op: op, Schema: rel.schema, Before: before, After: after,
		Source: schemas.Source{Connector: "postgresql", Version: "helios-etl", Name: s.cfg.TopicPrefix, Database: s.dbName,
			Schema: rel.nsp, Table: rel.name, LSN: lsn, TxID: s.curXid, CommitMicros: s.curCommitUs},
		TsMicros: s.deps.Now().UnixMicro()}
	// As Debezium's tombstones.on.delete: a delete of a row with a key is
	// followed by a tombstone (the key, a null value), so that log
	// compaction can drop the key.
	tombstone := op == schemas.OpDelete && len(rel.schema.Key) > 0 && !s.cfg.NoTombstones
	// Counted here, in decoding order, so the commit cannot overtake it;
	// encoded and produced by the encoder goroutine.
	s.tracker.add(s.cur)
	if tombstone {
		s.tracker.add(s.cur)
	}
	select {
	case s.out <- emitItem{rel: rel, ev: ev, tx: s.cur, tombstone: tombstone}:
	case <-ctx.Done():
		s.tracker.ack(s.cur, ctx.Err())
		if tombstone {
			s.tracker.ack(s.cur, ctx.Err())
		}
		return ctx.Err()
	}
	return nil
}

// emitItem is one event on its way from the decoder to the encoder.
type emitItem struct {
	rel *relation
	ev  schemas.Event
	tx  *txnState
	// tombstone says a tombstone follows the event (counted in tx too).
	tombstone bool
}

// pipeline is the encoder goroutine: it encodes events and hands them to
// the producer in the order they were decoded (so per-key order holds),
// while the replication loop goes on decoding. Its owner is stream, which
// drains it before it flushes the producer and returns.
type pipeline struct {
	out  chan emitItem
	done chan struct{}
	once sync.Once
}

func (s *Source) startPipeline(ctx context.Context) {
	p := &pipeline{out: make(chan emitItem, 4096), done: make(chan struct{})}
	s.out, s.pipe = p.out, p
	// Records must be produced even while shutting down: the flush that
	// follows the drain waits for them.
	pctx := context.WithoutCancel(ctx)
	go func() {
		defer close(p.done)
		for it := range p.out {
			r, err := recordOf(s.enc, it.rel, &it.ev)
			if err != nil {
				s.tracker.ack(it.tx, err)
				if it.tombstone {
					s.tracker.ack(it.tx, err)
				}
				continue
			}
			tx := it.tx
			s.deps.Producer.Produce(pctx, r, func(_ *kgo.Record, err error) { s.tracker.ack(tx, err) })
			if it.tombstone {
				if r.Key == nil {
					s.tracker.ack(tx, nil)
				} else {
					s.deps.Producer.Produce(pctx, &kgo.Record{Topic: r.Topic, Key: r.Key, Headers: r.Headers},
						func(_ *kgo.Record, err error) { s.tracker.ack(tx, err) })
				}
			}
			it.rel.rowCounter(s.metrics).Inc()
		}
	}()
}

// checkpointer saves the confirmed LSN durably every status interval, off
// the replication loop; the loop confirms to the server only what it saved.
type checkpointer struct {
	saved atomic.Uint64
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex
	err   error
}

func (c *checkpointer) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (s *Source) startCheckpointer(start uint64) {
	c := &checkpointer{stop: make(chan struct{}), done: make(chan struct{})}
	c.saved.Store(start)
	s.ckpt = c
	go func() {
		defer close(c.done)
		t := time.NewTicker(s.cfg.StatusInterval)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			confirmed, _, _ := s.tracker.state()
			if err := s.saveLSN(confirmed); err != nil {
				c.mu.Lock()
				c.err = err
				c.mu.Unlock()
				return
			}
			c.saved.Store(confirmed)
		}
	}()
}

// stopCheckpointer stops the checkpointer and waits for it; afterwards
// status saves by itself. It may be called more than once.
func (s *Source) stopCheckpointer() {
	c := s.ckpt
	if c == nil {
		return
	}
	c.once.Do(func() { close(c.stop) })
	<-c.done
	s.ckpt = nil
}

// drainPipeline stops the encoder goroutine once it has produced every
// event handed to it; it may be called more than once.
func (s *Source) drainPipeline() {
	if s.pipe == nil {
		return
	}
	s.pipe.once.Do(func() { close(s.pipe.out) })
	<-s.pipe.done
}

// recordOf encodes an event as a Kafka record with enc.
func recordOf(enc *envelope.Encoder, rel *relation, ev *schemas.Event) (*kgo.Record, error) {
	// One allocation for the record and its headers, one for all its bytes
	// (value, key and header values, in that order): a record is produced
	// and released as a whole.
	box := &recordBox{}
	buf, err := enc.AppendValue(make([]byte, 0, rel.sizeHint()), ev)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: encode %s event of %s: %w", ev.Op, rel.table, err)
	}
	nv := len(buf)
	buf, ok, err := enc.AppendKey(buf, ev)
	if err != nil {
		return nil, fmt.Errorf("pgcdc: encode key of %s: %w", rel.table, err)
	}
	nk := len(buf)
	buf = strconv.AppendUint(buf, ev.Source.LSN, 10)
	n1 := len(buf)
	buf = strconv.AppendInt(buf, ev.Source.TxID, 10)
	n2 := len(buf)
	buf = strconv.AppendInt(buf, int64(rel.schema.Version), 10)
	rel.observeSize(len(buf))
	box.hdr = [3]kgo.RecordHeader{
		{Key: HeaderLSN, Value: buf[nk:n1:n1]},
		{Key: HeaderTxID, Value: buf[n1:n2:n2]},
		{Key: HeaderSchemaVersion, Value: buf[n2:len(buf):len(buf)]},
	}
	box.rec = kgo.Record{Topic: rel.topic, Value: buf[:nv:nv], Headers: box.hdr[:]}
	if ok {
		box.rec.Key = buf[nv:nk:nk]
	}
	return &box.rec, nil
}

// recordBox holds a record and its headers in one allocation.
type recordBox struct {
	rec kgo.Record
	hdr [3]kgo.RecordHeader
}
