package state

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// DefaultRestoreBatchBytes is the default bound on the size of one batch
// written by [Restore] and [CatchUp].
const DefaultRestoreBatchBytes = 4 << 20

// Record is one record of a store's compacted changelog topic.
type Record struct {
	// Offset is the record's offset in its changelog partition. Offsets
	// must increase along the stream (gaps, as compaction leaves them,
	// are fine).
	Offset int64
	// Key is the user key.
	Key []byte
	// Value is the value; nil is a tombstone (delete Key). An empty
	// non-nil value is a value.
	Value []byte
}

// RestoreOptions tune [Restore] and [CatchUp]. The zero value uses the
// defaults.
type RestoreOptions struct {
	// MaxBatchBytes bounds the encoded size of one committed batch
	// (default [DefaultRestoreBatchBytes]). A single record larger than
	// the bound makes a batch of its own.
	MaxBatchBytes int
}

// RestoreStats describe one run of [Restore] or [CatchUp].
type RestoreStats struct {
	// Applied counts the records written to the store.
	Applied int64
	// Skipped counts the records at or below the store's changelog offset,
	// which [CatchUp] ignores.
	Skipped int64
	// Batches counts the committed batches.
	Batches int
	// Offset is the store's changelog offset afterwards, -1 if none.
	Offset int64
}

// Restore rebuilds s from its changelog: it clears the store (keys and
// changelog offset) and applies records in order, the last write of a key
// winning and nil values deleting. The clear and the first records commit in
// one batch, and every batch also records the offset of its last record as
// the store's changelog offset, so the store always holds the changelog
// applied up to that offset: if Restore stops early (an error from records,
// ctx done, a crash), [CatchUp] resumes after it. Intermediate batches are
// not synced; the last one is, so the result is durable when Restore returns
// nil.
//
// records is read once; ctx is checked between records. The slices of a
// Record may be reused by the iterator after it yields the next one.
func Restore(ctx context.Context, s *Store, records iter.Seq2[Record, error], opts RestoreOptions) (RestoreStats, error) {
	return apply(ctx, s, records, opts, true, -1)
}

// CatchUp applies to s the changelog records after its changelog offset
// ([Store.ChangelogOffset]), skipping those at or below it, so records may
// be read from that offset + 1 or from any earlier point. If s has no
// changelog offset its contents are unknown and CatchUp does a full
// [Restore]. Batching, syncing and early stops are as for Restore.
func CatchUp(ctx context.Context, s *Store, records iter.Seq2[Record, error], opts RestoreOptions) (RestoreStats, error) {
	from, err := s.ChangelogOffset()
	if errors.Is(err, ErrNotFound) {
		return apply(ctx, s, records, opts, true, -1)
	}
	if err != nil {
		return RestoreStats{Offset: -1}, fmt.Errorf("state: catch up %s: %w", s.id, err)
	}
	return apply(ctx, s, records, opts, false, from)
}

// apply writes records above offset from to s, clearing s first if clear.
func apply(ctx context.Context, s *Store, records iter.Seq2[Record, error], opts RestoreOptions, clear bool, from int64) (stats RestoreStats, err error) {
	op := "catch up"
	if clear {
		op = "restore"
	}
	maxBytes := opts.MaxBatchBytes
	if maxBytes <= 0 {
		maxBytes = DefaultRestoreBatchBytes
	}
	stats.Offset = from
	b := s.db.NewBatch()
	defer func() { _ = b.Close() }()
	if clear {
		if err := b.b.DeleteRange(s.prefix, prefixEnd(s.prefix), nil); err != nil {
			return stats, fmt.Errorf("state: %s %s: clear: %w", op, s.id, err)
		}
		stats.Offset = -1
	}
	pending := 0      // records in b
	last := from      // offset of the last record applied
	dirty := clear    // b holds something to commit
	unsynced := false // a batch was committed without sync
	commit := func(sync bool) error {
		if last >= 0 {
			if err := b.SetChangelogOffset(s, last); err != nil {
				return err
			}
		}
		if err := b.Commit(sync); err != nil {
			return err
		}
		stats.Batches++
		stats.Applied += int64(pending)
		stats.Offset = last
		unsynced = !sync
		_ = b.Close()
		b = s.db.NewBatch()
		pending, dirty = 0, false
		return nil
	}
	for rec, rerr := range records {
		if rerr != nil {
			err = fmt.Errorf("state: %s %s: read changelog after offset %d: %w", op, s.id, last, rerr)
			break
		}
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("state: %s %s: %w", op, s.id, cerr)
			break
		}
		if rec.Offset <= from {
			stats.Skipped++
			continue
		}
		if rec.Offset <= last {
			err = fmt.Errorf("state: %s %s: changelog offset %d after %d: offsets must increase", op, s.id, rec.Offset, last)
			break
		}
		// Commit a full batch only once another record is due, so the
		// last batch always holds records and is the synced one.
		if pending > 0 && b.Size() >= maxBytes {
			if cerr := commit(false); cerr != nil {
				return stats, fmt.Errorf("state: %s %s: %w", op, s.id, cerr)
			}
		}
		if rec.Value == nil {
			err = b.Delete(s, rec.Key)
		} else {
			err = b.Put(s, rec.Key, rec.Value)
		}
		if err != nil {
			err = fmt.Errorf("state: %s %s: offset %d: %w", op, s.id, rec.Offset, err)
			break
		}
		last = rec.Offset
		pending++
		dirty = true
	}
	// Commit what was applied, even on error: the changelog offset keeps the
	// store consistent with a prefix of the changelog. A batch holding only
	// the offset again syncs batches committed earlier without sync.
	if dirty || unsynced {
		if cerr := commit(true); cerr != nil {
			return stats, errors.Join(err, fmt.Errorf("state: %s %s: %w", op, s.id, cerr))
		}
	}
	return stats, err
}
