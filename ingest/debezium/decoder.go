package debezium

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// Kind is what a Debezium record is.
type Kind uint8

// The kinds of records. The zero Kind is invalid.
const (
	KindInvalid      Kind = iota
	KindChange            // a data change event: Message.Event and Message.Key
	KindTombstone         // the empty value after a delete: Message.Key only
	KindTransaction       // a transaction metadata event: Message.Transaction
	KindSchemaChange      // a schema change event: Message.SchemaChange
	KindHeartbeat         // a heartbeat; carries nothing to decode
)

var kindNames = [...]string{"invalid", "change", "tombstone", "transaction", "schema-change", "heartbeat"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Record is one Kafka record to decode. Key and Value are only read, and
// only during [Decoder.Decode].
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
}

// Message is a decoded record.
type Message struct {
	Kind Kind
	// Event is the change of a KindChange record. Its Schema has Key set
	// from the record's key when the key has a schema section or the value
	// schema names the key columns.
	Event schemas.Event
	// KeySchema and Key are the record key's schema and values, for
	// KindChange and KindTombstone; both nil for a null key.
	KeySchema *schemas.Schema
	Key       []schemas.Value
	// Transaction is set for KindTransaction.
	Transaction Transaction
	// SchemaChange is set for KindSchemaChange.
	SchemaChange SchemaChange
}

// Config says how topics are classified. The zero Config classifies by
// Debezium's default topic names and by each message's shape.
type Config struct {
	// TransactionTopics are topics of transaction metadata, beside any topic
	// named "<prefix>.transaction" whose messages have the metadata shape.
	TransactionTopics []string
	// SchemaChangeTopics are topics of schema change events, beside any
	// topic with fewer than three dot-separated parts (Debezium's
	// "<topic.prefix>") whose messages have the schema-change shape.
	SchemaChangeTopics []string
	// HeartbeatPrefix starts the names of heartbeat topics; default
	// "__debezium-heartbeat" (Debezium's topic.heartbeat.prefix).
	HeartbeatPrefix string
	// Registry gives the Avro schemas of records in the Confluent wire
	// format (Confluent's AvroConverter); nil when only JSON is read.
	Registry Registry
	// Hint returns the row schema of a topic whose messages have no schema
	// section (JsonConverter with schemas.enable=false); nil when unknown.
	// A payload-only message of a topic without a hint fails with
	// [envelope.ErrNoSchema].
	Hint func(topic string) *schemas.Schema
}

func (c Config) withDefaults() Config {
	if c.HeartbeatPrefix == "" {
		c.HeartbeatPrefix = "__debezium-heartbeat"
	}
	return c
}

// RecordError is a record that could not be decoded. It names the record,
// so that the caller can send it to a dead-letter topic with the reason
// and go on.
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	// Part is "key" or "value".
	Part string
	Err  error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("debezium: %s/%d@%d %s: %v", e.Topic, e.Partition, e.Offset, e.Part, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Decoder decodes Debezium records. It caches schemas and is not safe for
// concurrent use: use one per goroutine (per partition consumer).
type Decoder struct {
	cfg    Config
	values *envelope.Decoder
	keys   *envelope.Decoder
	txTop  map[string]bool
	ddlTop map[string]bool
	// keyed caches the value schemas with Key set from a key schema.
	keyed map[keyedPair]*schemas.Schema
	// avroValues and avroKeys cache the Avro decoding plans by schema id.
	avroValues, avroKeys map[int]*avroEnvelope
}

type keyedPair struct{ value, key *schemas.Schema }

// NewDecoder returns a decoder; cfg is copied.
func NewDecoder(cfg Config) *Decoder {
	cfg = cfg.withDefaults()
	d := &Decoder{cfg: cfg, values: envelope.NewDecoder(), keys: envelope.NewDecoder(),
		txTop: make(map[string]bool), ddlTop: make(map[string]bool), keyed: make(map[keyedPair]*schemas.Schema),
		avroValues: make(map[int]*avroEnvelope), avroKeys: make(map[int]*avroEnvelope)}
	for _, t := range cfg.TransactionTopics {
		d.txTop[t] = true
	}
	for _, t := range cfg.SchemaChangeTopics {
		d.ddlTop[t] = true
	}
	return d
}

// Classify tells the kind of a record from its topic and, for topics whose
// names are ambiguous, from the shape of its value; it does not decode.
func (d *Decoder) Classify(r Record) Kind {
	switch {
	case strings.HasPrefix(r.Topic, d.cfg.HeartbeatPrefix):
		return KindHeartbeat
	case d.txTop[r.Topic]:
		return KindTransaction
	case d.ddlTop[r.Topic]:
		return KindSchemaChange
	}
	if len(bytes.TrimSpace(r.Value)) == 0 {
		return KindTombstone
	}
	if isAvro(r.Value) {
		return KindChange // Avro metadata is told by its schema, in Decode
	}
	if strings.HasSuffix(r.Topic, ".transaction") || strings.Count(r.Topic, ".") < 2 {
		// The names of the metadata topics can be table topics too: look.
		switch sniff(r.Value) {
		case shapeTransaction:
			return KindTransaction
		case shapeSchemaChange:
			return KindSchemaChange
		case shapeHeartbeat:
			return KindHeartbeat
		}
	}
	return KindChange
}

// Decode decodes one record. Errors are [*RecordError]s; a heartbeat
// decodes to a Message of KindHeartbeat and nothing else. It is
// [Decoder.DecodeContext] with a background context: with a registry, use
// that to bound the schema lookups.
func (d *Decoder) Decode(r Record) (Message, error) {
	return d.DecodeContext(context.Background(), r)
}

// DecodeContext is [Decoder.Decode]; ctx bounds the schema registry
// lookups of Avro records (one per schema id, then cached).
func (d *Decoder) DecodeContext(ctx context.Context, r Record) (Message, error) {
	var m Message
	m.Kind = d.Classify(r)
	var err error
	part := "value"
	switch m.Kind {
	case KindHeartbeat:
		return m, nil
	case KindTransaction:
		m.Transaction, err = DecodeTransaction(r.Value)
	case KindSchemaChange:
		m.SchemaChange, err = DecodeSchemaChange(r.Value)
	case KindTombstone:
		part = "key"
		m.KeySchema, m.Key, err = d.decodeKey(ctx, r, nil)
	case KindChange:
		if isAvro(r.Value) {
			m, part, err = d.decodeAvro(ctx, r)
		} else {
			m, part, err = d.decodeChange(ctx, r)
		}
	}
	if err != nil {
		return m, &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Part: part, Err: err}
	}
	return m, nil
}

func (d *Decoder) hint(topic string) *schemas.Schema {
	if d.cfg.Hint == nil {
		return nil
	}
	return d.cfg.Hint(topic)
}

func (d *Decoder) decodeKey(ctx context.Context, r Record, hint *schemas.Schema) (*schemas.Schema, []schemas.Value, error) {
	if isAvro(r.Key) {
		return d.decodeAvroKey(ctx, r.Key)
	}
	if hint == nil {
		hint = d.hint(r.Topic)
	}
	if hint != nil && len(hint.Key) == 0 {
		hint = nil
	}
	ks, kv, err := d.keys.DecodeKey(r.Key, hint)
	if errors.Is(err, envelope.ErrNoSchema) {
		// A payload-only key without a hint: not needed to decode the value.
		return nil, nil, nil
	}
	return ks, kv, err
}

func (d *Decoder) decodeChange(ctx context.Context, r Record) (Message, string, error) {
	m := Message{Kind: KindChange}
	hint := d.hint(r.Topic)
	ev, err := d.values.Decode(r.Value, hint)
	switch {
	case errors.Is(err, envelope.ErrTombstone):
		// {"schema":…,"payload":null}: a tombstone in a wrapper.
		m.Kind = KindTombstone
		m.KeySchema, m.Key, err = d.decodeKey(ctx, r, hint)
		return m, "key", err
	case err != nil:
		return m, "value", err
	}
	m.Event = ev
	m.KeySchema, m.Key, err = d.decodeKey(ctx, r, ev.Schema)
	if err != nil {
		return m, "key", err
	}
	if m.KeySchema != nil && ev.Schema != nil && len(ev.Schema.Key) == 0 {
		m.Event.Schema = d.withKey(ev.Schema, m.KeySchema)
	}
	return m, "", nil
}

// withKey returns the value schema with Key naming the key schema's
// fields, made once per pair of schemas.
func (d *Decoder) withKey(value, key *schemas.Schema) *schemas.Schema {
	p := keyedPair{value, key}
	if s, ok := d.keyed[p]; ok {
		return s
	}
	s := *value
	s.Key = make([]int, 0, len(key.Fields))
	for _, f := range key.Fields {
		i := value.FieldIndex(f.Name)
		if i < 0 {
			// A key that is not a column (MongoDB's id, a message key
			// transform): leave Key empty.
			s.Key = nil
			break
		}
		s.Key = append(s.Key, i)
	}
	if len(d.keyed) >= 4096 {
		clear(d.keyed)
	}
	d.keyed[p] = &s
	return &s
}
