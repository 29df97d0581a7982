package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Errors of a Batch used out of turn.
var (
	errBatchClosed    = errors.New("state: batch closed")
	errBatchCommitted = errors.New("state: batch already committed")
)

// Batch collects writes to any stores of one [DB] and commits them
// atomically: after a crash either all of them are visible or none. Until
// Commit nothing is visible to reads. A Batch is not safe for concurrent use.
//
// The usual shape is:
//
//	b := db.NewBatch()
//	defer b.Close()
//	_ = b.Put(store, k, v)
//	...
//	err := b.Commit(true)
type Batch struct {
	db        *DB
	b         *pebble.Batch // nil after Close
	committed bool
}

// Write is one mutation held by a [Batch], as reported by [Batch.Writes]:
// the shape of a record on a compacted changelog topic.
type Write struct {
	// Key is the user key, without the store prefix.
	Key []byte
	// Value is the value written, never nil for a Put (an empty value is a
	// non-nil empty slice). It is nil for a Delete: a changelog tombstone.
	Value []byte
}

// Tombstone reports whether w is a deletion.
func (w Write) Tombstone() bool { return w.Value == nil }

// NewBatch returns an empty batch. Close it when done, committed or not.
func (db *DB) NewBatch() *Batch {
	return &Batch{db: db, b: db.pdb.NewBatch()}
}

// check verifies the batch is open and s belongs to its database.
func (b *Batch) check(s *Store) error {
	if b.b == nil {
		return errBatchClosed
	}
	if b.committed {
		return errBatchCommitted
	}
	if s.db != b.db {
		return fmt.Errorf("state: store %s belongs to another database", s.id)
	}
	return nil
}

// Put adds the write of v at k in s to the batch. The slices are copied.
func (b *Batch) Put(s *Store, k, v []byte) error {
	if err := b.check(s); err != nil {
		return fmt.Errorf("state: batch put %s %q: %w", s.id, k, err)
	}
	if err := b.b.Set(s.key(k), v, nil); err != nil {
		return fmt.Errorf("state: batch put %s %q: %w", s.id, k, err)
	}
	return nil
}

// Delete adds the deletion of k in s to the batch.
func (b *Batch) Delete(s *Store, k []byte) error {
	if err := b.check(s); err != nil {
		return fmt.Errorf("state: batch delete %s %q: %w", s.id, k, err)
	}
	if err := b.b.Delete(s.key(k), nil); err != nil {
		return fmt.Errorf("state: batch delete %s %q: %w", s.id, k, err)
	}
	return nil
}

// SetChangelogOffset records in s, as part of the batch, that after this
// batch the store reflects its changelog up to and including offset. The
// stage runtime calls it once the Kafka transaction that mirrored earlier
// writes has committed, so a restart needs only [CatchUp] from offset+1. It
// is store metadata: it is not a [Write] and not visible to Scan.
func (b *Batch) SetChangelogOffset(s *Store, offset int64) error {
	if err := b.check(s); err != nil {
		return fmt.Errorf("state: batch changelog offset %s: %w", s.id, err)
	}
	if offset < 0 {
		return fmt.Errorf("state: batch changelog offset %s: negative offset %d", s.id, offset)
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(offset))
	if err := b.b.Set(s.metaKey(metaChangelogOffset), v, nil); err != nil {
		return fmt.Errorf("state: batch changelog offset %s: %w", s.id, err)
	}
	return nil
}

// Count returns the number of writes in the batch, metadata included.
func (b *Batch) Count() int {
	if b.b == nil {
		return 0
	}
	return int(b.b.Count())
}

// Size returns the encoded size of the batch in bytes.
func (b *Batch) Size() int {
	if b.b == nil {
		return 0
	}
	return b.b.Len()
}

// Writes returns the writes the batch holds for the store s, in the order
// they were added (a key written twice appears twice; the last one wins), so
// the caller can mirror them to s's changelog topic. Metadata writes are not
// included. It may be called before or after Commit. The slices alias the
// batch and are valid until Close.
func (b *Batch) Writes(s *Store) ([]Write, error) {
	if b.b == nil {
		return nil, fmt.Errorf("state: batch writes %s: %w", s.id, errBatchClosed)
	}
	var out []Write
	r := b.b.Reader()
	for {
		kind, k, v, ok, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("state: batch writes %s: %w", s.id, err)
		}
		if !ok {
			return out, nil
		}
		if !bytes.HasPrefix(k, s.data) {
			continue
		}
		k = k[len(s.data):]
		switch kind {
		case pebble.InternalKeyKindSet:
			if v == nil {
				v = []byte{}
			}
			out = append(out, Write{Key: k, Value: v})
		case pebble.InternalKeyKindDelete:
			out = append(out, Write{Key: k})
		default:
			// Range deletions come only from Restore and are not part of a
			// changelog; any other kind is not written by this package.
			return nil, fmt.Errorf("state: batch writes %s: unexpected %s", s.id, kind)
		}
	}
}

// Commit applies the batch atomically. With sync, Commit returns only once
// the batch is on stable storage (an fsync of the write-ahead log, about a
// millisecond on SSDs; see the package documentation). Without sync the batch
// survives a process crash but may be lost on power loss; batches are still
// recovered in order, so a later batch is never kept without an earlier one.
// The batch must still be closed.
func (b *Batch) Commit(sync bool) error {
	if b.b == nil {
		return fmt.Errorf("state: commit: %w", errBatchClosed)
	}
	if b.committed {
		return fmt.Errorf("state: commit: %w", errBatchCommitted)
	}
	if err := b.db.enter(); err != nil {
		return fmt.Errorf("state: commit: %w", err)
	}
	defer b.db.exit()
	opts := pebble.NoSync
	if sync {
		opts = pebble.Sync
	}
	b.committed = true
	if err := b.db.write(func() error { return b.b.Commit(opts) }); err != nil {
		return fmt.Errorf("state: commit %d writes: %w", b.b.Count(), err)
	}
	return nil
}

// Close releases the batch, discarding it if it was not committed. It is
// idempotent.
func (b *Batch) Close() error {
	if b.b == nil {
		return nil
	}
	pb := b.b
	b.b = nil
	if err := pb.Close(); err != nil {
		return fmt.Errorf("state: close batch: %w", err)
	}
	return nil
}
