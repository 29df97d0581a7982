package config

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/transform/mask"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// Config is the whole configuration file. Get one from [Load] or [Parse],
// which fill in every default and validate it; a Config is not changed after
// that, so it is safe to share.
//
// The struct tags name the TOML keys; "example" tags give the value shown in
// type errors and in hints, and "redact" tags mark what [Config.Redacted]
// hides ("secret": the whole value, "dsn" and "url": the passwords inside).
type Config struct {
	Server         Server         `toml:"server"`          // [server]
	Source         Source         `toml:"source"`          // [source.*]
	Kafka          Kafka          `toml:"kafka"`           // [kafka], [kafka.sasl], [kafka.tls]
	SchemaRegistry SchemaRegistry `toml:"schema_registry"` // [schema_registry]
	State          State          `toml:"state"`           // [state]
	ETL            ETL            `toml:"etl"`             // [etl]
	Quality        Quality        `toml:"quality"`         // [quality]
	Stage          Stage          `toml:"stage"`           // [stage]
	Sink           Sink           `toml:"sink"`            // [sink.postgres], [sink.kafka]
	Monitoring     Monitoring     `toml:"monitoring"`      // [monitoring]
	Security       Security       `toml:"security"`        // [security]

	// src records where each key is in the file, for the positions of
	// problems found after decoding. It is nil for a Config not made by
	// Parse.
	src *source
}

// defaults returns the configuration of an empty file.
func defaults() *Config {
	return Config{}.withDefaults()
}

func (c Config) withDefaults() *Config {
	c.Server = c.Server.withDefaults()
	c.Source = c.Source.withDefaults()
	c.Kafka = c.Kafka.withDefaults()
	c.SchemaRegistry = c.SchemaRegistry.withDefaults()
	c.State = c.State.withDefaults()
	c.ETL = c.ETL.withDefaults()
	c.Quality = c.Quality.withDefaults()
	c.Stage = c.Stage.withDefaults()
	c.Sink = c.Sink.withDefaults()
	c.Monitoring = c.Monitoring.withDefaults()
	c.Security = c.Security.withDefaults()
	return &c
}

// Validate checks every value and the rules that tie keys of different
// sections together, and returns all the problems at once (an *Error each,
// joined), or nil. Parse and Load call it; call it again only after changing
// a Config by hand.
func (c *Config) Validate() error {
	var ps []*Error
	ps = append(ps, prefixed("server", c.Server.Validate())...)
	ps = append(ps, prefixed("source", c.Source.Validate())...)
	ps = append(ps, prefixed("kafka", c.Kafka.Validate())...)
	ps = append(ps, prefixed("schema_registry", c.SchemaRegistry.Validate())...)
	ps = append(ps, prefixed("state", c.State.Validate())...)
	ps = append(ps, prefixed("etl", c.ETL.Validate())...)
	ps = append(ps, prefixed("quality", c.Quality.Validate())...)
	ps = append(ps, prefixed("stage", c.Stage.Validate())...)
	ps = append(ps, prefixed("sink", c.Sink.Validate())...)
	ps = append(ps, prefixed("monitoring", c.Monitoring.Validate())...)
	ps = append(ps, prefixed("security", c.Security.Validate())...)

	if c.ETL.ExactlyOnce && c.Kafka.TransactionalIDPrefix == "" {
		ps = append(ps, problem("kafka.transactional_id_prefix", `or set etl.exactly_once = false`,
			"must not be empty when etl.exactly_once = true"))
	}
	if !c.ETL.ExactlyOnce && c.Stage.Delivery == DeliveryExactlyOnce && c.Kafka.TransactionalIDPrefix == "" {
		ps = append(ps, problem("kafka.transactional_id_prefix", `or set stage.delivery = "at_least_once"`,
			"must not be empty when stage.delivery = %q", DeliveryExactlyOnce))
	}
	if c.State.ChangelogTopicSuffix != "" && c.State.ChangelogTopicSuffix == c.ETL.DLQTopicSuffix {
		ps = append(ps, problem("etl.dlq_topic_suffix", "changelog and dead-letter topics must not share names",
			"must differ from state.changelog_topic_suffix, both are %q", c.ETL.DLQTopicSuffix))
	}
	ps = append(ps, c.checkMasks()...)
	if sameListener(c.Server.Listen, c.Monitoring.MetricsAddr) {
		ps = append(ps, problem("monitoring.metrics_addr", "give the metrics listener its own port",
			"must differ from server.listen, both are %q", c.Server.Listen))
	}
	c.locate(ps)
	return join(ps)
}

// checkMasks checks what ties masking to other sections: a stage that
// masks fields needs decoded events, and a mask transform that hashes
// needs security.mask_key.
func (c *Config) checkMasks() []*Error {
	var ps []*Error
	if len(c.Security.MaskFields) > 0 && c.Stage.Name != "" && c.Stage.Format == FormatRaw {
		ps = append(ps, problem("stage.format", `set stage.format = "envelope" or "debezium"`,
			"security.mask_fields needs decoded events, not %q", FormatRaw))
	}
	for i, t := range c.Stage.Transforms {
		name, arg, _ := strings.Cut(strings.TrimSpace(t), " ")
		if name != "mask" || c.Security.MaskKey != "" {
			continue
		}
		if rules, err := mask.ParseRules(arg); err == nil && mask.UsesHash(rules) {
			ps = append(ps, problem(fmt.Sprintf("stage.transforms[%d]", i), `set security.mask_key, e.g. "${HELIOS_MASK_KEY}"`,
				"mask with :hash needs security.mask_key"))
		}
	}
	return ps
}

// Server is the [server] table: the REST API and health endpoints.
type Server struct {
	// Listen is the host:port of the REST API and the health endpoints.
	Listen string `toml:"listen" example:"\"127.0.0.1:8080\""`
	// ShutdownTimeout bounds the graceful shutdown after SIGTERM.
	ShutdownTimeout Duration `toml:"shutdown_timeout"`
}

func (s Server) withDefaults() Server {
	if s.Listen == "" {
		s.Listen = "127.0.0.1:8080"
	}
	if s.ShutdownTimeout == 0 {
		s.ShutdownTimeout = Duration(30 * time.Second)
	}
	return s
}

// Validate checks the [server] table; keys in problems are relative to it.
func (s Server) Validate() error {
	var ps []*Error
	ps = appendIf(ps, checkListen("listen", s.Listen))
	ps = appendIf(ps, positive("shutdown_timeout", s.ShutdownTimeout))
	return join(ps)
}

// Source is the [source] table: where changes come from.
type Source struct {
	// Postgres is [source.postgres]: PostgreSQL logical replication.
	Postgres Postgres `toml:"postgres"`
	// Debezium is [source.debezium]: topics written by Debezium.
	Debezium Debezium `toml:"debezium"`
}

func (s Source) withDefaults() Source {
	s.Postgres = s.Postgres.withDefaults()
	return s
}

// Validate checks the [source.*] tables; keys in problems are relative to
// [source].
func (s Source) Validate() error {
	ps := prefixed("postgres", s.Postgres.Validate())
	return join(append(ps, prefixed("debezium", s.Debezium.Validate())...))
}

// Debezium is the [source.debezium] table: change events read from the
// topics of Debezium connectors (JSON, or Avro with [schema_registry]),
// named by a list or by a pattern.
type Debezium struct {
	// Topics lists the topics to read.
	Topics []string `toml:"topics" example:"[\"shop.public.orders\"]"`
	// TopicPattern is a regular expression (RE2, anchored): every topic
	// whose whole name matches is read, including topics created later.
	TopicPattern string `toml:"topic_pattern" example:"\"shop\\\\..*\""`
}

// Validate checks the [source.debezium] table; keys in problems are
// relative to it.
func (d Debezium) Validate() error {
	var ps []*Error
	if len(d.Topics) > 0 && d.TopicPattern != "" {
		ps = append(ps, problem("topic_pattern", "set topics or topic_pattern, not both", "both topics and topic_pattern are set"))
	}
	for i, t := range d.Topics {
		ps = appendIf(ps, checkTopicName(fmt.Sprintf("topics[%d]", i), t))
	}
	if d.TopicPattern != "" {
		if _, err := regexp.Compile(d.TopicPattern); err != nil {
			ps = append(ps, problem("topic_pattern", `a Go (RE2) regular expression, e.g. "shop\\..*"`, "invalid pattern: %v", err))
		}
	}
	return join(ps)
}

// Snapshot modes of [Postgres].Snapshot.
const (
	SnapshotInitial     = pgcdc.SnapshotInitial     // copy the tables once, then stream changes
	SnapshotNever       = pgcdc.SnapshotNever       // stream changes only
	SnapshotInitialOnly = pgcdc.SnapshotInitialOnly // copy the tables, drop the slot, then stop
)

// Postgres is the [source.postgres] table: logical replication with the
// pgoutput plugin.
type Postgres struct {
	// DSN is a libpq connection string, URL or key=value form. It is
	// required by the capture command, not by the file checks.
	DSN string `toml:"dsn" redact:"dsn" example:"\"postgres://helios@localhost:5432/app\""`
	// Slot is the logical replication slot.
	Slot string `toml:"slot"`
	// Publication is the publication the slot streams.
	Publication string `toml:"publication"`
	// Tables lists "schema.table" names; empty means every table of the
	// publication.
	Tables []string `toml:"tables" example:"[\"public.orders\"]"`
	// Snapshot is one of the Snapshot* modes.
	Snapshot string `toml:"snapshot"`
	// TopicPrefix starts the name of every change topic:
	// <prefix>.<schema>.<table>.
	TopicPrefix string `toml:"topic_prefix"`
	// HeartbeatInterval is how often a heartbeat (a non-transactional
	// logical message) is written so that the slot advances while the
	// tables are idle; 0 disables heartbeats.
	HeartbeatInterval Duration `toml:"heartbeat_interval"`
	// StatusInterval is how often the confirmed position is reported to the
	// server.
	StatusInterval Duration `toml:"status_interval"`
	// JSONSchemas writes Kafka Connect's "schema" section beside every
	// value and key (JsonConverter's schemas.enable=true).
	JSONSchemas bool `toml:"json_schemas"`
	// SnapshotWorkers is how many connections read snapshot chunks at once.
	SnapshotWorkers int `toml:"snapshot_workers"`
	// SnapshotChunkRows is about how many rows one snapshot chunk holds;
	// each finished chunk is checkpointed.
	SnapshotChunkRows int `toml:"snapshot_chunk_rows"`
	// SnapshotProgressInterval is how often the snapshot logs its
	// progress.
	SnapshotProgressInterval Duration `toml:"snapshot_progress_interval"`
	// DecodingWorkMem sets logical_decoding_work_mem on the replication
	// session; empty keeps the server's setting.
	DecodingWorkMem string `toml:"logical_decoding_work_mem" example:"\"64MB\""`
	// Protocol is the pgoutput protocol version: 0 chooses (2, with
	// streaming of large transactions, on PostgreSQL 14+; else 1).
	Protocol int `toml:"protocol"`
}

// withDefaults fills in pgcdc's defaults (one source for the library and
// the file), and a heartbeat, which the library leaves off.
func (p Postgres) withDefaults() Postgres {
	d := pgcdc.DefaultConfig()
	if p.Slot == "" {
		p.Slot = d.Slot
	}
	if p.Publication == "" {
		p.Publication = d.Publication
	}
	if p.Snapshot == "" {
		p.Snapshot = d.Snapshot
	}
	if p.TopicPrefix == "" {
		p.TopicPrefix = d.TopicPrefix
	}
	if p.HeartbeatInterval == 0 {
		p.HeartbeatInterval = Duration(30 * time.Second)
	}
	if p.StatusInterval == 0 {
		p.StatusInterval = Duration(d.StatusInterval)
	}
	if p.SnapshotWorkers == 0 {
		p.SnapshotWorkers = d.SnapshotWorkers
	}
	if p.SnapshotChunkRows == 0 {
		p.SnapshotChunkRows = d.SnapshotChunkRows
	}
	if p.SnapshotProgressInterval == 0 {
		p.SnapshotProgressInterval = Duration(d.ProgressInterval)
	}
	return p
}

// memSize matches a PostgreSQL memory setting such as "64kB" or "256MB".
var memSize = regexp.MustCompile(`^[0-9]+(kB|MB|GB)$`)

// Validate checks the [source.postgres] table; keys in problems are relative
// to it.
func (p Postgres) Validate() error {
	var ps []*Error
	if p.SnapshotWorkers < 1 || p.SnapshotWorkers > 64 {
		ps = append(ps, problem("snapshot_workers", "between 1 and 64", "must be between 1 and 64, got %d", p.SnapshotWorkers))
	}
	if p.SnapshotChunkRows < 100 {
		ps = append(ps, problem("snapshot_chunk_rows", "at least 100", "must be at least 100, got %d", p.SnapshotChunkRows))
	}
	if p.Protocol < 0 || p.Protocol > 2 {
		ps = append(ps, problem("protocol", "0, 1 or 2", "must be 0 (automatic), 1 or 2, got %d", p.Protocol))
	}
	if p.DecodingWorkMem != "" && !memSize.MatchString(p.DecodingWorkMem) {
		ps = append(ps, problem("logical_decoding_work_mem", `a number with kB, MB or GB, e.g. "64MB" (at least 64kB)`,
			"invalid memory size %q", p.DecodingWorkMem))
	}
	ps = appendIf(ps, checkDSN("dsn", p.DSN))
	for _, k := range []struct{ key, v string }{{"slot", p.Slot}, {"publication", p.Publication}} {
		if !pgcdc.ValidName(k.v) {
			ps = append(ps, problem(k.key, "use lower-case letters, digits and _, starting with a letter or _, at most 63 bytes",
				"invalid name %q", k.v))
		}
	}
	seen := map[string]bool{}
	for i, t := range p.Tables {
		key := fmt.Sprintf("tables[%d]", i)
		schema, table, ok := strings.Cut(t, ".")
		switch {
		case !ok || schema == "" || table == "" || strings.Contains(table, "."):
			ps = append(ps, problem(key, `write it as "schema.table", e.g. "public.orders"`, "invalid table name %q", t))
		case seen[t]:
			ps = append(ps, problem(key, "remove the duplicate", "table %q is listed twice", t))
		}
		seen[t] = true
	}
	ps = appendIf(ps, oneOf("snapshot", p.Snapshot, SnapshotInitial, SnapshotNever, SnapshotInitialOnly))
	ps = appendIf(ps, checkTopicName("topic_prefix", p.TopicPrefix))
	if p.HeartbeatInterval < 0 {
		ps = append(ps, problem("heartbeat_interval", `use "0s" to disable heartbeats`, "must not be negative, got %s", p.HeartbeatInterval))
	}
	ps = appendIf(ps, positive("status_interval", p.StatusInterval))
	ps = appendIf(ps, positive("snapshot_progress_interval", p.SnapshotProgressInterval))
	return join(ps)
}

// Compression codecs of [Kafka].Compression.
var compressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}

// Kafka is the [kafka] table: the cluster every stage reads from and writes
// to.
type Kafka struct {
	// Brokers are the seed brokers, host:port each. They are required by
	// every command that talks to Kafka, not by the file checks.
	Brokers []string `toml:"brokers" example:"[\"host:9092\"]"`
	// ClientID is sent to the brokers with every request.
	ClientID string `toml:"client_id"`
	// TransactionalIDPrefix starts the transactional ID of each producer
	// when etl.exactly_once is set.
	TransactionalIDPrefix string `toml:"transactional_id_prefix"`
	// Compression is the producer's batch codec: none, gzip, snappy, lz4
	// or zstd.
	Compression string `toml:"compression"`
	// TopicPartitions and TopicReplicationFactor apply to the topics
	// helios-etl creates; -1 means the broker's default.
	TopicPartitions        int `toml:"topic_partitions"`
	TopicReplicationFactor int `toml:"topic_replication_factor"`
	// SASL is [kafka.sasl]: authentication to the brokers.
	SASL SASL `toml:"sasl"`
	// TLS is [kafka.tls]: encryption and mutual TLS to the brokers.
	TLS TLS `toml:"tls"`
}

func (k Kafka) withDefaults() Kafka {
	if k.ClientID == "" {
		k.ClientID = "helios-etl"
	}
	if k.TransactionalIDPrefix == "" {
		k.TransactionalIDPrefix = "helios-etl"
	}
	if k.Compression == "" {
		k.Compression = "snappy"
	}
	if k.TopicPartitions == 0 {
		k.TopicPartitions = -1
	}
	if k.TopicReplicationFactor == 0 {
		k.TopicReplicationFactor = -1
	}
	k.SASL = k.SASL.withDefaults()
	k.TLS = k.TLS.withDefaults()
	return k
}

// Validate checks the [kafka] table and its [kafka.sasl] and [kafka.tls]
// tables; keys in problems are relative to [kafka].
func (k Kafka) Validate() error {
	var ps []*Error
	seen := map[string]bool{}
	for i, b := range k.Brokers {
		key := fmt.Sprintf("brokers[%d]", i)
		if err := checkHostPort(key, b, false, "host:9092"); err != nil {
			ps = append(ps, err)
		} else if seen[b] {
			ps = append(ps, problem(key, "remove the duplicate", "broker %q is listed twice", b))
		}
		seen[b] = true
	}
	if k.ClientID == "" {
		ps = append(ps, problem("client_id", "", "must not be empty"))
	}
	ps = appendIf(ps, oneOf("compression", k.Compression, compressions...))
	if p := k.TopicPartitions; p != -1 && (p < 1 || p > math.MaxInt32) {
		ps = append(ps, problem("topic_partitions", "use -1 for the broker's default", "must be -1 or between 1 and %d, got %d", math.MaxInt32, p))
	}
	if r := k.TopicReplicationFactor; r != -1 && (r < 1 || r > math.MaxInt16) {
		ps = append(ps, problem("topic_replication_factor", "use -1 for the broker's default", "must be -1 or between 1 and %d, got %d", math.MaxInt16, r))
	}
	ps = append(ps, prefixed("sasl", k.SASL.Validate())...)
	ps = append(ps, prefixed("tls", k.TLS.Validate())...)
	return join(ps)
}

// SASL mechanisms of [SASL].Mechanism; empty means no SASL.
var saslMechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// SASL is the [kafka.sasl] table.
type SASL struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty disables
	// SASL.
	Mechanism string `toml:"mechanism"`
	// User and Password are the SASL credentials; both are required when
	// Mechanism is set.
	User     string `toml:"user"`
	Password string `toml:"password" redact:"secret" example:"\"${KAFKA_PASSWORD}\""`
}

func (s SASL) withDefaults() SASL { return s }

// Validate checks the [kafka.sasl] table; keys in problems are relative to
// it.
func (s SASL) Validate() error {
	var ps []*Error
	if s.Mechanism == "" {
		if s.User != "" || s.Password != "" {
			ps = append(ps, problem("mechanism", "allowed: "+quoteList(saslMechanisms), "must be set when user or password is set"))
		}
		return join(ps)
	}
	ps = appendIf(ps, oneOf("mechanism", s.Mechanism, saslMechanisms...))
	if s.User == "" {
		ps = append(ps, problem("user", "", "must be set when mechanism is set"))
	}
	if s.Password == "" {
		ps = append(ps, problem("password", `e.g. password = "${KAFKA_PASSWORD}"`, "must be set when mechanism is set"))
	}
	return join(ps)
}

// TLS is the [kafka.tls] table.
type TLS struct {
	// Enabled turns TLS on; the system roots verify the brokers unless
	// CAFile is set.
	Enabled bool `toml:"enabled"`
	// CAFile is a PEM bundle of the CAs that sign the brokers'
	// certificates.
	CAFile string `toml:"ca_file"`
	// CertFile and KeyFile are the client certificate and key (PEM) for
	// mutual TLS; both or neither.
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
}

func (t TLS) withDefaults() TLS { return t }

// Validate checks the [kafka.tls] table; keys in problems are relative to
// it.
func (t TLS) Validate() error {
	var ps []*Error
	if !t.Enabled && (t.CAFile != "" || t.CertFile != "" || t.KeyFile != "") {
		ps = append(ps, problem("enabled", "set enabled = true, or remove the files", "is false but TLS files are set"))
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		if t.CertFile == "" {
			ps = append(ps, problem("cert_file", "mutual TLS needs both files", "must be set when key_file is set"))
		} else {
			ps = append(ps, problem("key_file", "mutual TLS needs both files", "must be set when cert_file is set"))
		}
	}
	return join(ps)
}

// SchemaRegistry is the [schema_registry] table: the Confluent-compatible
// registry of the Avro schemas. An empty URL means JSON output only.
type SchemaRegistry struct {
	// URL is the registry's http or https URL.
	URL string `toml:"url" redact:"url" example:"\"http://localhost:8081\""`
	// User and Password are for basic authentication: both or neither.
	User     string `toml:"user"`
	Password string `toml:"password" redact:"secret" example:"\"${SCHEMA_REGISTRY_PASSWORD}\""`
}

func (s SchemaRegistry) withDefaults() SchemaRegistry { return s }

// Validate checks the [schema_registry] table; keys in problems are relative
// to it.
func (s SchemaRegistry) Validate() error {
	var ps []*Error
	ps = appendIf(ps, checkHTTPURL("url", s.URL))
	if (s.User == "") != (s.Password == "") {
		if s.User == "" {
			ps = append(ps, problem("user", "", "must be set when password is set"))
		} else {
			ps = append(ps, problem("password", `e.g. password = "${SCHEMA_REGISTRY_PASSWORD}"`, "must be set when user is set"))
		}
	}
	if s.URL == "" && s.User != "" {
		ps = append(ps, problem("url", "", "must be set when user is set"))
	}
	return join(ps)
}

// State is the [state] table: the local Pebble state and its changelog.
type State struct {
	// Dir holds the Pebble databases; it is created when missing.
	Dir string `toml:"dir"`
	// ChangelogTopicSuffix is appended to a stage's name to form the topic
	// that backs up its state.
	ChangelogTopicSuffix string `toml:"changelog_topic_suffix"`
}

func (s State) withDefaults() State {
	if s.Dir == "" {
		s.Dir = "./helios-state"
	}
	if s.ChangelogTopicSuffix == "" {
		s.ChangelogTopicSuffix = "-changelog"
	}
	return s
}

// Validate checks the [state] table; keys in problems are relative to it.
func (s State) Validate() error {
	var ps []*Error
	if strings.TrimSpace(s.Dir) == "" {
		ps = append(ps, problem("dir", "", "must not be empty"))
	}
	ps = appendIf(ps, checkTopicName("changelog_topic_suffix", s.ChangelogTopicSuffix))
	return join(ps)
}

// maxBatchSize bounds etl.batch_size.
const maxBatchSize = 1_000_000

// ETL is the [etl] table: how the stages batch and deliver records.
type ETL struct {
	// BatchSize is the most records a stage handles at once.
	BatchSize int `toml:"batch_size"`
	// BatchTimeout is how long a stage waits to fill a batch.
	BatchTimeout Duration `toml:"batch_timeout"`
	// MaxInflightBytes bounds the bytes read but not yet acknowledged, per
	// stage; reading pauses at the limit.
	MaxInflightBytes int `toml:"max_inflight_bytes"`
	// DLQTopicSuffix is appended to a topic's name to form its dead-letter
	// topic.
	DLQTopicSuffix string `toml:"dlq_topic_suffix"`
	// ExactlyOnce makes the stages use Kafka transactions; otherwise
	// delivery is at least once.
	ExactlyOnce bool `toml:"exactly_once"`
}

func (e ETL) withDefaults() ETL {
	if e.BatchSize == 0 {
		e.BatchSize = 1000
	}
	if e.BatchTimeout == 0 {
		e.BatchTimeout = Duration(250 * time.Millisecond)
	}
	if e.MaxInflightBytes == 0 {
		e.MaxInflightBytes = 64 << 20
	}
	if e.DLQTopicSuffix == "" {
		e.DLQTopicSuffix = ".dlq"
	}
	return e
}

// Validate checks the [etl] table; keys in problems are relative to it.
func (e ETL) Validate() error {
	var ps []*Error
	if e.BatchSize < 1 || e.BatchSize > maxBatchSize {
		ps = append(ps, problem("batch_size", "", "must be between 1 and %d, got %d", maxBatchSize, e.BatchSize))
	}
	ps = appendIf(ps, positive("batch_timeout", e.BatchTimeout))
	if e.MaxInflightBytes < 1 {
		ps = append(ps, problem("max_inflight_bytes", "64 MiB is 67108864", "must be greater than 0, got %d", e.MaxInflightBytes))
	}
	ps = appendIf(ps, checkTopicName("dlq_topic_suffix", e.DLQTopicSuffix))
	return join(ps)
}

// Quality is the [quality] table: data-quality scoring and anomaly
// detection, used by the "quality" transform of [stage].
type Quality struct {
	// MinScore is the lowest overall score, in [0, 1], of a window: below
	// it the window is logged (an implicit "* overall MIN alert"
	// threshold), or its offending records quarantined with Quarantine.
	MinScore float64 `toml:"min_score"`
	// Sensitivity of the anomaly detection, in [0, 1]: higher flags more
	// records.
	Sensitivity float64 `toml:"sensitivity"`
	// Quarantine makes the min_score threshold's action quarantine.
	Quarantine bool `toml:"quarantine"`
	// WindowRecords and WindowTime close a tumbling window after that many
	// records of a partition, or once that much processing time has passed
	// since its first record (0 turns either off).
	WindowRecords int      `toml:"window_records"`
	WindowTime    Duration `toml:"window_time"`
	// EventTime is source (Debezium's source.ts_ms), ts (the envelope's
	// ts_ms) or a field name; MaxLag is the lag within which a record is
	// timely.
	EventTime string   `toml:"event_time"`
	MaxLag    Duration `toml:"max_lag"`
	// Required, Formats, Checks and Clean are the declared checks and
	// cleaning rules (see transform/stage/ops.QualityConfig).
	Required []string `toml:"required" example:"[\"id\", \"email\"]"`
	Formats  []string `toml:"formats" example:"[\"email=email\", \"created=datetime\"]"`
	Checks   []string `toml:"checks" example:"[\"amount >= 0\"]"`
	Clean    []string `toml:"clean" example:"[\"email=trim,email\", \"total_cents=coerce:cents_to_decimal\"]"`
	// Anomalies turns on the learned detector; Keys are its unique fields.
	Anomalies bool     `toml:"anomalies"`
	Keys      []string `toml:"keys" example:"[\"id\"]"`
	// Thresholds are "FIELD DIMENSION MIN ACTION" promises.
	Thresholds []string `toml:"thresholds" example:"[\"* overall 0.95 fail\", \"email validity 0.99 quarantine\"]"`
	// CheckpointBatches is how many changed batches pass before the
	// detector and the imputation statistics are saved again.
	CheckpointBatches int `toml:"checkpoint_batches"`
	// Dedup drops records whose key repeats.
	Dedup QualityDedup `toml:"dedup"`
}

// QualityDedup is the [quality.dedup] table: deduplication by key, with
// the keys in the partition state.
type QualityDedup struct {
	// Key are the fields of a record's key; empty turns deduplication off.
	Key []string `toml:"key" example:"[\"id\"]"`
	// Window is how many of the latest new keys of a partition are
	// remembered; 0 remembers every key.
	Window int `toml:"window"`
}

func (q Quality) withDefaults() Quality {
	if q.MinScore == 0 {
		q.MinScore = 0.8
	}
	if q.Sensitivity == 0 {
		q.Sensitivity = 0.5
	}
	if q.WindowRecords == 0 && q.WindowTime == 0 {
		q.WindowRecords = ops.DefaultWindowRecords
	}
	if q.EventTime == "" {
		q.EventTime = ops.EventTimeSource
	}
	if q.MaxLag == 0 {
		q.MaxLag = Duration(ops.DefaultMaxLag)
	}
	if q.CheckpointBatches == 0 {
		q.CheckpointBatches = ops.DefaultCheckpoint
	}
	return q
}

// Transform returns the quality transform's configuration, with pipeline
// as the metrics' label; the caller adds the metrics and the logger.
func (q Quality) Transform(pipeline string) ops.QualityConfig {
	s := q.Sensitivity
	action := "alert"
	if q.Quarantine {
		action = "quarantine"
	}
	return ops.QualityConfig{
		Pipeline: pipeline, WindowRecords: q.WindowRecords, WindowTime: time.Duration(q.WindowTime),
		EventTime: q.EventTime, MaxLag: time.Duration(q.MaxLag), Required: q.Required, Formats: q.Formats,
		Checks: q.Checks, Clean: q.Clean, Anomalies: q.Anomalies, Keys: q.Keys, Sensitivity: &s,
		Thresholds: append([]string{fmt.Sprintf("* overall %g %s", q.MinScore, action)}, q.Thresholds...),
		Checkpoint: q.CheckpointBatches, DedupKey: q.Dedup.Key, DedupWindow: q.Dedup.Window,
	}
}

// Validate checks the [quality] table; keys in problems are relative to it.
func (q Quality) Validate() error {
	var ps []*Error
	ps = appendIf(ps, unit("min_score", q.MinScore))
	ps = appendIf(ps, unit("sensitivity", q.Sensitivity))
	if q.WindowRecords < 0 {
		ps = append(ps, problem("window_records", "0 turns the count off", "must not be negative, got %d", q.WindowRecords))
	}
	if q.WindowTime < 0 {
		ps = append(ps, problem("window_time", `"0s" turns the time off`, "must not be negative, got %s", q.WindowTime))
	}
	ps = appendIf(ps, positive("max_lag", q.MaxLag))
	if q.CheckpointBatches < 1 {
		ps = append(ps, problem("checkpoint_batches", "", "must be 1 or more, got %d", q.CheckpointBatches))
	}
	if q.Dedup.Window < 0 {
		ps = append(ps, problem("dedup.window", "0 remembers every key", "must not be negative, got %d", q.Dedup.Window))
	} else if q.Dedup.Window > 0 && len(q.Dedup.Key) == 0 {
		ps = append(ps, problem("dedup.key", `the fields of the key, e.g. ["id"]`, "is empty, but dedup.window is set"))
	}
	for _, l := range []struct {
		key  string
		list []string
		cfg  func(string) ops.QualityConfig
	}{
		{"formats", q.Formats, func(s string) ops.QualityConfig { return ops.QualityConfig{Formats: []string{s}} }},
		{"checks", q.Checks, func(s string) ops.QualityConfig { return ops.QualityConfig{Checks: []string{s}} }},
		{"clean", q.Clean, func(s string) ops.QualityConfig { return ops.QualityConfig{Clean: []string{s}} }},
		{"thresholds", q.Thresholds, func(s string) ops.QualityConfig { return ops.QualityConfig{Thresholds: []string{s}} }},
	} {
		for i, s := range l.list {
			if _, err := ops.NewQuality(l.cfg(s)); err != nil {
				ps = append(ps, problem(fmt.Sprintf("%s[%d]", l.key, i), "", "%v", err))
			}
		}
	}
	return join(ps)
}

// Monitoring is the [monitoring] table: metrics and logs.
type Monitoring struct {
	// MetricsAddr is the host:port of the Prometheus /metrics endpoint.
	MetricsAddr string `toml:"metrics_addr" example:"\"127.0.0.1:9464\""`
	// LogLevel is debug, info, warn or error.
	LogLevel string `toml:"log_level"`
	// LogFormat is json or text.
	LogFormat string `toml:"log_format"`
}

func (m Monitoring) withDefaults() Monitoring {
	if m.MetricsAddr == "" {
		m.MetricsAddr = "127.0.0.1:9464"
	}
	if m.LogLevel == "" {
		m.LogLevel = "info"
	}
	if m.LogFormat == "" {
		m.LogFormat = "json"
	}
	return m
}

// Validate checks the [monitoring] table; keys in problems are relative to
// it.
func (m Monitoring) Validate() error {
	var ps []*Error
	ps = appendIf(ps, checkListen("metrics_addr", m.MetricsAddr))
	ps = appendIf(ps, oneOf("log_level", m.LogLevel, "debug", "info", "warn", "error"))
	ps = appendIf(ps, oneOf("log_format", m.LogFormat, "json", "text"))
	return join(ps)
}

// minJWTSecret is the shortest HMAC secret accepted: 256 bits for HS256.
const minJWTSecret = 32

// Security is the [security] table: API authentication, masking and audit.
type Security struct {
	// JWTSecret is the HMAC key (HS256) that signs and verifies API tokens.
	JWTSecret string `toml:"jwt_secret" redact:"secret" example:"\"${HELIOS_JWT_SECRET}\""`
	// JWTPublicKeyFile is a PEM public key (RS256 or ES256) that verifies
	// tokens issued elsewhere; set it or JWTSecret, not both.
	JWTPublicKeyFile string `toml:"jwt_public_key_file"`
	// MaskFields lists the fields masked by every stage (a mask transform
	// run first) and by the Kafka sink: "column" or "schema.table.column",
	// optionally with ":redact" (the default), ":hash" or ":partial".
	MaskFields []string `toml:"mask_fields" example:"[\"email\", \"public.users.ssn:hash\"]"`
	// MaskKey is the HMAC key of the hash masking method, at least
	// mask.MinKeyLen bytes; required when a mask uses hash.
	MaskKey string `toml:"mask_key" redact:"secret" example:"\"${HELIOS_MASK_KEY}\""`
	// AuditLog is the file audit events are appended to, as JSON lines;
	// empty sends them to the main log.
	AuditLog string `toml:"audit_log"`
}

func (s Security) withDefaults() Security { return s }

// Validate checks the [security] table; keys in problems are relative to it.
func (s Security) Validate() error {
	var ps []*Error
	if s.JWTSecret != "" && s.JWTPublicKeyFile != "" {
		ps = append(ps, problem("jwt_public_key_file", "remove one of them", "must not be set together with jwt_secret"))
	}
	if s.JWTSecret != "" && len(s.JWTSecret) < minJWTSecret {
		ps = append(ps, problem("jwt_secret", "generate one with: openssl rand -base64 32",
			"must be at least %d bytes long, got %d", minJWTSecret, len(s.JWTSecret)))
	}
	seen := map[mask.Rule]bool{}
	var rules []mask.Rule
	for i, f := range s.MaskFields {
		key := fmt.Sprintf("mask_fields[%d]", i)
		r, err := mask.ParseRule(f)
		field := mask.Rule{Schema: r.Schema, Table: r.Table, Column: r.Column}
		switch {
		case strings.TrimSpace(f) == "":
			ps = append(ps, problem(key, "", "must not be empty"))
		case err != nil:
			ps = append(ps, problem(key, `e.g. "email", "public.users.ssn:hash" or "phone:partial"`, "%v", err))
		case seen[field]:
			ps = append(ps, problem(key, "remove the duplicate", "field %q is listed twice", f))
		default:
			rules = append(rules, r)
		}
		seen[field] = true
	}
	if s.MaskKey != "" && len(s.MaskKey) < mask.MinKeyLen {
		ps = append(ps, problem("mask_key", "generate one with: openssl rand -base64 32",
			"must be at least %d bytes long, got %d", mask.MinKeyLen, len(s.MaskKey)))
	}
	if s.MaskKey == "" && mask.UsesHash(rules) {
		ps = append(ps, problem("mask_key", `set it, e.g. mask_key = "${HELIOS_MASK_KEY}"`,
			"must be set when a field of mask_fields uses :hash"))
	}
	return join(ps)
}

// appendIf appends p to ps when p is not nil.
func appendIf(ps []*Error, p *Error) []*Error {
	if p == nil {
		return ps
	}
	return append(ps, p)
}

// oneOf checks that v is one of allowed.
func oneOf(key, v string, allowed ...string) *Error {
	if slices.Contains(allowed, v) {
		return nil
	}
	hint := "allowed: " + quoteList(allowed)
	if s := suggest(v, allowed); s != "" {
		hint = fmt.Sprintf("did you mean %q? %s", s, hint)
	}
	return problem(key, hint, "invalid value %q", v)
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func positive(key string, d Duration) *Error {
	if d > 0 {
		return nil
	}
	return problem(key, `e.g. "30s"`, "must be greater than 0, got %s", d)
}

// unit checks that v is in [0, 1]; NaN is not.
func unit(key string, v float64) *Error {
	if v >= 0 && v <= 1 {
		return nil
	}
	return problem(key, "", "must be between 0 and 1, got %v", v)
}

// checkListen checks an address to listen on: host:port, where the host may
// be empty (every interface) and the port 0 (any free port).
func checkListen(key, addr string) *Error {
	return checkHostPort(key, addr, true, "127.0.0.1:8080")
}

func checkHostPort(key, addr string, listen bool, example string) *Error {
	hint := fmt.Sprintf("write it as host:port, e.g. %q", example)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return problem(key, hint, "invalid address %q", addr)
	}
	if host == "" && !listen {
		return problem(key, hint, "missing host in %q", addr)
	}
	if strings.ContainsAny(host, " \t/") {
		return problem(key, hint, "invalid host in %q", addr)
	}
	n, err := strconv.Atoi(port)
	lowest := 1
	if listen {
		lowest = 0
	}
	if err != nil || n < lowest || n > 65535 {
		return problem(key, fmt.Sprintf("the port is a number from %d to 65535", lowest), "invalid port in %q", addr)
	}
	return nil
}

// sameListener reports whether two listen addresses would collide: same
// port, and the same host or a wildcard host.
func sameListener(a, b string) bool {
	ha, pa, err1 := net.SplitHostPort(a)
	hb, pb, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil || pa == "0" || pa != pb {
		return false
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wildcard(ha) || wildcard(hb)
}

// topicName matches what Kafka accepts in a topic name.
var topicName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,200}$`)

func checkTopicName(key, v string) *Error {
	if topicName.MatchString(v) {
		return nil
	}
	return problem(key, "use letters, digits, '.', '_' and '-', at most 200 of them", "invalid topic name part %q", v)
}
