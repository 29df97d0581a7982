package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// quarantineKey is where a partition's detector keeps its learned state.
var quarantineKey = []byte("quarantine/detector")

// Quarantine sends records with anomalous values (unexpected nulls,
// invalid formats, out-of-range values, duplicates of unique keys,
// outliers) to the dead-letter topic, with the findings as the reason, and
// passes the others on. Each input partition has its own streaming
// detector (transform/anomaly), which learns what is normal from the
// records themselves (it flags nothing during its warm-up). The detector
// stays in memory while the partition is assigned and is checkpointed to
// the stage's partition state every few batches, so it survives restarts
// and moves with the partition (see [stage.PartitionCache] for when it is
// reloaded, and what a reload forgets). Deletes, truncates and records
// that are not change events pass through unchecked. Create it with
// [NewQuarantine].
type Quarantine struct {
	detectors
	row rowBuf
}

// NewQuarantine returns the transform with the given detector settings; it
// saves a partition's detector every `every` batches that changed it (0:
// [DefaultCheckpoint]).
func NewQuarantine(cfg anomaly.Config, every int) (*Quarantine, error) {
	if _, err := anomaly.New(cfg); err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	if every < 0 {
		return nil, fmt.Errorf("quarantine: checkpoint every %d batches: want 1 or more", every)
	}
	if every == 0 {
		every = DefaultCheckpoint
	}
	return &Quarantine{detectors: detectors{cfg: cfg, key: quarantineKey, every: every}}, nil
}

// rowBuf holds one event's fields as the detector reads them.
type rowBuf struct {
	header, values []string
	nulls          []bool
	idx            []int // the schema index of each value
}

// checkable tells whether the detector judges r's event.
func checkable(r *stage.Record) bool {
	ev := r.Event
	return ev != nil && ev.Schema != nil && ev.After != nil && ev.Op != schemas.OpDelete
}

// fill reads ev's after image; fields the source did not send are left
// out.
func (rb *rowBuf) fill(ev *schemas.Event) {
	rb.header, rb.values, rb.nulls, rb.idx = rb.header[:0], rb.values[:0], rb.nulls[:0], rb.idx[:0]
	for i, f := range ev.Schema.Fields {
		v := ev.After[i]
		if v.IsUnchanged() {
			continue // not sent by the source: nothing to judge
		}
		rb.header = append(rb.header, f.Name)
		rb.idx = append(rb.idx, i)
		rb.nulls = append(rb.nulls, v.IsNull())
		if v.IsNull() {
			rb.values = append(rb.values, "")
		} else {
			rb.values = append(rb.values, v.String())
		}
	}
}

// Apply implements [stage.Transform].
func (q *Quarantine) Apply(_ context.Context, b *stage.Batch) error {
	p, err := q.get(b)
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	changed := false
	for _, r := range b.Records() {
		if !checkable(r) {
			b.Emit(r)
			continue
		}
		q.row.fill(r.Event)
		changed = true
		var reasons []string
		p.d.Observe(r.Source.Offset, q.row.header, q.row.values, q.row.nulls, func(f anomaly.Finding) {
			reasons = append(reasons, f.Kind.String()+" "+f.Field+": "+f.Detail)
		})
		if len(reasons) > 0 {
			b.Fail(r, fmt.Errorf("quarantine: %s", strings.Join(reasons, "; ")))
			continue
		}
		b.Emit(r)
	}
	if err := q.done(b, p, changed); err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	return nil
}

var (
	_ stage.Transform      = (*Quarantine)(nil)
	_ stage.PartitionCache = (*Quarantine)(nil)
)
