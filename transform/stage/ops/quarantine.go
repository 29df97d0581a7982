package ops

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

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
// records themselves (it flags nothing during its warm-up) and keeps its
// state in the stage's partition state, so it survives restarts and moves
// with the partition. Deletes, truncates and records that are not change
// events pass through unchecked. Create it with [NewQuarantine].
type Quarantine struct {
	cfg anomaly.Config
	mu  sync.Mutex
	// mem holds the detectors of a stage without state (tests, or a stage
	// run without a state directory), by topic and partition.
	mem map[string]*anomaly.Detector
}

// NewQuarantine returns the transform with the given detector settings.
func NewQuarantine(cfg anomaly.Config) (*Quarantine, error) {
	if _, err := anomaly.New(cfg); err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	return &Quarantine{cfg: cfg, mem: map[string]*anomaly.Detector{}}, nil
}

// partitionState adapts the stage's partition state to anomaly.Store.
type partitionState struct{ st *stage.State }

func (p partitionState) Get(key []byte) ([]byte, bool, error) {
	v, err := p.st.Get(key)
	if errors.Is(err, stage.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (p partitionState) Set(key, value []byte) error { return p.st.Put(key, value) }

// Apply implements [stage.Transform].
func (q *Quarantine) Apply(_ context.Context, b *stage.Batch) error {
	d, save, err := q.detector(b)
	if err != nil {
		return err
	}
	var header, values []string
	var nulls []bool
	for _, r := range b.Records() {
		ev := r.Event
		if ev == nil || ev.Schema == nil || ev.After == nil || ev.Op == schemas.OpDelete {
			b.Emit(r)
			continue
		}
		header, values, nulls = header[:0], values[:0], nulls[:0]
		for i, f := range ev.Schema.Fields {
			v := ev.After[i]
			if v.IsUnchanged() {
				continue // not sent by the source: nothing to judge
			}
			header = append(header, f.Name)
			nulls = append(nulls, v.IsNull())
			if v.IsNull() {
				values = append(values, "")
			} else {
				values = append(values, v.String())
			}
		}
		var reasons []string
		d.Observe(r.Source.Offset, header, values, nulls, func(f anomaly.Finding) {
			reasons = append(reasons, f.Kind.String()+" "+f.Field+": "+f.Detail)
		})
		if len(reasons) > 0 {
			b.Fail(r, fmt.Errorf("quarantine: %s", strings.Join(reasons, "; ")))
			continue
		}
		b.Emit(r)
	}
	return save(d)
}

// detector returns the partition's detector and how to keep it.
func (q *Quarantine) detector(b *stage.Batch) (*anomaly.Detector, func(*anomaly.Detector) error, error) {
	if st := b.State(); st != nil {
		d, err := anomaly.New(q.cfg)
		if err != nil {
			return nil, nil, err
		}
		if _, err := d.Load(partitionState{st}, quarantineKey); err != nil {
			return nil, nil, fmt.Errorf("quarantine: %w", err)
		}
		return d, func(d *anomaly.Detector) error {
			if err := d.Save(partitionState{st}, quarantineKey); err != nil {
				return fmt.Errorf("quarantine: %w", err)
			}
			return nil
		}, nil
	}
	key := b.Topic() + "/" + strconv.Itoa(int(b.Partition()))
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.mem[key]
	if !ok {
		var err error
		if d, err = anomaly.New(q.cfg); err != nil {
			return nil, nil, err
		}
		q.mem[key] = d
	}
	return d, func(*anomaly.Detector) error { return nil }, nil
}
