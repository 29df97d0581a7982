package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
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
		Short: "Load change topics into a target (postgres)",
	}
	cmd.AddCommand(newSinkPostgresCmd(), newSinkKafkaCmd())
	return cmd
}

// sinkPGFlags are the flags of 'sink postgres'; their names are a contract
// with scripts and tools.
type sinkPGFlags struct {
	config, brokers, topics, topicRegex, dsn, schema, group, name, dlq, metricsAddr string
	createTables, evolve, noDLQ                                                     bool
	batchSize, copyThreshold                                                        int
	batchWait, sessionTimeout                                                       time.Duration
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
topic <group>.dlq with the reason in headers; a schema change the target cannot
take (without --evolve) stops the sink with an error naming table and column.`,
		Example: `  helios-etl sink postgres --brokers kafka:9092 --topics helios.public.orders --target-dsn postgres://etl@dw/analytics --target-schema shop
  helios-etl sink postgres --brokers kafka:9092 --topic-regex '^helios\.public\..*' --target-dsn $DSN --evolve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadOrDefault(f.config)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			if cmd.Flags().Changed("brokers") {
				cfg.Kafka.Brokers = splitList(f.brokers)
			}
			if cmd.Flags().Changed("metrics-addr") {
				cfg.Monitoring.MetricsAddr = f.metricsAddr
			}
			var problems []error
			if len(cfg.Kafka.Brokers) == 0 {
				problems = append(problems, errors.New("--brokers (or kafka.brokers) is required"))
			}
			if (f.topics == "") == (f.topicRegex == "") {
				problems = append(problems, errors.New("give exactly one of --topics and --topic-regex"))
			}
			if f.dsn == "" {
				problems = append(problems, errors.New("--target-dsn is required"))
			}
			if err := errors.Join(problems...); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			if f.group == "" {
				f.group = "helios-sink-postgres"
			}
			if f.name == "" {
				f.name = f.group
			}
			if f.dlq == "" && !f.noDLQ {
				f.dlq = f.group + ".dlq"
			}
			if f.noDLQ {
				f.dlq = ""
			}
			return runSinkPostgres(cmd.Context(), cfg.Kafka, cfg.Monitoring, f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (TOML) for [kafka] and [monitoring]")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated (kafka.brokers)")
	fl.StringVar(&f.topics, "topics", "", "change topics to consume, comma-separated")
	fl.StringVar(&f.topicRegex, "topic-regex", "", "consume every topic matching this regular expression")
	fl.StringVar(&f.dsn, "target-dsn", "", "PostgreSQL DSN of the target database")
	fl.StringVar(&f.schema, "target-schema", "public", "schema of the target tables and of the offsets table")
	fl.StringVar(&f.group, "group", "", "consumer group (default helios-sink-postgres)")
	fl.StringVar(&f.name, "name", "", "sink name in the offsets table (default: the group)")
	fl.StringVar(&f.dlq, "dlq-topic", "", "dead-letter topic (default <group>.dlq)")
	fl.BoolVar(&f.noDLQ, "no-dlq", false, "stop on a bad record instead of sending it to the dead-letter topic")
	fl.BoolVar(&f.createTables, "create-tables", true, "create missing target tables from the change schema")
	fl.BoolVar(&f.evolve, "evolve", false, "add new columns and widen column types when the source's schema changes")
	fl.IntVar(&f.batchSize, "batch-size", 20000, "most records per transaction")
	fl.DurationVar(&f.batchWait, "batch-wait", 50*time.Millisecond, "how long to wait for a fuller batch once records arrive")
	fl.DurationVar(&f.sessionTimeout, "session-timeout", 10*time.Second, "consumer group session timeout: how soon the partitions of a crashed instance move on")
	fl.IntVar(&f.copyThreshold, "copy-threshold", 2000, "upserts per table in a batch from which COPY into a staging table is used")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "Prometheus listener host:port (monitoring.metrics_addr)")
	return cmd
}

func runSinkPostgres(ctx context.Context, kc config.Kafka, mon config.Monitoring, f sinkPGFlags, stderr io.Writer) error {
	log := newLogger(mon, stderr)
	reg := newRegistry()
	pcfg, err := pgxpool.ParseConfig(f.dsn)
	if err != nil {
		return fmt.Errorf("target dsn: %w", err)
	}
	pcfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("connect to the target: %w", err)
	}
	defer pool.Close()
	sink, err := pgsink.New(pool, pgsink.Config{Name: f.name, Schema: f.schema, CreateTables: f.createTables,
		Evolve: f.evolve, CopyThreshold: f.copyThreshold}, pgsink.WithLogger(log), pgsink.WithRegisterer(reg))
	if err != nil {
		return err
	}
	opts, err := kafkaOpts(kc)
	if err != nil {
		return err
	}
	topics := splitList(f.topics)
	if f.topicRegex != "" {
		topics = []string{f.topicRegex}
		opts = append(opts, kgo.ConsumeRegex(), kgo.MetadataMaxAge(10*time.Second))
	}
	opts = append(opts,
		kgo.WithHooks(kprom.NewMetrics("etl_kafka", kprom.Registerer(reg))),
		kgo.ConsumerGroup(f.group),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.BlockRebalanceOnPoll(),
		kgo.AutoCommitMarks(),
		kgo.AdjustFetchOffsetsFn(emit.ResumeFrom(sink)),
		kgo.AllowAutoTopicCreation(),
		kgo.SessionTimeout(f.sessionTimeout),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.CloseAllowingRebalance()
	cons, err := emit.NewConsumer(cl, sink, emit.ConsumerConfig{Name: f.name, BatchSize: f.batchSize, BatchWait: f.batchWait,
		DLQTopic: f.dlq}, log, reg)
	if err != nil {
		return err
	}
	log.Info("sink postgres starting", "group", f.group, "topics", topics, "target_schema", f.schema, "dlq", f.dlq)
	g, gctx := errgroup.WithContext(ctx)
	runCtx, stop := context.WithCancel(gctx)
	g.Go(func() error { return serveMetrics(runCtx, mon.MetricsAddr, reg, log) })
	g.Go(func() error {
		defer stop()
		return cons.Run(runCtx)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}
