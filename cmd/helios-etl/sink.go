package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/emit/pgsink"
)

func newSinkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sink",
		Short: "Load change topics into PostgreSQL tables or Kafka topics (JSON or Avro)",
	}
	cmd.AddCommand(newSinkPostgresCmd(), newSinkKafkaCmd())
	return cmd
}

// sinkPGFlags are the flags of 'sink postgres'; their names are a contract
// with scripts and tools.
type sinkPGFlags struct {
	config, brokers, topics, topicRegex, dsn, schema, group, dlq, metricsAddr string
	createTables, evolve, noDLQ                                               bool
	batchSize, copyThreshold                                                  int
	batchWait, sessionTimeout                                                 time.Duration
}

func newSinkPostgresCmd() *cobra.Command {
	var f sinkPGFlags
	cmd := &cobra.Command{
		Use:   "postgres",
		Short: "Apply CDC topics to PostgreSQL tables, exactly once",
		Long: `sink postgres consumes change topics (Debezium JSON envelopes with their schema
section, as 'helios-etl cdc --json-schemas' writes them) and applies them to
tables of the target schema named after the source tables: upserts and deletes
by primary key, truncates, in one transaction per batch.

The consumed offsets are stored in the target database, in the same
transaction as the data (table <target-schema>.helios_sink_offsets), and the
consumer starts from them: a crash or SIGKILL neither loses nor applies a
change twice. Several instances with the same --group share the partitions.

Records that cannot be decoded or that the target rejects go to the dead-letter
topic <group><etl.dlq_topic_suffix> (<group>.dlq by default) with the reason in headers; a schema change the target cannot
take (without --evolve) stops the sink with an error naming table and column.`,
		Example: `  helios-etl sink postgres --brokers kafka:9092 --topics helios.public.orders --target-dsn postgres://etl@dw/analytics --target-schema shop
  helios-etl sink postgres --brokers kafka:9092 --topic-regex '^helios\.public\..*' --target-dsn $DSN --evolve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := sinkPostgresConfig(cmd, f)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			return runSinkPostgres(cmd.Context(), cfg, f.noDLQ, f.dlq, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (TOML): [sink.postgres], [kafka], [etl], [monitoring]")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated (kafka.brokers)")
	d := defaultConfig().Sink.Postgres
	fl.StringVar(&f.topics, "topics", "", "change topics to consume, comma-separated (sink.postgres.topics)")
	fl.StringVar(&f.topicRegex, "topic-regex", "", "consume every topic matching this regular expression (sink.postgres.topic_regex)")
	fl.StringVar(&f.dsn, "target-dsn", "", "PostgreSQL DSN of the target database (sink.postgres.dsn)")
	fl.StringVar(&f.schema, "target-schema", d.Schema, "schema of the target tables and of the offsets table (sink.postgres.schema)")
	fl.StringVar(&f.group, "group", d.Group, "consumer group, and the sink's name in the offsets table (sink.postgres.group)")
	fl.StringVar(&f.dlq, "dlq-topic", "", "dead-letter topic (default <group><etl.dlq_topic_suffix>)")
	fl.BoolVar(&f.noDLQ, "no-dlq", false, "stop on a bad record instead of sending it to the dead-letter topic")
	fl.BoolVar(&f.createTables, "create-tables", d.CreateTables, "create missing target tables from the change schema (sink.postgres.create_tables)")
	fl.BoolVar(&f.evolve, "evolve", d.Evolve, "add new columns and widen column types when the source's schema changes (sink.postgres.evolve)")
	fl.IntVar(&f.batchSize, "batch-size", d.BatchSize, "most records per transaction (sink.postgres.batch_size)")
	fl.DurationVar(&f.batchWait, "batch-wait", time.Duration(d.BatchTimeout), "how long to wait for a fuller batch once records arrive (sink.postgres.batch_timeout)")
	fl.DurationVar(&f.sessionTimeout, "session-timeout", time.Duration(d.SessionTimeout), "how soon the partitions of a crashed instance move on (sink.postgres.session_timeout)")
	fl.IntVar(&f.copyThreshold, "copy-threshold", d.CopyThreshold, "upserts of a table in a batch from which COPY is used (sink.postgres.copy_threshold)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "Prometheus listener host:port (monitoring.metrics_addr)")
	return cmd
}

// defaultConfig is the configuration of an empty file, for flag defaults.
func defaultConfig() *config.Config {
	c, err := config.Parse("(defaults)", nil, func(string) (string, bool) { return "", false })
	if err != nil {
		panic("the defaults do not validate: " + err.Error())
	}
	return c
}

// sinkPostgresConfig loads the file (or the defaults) and applies the flags
// that were given, then checks what the command needs.
func sinkPostgresConfig(cmd *cobra.Command, f sinkPGFlags) (*config.Config, error) {
	cfg, err := loadWithFlags(cmd, f.config, f.brokers, f.metricsAddr)
	if err != nil {
		return nil, err
	}
	changed := cmd.Flags().Changed
	sp := &cfg.Sink.Postgres
	if changed("topics") {
		sp.Topics, sp.TopicRegex = splitList(f.topics), ""
	}
	if changed("topic-regex") {
		sp.Topics, sp.TopicRegex = nil, f.topicRegex
	}
	if changed("target-dsn") {
		sp.DSN = f.dsn
	}
	if changed("target-schema") {
		sp.Schema = f.schema
	}
	if changed("group") {
		sp.Group = f.group
	}
	if changed("create-tables") {
		sp.CreateTables = f.createTables
	}
	if changed("evolve") {
		sp.Evolve = f.evolve
	}
	if changed("batch-size") {
		sp.BatchSize = f.batchSize
	}
	if changed("batch-wait") {
		sp.BatchTimeout = config.Duration(f.batchWait)
	}
	if changed("session-timeout") {
		sp.SessionTimeout = config.Duration(f.sessionTimeout)
	}
	if changed("copy-threshold") {
		sp.CopyThreshold = f.copyThreshold
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var problems []error
	if len(cfg.Kafka.Brokers) == 0 {
		problems = append(problems, errors.New("--brokers (or kafka.brokers) is required"))
	}
	if len(sp.Topics) == 0 && sp.TopicRegex == "" {
		problems = append(problems, errors.New("give --topics or --topic-regex (or sink.postgres.topics or topic_regex)"))
	}
	if sp.DSN == "" {
		problems = append(problems, errors.New("--target-dsn (or sink.postgres.dsn) is required"))
	}
	return cfg, errors.Join(problems...)
}

func runSinkPostgres(ctx context.Context, cfg *config.Config, noDLQ bool, dlq string, stderr io.Writer) error {
	sp := cfg.Sink.Postgres
	log := newLogger(cfg.Monitoring, stderr)
	reg := newRegistry()
	pcfg, err := pgxpool.ParseConfig(sp.DSN)
	if err != nil {
		return fmt.Errorf("sink.postgres.dsn: %w", err)
	}
	pcfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("connect to the target: %w", err)
	}
	defer pool.Close()
	sink, err := pgsink.New(pool, pgsink.Config{Name: sp.Group, Schema: sp.Schema, CreateTables: sp.CreateTables,
		Evolve: sp.Evolve, CopyThreshold: sp.CopyThreshold}, pgsink.WithLogger(log), pgsink.WithRegisterer(reg))
	if err != nil {
		return err
	}
	switch {
	case noDLQ:
		dlq = ""
	case dlq == "":
		dlq = sp.Group + cfg.ETL.DLQTopicSuffix
	}
	cons, cl, err := newSinkConsumer(cfg.Kafka, sinkConsumerSettings{topics: sp.Topics, topicRegex: sp.TopicRegex, group: sp.Group,
		batchSize: sp.BatchSize, batchWait: time.Duration(sp.BatchTimeout), sessionTimeout: time.Duration(sp.SessionTimeout), dlq: dlq},
		sink, sink, log, reg)
	if err != nil {
		return err
	}
	defer cl.CloseAllowingRebalance()
	log.Info("sink postgres starting", "group", sp.Group, "topics", sp.Topics, "topic_regex", sp.TopicRegex, "target_schema", sp.Schema, "dlq", dlq)
	return runConsumer(ctx, cons, cfg.Monitoring.MetricsAddr, reg, log)
}

// sinkConsumerSettings are what the sink commands share.
type sinkConsumerSettings struct {
	topics                    []string
	topicRegex, group, dlq    string
	batchSize                 int
	batchWait, sessionTimeout time.Duration
}

// newSinkConsumer builds the group consumer of a sink command; resume is
// the sink's stored offsets, or nil. The caller closes the client with
// CloseAllowingRebalance.
func newSinkConsumer(k config.Kafka, st sinkConsumerSettings, sink emit.Sink, resume emit.Resumer, log *slog.Logger, reg *prometheus.Registry) (*emit.Consumer, *kgo.Client, error) {
	opts, err := kafkaOpts(k)
	if err != nil {
		return nil, nil, err
	}
	topics := st.topics
	if st.topicRegex != "" {
		topics = []string{st.topicRegex}
		opts = append(opts, kgo.ConsumeRegex(), kgo.MetadataMaxAge(10*time.Second))
	}
	opts = append(opts,
		kgo.WithHooks(kprom.NewMetrics("etl_kafka", kprom.Registerer(reg))),
		kgo.ConsumerGroup(st.group),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.BlockRebalanceOnPoll(),
		kgo.AutoCommitMarks(),
		kgo.AllowAutoTopicCreation(),
		kgo.SessionTimeout(st.sessionTimeout),
		kgo.RecordRetries(1<<30),
		kgo.ProducerLinger(2*time.Millisecond),
	)
	if resume != nil {
		opts = append(opts, kgo.AdjustFetchOffsetsFn(emit.ResumeFrom(resume)))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("kafka client: %w", err)
	}
	cons, err := emit.NewConsumer(cl, sink, emit.ConsumerConfig{Name: st.group, BatchSize: st.batchSize, BatchWait: st.batchWait,
		DLQTopic: st.dlq}, log, reg)
	if err != nil {
		cl.Close()
		return nil, nil, err
	}
	return cons, cl, nil
}

// runConsumer runs the consumer and the metrics server until ctx ends or
// the consumer fails.
func runConsumer(ctx context.Context, cons *emit.Consumer, metricsAddr string, reg *prometheus.Registry, log *slog.Logger) error {
	g, gctx := errgroup.WithContext(ctx)
	runCtx, stop := context.WithCancel(gctx)
	g.Go(func() error { return serveMetrics(runCtx, metricsAddr, reg, log) })
	g.Go(func() error {
		defer stop()
		return cons.Run(runCtx)
	})
	err := g.Wait()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}
