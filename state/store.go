package state

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// scanCtxEvery is how many keys [Store.Scan] visits between checks of its
// context.
const scanCtxEvery = 256

// Store is one key space of a [DB]: a namespace or a stage partition. Keys
// are opaque bytes; a store never sees another store's keys. A Store is a
// small value that is safe for concurrent use and needs no closing.
//
// Single writes (Put, Delete) are not synced: they survive a crash of the
// process but not of the machine. Use a [Batch] committed with sync for
// writes that must survive power loss.
type Store struct {
	db     *DB
	id     StoreID
	prefix []byte // store prefix, see storePrefix
	data   []byte // prefix + subData
	meta   []byte // prefix + subMeta
}

// ID returns the name of the store.
func (s *Store) ID() StoreID { return s.id }

// DB returns the database of the store, for a [Batch] over it.
func (s *Store) DB() *DB { return s.db }

// key returns the database key of the user key k.
func (s *Store) key(k []byte) []byte {
	out := make([]byte, 0, len(s.data)+len(k))
	out = append(out, s.data...)
	return append(out, k...)
}

// metaKey returns the database key of the metadata entry name.
func (s *Store) metaKey(name string) []byte {
	out := make([]byte, 0, len(s.meta)+len(name))
	out = append(out, s.meta...)
	return append(out, name...)
}

// Get returns a copy of the value of k, or an error wrapping [ErrNotFound].
func (s *Store) Get(k []byte) ([]byte, error) {
	v, err := s.get(s.key(k))
	if err != nil {
		return nil, fmt.Errorf("state: get %s %q: %w", s.id, k, err)
	}
	return v, nil
}

// get reads the database key dk and copies its value.
func (s *Store) get(dk []byte) ([]byte, error) {
	if err := s.db.enter(); err != nil {
		return nil, err
	}
	defer s.db.exit()
	v, closer, err := s.db.pdb.Get(dk)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(v))
	copy(out, v)
	return out, closer.Close()
}

// Put sets k to v (not synced; see [Store]). Both slices may be reused once
// Put returns.
func (s *Store) Put(k, v []byte) error {
	if err := s.db.enter(); err != nil {
		return fmt.Errorf("state: put %s %q: %w", s.id, k, err)
	}
	defer s.db.exit()
	if err := s.db.write(func() error { return s.db.pdb.Set(s.key(k), v, pebble.NoSync) }); err != nil {
		return fmt.Errorf("state: put %s %q: %w", s.id, k, err)
	}
	return nil
}

// Delete removes k (not synced; see [Store]). Deleting a missing key is not
// an error.
func (s *Store) Delete(k []byte) error {
	if err := s.db.enter(); err != nil {
		return fmt.Errorf("state: delete %s %q: %w", s.id, k, err)
	}
	defer s.db.exit()
	if err := s.db.write(func() error { return s.db.pdb.Delete(s.key(k), pebble.NoSync) }); err != nil {
		return fmt.Errorf("state: delete %s %q: %w", s.id, k, err)
	}
	return nil
}

// Scan calls fn for each key of the store that starts with prefix, in
// ascending byte order, from a consistent snapshot. The slices passed to fn
// are valid only during the call: copy them to keep them. An error from fn
// stops the scan and is returned as is; ctx is checked every few hundred keys
// and its error is returned wrapped. fn may call other methods of the DB,
// but [DB.Close] waits for Scan to return.
func (s *Store) Scan(ctx context.Context, prefix []byte, fn func(k, v []byte) error) error {
	if err := s.db.enter(); err != nil {
		return fmt.Errorf("state: scan %s: %w", s.id, err)
	}
	defer s.db.exit()
	lower := s.key(prefix)
	it, err := s.db.pdb.NewIterWithContext(ctx, &pebble.IterOptions{
		LowerBound: lower,
		UpperBound: prefixEnd(lower),
	})
	if err != nil {
		return fmt.Errorf("state: scan %s: %w", s.id, err)
	}
	n := 0
	for valid := it.First(); valid; valid = it.Next() {
		if n++; n%scanCtxEvery == 0 {
			if err := ctx.Err(); err != nil {
				_ = it.Close()
				return fmt.Errorf("state: scan %s: %w", s.id, err)
			}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			_ = it.Close()
			return fmt.Errorf("state: scan %s: %w", s.id, err)
		}
		if err := fn(it.Key()[len(s.data):], v); err != nil {
			_ = it.Close()
			return err
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("state: scan %s: %w", s.id, err)
	}
	return nil
}

// Drop deletes every key of the store, metadata such as the changelog
// marker included, with one synced range deletion.
func (s *Store) Drop() error {
	if err := s.db.enter(); err != nil {
		return fmt.Errorf("state: drop %s: %w", s.id, err)
	}
	defer s.db.exit()
	if err := s.db.write(func() error { return s.db.pdb.DeleteRange(s.prefix, prefixEnd(s.prefix), pebble.Sync) }); err != nil {
		return fmt.Errorf("state: drop %s: %w", s.id, err)
	}
	return nil
}

// ChangelogOffset returns the changelog offset recorded in the store by
// [Restore], [CatchUp] or [Batch.SetChangelogOffset]: the store's contents
// reflect every changelog record up to and including that offset. It returns
// an error wrapping [ErrNotFound] if no offset is recorded (a new or dropped
// store).
func (s *Store) ChangelogOffset() (int64, error) {
	v, err := s.get(s.metaKey(metaChangelogOffset))
	if err != nil {
		return 0, fmt.Errorf("state: changelog offset of %s: %w", s.id, err)
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("state: changelog offset of %s: %d bytes, want 8", s.id, len(v))
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}
