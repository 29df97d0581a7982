package clean

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// Store is the key-value state a [RuleSet] keeps its deduplication keys and
// imputation statistics in: in a stage, the input partition's state. It is
// the detector's store ([anomaly.Store]: Get, Set) that can also delete.
type Store interface {
	anomaly.Store
	// Delete removes key.
	Delete(key []byte) error
}

// ErrState is returned (wrapped) for saved state that cannot be read.
var ErrState = errors.New("clean: bad saved state")

// MirrorMax is the largest deduplication window that a [RuleSet] with a
// [Store] also keeps in memory (8 bytes of ring and a map entry a key),
// which spares it the store's reads once the window is warm. Larger
// windows, and the unbounded one, are read from the store.
const MirrorMax = 1 << 16

// RingMax is the largest deduplication window beyond [MirrorMax] whose
// keys a [RuleSet] with a [Store] tracks in memory in a compact form: the
// ring of key hashes (8 bytes a key) and a Bloom filter of the keys
// (2.5 bytes a key). Once the window is warm, a new key (most keys) costs
// no read of the store, and evicting the key that leaves the window none
// either; a key the filter may hold is read to be sure.
const RingMax = 1 << 22

// Keys under the state prefix: the imputation statistics, the next key
// sequence, key hash → sequence and sequence → key hash.
const (
	statsSuffix = 'i'
	nextSuffix  = 'n'
	hashSuffix  = 'k'
	seqSuffix   = 's'
)

// statsVersion is the version of the saved imputation statistics.
const statsVersion = 1

// reservoirSize is the sample of a field's values the median comes from.
const reservoirSize = 2048

// persist is the state of a [RuleSet] kept in a [Store].
type persist struct {
	st     Store
	prefix []byte
	every  int // batches that change the statistics between saves
	dirty  int // such batches since the last save
	// statsChanged tells that the current batch changed the statistics.
	statsChanged bool

	window uint64 // deduplication window in keys, 0: unbounded
	next   uint64 // sequence of the next new key
	loaded uint64 // next when the state was loaded
	saved  uint64 // next as last written
	// mirror and ring hold the keys added since the load (window ≤
	// MirrorMax): key hash → sequence, and ring[seq%window] = key hash.
	mirror map[uint64]uint64
	ring   []uint64
	// filter holds the keys added since the load when the window is too
	// large for the mirror (ring set, mirror nil).
	filter *genBloom
	kbuf   []byte
	vbuf   []byte
}

// Load makes the rule set keep its state in st, under keys that start with
// prefix, and reads what an earlier rule set saved there: the imputation
// statistics and the deduplication position. Afterwards every
// deduplication key is its own entry in st (read and written as the
// records come, within the current batch), and the statistics are saved
// by [RuleSet.End] once every `every` batches that changed them. Call Load
// once, before the first [RuleSet.Apply], and [RuleSet.Begin] when the
// store changes (in a stage, at every batch).
func (rs *RuleSet) Load(st Store, prefix string, every int) error {
	return rs.load(st, prefix, every, MirrorMax, RingMax)
}

// load is Load with the largest windows kept in memory as a mirror and as
// a ring with a filter.
func (rs *RuleSet) load(st Store, prefix string, every, mirrorMax, ringMax int) error {
	if every < 1 {
		return fmt.Errorf("clean: checkpoint every %d batches: want 1 or more", every)
	}
	p := &persist{st: st, prefix: []byte(prefix), every: every}
	if d := rs.cfg.Dedup; d != nil {
		p.window = uint64(d.Window)
		switch {
		case d.Window > 0 && d.Window <= mirrorMax:
			p.mirror = map[uint64]uint64{}
			p.ring = make([]uint64, d.Window)
		case d.Window > 0 && d.Window <= ringMax:
			p.ring = make([]uint64, d.Window)
			p.filter = newGenBloom(d.Window)
		}
	}
	v, ok, err := st.Get(p.key(nextSuffix))
	if err != nil {
		return fmt.Errorf("clean: load dedup position: %w", err)
	}
	if ok {
		n, k := binary.Uvarint(v)
		if k <= 0 || k != len(v) {
			return fmt.Errorf("clean: load dedup position: %w: %x", ErrState, v)
		}
		p.next, p.loaded, p.saved = n, n, n
	}
	v, ok, err = st.Get(p.key(statsSuffix))
	if err != nil {
		return fmt.Errorf("clean: load imputation statistics: %w", err)
	}
	if ok {
		stats, err := decodeStats(v)
		if err != nil {
			return fmt.Errorf("clean: load imputation statistics: %w", err)
		}
		rs.stats = stats
	}
	rs.ps = p
	return nil
}

// Begin makes the rule set read and write its state in st from now on (in
// a stage, the state of the batch about to be applied). It does nothing
// before [RuleSet.Load].
func (rs *RuleSet) Begin(st Store) {
	if rs.ps != nil {
		rs.ps.st = st
	}
}

// End ends a batch: it writes the deduplication position if new keys came,
// and the imputation statistics once every `every` batches that changed
// them (see [RuleSet.Load]). It does nothing before [RuleSet.Load].
func (rs *RuleSet) End() error {
	p := rs.ps
	if p == nil {
		return nil
	}
	if p.next != p.saved {
		p.vbuf = binary.AppendUvarint(p.vbuf[:0], p.next)
		if err := p.st.Set(p.key(nextSuffix), p.vbuf); err != nil {
			return fmt.Errorf("clean: save dedup position: %w", err)
		}
		p.saved = p.next
	}
	if !p.statsChanged {
		return nil
	}
	p.statsChanged = false
	if p.dirty++; p.dirty < p.every {
		return nil
	}
	if err := p.st.Set(p.key(statsSuffix), encodeStats(rs.stats)); err != nil {
		return fmt.Errorf("clean: save imputation statistics: %w", err)
	}
	p.dirty = 0
	return nil
}

// key returns the state key of suffix, in a buffer reused by the next call.
func (p *persist) key(suffix byte) []byte {
	p.kbuf = append(append(p.kbuf[:0], p.prefix...), suffix)
	return p.kbuf
}

// key8 returns the state key of suffix and a 64-bit number.
func (p *persist) key8(suffix byte, n uint64) []byte {
	return binary.BigEndian.AppendUint64(p.key(suffix), n)
}

// seen records the key hash h and tells whether it is among the window's
// keys: a point read of its entry, unless the in-memory mirror answers.
func (p *persist) seen(h uint64) (bool, error) {
	if _, ok := p.mirror[h]; ok {
		return true, nil // the mirror drops evicted keys
	}
	// Warm: every key of the window came since the load, so the mirror, or
	// the filter, knows them all.
	warm := p.ring != nil && (p.loaded == 0 || p.next-p.loaded >= p.window)
	if !warm || (p.filter != nil && p.filter.has(h)) {
		s, ok, err := p.seq(h)
		if err != nil {
			return false, err
		}
		if ok && (p.window == 0 || s+p.window >= p.next) {
			return true, nil
		}
		if ok && p.window > 0 {
			// Left over from a larger window: its ring entry goes too.
			if err := p.st.Delete(p.key8(seqSuffix, s)); err != nil {
				return false, fmt.Errorf("clean: dedup: %w", err)
			}
		}
	}
	s := p.next
	p.next++
	if p.window > 0 && s >= p.window {
		if err := p.evict(s - p.window); err != nil {
			return false, err
		}
	}
	p.vbuf = binary.AppendUvarint(p.vbuf[:0], s)
	if err := p.st.Set(p.key8(hashSuffix, h), p.vbuf); err != nil {
		return false, fmt.Errorf("clean: dedup: %w", err)
	}
	if p.window == 0 {
		return false, nil
	}
	p.vbuf = binary.BigEndian.AppendUint64(p.vbuf[:0], h)
	if err := p.st.Set(p.key8(seqSuffix, s), p.vbuf); err != nil {
		return false, fmt.Errorf("clean: dedup: %w", err)
	}
	if p.ring != nil {
		p.ring[s%p.window] = h
	}
	if p.mirror != nil {
		p.mirror[h] = s
	}
	if p.filter != nil {
		p.filter.add(h)
	}
	return false, nil
}

// seq reads the sequence of key hash h from the store.
func (p *persist) seq(h uint64) (uint64, bool, error) {
	v, ok, err := p.st.Get(p.key8(hashSuffix, h))
	if err != nil {
		return 0, false, fmt.Errorf("clean: dedup: %w", err)
	}
	if !ok {
		return 0, false, nil
	}
	s, n := binary.Uvarint(v)
	if n <= 0 || n != len(v) {
		return 0, false, fmt.Errorf("clean: dedup key %016x: %w: sequence %x", h, ErrState, v)
	}
	return s, true, nil
}

// evict drops the key of sequence e, which has left the window: its ring
// entry, and its hash entry unless the key came again later.
func (p *persist) evict(e uint64) error {
	var h uint64
	inRing := p.ring != nil && e >= p.loaded
	if inRing {
		h = p.ring[e%p.window]
	} else {
		v, ok, err := p.st.Get(p.key8(seqSuffix, e))
		if err != nil {
			return fmt.Errorf("clean: dedup: %w", err)
		}
		if !ok {
			return nil // evicted before a smaller window grew
		}
		if len(v) != 8 {
			return fmt.Errorf("clean: dedup sequence %d: %w: key hash %x", e, ErrState, v)
		}
		h = binary.BigEndian.Uint64(v)
	}
	if err := p.st.Delete(p.key8(seqSuffix, e)); err != nil {
		return fmt.Errorf("clean: dedup: %w", err)
	}
	// A key added since the load keeps its sequence until it leaves the
	// window (a repeat does not refresh it): its hash entry is e's.
	s, ok := p.mirror[h]
	if !ok && inRing && p.mirror == nil {
		s, ok = e, true
	}
	if !ok {
		var err error
		if s, ok, err = p.seq(h); err != nil {
			return err
		}
	}
	if !ok || s != e {
		return nil
	}
	delete(p.mirror, h)
	if err := p.st.Delete(p.key8(hashSuffix, h)); err != nil {
		return fmt.Errorf("clean: dedup: %w", err)
	}
	return nil
}

// savedStats is the saved form of the imputation statistics (JSON: they
// are written once every few batches, and read once per load).
type savedStats struct {
	Version int          `json:"v"`
	Fields  []savedField `json:"fields"`
}

type savedField struct {
	Name   string         `json:"name"`
	N      int            `json:"n"`
	Mean   float64        `json:"mean"`
	Sample []byte         `json:"sample"` // anomaly.Reservoir's binary form
	Counts map[string]int `json:"counts,omitempty"`
}

// encodeStats writes the imputation statistics, fields in name order.
func encodeStats(stats map[string]*fieldStats) []byte {
	out := savedStats{Version: statsVersion, Fields: make([]savedField, 0, len(stats))}
	for name, s := range stats {
		sample, _ := s.sample.MarshalBinary() // never fails
		out.Fields = append(out.Fields, savedField{Name: name, N: s.n, Mean: s.mean, Sample: sample, Counts: s.counts})
	}
	slices.SortFunc(out.Fields, func(a, b savedField) int { return strings.Compare(a.Name, b.Name) })
	b, _ := json.Marshal(out) // counts, strings and finite numbers: never fails
	return b
}

// decodeStats reads what encodeStats wrote.
func decodeStats(b []byte) (map[string]*fieldStats, error) {
	var in savedStats
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	if in.Version != statsVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrState, in.Version, statsVersion)
	}
	stats := map[string]*fieldStats{}
	for _, f := range in.Fields {
		s := newFieldStats(f.Name)
		if err := s.sample.UnmarshalBinary(f.Sample); err != nil {
			return nil, fmt.Errorf("%w: field %q: %w", ErrState, f.Name, err)
		}
		if _, dup := stats[f.Name]; dup || f.N < 0 || len(f.Counts) > modeCounters {
			return nil, fmt.Errorf("%w: field %q: repeated, or count %d, or %d mode counters", ErrState, f.Name, f.N, len(f.Counts))
		}
		for v, n := range f.Counts {
			if n <= 0 {
				return nil, fmt.Errorf("%w: field %q: mode counter %d", ErrState, f.Name, n)
			}
			s.counts[v] = n
		}
		s.n, s.mean = f.N, f.Mean
		stats[f.Name] = s
	}
	return stats, nil
}

// newFieldStats returns the empty statistics of a field.
func newFieldStats(name string) *fieldStats {
	return &fieldStats{sample: anomaly.NewReservoir(reservoirSize, xxhash.Sum64String(name)), counts: map[string]int{}}
}

// genBloom is a Bloom filter in two generations of n keys each: when the
// current one is full it becomes the previous one and a fresh one starts,
// so the last n keys are always in one of them (and older ones fade).
// Ten bits and seven probes a key: about 1 % false positives a generation.
type genBloom struct {
	n         int
	cur, prev bloom
}

type bloom struct {
	bits []uint64
	keys int
}

func newGenBloom(n int) *genBloom {
	return &genBloom{n: n, cur: newBloom(n)}
}

func newBloom(n int) bloom {
	return bloom{bits: make([]uint64, max(1, (10*n+63)/64))}
}

func (g *genBloom) has(h uint64) bool { return g.cur.has(h) || g.prev.has(h) }

func (g *genBloom) add(h uint64) {
	if g.cur.keys >= g.n {
		g.prev, g.cur = g.cur, newBloom(g.n)
	}
	g.cur.add(h)
}

// probes derives the filter's seven bit positions from the key hash
// (double hashing).
func (b *bloom) probes(h uint64, f func(bit uint64) bool) bool {
	m := uint64(len(b.bits)) * 64
	h1, h2 := h, (h>>33|h<<31)|1
	for i := range uint64(7) {
		if !f((h1 + i*h2) % m) {
			return false
		}
	}
	return true
}

func (b *bloom) has(h uint64) bool {
	if b.bits == nil {
		return false
	}
	return b.probes(h, func(bit uint64) bool { return b.bits[bit/64]&(1<<(bit%64)) != 0 })
}

func (b *bloom) add(h uint64) {
	b.probes(h, func(bit uint64) bool { b.bits[bit/64] |= 1 << (bit % 64); return true })
	b.keys++
}
