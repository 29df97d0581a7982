package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/transform/mask"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// Delivery guarantees of [Stage].Delivery.
const (
	DeliveryExactlyOnce = "exactly_once"
	DeliveryAtLeastOnce = "at_least_once"
)

// Formats of [Stage].Format.
const (
	FormatRaw      = "raw"
	FormatEnvelope = "envelope"
	FormatDebezium = "debezium"
)

// maxAttempts bounds stage.max_attempts.
const maxAttempts = 100

// Stage is the [stage] table: the consumer-group stage run by the stage
// command. Batching comes from [etl]; the dead-letter and changelog topics
// are the stage's name with etl.dlq_topic_suffix and
// state.changelog_topic_suffix.
type Stage struct {
	// Name names the stage: consumer group, transactional ID, topics.
	// Required by the stage command, not by the file checks.
	Name string `toml:"name" example:"\"clean-orders\""`
	// Inputs are the topics the stage reads.
	Inputs []string `toml:"inputs" example:"[\"helios.public.orders\"]"`
	// Output is the topic the stage writes.
	Output string `toml:"output" example:"\"clean.orders\""`
	// Transforms is the chain, one specification a line (see package
	// transform/stage/ops).
	Transforms []string `toml:"transforms" example:"[\"filter op != d\", \"project id,total\"]"`
	// Format is raw (bytes as they are) or envelope (Debezium JSON).
	Format string `toml:"format"`
	// EnvelopeSchemas writes the schema section in output envelopes.
	EnvelopeSchemas bool `toml:"envelope_schemas"`
	// Delivery is exactly_once (Kafka transactions) or at_least_once.
	Delivery string `toml:"delivery"`
	// InstanceID ends the transactional ID; empty means the host name and
	// a hash of state.dir.
	InstanceID string `toml:"instance_id"`
	// MaxAttempts is how often a failing record is tried before it is
	// dead-lettered.
	MaxAttempts int `toml:"max_attempts"`
	// MaxPartitionBytes bounds the bytes of one partition in a batch;
	// fetching of the partition pauses at the limit.
	MaxPartitionBytes int `toml:"max_partition_bytes"`
	// TransactionTimeout is the broker's bound on an open transaction.
	TransactionTimeout Duration `toml:"transaction_timeout"`
	// RestoreTimeout bounds the restoration of one partition's state.
	RestoreTimeout Duration `toml:"restore_timeout"`
	// SessionTimeout is how long the group waits for a silent member.
	SessionTimeout Duration `toml:"session_timeout"`
}

func (s Stage) withDefaults() Stage {
	if s.Format == "" {
		s.Format = FormatRaw
	}
	if s.Delivery == "" {
		s.Delivery = DeliveryExactlyOnce
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 3
	}
	if s.MaxPartitionBytes == 0 {
		s.MaxPartitionBytes = 8 << 20
	}
	if s.TransactionTimeout == 0 {
		s.TransactionTimeout = Duration(30 * time.Second)
	}
	if s.RestoreTimeout == 0 {
		s.RestoreTimeout = Duration(2 * time.Minute)
	}
	if s.SessionTimeout == 0 {
		s.SessionTimeout = Duration(45 * time.Second)
	}
	return s
}

// Validate checks the [stage] table; keys in problems are relative to it.
func (s Stage) Validate() error {
	var ps []*Error
	if s.Name != "" {
		ps = appendIf(ps, checkTopicName("name", s.Name))
	}
	seen := map[string]bool{}
	for i, t := range s.Inputs {
		key := fmt.Sprintf("inputs[%d]", i)
		if p := checkTopicName(key, t); p != nil {
			ps = append(ps, p)
		} else if seen[t] {
			ps = append(ps, problem(key, "remove the duplicate", "topic %q is listed twice", t))
		}
		seen[t] = true
	}
	if s.Output != "" {
		if p := checkTopicName("output", s.Output); p != nil {
			ps = append(ps, p)
		} else if seen[s.Output] {
			ps = append(ps, problem("output", "a stage cannot write the topic it reads", "topic %q is also an input", s.Output))
		}
	}
	nq := 0
	syntaxKey := make([]byte, mask.MinKeyLen)
	for i, t := range s.Transforms {
		if name, _, _ := strings.Cut(strings.TrimSpace(t), " "); name == "quality" {
			if nq++; nq == 2 {
				ps = append(ps, problem(fmt.Sprintf("transforms[%d]", i), "its window and detector state would collide", "quality is in the chain twice"))
			}
		}
		// Any key of the right length passes here: whether mask_key is
		// set for a mask that hashes is checked by Config.Validate.
		if _, err := (ops.Options{MaskKey: syntaxKey}).Parse(t); err != nil {
			ps = append(ps, problem(fmt.Sprintf("transforms[%d]", i), `e.g. "filter op != d", "project id,name", "rename a=b", "require id", "count"`, "%v", err))
		}
	}
	ps = appendIf(ps, oneOf("format", s.Format, FormatRaw, FormatEnvelope, FormatDebezium))
	ps = appendIf(ps, oneOf("delivery", s.Delivery, DeliveryExactlyOnce, DeliveryAtLeastOnce))
	if s.MaxAttempts < 1 || s.MaxAttempts > maxAttempts {
		ps = append(ps, problem("max_attempts", "", "must be between 1 and %d, got %d", maxAttempts, s.MaxAttempts))
	}
	if s.MaxPartitionBytes < 1 {
		ps = append(ps, problem("max_partition_bytes", "8 MiB is 8388608", "must be greater than 0, got %d", s.MaxPartitionBytes))
	}
	if d := time.Duration(s.TransactionTimeout); d < time.Second || d > 15*time.Minute {
		ps = append(ps, problem("transaction_timeout", `e.g. "30s"`, "must be between 1s and 15m (the broker's transaction.max.timeout.ms), got %s", s.TransactionTimeout))
	}
	ps = appendIf(ps, positive("restore_timeout", s.RestoreTimeout))
	if d := time.Duration(s.SessionTimeout); d < 6*time.Second || d > 30*time.Minute {
		ps = append(ps, problem("session_timeout", "the broker's group.min.session.timeout.ms and group.max.session.timeout.ms default to 6s and 30m",
			"must be between 6s and 30m, got %s", s.SessionTimeout))
	}
	return join(ps)
}
