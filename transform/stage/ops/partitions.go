package ops

import (
	"errors"
	"fmt"
	"sync"

	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/clean"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// partKey names an input partition.
type partKey struct {
	topic     string
	partition int32
}

// partitions keeps one value per input partition in memory between
// batches, for the transforms that implement [stage.PartitionCache]: the
// stage's Forget drops a partition's value, which the transform then
// reloads from the partition state.
type partitions[T any] struct {
	mu sync.Mutex
	m  map[partKey]*T
}

// get returns the value of b's partition, or nil.
func (p *partitions[T]) get(b *stage.Batch) *T {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[partKey{b.Topic(), b.Partition()}]
}

// put sets the value of b's partition.
func (p *partitions[T]) put(b *stage.Batch, v *T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[partKey]*T{}
	}
	p.m[partKey{b.Topic(), b.Partition()}] = v
}

// forget drops the value of a partition.
func (p *partitions[T]) forget(topic string, partition int32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, partKey{topic, partition})
}

// DefaultCheckpoint is how many batches that changed a partition's
// detector pass, by default, before the detector is saved to the partition
// state again.
const DefaultCheckpoint = 10

// detectors keeps a streaming anomaly detector per partition in memory. A
// detector is loaded from the partition state on the partition's first
// batch (after an assignment, an abort or a failed run: see
// [stage.PartitionCache]) and saved back, inside a batch's transaction,
// once every `every` batches that changed it. Its state is large (the
// samples, the remembered keys and the isolation forest: hundreds of
// kilobytes), so saving it on every batch would dominate the cost of the
// stage and of its changelog. The price: a detector that is reloaded has
// forgotten what it learned in the batches since its last checkpoint
// (at most every−1 batches; keys seen there are not known as duplicates).
// It never holds what an aborted batch taught it, since an abort makes the
// stage forget it.
type detectors struct {
	cfg   anomaly.Config
	key   []byte
	every int
	parts partitions[detectorPart]
}

type detectorPart struct {
	d     *anomaly.Detector
	dirty int // batches that changed d since it was last saved
}

// partitionState adapts the stage's partition state to anomaly.Store and
// clean.Store.
type partitionState struct{ st *stage.State }

func (p partitionState) Get(key []byte) ([]byte, bool, error) {
	v, err := p.st.Get(key)
	if errors.Is(err, stage.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (p partitionState) Set(key, value []byte) error { return p.st.Put(key, value) }

func (p partitionState) Delete(key []byte) error { return p.st.Delete(key) }

var (
	_ anomaly.Store = partitionState{}
	_ clean.Store   = partitionState{}
)

// get returns the detector of b's partition, loading it if needed.
func (ds *detectors) get(b *stage.Batch) (*detectorPart, error) {
	if p := ds.parts.get(b); p != nil {
		return p, nil
	}
	d, err := anomaly.New(ds.cfg)
	if err != nil {
		return nil, err
	}
	if st := b.State(); st != nil {
		if _, err := d.Load(partitionState{st}, ds.key); err != nil {
			return nil, fmt.Errorf("load detector of %s/%d: %w", b.Topic(), b.Partition(), err)
		}
	}
	p := &detectorPart{d: d}
	ds.parts.put(b, p)
	return p, nil
}

// done ends a batch of b's partition: after every `every` batches that
// changed the detector, it is saved to the partition state.
func (ds *detectors) done(b *stage.Batch, p *detectorPart, changed bool) error {
	st := b.State()
	if !changed || st == nil {
		return nil
	}
	if p.dirty++; p.dirty < ds.every {
		return nil
	}
	if err := p.d.Save(partitionState{st}, ds.key); err != nil {
		return fmt.Errorf("save detector of %s/%d: %w", b.Topic(), b.Partition(), err)
	}
	p.dirty = 0
	return nil
}

// Forget implements [stage.PartitionCache].
func (ds *detectors) Forget(topic string, partition int32) { ds.parts.forget(topic, partition) }
