package kafkasink

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// Transform returns a [stage.Transform] that writes each record of a stage
// batch in the sink's format, for a stage whose output topic is topic (it
// names the registry subjects). Run in a stage with exactly-once delivery,
// the output (and the dead letters) commit in the stage's Kafka
// transaction together with the input offsets.
//
// The transform decodes each input record itself (key included, for the
// primary key), so the stage may use either format; tombstones are
// dropped. A record that cannot be decoded or encoded, or whose schema
// version the registry refuses under [PolicyQuarantine], fails into the
// stage's dead-letter topic; under [PolicyFail] a refused version, and a
// registry that cannot be reached, stop the stage ([stage.ErrFatal]).
// The sink's own producer and DLQTopic are not used.
func (s *Sink) Transform(topic string) stage.Transform {
	return &transform{s: s, topic: topic, dec: emit.NewDecoder()}
}

type transform struct {
	s     *Sink
	topic string
	dec   *emit.Decoder
}

var _ stage.Transform = (*transform)(nil)

func (t *transform) Apply(ctx context.Context, b *stage.Batch) error {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	for _, r := range b.Records() {
		rec, err := t.dec.Decode(&kgo.Record{Topic: r.Source.Topic, Partition: r.Source.Partition, Offset: r.Source.Offset, Key: r.Key, Value: r.Value})
		if err != nil {
			b.Fail(r, err)
			continue
		}
		if rec.Position() {
			continue
		}
		out, refused, err := t.s.encode(ctx, t.topic, &rec)
		var bad *emit.BadRecordError
		switch {
		case errors.As(err, &bad):
			b.Fail(r, err)
			continue
		case err != nil:
			return fmt.Errorf("kafkasink: %w: %w", stage.ErrFatal, err)
		case refused != nil:
			t.s.m.quarantined.Inc()
			b.Fail(r, refused)
			continue
		}
		c := r.Clone()
		c.Key, c.Value, c.Event = out.Key, out.Value, nil
		b.Emit(c)
	}
	return nil
}
