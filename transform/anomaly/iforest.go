package anomaly

import "math"

// Forest is an isolation forest (Liu, Ting and Zhou, 2008): random trees that
// split on a random dimension at a random point between its bounds. Points
// that are easy to isolate (short paths) are anomalous. Building is
// deterministic for a given seed.
type Forest struct {
	nodes []node
	roots []int32
	psi   int
}

type node struct {
	dim         int32 // -1 for a leaf
	left, right int32
	split       float64
	size        int32 // rows in a leaf
}

// NewForest builds trees trees, each on sample rows drawn from data (each row
// a vector of the same length) with the given seed.
func NewForest(data [][]float64, trees, sample int, seed uint64) *Forest {
	f := &Forest{}
	if len(data) < 2 || trees <= 0 {
		return f
	}
	r := rng{seed}
	psi := min(sample, len(data))
	f.psi = psi
	limit := int(math.Ceil(math.Log2(float64(psi))))
	// The trees read one dimension at a time: column-major copies keep
	// each scan within one contiguous slice.
	b := builder{cols: make([][]float64, len(data[0])), r: &r, limit: limit}
	for d := range b.cols {
		col := make([]float64, len(data))
		for i, row := range data {
			col[i] = row[d]
		}
		b.cols[d] = col
	}
	perTree := min(2*psi-1, 1<<(limit+1)-1)
	f.nodes = make([]node, 0, trees*perTree)
	idx := make([]int, len(data))
	for i := range idx {
		idx[i] = i
	}
	sub := make([]int, psi)
	for range trees {
		// Partial Fisher-Yates: the first psi indexes are the sample.
		for i := range psi {
			j := i + int(r.intn(uint64(len(idx)-i)))
			idx[i], idx[j] = idx[j], idx[i]
		}
		copy(sub, idx[:psi])
		f.roots = append(f.roots, b.build(f, sub, 0))
	}
	return f
}

// builder holds what the recursive build of one tree reads.
type builder struct {
	cols  [][]float64 // cols[d][i] is dimension d of row i
	r     *rng
	limit int
}

func (b *builder) build(f *Forest, rows []int, depth int) int32 {
	id := int32(len(f.nodes))
	f.nodes = append(f.nodes, node{dim: -1, size: int32(len(rows))})
	if depth >= b.limit || len(rows) <= 1 {
		return id
	}
	dims := len(b.cols)
	// Try a few dimensions to find one with spread.
	for range 2 * dims {
		d := int(b.r.intn(uint64(dims)))
		col := b.cols[d]
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range rows {
			v := col[i]
			lo, hi = min(lo, v), max(hi, v)
		}
		if !(hi > lo) {
			continue
		}
		split := lo + b.r.float64()*(hi-lo)
		// Partition in place.
		j := 0
		for i, row := range rows {
			if col[row] < split {
				rows[i], rows[j] = rows[j], rows[i]
				j++
			}
		}
		if j == 0 || j == len(rows) {
			continue
		}
		left := b.build(f, rows[:j], depth+1)
		right := b.build(f, rows[j:], depth+1)
		f.nodes[id] = node{dim: int32(d), split: split, left: left, right: right}
		return id
	}
	return id
}

// avgPath is c(n), the average path length of an unsuccessful search in a
// binary search tree of n points.
func avgPath(n int) float64 {
	if n <= 1 {
		return 0
	}
	if n == 2 {
		return 1
	}
	h := math.Log(float64(n-1)) + 0.5772156649
	return 2*h - 2*float64(n-1)/float64(n)
}

// Score returns the anomaly score of x in (0, 1): near 1 is anomalous, at
// or below 0.5 is normal. It does not allocate.
func (f *Forest) Score(x []float64) float64 {
	if len(f.roots) == 0 {
		return 0
	}
	var total float64
	for _, root := range f.roots {
		n, depth := root, 0
		for {
			nd := &f.nodes[n]
			if nd.dim < 0 {
				total += float64(depth) + avgPath(int(nd.size))
				break
			}
			if x[nd.dim] < nd.split {
				n = nd.left
			} else {
				n = nd.right
			}
			depth++
		}
	}
	mean := total / float64(len(f.roots))
	return math.Pow(2, -mean/avgPath(f.psi))
}
