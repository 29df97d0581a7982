package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/ingest/pgcdc/pgvalue"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
)

// cdcFlags override the configuration file; their names are a contract
// with scripts and tools.
type cdcFlags struct {
	config, pg, brokers, tables, topicPrefix, slot, publication, snapshot, stateDir, metricsAddr string
	decodingWorkMem                                                                              string
	jsonSchemas                                                                                  bool
	protocol                                                                                     int
}

func newCDCCmd() *cobra.Command {
	var f cdcFlags
	cmd := &cobra.Command{
		Use:   "cdc",
		Short: "Stream PostgreSQL changes into Kafka topics (logical replication, pgoutput)",
		Long: `cdc captures the changes of PostgreSQL tables through a logical replication
slot and produces them to Kafka, one topic per table (<prefix>.<schema>.<table>),
keyed by primary key, as Debezium JSON envelopes.

It creates the publication and the slot when they are missing, takes an initial
snapshot (--snapshot initial), and checkpoints the acknowledged LSN in its state
directory: the slot only advances past changes Kafka has acknowledged, so a
crash or kill loses nothing. Flags override the configuration file; with no file
at all, the flags are enough.

cdc writes the raw change stream: security.mask_fields does not apply to its
topics (a stage or 'sink kafka' masks downstream); protect the change topics
with Kafka ACLs.`,
		Example: `  helios-etl cdc --pg postgres://app@db/shop --brokers kafka:9092 --tables public.orders,public.customers
  helios-etl cdc --config /etc/helios-etl/etl-config.toml
  helios-etl cdc --config etl.toml --snapshot never --metrics-addr 127.0.0.1:9464`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := cdcConfig(cmd, f)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			return runCDC(cmd.Context(), cfg, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (TOML); see 'helios-etl config example'")
	fl.StringVar(&f.pg, "pg", "", "PostgreSQL DSN (source.postgres.dsn)")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated (kafka.brokers)")
	fl.StringVar(&f.tables, "tables", "", "tables to capture, schema.table,... (source.postgres.tables; empty: all tables)")
	fl.StringVar(&f.topicPrefix, "topic-prefix", "", "topic prefix (source.postgres.topic_prefix)")
	fl.StringVar(&f.slot, "slot", "", "replication slot name (source.postgres.slot)")
	fl.StringVar(&f.publication, "publication", "", "publication name (source.postgres.publication)")
	fl.StringVar(&f.snapshot, "snapshot", "", "initial, never or initial_only (source.postgres.snapshot)")
	fl.StringVar(&f.stateDir, "state-dir", "", "state directory (state.dir)")
	fl.BoolVar(&f.jsonSchemas, "json-schemas", false, "write Kafka Connect's schema section with every record (source.postgres.json_schemas)")
	fl.StringVar(&f.decodingWorkMem, "decoding-work-mem", "", "logical_decoding_work_mem for the replication session, e.g. 64MB (source.postgres.logical_decoding_work_mem)")
	fl.IntVar(&f.protocol, "protocol", 0, "pgoutput protocol: 0 automatic, 1, or 2 with streaming (source.postgres.protocol)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "Prometheus listener host:port (monitoring.metrics_addr)")
	return cmd
}

// cdcConfig loads the file (or the defaults) and applies the flags that
// were given, then checks what cdc needs.
func cdcConfig(cmd *cobra.Command, f cdcFlags) (*config.Config, error) {
	cfg, err := loadWithFlags(cmd, f.config, f.brokers, f.metricsAddr)
	if err != nil {
		return nil, err
	}
	changed := cmd.Flags().Changed
	pg := &cfg.Source.Postgres
	if changed("pg") {
		pg.DSN = f.pg
	}
	if changed("tables") {
		pg.Tables = splitList(f.tables)
	}
	if changed("topic-prefix") {
		pg.TopicPrefix = f.topicPrefix
	}
	if changed("slot") {
		pg.Slot = f.slot
	}
	if changed("publication") {
		pg.Publication = f.publication
	}
	if changed("snapshot") {
		pg.Snapshot = f.snapshot
	}
	if changed("state-dir") {
		cfg.State.Dir = f.stateDir
	}
	if changed("json-schemas") {
		pg.JSONSchemas = f.jsonSchemas
	}
	if changed("decoding-work-mem") {
		pg.DecodingWorkMem = f.decodingWorkMem
	}
	if changed("protocol") {
		pg.Protocol = f.protocol
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Require("source.postgres.dsn", "kafka.brokers"); err != nil {
		return nil, fmt.Errorf("%w (or give --pg and --brokers)", err)
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func pgcdcConfig(cfg *config.Config) pgcdc.Config {
	pg := cfg.Source.Postgres
	c := pgcdc.Config{DSN: pg.DSN, Slot: pg.Slot, Publication: pg.Publication, Tables: pg.Tables,
		Snapshot: pg.Snapshot, TopicPrefix: pg.TopicPrefix, StatusInterval: time.Duration(pg.StatusInterval),
		HeartbeatInterval: time.Duration(pg.HeartbeatInterval),
		Schemas:           pg.JSONSchemas, DecodingWorkMem: pg.DecodingWorkMem, Protocol: pg.Protocol,
		SnapshotWorkers: pg.SnapshotWorkers, SnapshotChunkRows: pg.SnapshotChunkRows,
		ProgressInterval: time.Duration(pg.SnapshotProgressInterval),
		SpoolDir:         filepath.Join(cfg.State.Dir, "spool")}
	if cfg.Kafka.TopicPartitions > 0 {
		c.Partitions = int32(cfg.Kafka.TopicPartitions)
	}
	if cfg.Kafka.TopicReplicationFactor > 0 {
		c.ReplicationFactor = int16(cfg.Kafka.TopicReplicationFactor)
	}
	return c
}

// runCDC wires the source and runs it until ctx ends or it fails.
func runCDC(ctx context.Context, cfg *config.Config, stderr io.Writer) error {
	log := newLogger(cfg.Monitoring, stderr)
	if len(cfg.Security.MaskFields) > 0 {
		log.Warn("security.mask_fields does not apply to cdc: the change topics hold the raw values; a stage or sink kafka masks them downstream")
	}
	reg := newRegistry()
	db, err := state.Open(cfg.State.Dir, state.Options{Logger: log})
	if err != nil {
		return err
	}
	defer db.Close()
	opts, err := kafkaOpts(cfg.Kafka)
	if err != nil {
		return err
	}
	cl, err := newCDCProducer(opts, reg)
	if err != nil {
		return err
	}
	defer cl.Close()
	src, closeTypes, err := newCDCSource(ctx, pgcdcConfig(cfg), cl, db, log, reg)
	if err != nil {
		return err
	}
	defer closeTypes()
	g, gctx := errgroup.WithContext(ctx)
	runCtx, stop := context.WithCancel(gctx)
	g.Go(func() error { return serveMetrics(runCtx, cfg.Monitoring.MetricsAddr, reg, log) })
	g.Go(func() error {
		defer stop()
		return src.Run(runCtx)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// newCDCProducer is the Kafka client of the CDC source: idempotent, with
// enough buffering to keep the walsender busy, and kprom metrics.
func newCDCProducer(opts []kgo.Opt, reg prometheus.Registerer) (*kgo.Client, error) {
	m := kprom.NewMetrics("etl_kafka", kprom.Registerer(reg))
	opts = append(opts,
		kgo.WithHooks(m),
		kgo.ProducerLinger(2*time.Millisecond),
		kgo.MaxBufferedRecords(250_000),
		kgo.ProducerBatchMaxBytes(1<<20),
		kgo.RecordRetries(1<<30), // retry until acknowledged; the LSN only advances on success
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return cl, nil
}

// newCDCSource builds a pgcdc source with the project's state and type
// converters. The returned func closes the catalog connection.
func newCDCSource(ctx context.Context, c pgcdc.Config, cl *kgo.Client, db *state.DB, log *slog.Logger, reg prometheus.Registerer) (*pgcdc.Source, func(), error) {
	pcfg, err := pgx.ParseConfig(c.DSN)
	if err != nil {
		return nil, nil, fmt.Errorf("pg dsn: %w", err)
	}
	for k, v := range pgvalue.RuntimeParams() {
		pcfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(ctx, pcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to postgres for the type catalog: %w", err)
	}
	closeConn := func() { _ = conn.Close(context.Background()) }
	src, err := pgcdc.New(c, pgcdc.Deps{
		Producer:   cl,
		Topics:     pgcdc.NewTopics(kadm.NewClient(cl)),
		Store:      stateStore{db: db, s: db.Namespace("pgcdc")},
		Types:      pgTypes{cat: pgvalue.NewCatalog(conn)},
		Logger:     log,
		Registerer: reg,
	})
	if err != nil {
		closeConn()
		return nil, nil, err
	}
	return src, closeConn, nil
}

// stateStore is a state namespace with string keys and durable (synced)
// writes; a missing key reads as nil. pgcdc keeps its checkpoints in one.
type stateStore struct {
	db *state.DB
	s  *state.Store
}

func (st stateStore) Get(key string) ([]byte, error) {
	v, err := st.s.Get([]byte(key))
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

func (st stateStore) Put(key string, value []byte) error {
	b := st.db.NewBatch()
	defer b.Close()
	if err := b.Put(st.s, []byte(key), value); err != nil {
		return err
	}
	return b.Commit(true)
}

func (st stateStore) Delete(key string) error {
	b := st.db.NewBatch()
	defer b.Close()
	if err := b.Delete(st.s, []byte(key)); err != nil {
		return err
	}
	return b.Commit(true)
}

var _ pgcdc.Store = stateStore{}

// pgTypes adapts pgvalue's decoders to pgcdc. When a value does not fit
// the cached type any more (an enum label added since), it forgets the
// type, resolves it again and retries once.
type pgTypes struct{ cat *pgvalue.PgCatalog }

func (t pgTypes) Column(ctx context.Context, oid uint32, typmod int32) (schemas.Type, pgcdc.ValueFunc, error) {
	d, err := pgvalue.NewDecoder(ctx, oid, typmod, t.cat)
	if err != nil {
		return schemas.Type{}, nil, err
	}
	decode := func(text []byte) (schemas.Value, error) {
		v, err := d.Decode(text)
		if !errors.Is(err, pgvalue.ErrStaleType) {
			return v, err
		}
		t.cat.Reset()
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		fresh, rerr := pgvalue.NewDecoder(rctx, oid, typmod, t.cat)
		if rerr != nil {
			return v, fmt.Errorf("%w (resolving the type again: %v)", err, rerr)
		}
		d = fresh
		return d.Decode(text)
	}
	return d.Type(), decode, nil
}

var _ pgcdc.Types = pgTypes{}
