package checkpoint

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/heliosdb/helios-etl/state"
)

// Namespace is the [state.DB] namespace that holds the checkpoints.
const Namespace = "checkpoint"

// Key kinds; see the package documentation.
const (
	kindLSN    byte = 'l'
	kindTable  byte = 't'
	kindChunk  byte = 'c'
	kindOffset byte = 'o'
)

// progressVersion is the first byte of encoded progress values.
const progressVersion byte = 1

// LSNRegressionError is returned by [Ledger.SaveLSN] for an LSN lower than
// the one saved: the slot's position never moves back.
type LSNRegressionError struct {
	Slot  string
	Saved uint64 // the LSN already saved
	Got   uint64 // the lower LSN that was refused
}

// Error names the slot and both LSNs.
func (e *LSNRegressionError) Error() string {
	return fmt.Sprintf("checkpoint: slot %q: LSN %s is behind the saved %s", e.Slot, FormatLSN(e.Got), FormatLSN(e.Saved))
}

// FormatLSN formats lsn as PostgreSQL does, such as 16/B374D848.
func FormatLSN(lsn uint64) string {
	return fmt.Sprintf("%X/%X", uint32(lsn>>32), uint32(lsn))
}

// Ledger reads and saves checkpoints in a [state.DB]. Create it with [New].
type Ledger struct {
	db *state.DB
	s  *state.Store
	mu sync.Mutex // serializes SaveLSN's read-check-write
}

// New returns a Ledger over db's [Namespace].
func New(db *state.DB) *Ledger {
	return &Ledger{db: db, s: db.Namespace(Namespace)}
}

// Store returns the namespace store, for tools that list checkpoints.
func (l *Ledger) Store() *state.Store { return l.s }

// appendString appends a uvarint length and the bytes of s.
func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func lsnKey(slot string) []byte { return appendString([]byte{kindLSN}, slot) }

func tableKey(table string) []byte { return appendString([]byte{kindTable}, table) }

func chunkPrefix(table string) []byte { return appendString([]byte{kindChunk}, table) }

func chunkKey(table string, chunk uint64) []byte {
	return binary.BigEndian.AppendUint64(chunkPrefix(table), chunk)
}

func offsetKey(group, topic string, partition int32) []byte {
	k := appendString(appendString([]byte{kindOffset}, group), topic)
	return binary.BigEndian.AppendUint32(k, uint32(partition))
}

// commit writes the batch built by fill with sync.
func (l *Ledger) commit(fill func(b *state.Batch) error) error {
	b := l.db.NewBatch()
	defer func() { _ = b.Close() }()
	if err := fill(b); err != nil {
		return err
	}
	return b.Commit(true)
}

// getUint64 reads an 8-byte big-endian value.
func (l *Ledger) getUint64(key []byte) (uint64, error) {
	v, err := l.s.Get(key)
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("checkpoint: value of %q is %d bytes, want 8", key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// LSN returns the LSN saved for slot, or an error wrapping
// [state.ErrNotFound].
func (l *Ledger) LSN(slot string) (uint64, error) {
	lsn, err := l.getUint64(lsnKey(slot))
	if err != nil {
		return 0, fmt.Errorf("checkpoint: LSN of slot %q: %w", slot, err)
	}
	return lsn, nil
}

// SaveLSN durably records lsn as the acknowledged position of slot. The LSN
// only moves forward: saving the same LSN again is a no-op, and a lower one
// returns a [*LSNRegressionError] naming both.
func (l *Ledger) SaveLSN(slot string, lsn uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	saved, err := l.getUint64(lsnKey(slot))
	switch {
	case errors.Is(err, state.ErrNotFound):
	case err != nil:
		return fmt.Errorf("checkpoint: save LSN %s of slot %q: %w", FormatLSN(lsn), slot, err)
	case lsn < saved:
		return &LSNRegressionError{Slot: slot, Saved: saved, Got: lsn}
	case lsn == saved:
		return nil
	}
	err = l.commit(func(b *state.Batch) error {
		return b.Put(l.s, lsnKey(slot), binary.BigEndian.AppendUint64(nil, lsn))
	})
	if err != nil {
		return fmt.Errorf("checkpoint: save LSN %s of slot %q: %w", FormatLSN(lsn), slot, err)
	}
	return nil
}

// ResetLSN forgets the LSN of slot, for when the slot is dropped and
// recreated (a new slot starts at a new position, possibly lower).
func (l *Ledger) ResetLSN(slot string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.commit(func(b *state.Batch) error { return b.Delete(l.s, lsnKey(slot)) }); err != nil {
		return fmt.Errorf("checkpoint: reset LSN of slot %q: %w", slot, err)
	}
	return nil
}

// TableProgress is the snapshot progress of one table.
type TableProgress struct {
	// Table is the table's qualified name, such as "public.orders".
	Table string
	// Chunks is the number of chunks the snapshot was split into (0 if
	// not known yet).
	Chunks uint64
	// Done is set once every chunk is copied and acknowledged.
	Done bool
}

// ChunkProgress is the snapshot progress of one chunk of a table.
type ChunkProgress struct {
	// Table is the table's qualified name.
	Table string
	// Chunk is the chunk's id within the table; chunks list in id order.
	Chunk uint64
	// LastKey is the encoded primary key of the last row copied and
	// acknowledged; a restart resumes after it. Nil before the first row.
	// The encoding is the caller's.
	LastKey []byte
	// Rows counts the rows copied and acknowledged.
	Rows uint64
	// Done is set once the whole chunk is copied and acknowledged.
	Done bool
}

// encodeTable encodes p: version, flags (bit 0: done), uvarint chunks.
func encodeTable(p TableProgress) []byte {
	v := []byte{progressVersion, boolByte(p.Done)}
	return binary.AppendUvarint(v, p.Chunks)
}

func decodeTable(table string, v []byte) (TableProgress, error) {
	p := TableProgress{Table: table}
	if len(v) < 3 || v[0] != progressVersion || v[1] > 1 {
		return p, fmt.Errorf("checkpoint: table %q: malformed progress %x", table, v)
	}
	p.Done = v[1] == 1
	n, w := binary.Uvarint(v[2:])
	if w <= 0 || 2+w != len(v) {
		return p, fmt.Errorf("checkpoint: table %q: malformed progress %x", table, v)
	}
	p.Chunks = n
	return p, nil
}

// encodeChunk encodes p: version, flags (bit 0: done), uvarint rows,
// uvarint len(last key), last key; a nil last key has length 0 and flag
// bit 1 clear.
func encodeChunk(p ChunkProgress) []byte {
	flags := boolByte(p.Done)
	if p.LastKey != nil {
		flags |= 2
	}
	v := make([]byte, 0, 2+2*binary.MaxVarintLen64+len(p.LastKey))
	v = append(v, progressVersion, flags)
	v = binary.AppendUvarint(v, p.Rows)
	v = binary.AppendUvarint(v, uint64(len(p.LastKey)))
	return append(v, p.LastKey...)
}

func decodeChunk(table string, chunk uint64, v []byte) (ChunkProgress, error) {
	p := ChunkProgress{Table: table, Chunk: chunk}
	bad := func() error {
		return fmt.Errorf("checkpoint: table %q chunk %d: malformed progress %x", table, chunk, v)
	}
	if len(v) < 2 || v[0] != progressVersion || v[1] > 3 {
		return p, bad()
	}
	p.Done = v[1]&1 == 1
	hasKey := v[1]&2 == 2
	rest := v[2:]
	rows, w := binary.Uvarint(rest)
	if w <= 0 {
		return p, bad()
	}
	p.Rows, rest = rows, rest[w:]
	n, w := binary.Uvarint(rest)
	if w <= 0 || uint64(len(rest)-w) != n {
		return p, bad()
	}
	if hasKey {
		p.LastKey = append([]byte{}, rest[w:]...)
	}
	return p, nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// SaveTable durably records the snapshot progress of p.Table.
func (l *Ledger) SaveTable(p TableProgress) error {
	if err := l.commit(func(b *state.Batch) error { return b.Put(l.s, tableKey(p.Table), encodeTable(p)) }); err != nil {
		return fmt.Errorf("checkpoint: save table %q: %w", p.Table, err)
	}
	return nil
}

// Table returns the snapshot progress of table, or an error wrapping
// [state.ErrNotFound] if its snapshot has not started.
func (l *Ledger) Table(table string) (TableProgress, error) {
	v, err := l.s.Get(tableKey(table))
	if err != nil {
		return TableProgress{}, fmt.Errorf("checkpoint: table %q: %w", table, err)
	}
	return decodeTable(table, v)
}

// SaveChunks durably records the progress of one or more chunks, of any
// tables, in one synced commit.
func (l *Ledger) SaveChunks(ps ...ChunkProgress) error {
	err := l.commit(func(b *state.Batch) error {
		for _, p := range ps {
			if err := b.Put(l.s, chunkKey(p.Table, p.Chunk), encodeChunk(p)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("checkpoint: save %d chunks: %w", len(ps), err)
	}
	return nil
}

// Chunk returns the progress of one chunk, or an error wrapping
// [state.ErrNotFound].
func (l *Ledger) Chunk(table string, chunk uint64) (ChunkProgress, error) {
	v, err := l.s.Get(chunkKey(table, chunk))
	if err != nil {
		return ChunkProgress{}, fmt.Errorf("checkpoint: table %q chunk %d: %w", table, chunk, err)
	}
	return decodeChunk(table, chunk, v)
}

// Chunks returns the progress of every recorded chunk of table, in chunk id
// order. ctx bounds the scan.
func (l *Ledger) Chunks(ctx context.Context, table string) ([]ChunkProgress, error) {
	var out []ChunkProgress
	prefix := chunkPrefix(table)
	err := l.s.Scan(ctx, prefix, func(k, v []byte) error {
		if len(k) != len(prefix)+8 {
			return fmt.Errorf("checkpoint: table %q: malformed chunk key %x", table, k)
		}
		p, err := decodeChunk(table, binary.BigEndian.Uint64(k[len(prefix):]), v)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint: chunks of table %q: %w", table, err)
	}
	return out, nil
}

// ResetTable durably forgets the snapshot progress of table and all its
// chunks, so its snapshot starts over.
func (l *Ledger) ResetTable(ctx context.Context, table string) error {
	prefix := chunkPrefix(table)
	err := l.commit(func(b *state.Batch) error {
		if err := b.Delete(l.s, tableKey(table)); err != nil {
			return err
		}
		return l.s.Scan(ctx, prefix, func(k, _ []byte) error { return b.Delete(l.s, k) })
	})
	if err != nil {
		return fmt.Errorf("checkpoint: reset table %q: %w", table, err)
	}
	return nil
}

// Offset returns the next offset to consume, as saved for (group, topic,
// partition), or an error wrapping [state.ErrNotFound].
func (l *Ledger) Offset(group, topic string, partition int32) (int64, error) {
	v, err := l.getUint64(offsetKey(group, topic, partition))
	if err != nil {
		return 0, fmt.Errorf("checkpoint: offset of group %q %s/%d: %w", group, topic, partition, err)
	}
	return int64(v), nil
}

// SaveOffset durably records offset, the next offset to consume (Kafka's
// committed-offset convention), for (group, topic, partition). Offsets may
// move back (a deliberate reset); nothing is checked.
func (l *Ledger) SaveOffset(group, topic string, partition int32, offset int64) error {
	if err := l.commit(func(b *state.Batch) error { return l.PutOffset(b, group, topic, partition, offset) }); err != nil {
		return fmt.Errorf("checkpoint: save offset %d of group %q %s/%d: %w", offset, group, topic, partition, err)
	}
	return nil
}

// PutOffset adds the offset of (group, topic, partition) to b, so a sink
// that keeps its data in the same DB commits data and offset atomically.
// It is durable only if b is committed with sync.
func (l *Ledger) PutOffset(b *state.Batch, group, topic string, partition int32, offset int64) error {
	if offset < 0 {
		return fmt.Errorf("checkpoint: offset %d of group %q %s/%d is negative", offset, group, topic, partition)
	}
	return b.Put(l.s, offsetKey(group, topic, partition), binary.BigEndian.AppendUint64(nil, uint64(offset)))
}

// Offsets returns the saved offsets of group for topic, by partition.
func (l *Ledger) Offsets(ctx context.Context, group, topic string) (map[int32]int64, error) {
	prefix := appendString(appendString([]byte{kindOffset}, group), topic)
	out := map[int32]int64{}
	err := l.s.Scan(ctx, prefix, func(k, v []byte) error {
		if len(k) != len(prefix)+4 || len(v) != 8 {
			return fmt.Errorf("checkpoint: malformed offset %x = %x", k, v)
		}
		out[int32(binary.BigEndian.Uint32(k[len(prefix):]))] = int64(binary.BigEndian.Uint64(v))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("checkpoint: offsets of group %q topic %s: %w", group, topic, err)
	}
	return out, nil
}
