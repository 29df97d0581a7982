package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/emit/kafkasink"
	"github.com/heliosdb/helios-etl/transform/mask"
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
			cfg, err := sinkKafkaConfig(cmd, f)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			return runSinkKafka(cmd.Context(), cfg, f.dlq, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	d := defaultConfig().Sink.Kafka
	fl.StringVar(&f.config, "config", "", "configuration file (TOML): [sink.kafka], [kafka], [schema_registry], [etl], [monitoring]")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated (kafka.brokers)")
	fl.StringVar(&f.topics, "topics", "", "change topics to consume, comma-separated (sink.kafka.topics)")
	fl.StringVar(&f.topicRegex, "topic-regex", "", "consume every topic matching this regular expression (sink.kafka.topic_regex)")
	fl.StringVar(&f.group, "group", d.Group, "consumer group (sink.kafka.group)")
	fl.StringVar(&f.dlq, "dlq-topic", "", "dead-letter topic (default <group><etl.dlq_topic_suffix>)")
	fl.StringVar(&f.format, "format", d.Format, "json (Debezium envelope), json-flat (rows) or avro (sink.kafka.format)")
	fl.StringVar(&f.topic, "topic", d.Topic, `output topic; {topic} is the source topic; empty means "{topic}.<format>" (sink.kafka.topic)`)
	fl.BoolVar(&f.jsonSchemas, "json-schemas", d.JSONSchemas, "with --format json: write Kafka Connect's schema section (sink.kafka.json_schemas)")
	fl.StringVar(&f.registryURL, "registry-url", "", "schema registry URL (schema_registry.url)")
	fl.StringVar(&f.compatibility, "compatibility", d.Compatibility, "compatibility level set on new subjects (sink.kafka.compatibility)")
	fl.StringVar(&f.onIncompatible, "on-incompatible", d.OnIncompatible, "fail or quarantine (sink.kafka.on_incompatible)")
	fl.IntVar(&f.batchSize, "batch-size", d.BatchSize, "most records per batch (sink.kafka.batch_size)")
	fl.DurationVar(&f.batchWait, "batch-wait", time.Duration(d.BatchTimeout), "how long to wait for a fuller batch once records arrive (sink.kafka.batch_timeout)")
	fl.DurationVar(&f.sessionTimeout, "session-timeout", time.Duration(d.SessionTimeout), "consumer group session timeout (sink.kafka.session_timeout)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "Prometheus listener host:port (monitoring.metrics_addr)")
	return cmd
}

// sinkKafkaConfig loads the file (or the defaults) and applies the flags
// that were given, then checks what the command needs.
func sinkKafkaConfig(cmd *cobra.Command, f sinkKafkaFlags) (*config.Config, error) {
	cfg, err := loadWithFlags(cmd, f.config, f.brokers, f.metricsAddr)
	if err != nil {
		return nil, err
	}
	changed := cmd.Flags().Changed
	sk := &cfg.Sink.Kafka
	if changed("registry-url") {
		cfg.SchemaRegistry.URL = f.registryURL
	}
	if changed("topics") {
		sk.Topics, sk.TopicRegex = splitList(f.topics), ""
	}
	if changed("topic-regex") {
		sk.Topics, sk.TopicRegex = nil, f.topicRegex
	}
	for _, o := range []struct {
		flag string
		dst  *string
		v    string
	}{{"group", &sk.Group, f.group}, {"format", &sk.Format, f.format}, {"topic", &sk.Topic, f.topic},
		{"compatibility", &sk.Compatibility, f.compatibility}, {"on-incompatible", &sk.OnIncompatible, f.onIncompatible}} {
		if changed(o.flag) {
			*o.dst = o.v
		}
	}
	if changed("json-schemas") {
		sk.JSONSchemas = f.jsonSchemas
	}
	if changed("batch-size") {
		sk.BatchSize = f.batchSize
	}
	if changed("batch-wait") {
		sk.BatchTimeout = config.Duration(f.batchWait)
	}
	if changed("session-timeout") {
		sk.SessionTimeout = config.Duration(f.sessionTimeout)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var problems []error
	if len(cfg.Kafka.Brokers) == 0 {
		problems = append(problems, errors.New("--brokers (or kafka.brokers) is required"))
	}
	if len(sk.Topics) == 0 && sk.TopicRegex == "" {
		problems = append(problems, errors.New("give --topics or --topic-regex (or sink.kafka.topics or topic_regex)"))
	}
	if sk.Format == kafkasink.FormatAvro && cfg.SchemaRegistry.URL == "" {
		problems = append(problems, errors.New("--format avro needs --registry-url (or schema_registry.url)"))
	}
	return cfg, errors.Join(problems...)
}

func runSinkKafka(ctx context.Context, cfg *config.Config, dlq string, stderr io.Writer) error {
	sk := cfg.Sink.Kafka
	log := newLogger(cfg.Monitoring, stderr)
	reg := newRegistry()
	if dlq == "" {
		dlq = sk.Group + cfg.ETL.DLQTopicSuffix
	}
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
	// security.mask_fields: the events are masked before they are
	// encoded; Write is called from one goroutine, as the Masker needs.
	var masker *mask.Masker
	if rules, err := maskRules(cfg.Security); err != nil {
		return err
	} else if rules != nil {
		if masker, err = mask.New(rules, []byte(cfg.Security.MaskKey)); err != nil {
			return fmt.Errorf("security.mask_fields: %w", err)
		}
	}
	// The consumer's client also produces the output: build it first,
	// then the sink on it.
	var sink *kafkasink.Sink
	cons, cl, err := newSinkConsumer(cfg.Kafka, sinkConsumerSettings{topics: sk.Topics, topicRegex: sk.TopicRegex, group: sk.Group,
		batchSize: sk.BatchSize, batchWait: time.Duration(sk.BatchTimeout), sessionTimeout: time.Duration(sk.SessionTimeout), dlq: dlq},
		sinkFunc(func(ctx context.Context, b []emit.Record) error {
			if masker != nil {
				for i := range b {
					b[i].Event = masker.Event(b[i].Event)
				}
			}
			return sink.Write(ctx, b)
		}), nil, log, reg)
	if err != nil {
		return err
	}
	defer cl.CloseAllowingRebalance()
	sink, err = kafkasink.New(kafkasink.Config{Format: sk.Format, Topic: sk.Topic, JSONSchemas: sk.JSONSchemas,
		Compatibility: sk.Compatibility, OnIncompatible: sk.OnIncompatible, DLQTopic: dlq}, cl, registry, log, reg)
	if err != nil {
		return err
	}
	log.Info("sink kafka starting", "group", sk.Group, "topics", sk.Topics, "topic_regex", sk.TopicRegex, "format", sk.Format, "dlq", dlq,
		"mask_fields", cfg.Security.MaskFields)
	return runConsumer(ctx, cons, cfg.Monitoring.MetricsAddr, reg, log)
}

// sinkFunc adapts a function to emit.Sink.
type sinkFunc func(ctx context.Context, batch []emit.Record) error

func (f sinkFunc) Write(ctx context.Context, batch []emit.Record) error { return f(ctx, batch) }
