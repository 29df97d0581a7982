package emit

import (
	"errors"
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// Decoder turns records of CDC topics (Debezium JSON envelopes, as helios-etl
// cdc or Debezium write them) into [Record]s. Value messages must carry
// their schema section (cdc --json-schemas, or JsonConverter with
// schemas.enable=true): payload-only topics need the row schema from
// elsewhere (a schema-changes topic or a registry), which is not wired yet.
//
// The primary key comes from the key message: the value schema of an
// envelope does not say which columns form the key, so the Decoder sets
// Schema.Key from the key struct's field names. Events of one table
// version share one *schemas.Schema.
type Decoder struct {
	values *envelope.Decoder
	keys   *envelope.Decoder
	// keyed maps a decoded value schema to its copy with Key set, per
	// key column list.
	keyed map[*schemas.Schema][]keyedSchema
}

type keyedSchema struct {
	names  []string
	schema *schemas.Schema
}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder {
	return &Decoder{values: envelope.NewDecoder(), keys: envelope.NewDecoder(), keyed: make(map[*schemas.Schema][]keyedSchema)}
}

// Decode decodes r. A tombstone returns a position-only Record and no
// error; a record that cannot be decoded returns the error, to be sent to
// a dead-letter topic.
func (d *Decoder) Decode(r *kgo.Record) (Record, error) {
	rec := Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
	ev, err := d.values.Decode(r.Value, nil)
	if errors.Is(err, envelope.ErrTombstone) {
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("decode value: %w", err)
	}
	if ev.Op == schemas.OpTruncate || ev.Schema == nil {
		rec.Event = ev
		return rec, nil
	}
	var names []string
	if len(r.Key) > 0 {
		ks, _, err := d.keys.DecodeKey(r.Key, nil)
		if err != nil {
			return rec, fmt.Errorf("decode key: %w", err)
		}
		if ks != nil {
			names = make([]string, len(ks.Fields))
			for i, f := range ks.Fields {
				names[i] = f.Name
			}
		}
	}
	s, err := d.withKey(ev.Schema, names)
	if err != nil {
		return rec, err
	}
	ev.Schema = s
	rec.Event = ev
	return rec, nil
}

// withKey returns s with Key set to the named columns, one copy per
// schema and key.
func (d *Decoder) withKey(s *schemas.Schema, names []string) (*schemas.Schema, error) {
	for _, k := range d.keyed[s] {
		if slices.Equal(k.names, names) {
			return k.schema, nil
		}
	}
	c := *s
	c.Key = nil
	for _, n := range names {
		i := s.FieldIndex(n)
		if i < 0 {
			return nil, fmt.Errorf("key column %q is not a column of %s", n, s.Name)
		}
		c.Key = append(c.Key, i)
	}
	if len(d.keyed) >= 4096 {
		clear(d.keyed)
	}
	d.keyed[s] = append(d.keyed[s], keyedSchema{names: names, schema: &c})
	return &c, nil
}
