package infer

import "math"

// hashValue hashes a value the way every sketch in this package does, so
// that sketches of different columns and tables can be compared: FNV-1a over
// the ASCII-lower-cased bytes. Numbers are hashed after cutting a trailing
// ".0…" (see classifyNumber), so 14 and 14.0 hash alike.
func hashValue(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(lower(s[i]))
		h *= 1099511628211
	}
	// FNV's low bits are weak for short keys: finish with a 64-bit mixer
	// (splitmix64) so that the bottom-k sample is uniform.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	if h == 0 {
		h = 1
	}
	return h
}

// HashValue is the hash behind [Field.Distincts]: values are compared after
// trimming blanks, ASCII case folding and cutting a trailing ".0" from
// decimal numbers.
func HashValue(s string) uint64 {
	s = trimBlank(s)
	v := classify(s)
	if v.typ == Decimal {
		s = s[:v.normTo]
	}
	return hashValue(s)
}

// hashSet is an open-addressing set of non-zero 64-bit hashes.
type hashSet struct {
	slots []uint64
	n     int
}

func (s *hashSet) add(h uint64) (added bool) {
	if len(s.slots) == 0 {
		s.slots = make([]uint64, 1024)
	}
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// bottomK keeps the k values with the smallest hashes: a coordinated
// sample of the distinct values (two columns that share a value keep it in
// both samples when its hash is small enough) and an estimate of the number
// of distinct values (the KMV estimator).
type bottomK struct {
	k    int
	hash []uint64 // max-heap on hash
	val  []string
}

func (b *bottomK) offer(h uint64, s string) {
	if len(b.hash) == b.k && h >= b.hash[0] {
		return
	}
	for _, x := range b.hash {
		if x == h {
			return
		}
	}
	s = clone(s)
	if len(b.hash) < b.k {
		b.hash = append(b.hash, h)
		b.val = append(b.val, s)
		for i := len(b.hash) - 1; i > 0; {
			p := (i - 1) / 2
			if b.hash[p] >= b.hash[i] {
				break
			}
			b.hash[p], b.hash[i] = b.hash[i], b.hash[p]
			b.val[p], b.val[i] = b.val[i], b.val[p]
			i = p
		}
		return
	}
	b.hash[0], b.val[0] = h, s
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(b.hash) && b.hash[l] > b.hash[m] {
			m = l
		}
		if r < len(b.hash) && b.hash[r] > b.hash[m] {
			m = r
		}
		if m == i {
			break
		}
		b.hash[m], b.hash[i] = b.hash[i], b.hash[m]
		b.val[m], b.val[i] = b.val[i], b.val[m]
		i = m
	}
}

// estimate returns the KMV estimate of the number of distinct values.
func (b *bottomK) estimate() int64 {
	if len(b.hash) < b.k {
		return int64(len(b.hash))
	}
	frac := float64(b.hash[0]) / math.MaxUint64
	return int64(float64(b.k-1) / frac)
}

// threshold is the largest hash kept, or MaxUint64 while fewer than k
// distinct values have been seen (then the sample is complete).
func (b *bottomK) threshold() uint64 {
	if len(b.hash) < b.k {
		return math.MaxUint64
	}
	return b.hash[0]
}

// clone copies s so that a kept value does not pin the reader's buffer.
func clone(s string) string { return string(append([]byte(nil), s...)) }

// rng is xorshift64*, seeded per column so that samples are reproducible.
type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}
