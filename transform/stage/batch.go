package stage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
)

// Transform is one step of a stage: it reads the records of a [Batch] and
// emits, drops or fails each. Records are those of one input partition, in
// offset order. Apply's error (or a panic) makes the runtime try the batch
// again record by record, at most [Live].MaxAttempts times each, and send
// a record that still fails to the dead-letter topic; an error wrapping
// [ErrFatal] stops the stage instead, aborting the open transaction.
//
// A Transform is called from one goroutine at a time.
type Transform interface {
	Apply(ctx context.Context, b *Batch) error
}

// TransformFunc adapts a function to [Transform].
type TransformFunc func(ctx context.Context, b *Batch) error

// Apply calls f.
func (f TransformFunc) Apply(ctx context.Context, b *Batch) error { return f(ctx, b) }

// PartitionCache is implemented by a [Transform] that keeps what it
// derives from a partition's [State] in memory between batches (a learned
// detector, an open window), so that it need not read and decode it on
// every batch. The stage calls Forget(topic, partition) whenever that
// memory may hold what the committed state does not: when the partition is
// revoked or lost, when a transaction is aborted (a rebalance, a failed
// produce or commit, a fatal transform error), and when a run of the chain
// over the partition's records fails before they are tried again one by
// one. The transform must then drop what it holds for the partition and
// reload it from [Batch.State] on its next batch there; what it holds must
// otherwise only grow by the records of batches that commit. Forget may be
// called from the client's group goroutine, never during a batch of the
// partition, so an implementation guards its map with a mutex.
type PartitionCache interface {
	Forget(topic string, partition int32)
}

// ErrFatal marks a transform error that must stop the stage (a broken
// sink, a bug) rather than dead-letter a record. Wrap it:
// fmt.Errorf("load: %w: %w", stage.ErrFatal, err).
var ErrFatal = errors.New("stage: fatal")

// Source is the position of an input record.
type Source struct {
	Topic     string
	Partition int32
	Offset    int64
}

// Record is a record flowing through the transforms.
type Record struct {
	// Key and Value are the record's bytes. They alias the input record,
	// which a retry reads again: assign new slices, never change the bytes
	// in place. With FormatEnvelope, Value is re-encoded from Event after
	// the last transform, if Event is set.
	Key, Value []byte
	// Event is the decoded change event (FormatEnvelope), nil otherwise.
	Event *schemas.Event
	// Headers are passed on to the output record.
	Headers []kgo.RecordHeader
	// Timestamp is the input record's timestamp.
	Timestamp time.Time
	// Source is where the input record that led to this one was read.
	Source Source
	// Attempt counts the tries of the input record so far, from 1.
	Attempt int

	in *kgo.Record // the input record, for dead letters
}

// Clone returns a copy of r that shares its byte slices and event; use it
// to emit several records for one input.
func (r *Record) Clone() *Record {
	c := *r
	c.Headers = slices.Clone(r.Headers)
	return &c
}

// Header returns the value of the last header called key, or nil.
func (r *Record) Header(key string) []byte {
	for i := len(r.Headers) - 1; i >= 0; i-- {
		if r.Headers[i].Key == key {
			return r.Headers[i].Value
		}
	}
	return nil
}

// SetHeader replaces (or adds) the header key.
func (r *Record) SetHeader(key string, value []byte) {
	for i := range r.Headers {
		if r.Headers[i].Key == key {
			r.Headers[i].Value = value
			return
		}
	}
	r.Headers = append(r.Headers, kgo.RecordHeader{Key: key, Value: value})
}

// failure is a record that goes to the dead-letter topic.
type failure struct {
	in      *kgo.Record
	err     error
	attempt int
}

// Batch is what a [Transform] works on: the records of one input
// partition, the records it emits, and the partition's state. A Batch is
// not safe for concurrent use.
type Batch struct {
	topic     string
	partition int32
	in        []*Record
	out       []*Record
	failed    []failure
	state     *State
}

// Topic and Partition name the input partition of the batch.
func (b *Batch) Topic() string { return b.topic }

// Partition returns the input partition of the batch.
func (b *Batch) Partition() int32 { return b.partition }

// Records returns the records given to this transform. A record the
// transform neither emits nor fails is dropped (filtered out).
func (b *Batch) Records() []*Record { return b.in }

// Emit passes r to the next transform, or to the output topic after the
// last one. r may be an input record, changed or not, or a [Record.Clone].
func (b *Batch) Emit(r *Record) { b.out = append(b.out, r) }

// Fail sends the input record behind r to the dead-letter topic with err as
// the reason; the stage goes on with the other records.
func (b *Batch) Fail(r *Record, err error) {
	b.failed = append(b.failed, failure{in: r.in, err: err, attempt: r.Attempt})
}

// State returns the partition's state. Writes become durable, and visible
// to other batches, only if the batch's transaction commits.
func (b *Batch) State() *State { return b.state }

// State is the key-value state of one input partition as a [Transform]
// sees it: the committed state in Pebble under the writes of the batches
// not yet committed. Get sees every earlier write.
type State struct {
	store  *state.Store
	parent *State // nil for the transaction's base overlay
	writes map[string]stateWrite
	order  []string // keys of writes in first-write order
}

type stateWrite struct {
	v   []byte
	del bool
}

// ErrNotFound is returned (wrapped) by [State.Get] for a missing key.
var ErrNotFound = state.ErrNotFound

func newState(store *state.Store, parent *State) *State {
	return &State{store: store, parent: parent, writes: map[string]stateWrite{}}
}

// Get returns the value of k, or an error wrapping [ErrNotFound].
func (s *State) Get(k []byte) ([]byte, error) {
	for o := s; o != nil; o = o.parent {
		if w, ok := o.writes[string(k)]; ok {
			if w.del {
				return nil, fmt.Errorf("stage: state get %q: %w", k, ErrNotFound)
			}
			return bytes.Clone(w.v), nil
		}
	}
	v, err := s.store.Get(k)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Put sets k to v. The slices are copied.
func (s *State) Put(k, v []byte) error {
	s.set(string(k), stateWrite{v: bytes.Clone(v)})
	return nil
}

// Delete removes k.
func (s *State) Delete(k []byte) error {
	s.set(string(k), stateWrite{del: true})
	return nil
}

func (s *State) set(k string, w stateWrite) {
	if w.v == nil && !w.del {
		w.v = []byte{}
	}
	if _, ok := s.writes[k]; !ok {
		s.order = append(s.order, k)
	}
	s.writes[k] = w
}

// Scan calls fn for every key starting with prefix, in byte order, with
// the batch's writes applied. It reads the matching keys into memory
// first: keep prefixes narrow.
func (s *State) Scan(ctx context.Context, prefix []byte, fn func(k, v []byte) error) error {
	merged := map[string][]byte{}
	if err := s.store.Scan(ctx, prefix, func(k, v []byte) error {
		merged[string(k)] = bytes.Clone(v)
		return nil
	}); err != nil {
		return err
	}
	var chain []*State
	for o := s; o != nil; o = o.parent {
		chain = append(chain, o)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, w := range chain[i].writes {
			if !bytes.HasPrefix([]byte(k), prefix) {
				continue
			}
			if w.del {
				delete(merged, k)
			} else {
				merged[k] = w.v
			}
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := fn([]byte(k), merged[k]); err != nil {
			return err
		}
	}
	return nil
}

// merge moves the writes of s into its parent.
func (s *State) merge() {
	for _, k := range s.order {
		s.parent.set(k, s.writes[k])
	}
}

// NewTestBatch returns a batch of recs without state, for testing a
// [Transform] outside a stage; see [Batch.Emitted] and [Batch.Failed].
func NewTestBatch(recs []*Record) *Batch {
	return &Batch{in: recs}
}

// NewTestStateBatch returns a batch of recs read from topic/partition whose
// [Batch.State] reads store under an in-memory overlay, for testing and
// benchmarking a stateful [Transform] outside a stage. [Batch.CommitState]
// then writes the overlay to store, as the stage does once the batch's
// transaction has committed.
func NewTestStateBatch(store *state.Store, topic string, partition int32, recs []*Record) *Batch {
	return &Batch{topic: topic, partition: partition, in: recs, state: newState(store, nil)}
}

// CommitState writes the state changes of a batch made by
// [NewTestStateBatch] to its store, in one Pebble batch as the stage does,
// and returns the bytes written (keys and values: what the stage would
// also send to the changelog).
func (b *Batch) CommitState() (int, error) {
	if b.state == nil {
		return 0, errors.New("stage: the batch has no state")
	}
	store := b.state.store
	wb := store.DB().NewBatch()
	defer func() { _ = wb.Close() }()
	n := 0
	for _, k := range b.state.order {
		w := b.state.writes[k]
		var err error
		if w.del {
			err = wb.Delete(store, []byte(k))
		} else {
			err = wb.Put(store, []byte(k), w.v)
		}
		if err != nil {
			return n, fmt.Errorf("stage: commit test state: %w", err)
		}
		n += len(k) + len(w.v)
	}
	if err := wb.Commit(false); err != nil {
		return 0, fmt.Errorf("stage: commit test state: %w", err)
	}
	b.state = newState(store, nil)
	return n, nil
}

// Emitted returns the records emitted so far.
func (b *Batch) Emitted() []*Record { return b.out }

// Failed returns the records failed so far, as their errors.
func (b *Batch) Failed() []error {
	errs := make([]error, len(b.failed))
	for i, f := range b.failed {
		errs[i] = f.err
	}
	return errs
}
