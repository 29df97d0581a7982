package ops

import (
	"context"

	"github.com/heliosdb/helios-etl/transform/mask"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// Mask masks sensitive fields of each event (package transform/mask):
// after it, no transform, log line or dead-letter reason of the chain sees
// the raw values. Records without an event are dead-lettered. Create it
// with [NewMask].
type Mask struct {
	m *mask.Masker
}

// NewMask returns the mask transform of rules; key is the HMAC key that
// rules with the hash method need (see [mask.New]).
func NewMask(rules []mask.Rule, key []byte) (*Mask, error) {
	m, err := mask.New(rules, key)
	if err != nil {
		return nil, err
	}
	return &Mask{m: m}, nil
}

// Apply implements [stage.Transform].
func (t *Mask) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		if r.Event == nil || r.Event.Schema == nil {
			b.Fail(r, errNoEvent)
			continue
		}
		ev := t.m.Event(*r.Event)
		r.Event = &ev
		b.Emit(r)
	}
	return nil
}

var _ stage.Transform = (*Mask)(nil)
