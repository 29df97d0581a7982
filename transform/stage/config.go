package stage

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Delivery modes of [Config].Mode.
const (
	// ExactlyOnce runs every batch in a Kafka transaction: outputs, dead
	// letters, changelog records and input offsets commit atomically.
	ExactlyOnce = "exactly_once"
	// AtLeastOnce produces, then commits the input offsets; a crash between
	// the two replays records. For sinks that are idempotent on their own.
	AtLeastOnce = "at_least_once"
)

// Input formats of [Config].Format.
const (
	// FormatRaw hands the transforms the record bytes as they are.
	FormatRaw = "raw"
	// FormatEnvelope decodes each value as a Debezium JSON envelope (with
	// its schema section) into [Record].Event before the transforms, and
	// encodes the event back after them. A value that does not decode is a
	// dead letter.
	FormatEnvelope = "envelope"
	// FormatDebezium reads the records of Debezium's topics with package
	// ingest/debezium (JSON with or without the schema section, keys,
	// ExtractNewRecordState rows, the MySQL and MongoDB shapes) into
	// [Record].Event, and encodes the event back as FormatEnvelope does.
	// Records that are not change events (tombstones, heartbeats,
	// transaction metadata, schema changes) are skipped; a record that does
	// not decode is a dead letter whose reason names its topic, partition
	// and offset.
	FormatDebezium = "debezium"
)

// Defaults applied by [New] to zero fields of [Config].
const (
	DefaultBatchSize          = 1000
	DefaultBatchBytes         = 16 << 20
	DefaultBatchTimeout       = 250 * time.Millisecond
	DefaultMaxInflightBytes   = 8 << 20
	DefaultMaxAttempts        = 3
	DefaultTransactionTimeout = 30 * time.Second
	DefaultRestoreTimeout     = 2 * time.Minute
	DefaultDrainTimeout       = 30 * time.Second
)

// Config describes one stage. Zero fields take the defaults above; the
// topic names default from Name. [New] copies it.
type Config struct {
	// Name names the stage: it is the consumer group, part of the
	// transactional ID, and the default base of the changelog and
	// dead-letter topic names.
	Name string
	// Inputs are the topics read. With state, they must have the same
	// number of partitions or fewer than the changelog topic (which is
	// created with the largest input's count).
	Inputs []string
	// Output is the topic the transforms' records go to.
	Output string
	// DLQTopic receives the records that fail (default Name + ".dlq").
	DLQTopic string
	// ChangelogTopic is the compacted topic that mirrors the partition
	// state (default Name + "-changelog").
	ChangelogTopic string
	// InstanceID tells instances of one stage apart: it ends the
	// transactional ID. Give a restarted instance its previous ID so that
	// its transaction left open by a crash is fenced at once rather than
	// after TransactionTimeout.
	InstanceID string
	// TransactionalIDPrefix starts the transactional ID:
	// <prefix>-<Name>-<InstanceID>.
	TransactionalIDPrefix string
	// Mode is [ExactlyOnce] (default) or [AtLeastOnce].
	Mode string
	// Format is [FormatRaw] (default), [FormatEnvelope] or [FormatDebezium].
	Format string
	// EnvelopeSchemas writes the Kafka Connect schema section in the
	// encoded envelopes (FormatEnvelope and FormatDebezium).
	EnvelopeSchemas bool

	// Live settings: [Stage.Reload] may change them while the stage runs.
	Live Live

	// TransactionTimeout is the broker's bound on an open transaction; a
	// transaction left open by a crash blocks its partitions this long.
	TransactionTimeout time.Duration
	// RestoreTimeout bounds the restoration of one partition's state
	// (waiting for open changelog transactions included).
	RestoreTimeout time.Duration
	// SessionTimeout is the group session timeout: how long the group
	// waits for a silent member (a crashed instance) before it moves the
	// member's partitions (default franz-go's 45s).
	SessionTimeout time.Duration
	// DrainTimeout bounds the finishing of the batch in hand once Run's
	// context is done.
	DrainTimeout time.Duration
	// Partitions and ReplicationFactor are used for the topics the stage
	// creates when they are missing (output, dead letters); -1 is the
	// broker's default. The changelog always gets the inputs' partitions.
	Partitions        int32
	ReplicationFactor int16
}

// Live holds the settings that may change while a stage runs.
type Live struct {
	// BatchSize is the most input records in one batch (one transaction).
	BatchSize int
	// BatchBytes is the most input bytes in one batch.
	BatchBytes int
	// BatchTimeout is how long a batch waits to fill once it has a record.
	BatchTimeout time.Duration
	// MaxInflightBytes bounds the bytes of one partition read into a batch;
	// fetching of the partition pauses at the limit until the batch ends.
	MaxInflightBytes int
	// MaxAttempts is how often a record that makes a transform fail is
	// tried before it becomes a dead letter.
	MaxAttempts int
}

func (l Live) withDefaults() Live {
	if l.BatchSize == 0 {
		l.BatchSize = DefaultBatchSize
	}
	if l.BatchBytes == 0 {
		l.BatchBytes = DefaultBatchBytes
	}
	if l.BatchTimeout == 0 {
		l.BatchTimeout = DefaultBatchTimeout
	}
	if l.MaxInflightBytes == 0 {
		l.MaxInflightBytes = DefaultMaxInflightBytes
	}
	if l.MaxAttempts == 0 {
		l.MaxAttempts = DefaultMaxAttempts
	}
	return l
}

// Validate reports every problem of l, joined.
func (l Live) Validate() error {
	var errs []error
	if l.BatchSize < 1 {
		errs = append(errs, fmt.Errorf("stage: batch size %d is below 1", l.BatchSize))
	}
	if l.BatchBytes < 1 {
		errs = append(errs, fmt.Errorf("stage: batch bytes %d is below 1", l.BatchBytes))
	}
	if l.BatchTimeout <= 0 {
		errs = append(errs, fmt.Errorf("stage: batch timeout %s is not positive", l.BatchTimeout))
	}
	if l.MaxInflightBytes < 1 {
		errs = append(errs, fmt.Errorf("stage: max in-flight bytes %d is below 1", l.MaxInflightBytes))
	}
	if l.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("stage: max attempts %d is below 1", l.MaxAttempts))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.DLQTopic == "" && c.Name != "" {
		c.DLQTopic = c.Name + ".dlq"
	}
	if c.ChangelogTopic == "" && c.Name != "" {
		c.ChangelogTopic = c.Name + "-changelog"
	}
	if c.InstanceID == "" {
		c.InstanceID = "0"
	}
	if c.TransactionalIDPrefix == "" {
		c.TransactionalIDPrefix = "helios-etl"
	}
	if c.Mode == "" {
		c.Mode = ExactlyOnce
	}
	if c.Format == "" {
		c.Format = FormatRaw
	}
	c.Live = c.Live.withDefaults()
	if c.TransactionTimeout == 0 {
		c.TransactionTimeout = DefaultTransactionTimeout
	}
	if c.RestoreTimeout == 0 {
		c.RestoreTimeout = DefaultRestoreTimeout
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.Partitions == 0 {
		c.Partitions = -1
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = -1
	}
	c.Inputs = append([]string(nil), c.Inputs...)
	return c
}

var topicRE = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// Validate reports every problem of c as given (call it after defaults to
// check what [New] will use), joined into one error.
func (c Config) Validate() error {
	var errs []error
	if !topicRE.MatchString(c.Name) {
		errs = append(errs, fmt.Errorf("stage: invalid name %q: use letters, digits, '.', '_' and '-'", c.Name))
	}
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("stage: no input topics"))
	}
	seen := map[string]bool{}
	for _, t := range append(append([]string(nil), c.Inputs...), c.Output, c.DLQTopic, c.ChangelogTopic) {
		if !topicRE.MatchString(t) {
			errs = append(errs, fmt.Errorf("stage: invalid topic name %q", t))
			continue
		}
		if seen[t] {
			errs = append(errs, fmt.Errorf("stage: topic %q is used twice (inputs, output, dead letters and changelog must differ)", t))
		}
		seen[t] = true
	}
	if c.Mode != ExactlyOnce && c.Mode != AtLeastOnce {
		errs = append(errs, fmt.Errorf("stage: mode %q is not %q or %q", c.Mode, ExactlyOnce, AtLeastOnce))
	}
	if c.Format != FormatRaw && c.Format != FormatEnvelope && c.Format != FormatDebezium {
		errs = append(errs, fmt.Errorf("stage: format %q is not %q, %q or %q", c.Format, FormatRaw, FormatEnvelope, FormatDebezium))
	}
	if c.Mode == ExactlyOnce && (c.TransactionalIDPrefix == "" || c.InstanceID == "") {
		errs = append(errs, errors.New("stage: exactly-once needs a transactional ID prefix and an instance ID"))
	}
	if err := c.Live.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.TransactionTimeout < time.Second {
		errs = append(errs, fmt.Errorf("stage: transaction timeout %s is below 1s", c.TransactionTimeout))
	}
	if c.RestoreTimeout <= 0 || c.DrainTimeout <= 0 {
		errs = append(errs, errors.New("stage: restore and drain timeouts must be positive"))
	}
	return errors.Join(errs...)
}

// transactionalID is the producer's transactional ID.
func (c Config) transactionalID() string {
	return c.TransactionalIDPrefix + "-" + c.Name + "-" + c.InstanceID
}
