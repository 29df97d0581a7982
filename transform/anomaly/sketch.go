package anomaly

import (
	"math"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// rng is splitmix64: small, fast, seedable and trivially serialized, so that
// learning is deterministic and survives a restart bit for bit.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float64 returns a uniform value in [0, 1).
func (r *rng) float64() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a uniform value in [0, n); n > 0.
func (r *rng) intn(n uint64) uint64 { return r.next() % n }

// Reservoir is a uniform random sample of a stream of numbers (Vitter's
// algorithm R) from which quantiles are computed exactly. With the default
// 4,096 slots the rank error of a quantile is about 1/sqrt(4096) ≈ 1.6% in
// the worst case and far less in the tails that matter for fences; memory is
// 32 KiB whatever the stream length.
type Reservoir struct {
	n    uint64 // values offered
	vals []float64
	cap  int
	rng  rng
}

// NewReservoir returns a sample of at most size values, seeded for
// reproducibility.
func NewReservoir(size int, seed uint64) *Reservoir {
	return &Reservoir{cap: size, vals: make([]float64, 0, min(size, 1024)), rng: rng{seed}}
}

// Add offers one value to the sample.
func (r *Reservoir) Add(x float64) {
	r.n++
	if len(r.vals) < r.cap {
		r.vals = append(r.vals, x)
		return
	}
	if j := r.rng.intn(r.n); j < uint64(r.cap) {
		r.vals[j] = x
	}
}

// Count returns how many values were offered.
func (r *Reservoir) Count() uint64 { return r.n }

// Sorted returns a sorted copy of the sample, optionally mapped by f.
func (r *Reservoir) Sorted(f func(float64) float64) []float64 {
	s := slices.Clone(r.vals)
	if f != nil {
		for i, v := range s {
			s[i] = f(v)
		}
	}
	slices.Sort(s)
	return s
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the sample by linear
// interpolation between order statistics; NaN when the sample is empty.
func (r *Reservoir) Quantile(q float64) float64 { return quantile(r.Sorted(nil), q) }

// quantile of sorted values, interpolated (type 7).
func quantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	if lo < 0 {
		return s[0]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// Distinct estimates the number of distinct values of a stream with the
// k-minimum-values sketch: it keeps the k smallest 64-bit hashes seen. Below
// k distinct values the count is exact; above, the relative standard error
// is about 1/sqrt(k-2) (1.6% for k = 4,096). Memory is 8·k bytes plus a
// membership map of the same size.
type Distinct struct {
	k    int
	heap []uint64 // max-heap of the k smallest hashes
	in   map[uint64]struct{}
	// recent is a direct-mapped cache of hashes known to be in the heap,
	// which spares low-cardinality fields a map lookup per value.
	recent [64]uint64
}

// NewDistinct returns an estimator that keeps k hashes.
func NewDistinct(k int) *Distinct {
	return &Distinct{k: k, in: make(map[uint64]struct{})}
}

// AddHash offers the 64-bit hash of one value.
func (d *Distinct) AddHash(h uint64) {
	if len(d.heap) == d.k && h >= d.heap[0] {
		return
	}
	slot := &d.recent[h&63]
	if *slot == h && h != 0 {
		return
	}
	if _, ok := d.in[h]; ok {
		*slot = h
		return
	}
	if len(d.heap) < d.k {
		d.heap = append(d.heap, h)
		d.in[h] = struct{}{}
		d.up(len(d.heap) - 1)
		return
	}
	old := d.heap[0]
	delete(d.in, old)
	if d.recent[old&63] == old {
		d.recent[old&63] = 0
	}
	d.heap[0] = h
	d.in[h] = struct{}{}
	d.down(0)
}

func (d *Distinct) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if d.heap[p] >= d.heap[i] {
			return
		}
		d.heap[p], d.heap[i] = d.heap[i], d.heap[p]
		i = p
	}
}

func (d *Distinct) down(i int) {
	n := len(d.heap)
	for {
		l, big := 2*i+1, i
		if l < n && d.heap[l] > d.heap[big] {
			big = l
		}
		if r := l + 1; r < n && d.heap[r] > d.heap[big] {
			big = r
		}
		if big == i {
			return
		}
		d.heap[i], d.heap[big] = d.heap[big], d.heap[i]
		i = big
	}
}

// Estimate returns the estimated number of distinct values.
func (d *Distinct) Estimate() float64 {
	if len(d.heap) < d.k {
		return float64(len(d.heap))
	}
	// The k-th smallest of n uniform hashes is about k/n of the range.
	return float64(d.k-1) / (float64(d.heap[0]) / math.MaxUint64)
}

// KeySet remembers the 64-bit hashes of recent keys to find duplicates. It is
// an open-addressing hash table in two generations: when the current one
// holds limit/2 keys it becomes the previous one and a fresh one starts, so a
// key is remembered for at least the last limit/2 and at most the last limit
// keys, and memory stays near 16 bytes per remembered key (8-byte slots at a
// load of at most one half). With limit 0 every key is remembered.
type KeySet struct {
	cur, prev hashTable
	limit     int
}

// NewKeySet returns a set remembering about the last limit keys (0: all).
func NewKeySet(limit int) *KeySet { return &KeySet{limit: limit} }

// Seen records h and tells whether it was already there.
func (k *KeySet) Seen(h uint64) bool {
	if h == 0 {
		h = 1 // 0 marks an empty slot
	}
	if k.cur.has(h) || k.prev.has(h) {
		return true
	}
	if k.limit > 0 && k.cur.n >= k.limit/2 {
		k.prev, k.cur = k.cur, hashTable{}
	}
	k.cur.add(h)
	return false
}

// SeenKey records a key's text and tells whether it was already there. A
// canonical decimal integer (digits, an optional minus, no leading zero) is
// kept as its value rather than its hash, and the table places such values
// eight to a cache line in order: ascending ids, the most common key, then
// cost a cache miss per eight keys instead of one per key. Other text is
// kept as its 64-bit hash.
func (k *KeySet) SeenKey(v string) bool { return k.Seen(keyValue(v)) }

// intKeyMark sets integer keys apart from the hashes of text keys; its low
// bits are zero so that keys in one aligned block of eight stay in one.
const intKeyMark = 0x6a09e667f3bcc900

// keyValue is what a [KeySet] keeps for a key's text.
func keyValue(v string) uint64 {
	if n, ok := canonicalInt(v); ok {
		return uint64(n) ^ intKeyMark
	}
	return xxhash.Sum64String(v)
}

// canonicalInt reads an integer written the one way its value prints, so
// that equal values are equal texts: "7" but not "07", "+7" or "-0". It
// takes at most 18 digits, which cannot overflow.
func canonicalInt(v string) (int64, bool) {
	d := v
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 18 || (d[0] == '0' && (len(d) > 1 || len(v) > 1)) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(v) > len(d) {
		n = -n
	}
	return n, true
}

// Len returns how many keys are remembered.
func (k *KeySet) Len() int { return k.cur.n + k.prev.n }

// Bytes returns the memory held by the set's tables.
func (k *KeySet) Bytes() int { return 8 * (len(k.cur.slots) + len(k.prev.slots)) }

type hashTable struct {
	slots []uint64
	n     int
}

func (t *hashTable) has(h uint64) bool {
	if t.n == 0 {
		return false
	}
	mask := uint64(len(t.slots) - 1)
	for i := slotOf(h, mask); ; i = (i + 1) & mask {
		switch t.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// slotOf is where the table starts looking for h: the block h/8 at a
// scrambled place, h's low three bits within it. Random hashes land at
// random; consecutive integers share a cache line.
func slotOf(h, mask uint64) uint64 {
	b := h >> 3
	b ^= b >> 33
	b *= 0xff51afd7ed558ccd
	b ^= b >> 33
	return (b<<3 | h&7) & mask
}

func (t *hashTable) add(h uint64) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]uint64, max(64, 2*len(old)))
		t.n = 0
		for _, v := range old {
			if v != 0 {
				t.insert(v)
			}
		}
	}
	t.insert(h)
}

func (t *hashTable) insert(h uint64) {
	mask := uint64(len(t.slots) - 1)
	i := slotOf(h, mask)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h
	t.n++
}

// textSample is a uniform sample of a field's text values, for the most
// frequent values in reports. Once full it follows Li's algorithm L: it
// draws how many values to skip, so most values cost a comparison.
// Replacing a slot keeps the value's string alive; nothing is copied.
type textSample struct {
	n, next uint64
	w       float64
	vals    []string
	cap     int
	rng     rng
}

func (t *textSample) add(v string) {
	t.n++
	if len(t.vals) < t.cap {
		t.vals = append(t.vals, v)
		if len(t.vals) == t.cap {
			t.w = math.Exp(math.Log(t.uniform()) / float64(t.cap))
			t.skip()
		}
		return
	}
	if t.n < t.next {
		return
	}
	t.vals[t.rng.intn(uint64(t.cap))] = v
	t.w *= math.Exp(math.Log(t.uniform()) / float64(t.cap))
	t.skip()
}

func (t *textSample) skip() {
	t.next = t.n + uint64(math.Floor(math.Log(t.uniform())/math.Log1p(-t.w))) + 1
}

// uniform returns a value in (0, 1).
func (t *textSample) uniform() float64 {
	for {
		if u := t.rng.float64(); u > 0 {
			return u
		}
	}
}

// top returns the k most frequent values of the sample with their shares.
func (t *textSample) top(k int) []TopValue {
	counts := map[string]int{}
	for _, v := range t.vals {
		counts[v]++
	}
	out := make([]TopValue, 0, len(counts))
	for v, n := range counts {
		out = append(out, TopValue{Value: v, Share: float64(n) / float64(len(t.vals))})
	}
	slices.SortFunc(out, func(a, b TopValue) int {
		if a.Share != b.Share {
			if a.Share > b.Share {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(k, len(out))]
}
