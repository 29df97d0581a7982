package anomaly

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Store is the part of a key-value state store that a [Detector] needs to
// survive restarts. The Pebble-backed state package provides it; tests use a
// map.
type Store interface {
	// Get returns the value of key, with ok false when there is none.
	Get(key []byte) (value []byte, ok bool, err error)
	// Set writes the value of key durably enough for a checkpoint.
	Set(key, value []byte) error
}

// Save writes the detector's learned state under key.
func (d *Detector) Save(st Store, key []byte) error {
	b, err := d.MarshalBinary()
	if err != nil {
		return err
	}
	if err := st.Set(key, b); err != nil {
		return fmt.Errorf("save anomaly state: %w", err)
	}
	return nil
}

// Load reads the state saved under key into d, which must have been made by
// [New] with the same configuration. It returns false when there is none.
func (d *Detector) Load(st Store, key []byte) (bool, error) {
	b, ok, err := st.Get(key)
	if err != nil {
		return false, fmt.Errorf("load anomaly state: %w", err)
	}
	if !ok {
		return false, nil
	}
	return true, d.UnmarshalBinary(b)
}

const stateVersion = 2 // 2: integer keys kept as values (KeySet.SeenKey)

// ErrState is returned (wrapped) for saved state that cannot be read.
var ErrState = errors.New("anomaly: bad saved state")

// MarshalBinary encodes everything the detector has learned and counted:
// per-field counters and sketches, the row sample of the forest and the
// remembered keys, and the frozen models and forest, so that a restarted
// detector decides exactly as the one that saved it would have.
func (d *Detector) MarshalBinary() ([]byte, error) {
	e := &enc{b: make([]byte, 0, 1<<12)}
	e.u(stateVersion)
	e.u(d.learned)
	e.u(d.sinceFreeze)
	e.u(d.checked)
	e.u(d.rowOutliers)
	e.bool(d.frozen)
	e.u(uint64(len(d.states)))
	for i, s := range d.states {
		e.str(d.names[i])
		s.encode(e)
		c := &d.counts[i]
		for _, v := range []uint64{c.Cells, c.Nulls, c.Required, c.Typed, c.Numeric, c.Keys} {
			e.u(v)
		}
		for _, v := range c.ByKind {
			e.u(v)
		}
		ks := d.keys[i]
		e.bool(ks != nil)
		if ks != nil {
			e.u(uint64(ks.limit))
			ks.cur.encode(e)
			ks.prev.encode(e)
		}
	}
	e.u(d.rows.n)
	e.u(d.rows.rng.s)
	e.u(uint64(len(d.rows.rows)))
	for _, r := range d.rows.rows {
		e.floats(r)
	}
	if d.frozen {
		for i := range d.models {
			d.models[i].encode(e)
		}
		e.bool(d.forest != nil)
		if f := d.forest; f != nil {
			e.f(d.forestGate)
			e.u(uint64(len(d.forestCols)))
			for _, c := range d.forestCols {
				e.u(uint64(c))
			}
			e.u(uint64(f.psi))
			e.u(uint64(len(f.roots)))
			for _, r := range f.roots {
				e.u(uint64(r))
			}
			e.u(uint64(len(f.nodes)))
			for _, nd := range f.nodes {
				e.u(uint64(nd.dim + 1))
				e.u(uint64(nd.left))
				e.u(uint64(nd.right))
				e.f(nd.split)
				e.u(uint64(nd.size))
			}
		}
	}
	return e.b, nil
}

// UnmarshalBinary restores what [Detector.MarshalBinary] encoded.
func (d *Detector) UnmarshalBinary(b []byte) error {
	x := &dec{b: b}
	if v := x.u(); v != stateVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrState, v, stateVersion)
	}
	fresh, err := New(d.cfg)
	if err != nil {
		return err
	}
	learned, since, checked, rowOutliers, frozen := x.u(), x.u(), x.u(), x.u(), x.bool()
	n := x.n(min(1<<16, len(x.b)/32)) // a field takes well over 32 bytes
	header := make([]string, 0, n)
	var states []*fieldState
	var counts []Counts
	var keys []*KeySet
	for i := range n {
		header = append(header, x.str())
		s := fresh.newFieldState(i, header[i])
		s.decode(x)
		states = append(states, s)
		var c Counts
		for _, p := range []*uint64{&c.Cells, &c.Nulls, &c.Required, &c.Typed, &c.Numeric, &c.Keys} {
			*p = x.u()
		}
		for k := range c.ByKind {
			c.ByKind[k] = x.u()
		}
		counts = append(counts, c)
		var ks *KeySet
		if x.bool() {
			ks = &KeySet{limit: int(x.u())}
			ks.cur.decode(x)
			ks.prev.decode(x)
		}
		keys = append(keys, ks)
	}
	rows := rowSample{cap: fresh.rows.cap, n: x.u(), rng: rng{x.u()}}
	for range x.n(fresh.rows.cap) {
		rows.rows = append(rows.rows, x.floats())
	}
	if x.err != nil {
		return x.err
	}
	var models []model
	var forest *Forest
	var forestCols []int
	var gate float64
	if frozen {
		for i := range n {
			m := model{name: header[i], bounds: d.cfg.Bounds[header[i]]}
			m.decode(x)
			models = append(models, m)
		}
		if x.bool() {
			gate = x.f()
			for range x.n(n) {
				forestCols = append(forestCols, x.n(n-1))
			}
			forest = &Forest{psi: x.n(1 << 30)}
			for range x.n(len(x.b)) {
				forest.roots = append(forest.roots, int32(x.n(1<<30)))
			}
			nodes := x.n(len(x.b))
			for range nodes {
				nd := node{dim: int32(x.n(len(forestCols))) - 1, left: int32(x.n(nodes)), right: int32(x.n(nodes)), split: x.f(), size: int32(x.n(1 << 30))}
				forest.nodes = append(forest.nodes, nd)
			}
			for _, r := range forest.roots {
				if int(r) >= nodes {
					x.fail("forest root out of range")
				}
			}
			for _, nd := range forest.nodes {
				if nd.dim >= 0 && (int(nd.left) >= nodes || int(nd.right) >= nodes || nd.left <= 0 || nd.right <= 0) {
					x.fail("forest node out of range")
				}
			}
		}
	}
	if x.err != nil {
		return x.err
	}
	if len(x.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrState, len(x.b))
	}
	*d = *fresh
	d.ensure(header)
	d.states, d.counts, d.keys, d.rows = states, counts, keys, rows
	d.learned, d.checked, d.rowOutliers = learned, checked, rowOutliers
	d.frozen, d.sinceFreeze = frozen, since
	d.models, d.forest, d.forestCols, d.forestGate = models, forest, forestCols, gate
	if d.frozen {
		d.prepare()
	}
	for i := range d.models {
		if d.models[i].key && d.keys[i] == nil {
			d.keys[i] = NewKeySet(d.cfg.KeyWindow)
		}
	}
	return nil
}

func (m *model) encode(e *enc) {
	e.u(m.n)
	for _, b := range []bool{m.required, m.checkFormat, m.key, m.numeric, m.integer, m.nonNeg, m.outliers, m.date, m.trending} {
		e.bool(b)
	}
	e.u(uint64(m.dominant))
	e.u(uint64(m.tf))
	for _, f := range []float64{m.nullRate, m.share, m.c, m.center, m.scale, m.lo, m.hi, m.medRaw, m.dateLo, m.dateHi, m.distinct, m.dateTop, m.dateAllow} {
		e.f(f)
	}
}

func (m *model) decode(x *dec) {
	m.n = x.u()
	for _, b := range []*bool{&m.required, &m.checkFormat, &m.key, &m.numeric, &m.integer, &m.nonNeg, &m.outliers, &m.date, &m.trending} {
		*b = x.bool()
	}
	m.dominant = Format(x.n(int(numFormats) - 1))
	m.tf = transform(x.n(int(asinhT)))
	for _, f := range []*float64{&m.nullRate, &m.share, &m.c, &m.center, &m.scale, &m.lo, &m.hi, &m.medRaw, &m.dateLo, &m.dateHi, &m.distinct, &m.dateTop, &m.dateAllow} {
		*f = x.f()
	}
}

func (s *fieldState) encode(e *enc) {
	e.u(s.n)
	e.u(s.nulls)
	for _, c := range s.formats {
		e.u(c)
	}
	e.u(s.nums)
	e.u(s.neg)
	e.u(s.fracs)
	e.f(s.mean)
	e.f(s.m2)
	e.f(s.min)
	e.f(s.max)
	e.floats(s.block)
	e.f(s.blockPrev)
	e.u(s.dateUp)
	e.u(s.dateDown)
	for _, r := range []*Reservoir{s.num, s.date} {
		e.u(r.n)
		e.u(r.rng.s)
		e.floats(r.vals)
	}
	e.u(uint64(len(s.distinct.heap)))
	for _, h := range s.distinct.heap {
		e.u64(h)
	}
	e.u(s.text.n)
	e.u(s.text.next)
	e.f(s.text.w)
	e.u(s.text.rng.s)
	e.u(uint64(len(s.text.vals)))
	for _, v := range s.text.vals {
		e.str(v)
	}
}

func (s *fieldState) decode(x *dec) {
	s.n, s.nulls = x.u(), x.u()
	for i := range s.formats {
		s.formats[i] = x.u()
	}
	s.nums, s.neg, s.fracs = x.u(), x.u(), x.u()
	s.mean, s.m2, s.min, s.max = x.f(), x.f(), x.f(), x.f()
	s.block = x.floats()
	if len(s.block) >= dateBlock {
		x.fail("date block too long")
	}
	s.blockPrev, s.dateUp, s.dateDown = x.f(), x.u(), x.u()
	for _, r := range []*Reservoir{s.num, s.date} {
		r.n, r.rng.s = x.u(), x.u()
		r.vals = x.floats()
		if len(r.vals) > r.cap {
			x.fail("reservoir larger than its capacity")
		}
	}
	n := x.n(s.distinct.k)
	for range n {
		h := x.u64()
		s.distinct.heap = append(s.distinct.heap, h)
		s.distinct.in[h] = struct{}{}
	}
	s.text.n, s.text.next, s.text.w, s.text.rng.s = x.u(), x.u(), x.f(), x.u()
	for range x.n(s.text.cap) {
		if x.err != nil {
			break
		}
		s.text.vals = append(s.text.vals, x.str())
	}
}

func (t *hashTable) encode(e *enc) {
	e.u(uint64(t.n))
	e.u(uint64(len(t.slots)))
	// Written in table order from an empty slot on, so that inserting them
	// again in this order rebuilds the same table (linear probing), even
	// where a run of keys wrapped around the end.
	from := slices.Index(t.slots, 0)
	for i := range t.slots {
		if h := t.slots[(from+1+i)%len(t.slots)]; h != 0 {
			e.u64(h)
		}
	}
}

func (t *hashTable) decode(x *dec) {
	n := x.n(1 << 40)
	size := x.n(1 << 40)
	if size&(size-1) != 0 || (n > 0 && 2*n > size) || size > len(x.b)*2+64 {
		x.fail("bad key table size")
		return
	}
	*t = hashTable{}
	if size > 0 {
		t.slots = make([]uint64, size)
	}
	for range n {
		if x.err != nil {
			return
		}
		t.insert(x.u64())
	}
}

type enc struct{ b []byte }

func (e *enc) u(v uint64)   { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *enc) f(v float64)  { e.u64(math.Float64bits(v)) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}
func (e *enc) str(s string) { e.u(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) floats(v []float64) {
	e.u(uint64(len(v)))
	for _, f := range v {
		e.f(f)
	}
}

type dec struct {
	b   []byte
	err error
}

func (x *dec) fail(msg string) {
	if x.err == nil {
		x.err = fmt.Errorf("%w: %s", ErrState, msg)
	}
	x.b = nil
}

func (x *dec) u() uint64 {
	v, n := binary.Uvarint(x.b)
	if n <= 0 {
		x.fail("truncated")
		return 0
	}
	x.b = x.b[n:]
	return v
}

// n reads a length and checks it against a limit.
func (x *dec) n(limit int) int {
	v := x.u()
	if v > uint64(limit) {
		x.fail("length out of range")
		return 0
	}
	return int(v)
}

func (x *dec) u64() uint64 {
	if len(x.b) < 8 {
		x.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(x.b)
	x.b = x.b[8:]
	return v
}

func (x *dec) f() float64 { return math.Float64frombits(x.u64()) }

func (x *dec) bool() bool {
	if len(x.b) < 1 || x.b[0] > 1 {
		x.fail("bad bool")
		return false
	}
	v := x.b[0] == 1
	x.b = x.b[1:]
	return v
}

func (x *dec) str() string {
	n := x.n(len(x.b))
	if x.err == nil && n > len(x.b) {
		x.fail("truncated string")
	}
	if x.err != nil {
		return ""
	}
	s := string(x.b[:n])
	x.b = x.b[n:]
	return s
}

func (x *dec) floats() []float64 {
	n := x.n(len(x.b) / 8)
	if x.err != nil || n == 0 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = x.f()
	}
	return out
}

// MarshalBinary encodes the sample: the count of values offered, the
// random state and the values kept.
func (r *Reservoir) MarshalBinary() ([]byte, error) {
	e := &enc{b: make([]byte, 0, 24+8*len(r.vals))}
	e.u(r.n)
	e.u(r.rng.s)
	e.floats(r.vals)
	return e.b, nil
}

// UnmarshalBinary restores what [Reservoir.MarshalBinary] encoded into r,
// which must have been made by [NewReservoir] with the same size.
func (r *Reservoir) UnmarshalBinary(b []byte) error {
	x := &dec{b: b}
	n, s := x.u(), x.u()
	vals := x.floats()
	switch {
	case x.err != nil:
		return x.err
	case len(vals) > r.cap:
		return fmt.Errorf("%w: reservoir of %d values, larger than its capacity %d", ErrState, len(vals), r.cap)
	case uint64(len(vals)) > n:
		return fmt.Errorf("%w: reservoir of %d values out of %d offered", ErrState, len(vals), n)
	case len(x.b) != 0:
		return fmt.Errorf("%w: %d trailing bytes", ErrState, len(x.b))
	}
	r.n, r.rng.s, r.vals = n, s, vals
	return nil
}
