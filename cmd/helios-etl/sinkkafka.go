package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/plugin/kprom"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/emit/kafkasink"
)

// sinkKafkaFlags are the flags of 'sink kafka'.
type sinkKafkaFlags struct {
	config, brokers, topics, topicRegex, group, dlq, metricsAddr string
	format, topic, registryURL, compatibility, onIncompatible    string
	jsonSchemas                                                  bool
	batchSize                                                    int
	batchWait, sessionTimeout                                    time.Duration
}

func newSinkKafkaCmd() *cobra.Command {
	var f sinkKafkaFlags
	cmd := &cobra.Command{
		Use:   "kafka",
		Short: "Write CDC topics to Kafka topics as JSON or Avro (schema registry)",
		Long: `sink kafka consumes change topics (Debezium JSON envelopes with their schema
section) and writes them to output topics: as Debezium JSON envelopes
(--format json), as flat JSON rows (json-flat), or as Avro in the Confluent
wire format (avro) with subjects <topic>-value and <topic>-key registered in a
Confluent-compatible schema registry after a compatibility check.

An incompatible schema version follows --on-incompatible: fail stops with an
error naming the subject, the version and the registry's reasons; quarantine
sends the records of that version to the dead-letter topic and goes on.
Delivery is at least once: the group's offsets are committed after Kafka
acknowledged the output.`,
		Example: `  helios-etl sink kafka --brokers kafka:9092 --topics helios.public.orders --format avro --registry-url http://registry:8081`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadOrDefault(f.config)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			changed := cmd.Flags().Changed
			if changed("brokers") {
				cfg.Kafka.Brokers = splitList(f.brokers)
			}
			if changed("metrics-addr") {
				cfg.Monitoring.MetricsAddr = f.metricsAddr
			}
			if changed("registry-url") {
				cfg.SchemaRegistry.URL = f.registryURL
			}
			var problems []error
			if len(cfg.Kafka.Brokers) == 0 {
				problems = append(problems, errors.New("--brokers (or kafka.brokers) is required"))
			}
			if (f.topics == "") == (f.topicRegex == "") {
				problems = append(problems, errors.New("give exactly one of --topics and --topic-regex"))
			}
			if f.format == kafkasink.FormatAvro && cfg.SchemaRegistry.URL == "" {
				problems = append(problems, errors.New("--format avro needs --registry-url (or schema_registry.url)"))
			}
			if f.group == "" {
				f.group = "helios-sink-kafka"
			}
			if f.dlq == "" {
				f.dlq = f.group + ".dlq"
			}
			kc := kafkasink.Config{Format: f.format, Topic: f.topic, JSONSchemas: f.jsonSchemas, Compatibility: f.compatibility,
				OnIncompatible: f.onIncompatible, DLQTopic: f.dlq}
			if err := errors.Join(append(problems, kc.Validate())...); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			return runSinkKafka(cmd.Context(), cfg, kc, f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (TOML) for [kafka], [schema_registry] and [monitoring]")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated (kafka.brokers)")
	fl.StringVar(&f.topics, "topics", "", "change topics to consume, comma-separated")
	fl.StringVar(&f.topicRegex, "topic-regex", "", "consume every topic matching this regular expression")
	fl.StringVar(&f.group, "group", "", "consumer group (default helios-sink-kafka)")
	fl.StringVar(&f.dlq, "dlq-topic", "", "dead-letter topic (default <group>.dlq)")
	fl.StringVar(&f.format, "format", kafkasink.FormatJSON, "json (Debezium envelope), json-flat (rows) or avro")
	fl.StringVar(&f.topic, "topic", "", `output topic; {topic} is the source topic (default "{topic}.<format>")`)
	fl.BoolVar(&f.jsonSchemas, "json-schemas", false, "with --format json: write Kafka Connect's schema section")
	fl.StringVar(&f.registryURL, "registry-url", "", "schema registry URL (schema_registry.url)")
	fl.StringVar(&f.compatibility, "compatibility", "BACKWARD", "compatibility level set on new subjects")
	fl.StringVar(&f.onIncompatible, "on-incompatible", kafkasink.PolicyFail, "fail or quarantine")
	fl.IntVar(&f.batchSize, "batch-size", 20000, "most records per batch")
	fl.DurationVar(&f.batchWait, "batch-wait", 50*time.Millisecond, "how long to wait for a fuller batch once records arrive")
	fl.DurationVar(&f.sessionTimeout, "session-timeout", 10*time.Second, "consumer group session timeout")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "Prometheus listener host:port (monitoring.metrics_addr)")
	return cmd
}

func runSinkKafka(ctx context.Context, cfg *config.Config, kc kafkasink.Config, f sinkKafkaFlags, stderr io.Writer) error {
	log := newLogger(cfg.Monitoring, stderr)
	reg := newRegistry()
	var registry kafkasink.Registry
	if cfg.SchemaRegistry.URL != "" {
		opts := []sr.ClientOpt{sr.URLs(cfg.SchemaRegistry.URL)}
		if cfg.SchemaRegistry.User != "" {
			opts = append(opts, sr.BasicAuth(cfg.SchemaRegistry.User, cfg.SchemaRegistry.Password))
		}
		cl, err := sr.NewClient(opts...)
		if err != nil {
			return fmt.Errorf("schema registry client: %w", err)
		}
		registry = cl
	}
	opts, err := kafkaOpts(cfg.Kafka)
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
		kgo.AllowAutoTopicCreation(),
		kgo.SessionTimeout(f.sessionTimeout),
		kgo.RecordRetries(1<<30),
		kgo.ProducerLinger(2*time.Millisecond),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.CloseAllowingRebalance()
	sink, err := kafkasink.New(kc, cl, registry, log, reg)
	if err != nil {
		return err
	}
	cons, err := emit.NewConsumer(cl, sink, emit.ConsumerConfig{Name: f.group, BatchSize: f.batchSize, BatchWait: f.batchWait,
		DLQTopic: f.dlq}, log, reg)
	if err != nil {
		return err
	}
	log.Info("sink kafka starting", "group", f.group, "topics", topics, "format", kc.Format, "dlq", f.dlq)
	g, gctx := errgroup.WithContext(ctx)
	runCtx, stop := context.WithCancel(gctx)
	g.Go(func() error { return serveMetrics(runCtx, cfg.Monitoring.MetricsAddr, reg, log) })
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
