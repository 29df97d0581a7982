package kafkasink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// Formats of [Config].Format.
const (
	FormatJSON     = "json"      // the Debezium JSON envelope
	FormatJSONFlat = "json-flat" // the row alone, with __op and friends
	FormatAvro     = "avro"      // Avro, Confluent wire format, schemas in a registry
)

// Policies of [Config].OnIncompatible.
const (
	PolicyFail       = "fail"       // stop with an *IncompatibleError
	PolicyQuarantine = "quarantine" // send the record to the DLQ topic and go on
)

// Config says what a [Sink] writes, and where.
type Config struct {
	// Format is FormatJSON (default), FormatJSONFlat or FormatAvro.
	Format string
	// Topic names the output topic; "{topic}" stands for the source topic.
	// Default "{topic}.<format>".
	Topic string
	// JSONSchemas writes Kafka Connect's schema section with FormatJSON.
	JSONSchemas bool
	// Compatibility is the level set on a subject when the sink registers
	// its first version (BACKWARD by default); later versions are checked
	// against the latest one before they are registered.
	Compatibility string
	// OnIncompatible is PolicyFail (default) or PolicyQuarantine.
	OnIncompatible string
	// DLQTopic receives quarantined records (as JSON envelopes with
	// their schema), required with PolicyQuarantine.
	DLQTopic string
}

func (c Config) withDefaults() Config {
	if c.Format == "" {
		c.Format = FormatJSON
	}
	if c.Topic == "" {
		c.Topic = "{topic}." + c.Format
	}
	if c.Compatibility == "" {
		c.Compatibility = "BACKWARD"
	}
	if c.OnIncompatible == "" {
		c.OnIncompatible = PolicyFail
	}
	return c
}

// Validate returns every problem of c, with defaults applied, joined.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	switch c.Format {
	case FormatJSON, FormatJSONFlat, FormatAvro:
	default:
		errs = append(errs, fmt.Errorf("format %q: want json, json-flat or avro", c.Format))
	}
	var level sr.CompatibilityLevel
	if err := level.UnmarshalText([]byte(strings.ToUpper(c.Compatibility))); err != nil {
		errs = append(errs, fmt.Errorf("compatibility %q: %w", c.Compatibility, err))
	}
	switch c.OnIncompatible {
	case PolicyFail:
	case PolicyQuarantine:
		if c.DLQTopic == "" {
			errs = append(errs, errors.New("dlq_topic: required with on_incompatible = quarantine"))
		}
	default:
		errs = append(errs, fmt.Errorf("on_incompatible %q: want fail or quarantine", c.OnIncompatible))
	}
	return errors.Join(errs...)
}

// Producer is what the sink needs of a Kafka client (*kgo.Client).
type Producer interface {
	ProduceSync(ctx context.Context, rs ...*kgo.Record) kgo.ProduceResults
}

// Registry is what the sink needs of a Confluent-compatible schema
// registry client (*sr.Client).
type Registry interface {
	CheckCompatibility(ctx context.Context, subject string, version int, s sr.Schema) (sr.CheckCompatibilityResult, error)
	CreateSchema(ctx context.Context, subject string, s sr.Schema) (sr.SubjectSchema, error)
	SetCompatibility(ctx context.Context, compat sr.SetCompatibility, subjects ...string) []sr.CompatibilityResult
}

var (
	_ Producer = (*kgo.Client)(nil)
	_ Registry = (*sr.Client)(nil)
)

// IncompatibleError is a new schema version the registry rejects under
// the subject's compatibility level.
type IncompatibleError struct {
	Subject       string
	SourceVersion int32    // the change schema's version
	Messages      []string // the registry's reasons
}

func (e *IncompatibleError) Error() string {
	msg := "no reason given"
	if len(e.Messages) > 0 {
		msg = strings.Join(e.Messages, "; ")
	}
	return fmt.Sprintf("kafkasink: schema version %d is incompatible with the latest version of subject %s: %s", e.SourceVersion, e.Subject, msg)
}

// Sink writes change events to Kafka topics as JSON or Avro. It is
// at-least-once: Write returns after every record is acknowledged, and
// the caller commits its offsets after that. It is safe for concurrent use;
// writes are serialized.
type Sink struct {
	cfg  Config
	prod Producer
	reg  Registry // nil unless Format is avro
	log  *slog.Logger
	m    *metrics

	mu struct {
		sync.Mutex
		env     *envelope.Encoder
		dlqEnv  *envelope.Encoder
		schemas map[subjectKey]*registered
		buf     []byte
	}
}

var _ emit.Sink = (*Sink)(nil)

type subjectKey struct {
	topic  string
	schema *schemas.Schema
}

// registered is a schema version's codec and ids, or why it is refused.
type registered struct {
	codec   *avroCodec
	valueID int
	keyID   int
	refused error // an *IncompatibleError under PolicyQuarantine
}

// New returns a sink producing through prod; reg is required for
// FormatAvro. It does no I/O.
func New(cfg Config, prod Producer, reg Registry, log *slog.Logger, registerer prometheus.Registerer) (*Sink, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("kafkasink: %w", err)
	}
	if cfg.Format == FormatAvro && reg == nil {
		return nil, errors.New("kafkasink: the avro format needs a schema registry")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(registerer)
	if err != nil {
		return nil, err
	}
	s := &Sink{cfg: cfg, prod: prod, reg: reg, log: log, m: m}
	s.mu.env = envelope.NewEncoder(envelope.Options{Schemas: cfg.JSONSchemas})
	s.mu.dlqEnv = envelope.NewEncoder(envelope.Options{Schemas: true})
	s.mu.schemas = make(map[subjectKey]*registered)
	return s, nil
}

func (s *Sink) topic(source string) string { return strings.ReplaceAll(s.cfg.Topic, "{topic}", source) }

// Write encodes and produces batch, and returns once every record is
// acknowledged. Position-only records are skipped. Under PolicyFail an
// incompatible schema returns an *IncompatibleError and produces nothing
// of the batch; under PolicyQuarantine its records go to the DLQ topic.
func (s *Sink) Write(ctx context.Context, batch []emit.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*kgo.Record, 0, len(batch))
	for i := range batch {
		r := &batch[i]
		if r.Position() {
			continue
		}
		rec, refused, err := s.encode(ctx, s.topic(r.Topic), r)
		if err != nil {
			return fmt.Errorf("%s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
		}
		if refused != nil {
			if rec, err = s.quarantine(r, refused); err != nil {
				return fmt.Errorf("%s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
			}
		}
		out = append(out, rec)
	}
	if len(out) == 0 {
		return nil
	}
	if err := s.prod.ProduceSync(ctx, out...).FirstErr(); err != nil {
		return fmt.Errorf("kafkasink: produce: %w", err)
	}
	for _, r := range out {
		s.m.records.WithLabelValues(s.cfg.Format, strconv.FormatBool(r.Topic == s.cfg.DLQTopic)).Inc()
	}
	return nil
}

// encode returns r's output record for topic. refused is set, and the
// record nil, when r's schema version is quarantined.
func (s *Sink) encode(ctx context.Context, topic string, r *emit.Record) (out *kgo.Record, refused, err error) {
	ev := &r.Event
	out = &kgo.Record{Topic: topic}
	switch s.cfg.Format {
	case FormatJSON:
		if out.Value, err = s.mu.env.AppendValue(nil, ev); err != nil {
			return nil, nil, &emit.BadRecordError{Err: err}
		}
		key, ok, err := s.mu.env.AppendKey(nil, ev)
		if err != nil {
			return nil, nil, &emit.BadRecordError{Err: err}
		}
		if ok {
			out.Key = key
		}
		return out, nil, nil
	case FormatJSONFlat:
		if ev.Op == schemas.OpTruncate {
			out.Value = []byte(`{"__op":"t"}`)
			return out, nil, nil
		}
		out.Value = appendFlat(nil, ev)
		key, ok, err := s.mu.env.AppendKey(nil, ev)
		if err != nil {
			return nil, nil, &emit.BadRecordError{Err: err}
		}
		if ok {
			out.Key = key
		}
		return out, nil, nil
	}
	if ev.Op == schemas.OpTruncate {
		return nil, nil, &emit.BadRecordError{Err: errors.New("kafkasink: truncate events have no Avro form (use a JSON format to forward them)")}
	}
	reg, err := s.register(ctx, topic, ev.Schema)
	if err != nil {
		return nil, nil, err
	}
	if reg.refused != nil {
		return nil, reg.refused, nil
	}
	out.Value, err = reg.codec.appendValue(appendWire(nil, reg.valueID), ev)
	if err != nil {
		return nil, nil, &emit.BadRecordError{Err: fmt.Errorf("kafkasink: avro value: %w", err)}
	}
	if reg.codec.keySchema != "" {
		if out.Key, err = reg.codec.appendKey(appendWire(nil, reg.keyID), ev); err != nil {
			return nil, nil, &emit.BadRecordError{Err: fmt.Errorf("kafkasink: avro key: %w", err)}
		}
	}
	return out, nil, nil
}

// quarantine turns r into a DLQ record: its JSON envelope, with the reason.
func (s *Sink) quarantine(r *emit.Record, why error) (*kgo.Record, error) {
	v, err := s.mu.dlqEnv.AppendValue(nil, &r.Event)
	if err != nil {
		return nil, err
	}
	s.m.quarantined.Inc()
	return &kgo.Record{Topic: s.cfg.DLQTopic, Value: v, Headers: []kgo.RecordHeader{
		{Key: emit.HeaderDLQReason, Value: []byte("incompatible-schema")},
		{Key: emit.HeaderDLQError, Value: []byte(why.Error())},
		{Key: emit.HeaderDLQTopic, Value: []byte(r.Topic)},
		{Key: emit.HeaderDLQPartition, Value: strconv.AppendInt(nil, int64(r.Partition), 10)},
		{Key: emit.HeaderDLQOffset, Value: strconv.AppendInt(nil, r.Offset, 10)},
	}}, nil
}

// register returns the ids of the Avro schemas of sch on topic's subjects,
// registering them after a compatibility check when they are new.
func (s *Sink) register(ctx context.Context, topic string, sch *schemas.Schema) (*registered, error) {
	k := subjectKey{topic, sch}
	if r, ok := s.mu.schemas[k]; ok {
		return r, nil
	}
	codec, err := newAvroCodec(sch)
	if err != nil {
		return nil, fmt.Errorf("kafkasink: avro schema of %s: %w", sch.Name, err)
	}
	reg := &registered{codec: codec}
	if reg.valueID, err = s.ensure(ctx, topic+"-value", codec.valueSchema, sch.Version); err != nil {
		var ie *IncompatibleError
		if !errors.As(err, &ie) || s.cfg.OnIncompatible != PolicyQuarantine {
			return nil, err
		}
		s.log.Error("incompatible schema: quarantining its records", "subject", ie.Subject, "source_version", ie.SourceVersion,
			"reasons", ie.Messages, "dlq", s.cfg.DLQTopic)
		reg.refused = err
	}
	if reg.refused == nil && codec.keySchema != "" {
		if reg.keyID, err = s.ensure(ctx, topic+"-key", codec.keySchema, sch.Version); err != nil {
			var ie *IncompatibleError
			if !errors.As(err, &ie) || s.cfg.OnIncompatible != PolicyQuarantine {
				return nil, err
			}
			reg.refused = err
		}
	}
	if len(s.mu.schemas) >= 4096 {
		clear(s.mu.schemas)
	}
	s.mu.schemas[k] = reg
	return reg, nil
}

// ensure registers text under subject: a new subject gets the configured
// compatibility level; an existing one is checked against its latest
// version first.
func (s *Sink) ensure(ctx context.Context, subject, text string, version int32) (int, error) {
	schema := sr.Schema{Schema: text, Type: sr.TypeAvro}
	res, err := s.reg.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), subject, -1, schema)
	switch {
	case isNotFound(err):
		// A new subject: set its level, then register.
		var level sr.CompatibilityLevel
		_ = level.UnmarshalText([]byte(strings.ToUpper(s.cfg.Compatibility)))
		for _, r := range s.reg.SetCompatibility(ctx, sr.SetCompatibility{Level: level}, subject) {
			if r.Err != nil {
				return 0, fmt.Errorf("kafkasink: set compatibility of %s: %w", subject, r.Err)
			}
		}
	case err != nil:
		return 0, fmt.Errorf("kafkasink: check compatibility of %s: %w", subject, err)
	case !res.Is:
		s.m.incompatible.Inc()
		return 0, &IncompatibleError{Subject: subject, SourceVersion: version, Messages: res.Messages}
	}
	ss, err := s.reg.CreateSchema(ctx, subject, schema)
	if err != nil {
		return 0, fmt.Errorf("kafkasink: register schema version %d under %s: %w", version, subject, err)
	}
	s.m.registered.Inc()
	s.log.Info("registered schema", "subject", subject, "id", ss.ID, "version", ss.Version, "source_version", version)
	return ss.ID, nil
}

func isNotFound(err error) bool {
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	return re.ErrorCode == sr.ErrSubjectNotFound.Code || re.ErrorCode == sr.ErrVersionNotFound.Code || re.StatusCode == 404
}
