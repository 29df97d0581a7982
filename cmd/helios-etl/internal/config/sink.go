package config

import (
	"fmt"
	"regexp"
	"time"
)

// Formats of [SinkKafka].Format.
const (
	SinkFormatJSON     = "json"
	SinkFormatJSONFlat = "json-flat"
	SinkFormatAvro     = "avro"
)

// Policies of [SinkKafka].OnIncompatible.
const (
	PolicyFail       = "fail"
	PolicyQuarantine = "quarantine"
)

// compatibilityLevels are the schema registry's levels.
var compatibilityLevels = []string{"BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"}

// Sink is the [sink.*] tables: the load targets of the sink commands.
type Sink struct {
	// Postgres is [sink.postgres]: 'helios-etl sink postgres'.
	Postgres SinkPostgres `toml:"postgres"`
	// Kafka is [sink.kafka]: 'helios-etl sink kafka'.
	Kafka SinkKafka `toml:"kafka"`
}

func (s Sink) withDefaults() Sink {
	s.Postgres = s.Postgres.withDefaults()
	s.Kafka = s.Kafka.withDefaults()
	return s
}

// Validate checks the [sink.*] tables; keys in problems are relative to
// [sink].
func (s Sink) Validate() error {
	ps := prefixed("postgres", s.Postgres.Validate())
	ps = append(ps, prefixed("kafka", s.Kafka.Validate())...)
	return join(ps)
}

// sinkConsumer is what both sinks share: what they read and how they
// batch. Each sink's table spells the keys out (the decoder does not
// flatten embedded structs).
type sinkConsumer struct {
	topics                       []string
	topicRegex, group            string
	batchSize                    int
	batchTimeout, sessionTimeout Duration
}

func consumerDefaults(group *string, batchSize *int, batchTimeout, sessionTimeout *Duration, defGroup string) {
	if *group == "" {
		*group = defGroup
	}
	if *batchSize == 0 {
		*batchSize = 20000
	}
	if *batchTimeout == 0 {
		*batchTimeout = Duration(50 * time.Millisecond)
	}
	if *sessionTimeout == 0 {
		*sessionTimeout = Duration(10 * time.Second)
	}
}

func (c sinkConsumer) problems() []*Error {
	var ps []*Error
	for i, t := range c.topics {
		ps = appendIf(ps, checkTopicName(fmt.Sprintf("topics[%d]", i), t))
	}
	if c.topicRegex != "" {
		if len(c.topics) > 0 {
			ps = append(ps, problem("topic_regex", "keep one of them", "must be empty when topics is set"))
		}
		if _, err := regexp.Compile(c.topicRegex); err != nil {
			ps = append(ps, problem("topic_regex", `e.g. "^helios\\.public\\."`, "invalid regular expression: %v", err))
		}
	}
	ps = appendIf(ps, checkTopicName("group", c.group))
	if c.batchSize < 1 || c.batchSize > maxBatchSize {
		ps = append(ps, problem("batch_size", "", "must be between 1 and %d, got %d", maxBatchSize, c.batchSize))
	}
	ps = appendIf(ps, positive("batch_timeout", c.batchTimeout))
	if d := time.Duration(c.sessionTimeout); d < 6*time.Second || d > 30*time.Minute {
		ps = append(ps, problem("session_timeout", "the broker's group.min.session.timeout.ms and group.max.session.timeout.ms default to 6s and 30m",
			"must be between 6s and 30m, got %s", c.sessionTimeout))
	}
	return ps
}

// SinkPostgres is the [sink.postgres] table: change topics applied to
// PostgreSQL tables, exactly once.
type SinkPostgres struct {
	// Topics are the change topics read.
	Topics []string `toml:"topics" example:"[\"helios.public.orders\"]"`
	// TopicRegex reads every topic it matches, instead of Topics.
	TopicRegex string `toml:"topic_regex" example:"\"^helios\\\\.public\\\\.\""`
	// Group is the consumer group; the dead-letter topic is the group's
	// name with etl.dlq_topic_suffix.
	Group string `toml:"group"`
	// BatchSize is the most records per batch.
	BatchSize int `toml:"batch_size"`
	// BatchTimeout is how long to wait for a fuller batch once records
	// arrive.
	BatchTimeout Duration `toml:"batch_timeout"`
	// SessionTimeout is how long the group waits for a silent member
	// before its partitions move on.
	SessionTimeout Duration `toml:"session_timeout"`
	// DSN is the target database. Required by the command, not by the
	// file checks.
	DSN string `toml:"dsn" redact:"dsn" example:"\"postgres://etl@dw:5432/analytics\""`
	// Schema holds the target tables and the offsets table.
	Schema string `toml:"schema"`
	// CreateTables creates missing target tables from the change schema.
	CreateTables bool `toml:"create_tables"`
	// Evolve adds new columns and widens column types.
	Evolve bool `toml:"evolve"`
	// CopyThreshold is the number of upserts of a table in a batch from
	// which COPY is used.
	CopyThreshold int `toml:"copy_threshold"`
}

func (p SinkPostgres) withDefaults() SinkPostgres {
	consumerDefaults(&p.Group, &p.BatchSize, &p.BatchTimeout, &p.SessionTimeout, "helios-sink-postgres")
	if p.Schema == "" {
		p.Schema = "public"
	}
	if p.CopyThreshold == 0 {
		p.CopyThreshold = 2000
	}
	return p
}

// pgSchemaName matches plain PostgreSQL identifiers.
var pgSchemaName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,62}$`)

// Validate checks the [sink.postgres] table; keys in problems are relative
// to it.
func (p SinkPostgres) Validate() error {
	ps := sinkConsumer{p.Topics, p.TopicRegex, p.Group, p.BatchSize, p.BatchTimeout, p.SessionTimeout}.problems()
	ps = appendIf(ps, checkDSN("dsn", p.DSN))
	if !pgSchemaName.MatchString(p.Schema) {
		ps = append(ps, problem("schema", "letters, digits, _ and $, starting with a letter or _", "invalid schema name %q", p.Schema))
	}
	if p.CopyThreshold < 1 {
		ps = append(ps, problem("copy_threshold", "", "must be at least 1, got %d", p.CopyThreshold))
	}
	return join(ps)
}

// SinkKafka is the [sink.kafka] table: change topics written to Kafka as
// JSON or Avro (with [schema_registry]).
type SinkKafka struct {
	// Topics are the change topics read.
	Topics []string `toml:"topics" example:"[\"helios.public.orders\"]"`
	// TopicRegex reads every topic it matches, instead of Topics.
	TopicRegex string `toml:"topic_regex" example:"\"^helios\\\\.public\\\\.\""`
	// Group is the consumer group; the dead-letter topic is the group's
	// name with etl.dlq_topic_suffix.
	Group string `toml:"group"`
	// BatchSize is the most records per batch.
	BatchSize int `toml:"batch_size"`
	// BatchTimeout is how long to wait for a fuller batch once records
	// arrive.
	BatchTimeout Duration `toml:"batch_timeout"`
	// SessionTimeout is how long the group waits for a silent member
	// before its partitions move on.
	SessionTimeout Duration `toml:"session_timeout"`
	// Format is json (Debezium envelope), json-flat or avro.
	Format string `toml:"format"`
	// Topic names the output topic; {topic} is the source topic. Empty
	// means "{topic}.<format>".
	Topic string `toml:"topic" example:"\"{topic}.avro\""`
	// JSONSchemas writes the schema section with format json.
	JSONSchemas bool `toml:"json_schemas"`
	// Compatibility is set on new subjects.
	Compatibility string `toml:"compatibility"`
	// OnIncompatible is fail or quarantine.
	OnIncompatible string `toml:"on_incompatible"`
}

func (k SinkKafka) withDefaults() SinkKafka {
	consumerDefaults(&k.Group, &k.BatchSize, &k.BatchTimeout, &k.SessionTimeout, "helios-sink-kafka")
	if k.Format == "" {
		k.Format = SinkFormatJSON
	}
	if k.Compatibility == "" {
		k.Compatibility = "BACKWARD"
	}
	if k.OnIncompatible == "" {
		k.OnIncompatible = PolicyFail
	}
	return k
}

// Validate checks the [sink.kafka] table; keys in problems are relative to
// it.
func (k SinkKafka) Validate() error {
	ps := sinkConsumer{k.Topics, k.TopicRegex, k.Group, k.BatchSize, k.BatchTimeout, k.SessionTimeout}.problems()
	ps = appendIf(ps, oneOf("format", k.Format, SinkFormatJSON, SinkFormatJSONFlat, SinkFormatAvro))
	ps = appendIf(ps, oneOf("compatibility", k.Compatibility, compatibilityLevels...))
	ps = appendIf(ps, oneOf("on_incompatible", k.OnIncompatible, PolicyFail, PolicyQuarantine))
	return join(ps)
}
