package anomaly

import (
	"fmt"
	"math"
	"slices"
)

// Detector learns what is normal for each field of a table and flags the
// values that are not. Use it in two passes over a file ([Detector.Learn]
// every row, [Detector.Freeze], then [Detector.Check] every row) or online
// over a stream ([Detector.Observe], which learns and, after a warm-up,
// checks). A Detector is not safe for concurrent use.
type Detector struct {
	cfg Config
	th  thresholds

	names  []string
	states []*fieldState
	models []model
	keys   []*KeySet
	counts []Counts

	rows    rowSample
	scratch []float64

	forest     *Forest
	forestCols []int
	forestGate float64 // Σz² a row needs before it is scored

	frozen      bool
	learned     uint64
	sinceFreeze uint64
	checked     uint64
	rowOutliers uint64

	// per-row scratch for Check: each value's z, whether it was flagged,
	// and its scan (format and number), which Observe reuses to learn.
	zs      []float64
	flagged []bool
	fmts    []Format
	xs      []float64
}

// Counts are what a field's checks found.
type Counts struct {
	// Cells checked; Nulls among them; Required cells are those checked
	// while the field was required (not nullable).
	Cells, Nulls, Required uint64
	// Typed cells are non-null cells of a field with a dominant format;
	// Numeric cells are non-null cells of a numeric field; Keys are
	// non-null cells of a unique-key field.
	Typed, Numeric, Keys uint64
	// ByKind counts the anomalies of each kind (indexed by [Kind]).
	ByKind [numKinds]uint64
}

// New returns a detector for the given configuration. The configuration is
// copied, defaulted and validated.
func New(cfg Config) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("anomaly config: %w", err)
	}
	cfg = cfg.withDefaults()
	cfg.Bounds = clonedBounds(cfg.Bounds)
	cfg.Keys = slices.Clone(cfg.Keys)
	cfg.Nullable = slices.Clone(cfg.Nullable)
	d := &Detector{cfg: cfg, th: thresholdsFor(*cfg.Sensitivity)}
	d.rows = rowSample{cap: 1024, rng: rng{cfg.Seed ^ 0x2545f4914f6cdd1d}}
	return d, nil
}

func clonedBounds(b map[string]Bounds) map[string]Bounds {
	out := make(map[string]Bounds, len(b))
	for k, v := range b {
		out[k] = v
	}
	return out
}

// ensure grows the per-field state to the header's width (JSON Lines
// headers grow as keys appear).
func (d *Detector) ensure(header []string) {
	for i := len(d.states); i < len(header); i++ {
		d.states = append(d.states, d.newFieldState(i, header[i]))
		d.names = append(d.names, header[i])
		d.counts = append(d.counts, Counts{})
		d.keys = append(d.keys, nil)
		d.scratch = append(d.scratch, 0)
		d.zs = append(d.zs, 0)
		d.flagged = append(d.flagged, false)
		d.fmts = append(d.fmts, FormatText)
		d.xs = append(d.xs, math.NaN())
	}
	for i := range min(len(header), len(d.names)) {
		d.names[i] = header[i]
	}
}

func (d *Detector) newFieldState(i int, name string) *fieldState {
	s := newFieldState(d.cfg.SampleSize, d.cfg.Seed+uint64(i)*0x9e3779b97f4a7c15)
	s.hashAll = slices.Contains(d.cfg.Keys, name) || keyLike(name, FormatText)
	return s
}

// Learn takes one row into the statistics. header names the values'
// columns; it may grow between calls but not reorder.
func (d *Detector) Learn(header, values []string, nulls []bool) {
	if len(values) > len(d.states) || len(header) > len(d.states) {
		d.ensure(header)
	}
	for i, v := range values {
		d.scratch[i] = d.states[i].learn(v, nulls[i])
	}
	for i := len(values); i < len(d.states); i++ {
		d.scratch[i] = d.states[i].learn("", true)
	}
	d.rows.add(d.scratch)
	d.learned++
	d.sinceFreeze++
}

// Freeze turns what was learned into the thresholds that [Detector.Check]
// applies. It can be called again later to refresh them.
func (d *Detector) Freeze() {
	d.models = d.models[:0]
	for i, s := range d.states {
		name := d.names[i]
		m := s.freeze(name, &d.cfg, d.th, slices.Contains(d.cfg.Keys, name), slices.Contains(d.cfg.Nullable, name))
		if m.key && d.keys[i] == nil {
			d.keys[i] = NewKeySet(d.cfg.KeyWindow)
		}
		d.models = append(d.models, m)
	}
	d.buildForest()
	d.prepare()
	d.frozen = true
	d.sinceFreeze = 0
}

func (d *Detector) buildForest() {
	d.forest, d.forestCols = nil, d.forestCols[:0]
	if !*d.cfg.IsolationForest {
		return
	}
	for i := range d.models {
		if m := &d.models[i]; m.numeric && m.outliers && !m.key {
			d.forestCols = append(d.forestCols, i)
		}
	}
	if len(d.forestCols) < 2 || len(d.rows.rows) < 64 {
		d.forestCols = d.forestCols[:0]
		return
	}
	// The forest learns from the sampled rows whose values are all within
	// the per-field fences: rows already known to be outliers would only
	// widen the space and blunt the isolation of the others.
	data := make([][]float64, 0, len(d.rows.rows))
rows:
	for _, row := range d.rows.rows {
		v := make([]float64, len(d.forestCols))
		for j, c := range d.forestCols {
			v[j] = d.models[c].zOf(at(row, c))
			if math.Abs(v[j]) > d.th.k {
				continue rows
			}
		}
		data = append(data, v)
	}
	if len(data) < 64 {
		d.forestCols = d.forestCols[:0]
		return
	}
	d.forest = NewForest(data, d.cfg.Trees, d.cfg.TreeSample, d.cfg.Seed)
	d.forestGate = chi2Quantile(len(d.forestCols), d.th.forestZ)
}

func at(row []float64, i int) float64 {
	if i < len(row) {
		return row[i]
	}
	return math.NaN()
}

// prepare derives what the models compute from their saved fields.
func (d *Detector) prepare() {
	zb := 0.0
	if d.forest != nil {
		zb = math.Sqrt(d.forestGate / float64(len(d.forestCols)))
	}
	for i := range d.models {
		d.models[i].prepare(zb)
	}
}

// zOf returns the value's signed distance from the centre in scale units,
// clamped to ±50, and 0 for a missing value.
func (m *model) zOf(x float64) float64 {
	if math.IsNaN(x) || (m.tf == logT && x <= 0) {
		return 0
	}
	z := (m.tf.apply(x, m.c) - m.center) / m.scale
	return max(-50, min(50, z))
}

// Check judges one row against the frozen models and calls emit for every
// anomalous value: at most one finding per (row, field), the most specific
// kind. Check before [Detector.Freeze] finds nothing.
func (d *Detector) Check(row int64, header, values []string, nulls []bool, emit func(Finding)) {
	if !d.frozen {
		return
	}
	d.checked++
	n := min(len(values), len(d.models))
	for i := range n {
		m := &d.models[i]
		c := &d.counts[i]
		c.Cells++
		null := nulls[i]
		if null {
			c.Nulls++
		}
		if m.required {
			c.Required++
		}
		if !null {
			if m.checkFormat {
				c.Typed++
			}
			if m.numeric {
				c.Numeric++
			}
			if m.key {
				c.Keys++
			}
		}
		f, x := FormatText, math.NaN()
		if !null {
			f, x = scan(values[i])
		}
		d.fmts[i], d.xs[i] = f, x
		k, _, detail := m.check(values[i], null, f, x, d.keys[i])
		d.flagged[i] = k != None
		// Outside its box, a value may open the forest's gate.
		d.zs[i] = 0
		if !null && (x < m.boxLo || x > m.boxHi) {
			d.zs[i] = 1
		}
		if k == None {
			continue
		}
		c.ByKind[k]++
		emit(Finding{Row: row, Col: i, Field: m.name, Kind: k, Detail: detail})
	}
	for i := n; i < len(d.models); i++ { // a short row: the rest are null
		d.counts[i].Cells++
		d.counts[i].Nulls++
		d.zs[i], d.flagged[i] = 0, false
		if m := &d.models[i]; m.required {
			d.counts[i].Required++
			d.counts[i].ByKind[UnexpectedNull]++
			d.flagged[i] = true
			emit(Finding{Row: row, Col: i, Field: m.name, Kind: UnexpectedNull, Detail: "field missing from the row"})
		}
	}
	if d.forest != nil {
		d.checkRow(row, emit)
	}
}

// checkRow scores the row with the isolation forest when its numeric values
// are, together, far enough from their centres to be worth it (Σz² beyond
// the gate, a far quantile of the χ² distribution it would follow if the
// transformed fields were independent and normal), and reports a row outlier on its most deviant field that was not
// already flagged.
func (d *Detector) checkRow(row int64, emit func(Finding)) {
	// Every value inside its box (|z| < √(gate/d)) cannot reach the gate:
	// the common case costs no logarithm.
	out := false
	for _, c := range d.forestCols {
		out = out || d.zs[c] != 0
	}
	if !out {
		return
	}
	var sum float64
	for _, c := range d.forestCols {
		z := d.models[c].zOf(d.xs[c])
		d.zs[c] = z
		sum += z * z
	}
	if sum < d.forestGate {
		return
	}
	x := d.scratch[:len(d.forestCols)]
	best, bestZ := -1, 0.0
	for j, c := range d.forestCols {
		z := d.zs[c]
		x[j] = z
		if d.flagged[c] {
			return // the row already has a specific finding
		}
		if math.Abs(z) > bestZ {
			best, bestZ = c, math.Abs(z)
		}
	}
	s := d.forest.Score(x)
	if s < d.th.forestScore || best < 0 {
		return
	}
	d.rowOutliers++
	d.counts[best].ByKind[Outlier]++
	emit(Finding{Row: row, Col: best, Field: d.models[best].name, Kind: Outlier,
		Detail: fmt.Sprintf("row isolated by the isolation forest (score %.2f); largest deviation here, z %.1f", s, d.zs[best])})
}

// Observe is the streaming form: it checks the row (once the warm-up is
// over) and then learns from it. Fences are recomputed every Refresh rows.
func (d *Detector) Observe(row int64, header, values []string, nulls []bool, emit func(Finding)) {
	if d.learned >= uint64(d.cfg.WarmUp) && (!d.frozen || d.sinceFreeze >= d.refreshInterval() || len(values) > len(d.models)) {
		d.Freeze()
	}
	if !d.frozen || len(values) > len(d.models) || len(header) > len(d.models) {
		d.Check(row, header, values, nulls, emit)
		d.Learn(header, values, nulls)
		return
	}
	d.Check(row, header, values, nulls, emit)
	// Learn from the scans Check made.
	for i, v := range values {
		d.scratch[i] = d.states[i].learnScanned(v, nulls[i], d.fmts[i], d.xs[i])
	}
	for i := len(values); i < len(d.states); i++ {
		d.scratch[i] = d.states[i].learn("", true)
	}
	d.rows.add(d.scratch)
	d.learned++
	d.sinceFreeze++
}

// refreshInterval is how many rows Observe learns between two refreshes.
func (d *Detector) refreshInterval() uint64 {
	every := uint64(d.cfg.Refresh)
	if d.cfg.RefreshDoubling {
		every = max(every, d.learned-d.sinceFreeze)
	}
	return every
}

// rowSample is a reservoir of whole rows of numbers for the forest.
type rowSample struct {
	n    uint64
	cap  int
	rows [][]float64
	rng  rng
}

func (r *rowSample) add(row []float64) {
	r.n++
	if len(r.rows) < r.cap {
		r.rows = append(r.rows, slices.Clone(row))
		return
	}
	if j := r.rng.intn(r.n); j < uint64(r.cap) {
		r.rows[j] = append(r.rows[j][:0], row...)
	}
}
