package infer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/ingest/file"
	"github.com/heliosdb/helios-etl/schemas"
)

// Config sets how much a [Profiler] keeps. The zero value is usable: every
// zero field takes its default.
type Config struct {
	// SampleRows is how many data rows [InferFile] reads (default 10,000;
	// negative reads the whole input).
	SampleRows int `toml:"sample_rows"`
	// Reservoir is how many values per column are kept as a uniform random
	// sample, for semantic kinds and for matching (default 256).
	Reservoir int `toml:"reservoir"`
	// Distincts is how many distinct values per column are kept as a
	// bottom-k coordinated sample, for overlap and foreign keys (default 256).
	Distincts int `toml:"distincts"`
	// ExactDistinct bounds the exact distinct-value set per column (default
	// 1<<15 values, or 1<<17 while no duplicate has been seen so that
	// candidate keys stay exact that far); past it counts are bottom-k
	// estimates, and a column in which no value repeated while the set was
	// exact is reported unique when the estimate reaches 80% of its values
	// (three standard errors of a 256-value bottom-k estimate).
	ExactDistinct int `toml:"exact_distinct"`
}

func (c Config) withDefaults() Config {
	if c.SampleRows == 0 {
		c.SampleRows = 10_000
	}
	if c.Reservoir <= 0 {
		c.Reservoir = 256
	}
	if c.Distincts <= 0 {
		c.Distincts = 256
	}
	if c.ExactDistinct <= 0 {
		c.ExactDistinct = 1 << 15
	}
	return c
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Reservoir > 1<<20 {
		errs = append(errs, fmt.Errorf("infer: reservoir %d is too large (max %d)", c.Reservoir, 1<<20))
	}
	if c.Distincts > 1<<20 {
		errs = append(errs, fmt.Errorf("infer: distincts %d is too large (max %d)", c.Distincts, 1<<20))
	}
	return errors.Join(errs...)
}

// Change records one widening of a column's type as data arrived.
type Change struct {
	From   Type   `json:"from"`
	To     Type   `json:"to"`
	Line   int    `json:"line"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// MarshalText writes the type's name.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a type's name.
func (t *Type) UnmarshalText(b []byte) error {
	v, ok := ParseType(string(b))
	if !ok {
		return fmt.Errorf("unknown type %q", b)
	}
	*t = v
	return nil
}

// exactUniqueMax is how far the exact set grows while a column has no
// repeated value.
const exactUniqueMax = 1 << 17

// Field is the inferred schema of one column.
type Field struct {
	Name     string `json:"name"`
	Type     Type   `json:"type"`
	Semantic string `json:"semantic"`
	Nullable bool   `json:"nullable"`
	// Unique is true for a candidate key: no null and no repeated value.
	Unique bool `json:"unique"`
	// Count is the number of non-null values, Nulls the number of nulls
	// (empty fields and null words, see [IsNullWord]).
	Count int64 `json:"count"`
	Nulls int64 `json:"nulls"`
	// Distinct counts distinct values; DistinctExact is false when it is a
	// bottom-k estimate.
	Distinct      int64 `json:"distinct"`
	DistinctExact bool  `json:"distinct_exact"`
	// Min and Max are set for numbers, dates and timestamps.
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
	// MinLength and MaxLength are the value lengths in bytes.
	MinLength int `json:"min_length"`
	MaxLength int `json:"max_length"`
	// Format is the date layout ("MM/DD/YYYY", "YYYY-MM-DDTHH:mm:ss"), the
	// boolean words ("y/n") or the number format ("$", "1,000", "%").
	Format string `json:"format,omitempty"`
	// Dominant is the type most values fit when Type had to widen to
	// string (numbers of all kinds count together), with its share of the
	// non-null values; it lets matching see "mostly decimal" columns.
	Dominant      Type    `json:"dominant_type,omitempty"`
	DominantShare float64 `json:"dominant_share,omitempty"`
	// Widened lists the type changes seen while reading (at most 8).
	Widened []Change `json:"widened,omitempty"`

	// Sample is a uniform sample of the non-null values (reservoir).
	Sample []string `json:"-"`
	// RowSample holds the column's values in a uniform sample of at most
	// [RowSampleSize] rows, the same rows in the same order for every
	// column of a schema ("" for a null), so that two tables can be joined
	// on the entities they share.
	RowSample []string `json:"-"`
	// Distincts is a coordinated bottom-k sample of the distinct values and
	// DistinctHashes their hashes ([HashValue]), in the same order;
	// DistinctThreshold is the largest hash a value may have to be kept
	// (MaxUint64 when the sample holds every distinct value).
	Distincts         []string `json:"-"`
	DistinctHashes    []uint64 `json:"-"`
	DistinctThreshold uint64   `json:"-"`
	// Mean and Std describe numbers.
	Mean float64 `json:"-"`
	Std  float64 `json:"-"`

	minNum, maxNum float64
	maxFrac        int
	currencySymbol bool
}

// Schema is the inferred schema of a table.
type Schema struct {
	Rows        int64 `json:"rows"`
	SkippedRows int64 `json:"skipped_rows"`
	// Skipped names the first rows that could not be read (file:line:
	// cause), at most 5.
	Skipped []string `json:"skipped,omitempty"`
	Fields  []Field  `json:"fields"`
}

// Field returns the field with the given name.
func (s *Schema) Field(name string) (*Field, bool) {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// Profiler accumulates a schema from rows. It is not safe for concurrent
// use; profile partitions separately and merge the schemas with [Evolve].
type Profiler struct {
	cfg     Config
	cols    []*column
	rows    int64
	skipped int64
	// rowRng draws the row sample (see [Field.RowSample]); rowN is the
	// number of rows it holds
	rowRng rng
	rowN   int
}

// RowSampleSize is how many rows [Field.RowSample] keeps: the same uniform
// sample of rows for every column of a table.
const RowSampleSize = 1024

type column struct {
	name   string
	typ    Type
	n      int64
	nulls  int64
	counts [numTypes]int64

	dates  layoutSet
	clock  clockSet
	boolW  boolWords
	nflags numFlags

	minNum, maxNum float64
	shift, sum     float64
	sumSq          float64
	nNum           int64
	maxFrac        int
	minDay, maxDay int32
	minLen, maxLen int

	set    hashSet
	dup    bool
	exact  bool
	bottom bottomK

	reservoir []string
	rng       rng
	rowSample []string

	changes []Change
}

// NewProfiler returns a profiler for rows with the given header. Rows may
// later carry more fields than the header (JSON Lines learn keys as they
// go); the new columns are null in the rows before.
func NewProfiler(header []string, cfg Config) *Profiler {
	p := &Profiler{cfg: cfg.withDefaults(), rowRng: rng(0x2545F4914F6CDD1D)}
	for _, h := range header {
		p.addColumn(h)
	}
	return p
}

func (p *Profiler) addColumn(name string) {
	c := &column{
		name:   name,
		nulls:  p.rows,
		exact:  true,
		minNum: math.Inf(1), maxNum: math.Inf(-1),
		minDay: math.MaxInt32, maxDay: math.MinInt32,
		minLen: math.MaxInt,
		bottom: bottomK{k: p.cfg.Distincts},
		rng:    rng(0x9E3779B97F4A7C15 ^ uint64(len(p.cols)+1)*0xD1B54A32D192ED03),
	}
	c.reservoir = make([]string, 0, p.cfg.Reservoir)
	c.rowSample = make([]string, p.rowN, RowSampleSize) // null in the rows before
	p.cols = append(p.cols, c)
}

// Observe adds one row. values[i] belongs to header column i; null[i], when
// null is not nil, marks nulls; line is used in [Change] records. names,
// which may be nil, is the current header: when a row has more fields than
// the profiler has columns (JSON Lines learn keys as they go), the new
// columns take their names from it.
func (p *Profiler) Observe(values []string, null []bool, line int, names []string) {
	for len(p.cols) < len(values) {
		name := fmt.Sprintf("column_%d", len(p.cols)+1)
		if len(p.cols) < len(names) {
			name = names[len(p.cols)]
		}
		p.addColumn(name)
	}
	p.rows++
	// one uniform sample of whole rows (reservoir over rows): slot is
	// where this row goes, -1 when it is not kept
	slot := -1
	if p.rowN < RowSampleSize {
		slot = p.rowN
		p.rowN++
	} else if j, _ := bits.Mul64(p.rowRng.next(), uint64(p.rows)); j < RowSampleSize {
		slot = int(j)
	}
	for i, c := range p.cols {
		isNull := i >= len(values) || (null != nil && null[i])
		if slot >= 0 {
			v := ""
			if !isNull {
				v = clone(trimBlank(values[i]))
			}
			if slot == len(c.rowSample) {
				c.rowSample = append(c.rowSample, v)
			} else {
				c.rowSample[slot] = v
			}
		}
		if isNull {
			c.nulls++
			continue
		}
		c.observe(values[i], line, &p.cfg)
	}
}

// Skip counts a row that could not be read.
func (p *Profiler) Skip() { p.skipped++ }

func (c *column) observe(s string, line int, cfg *Config) {
	s = trimBlank(s)
	if len(s) == 0 || ((s[0] == 'n' || s[0] == 'N' || s[0] == '-' || s[0] == '#') && len(s) <= 13 && IsNullWord(s)) {
		c.nulls++
		return
	}
	c.n++
	v := classify(s)
	c.counts[v.typ]++
	if v.typ != c.typ {
		c.widen(v.typ, s, line)
	}
	key := s
	switch v.typ {
	case Integer, Decimal, Float:
		if v.num < c.minNum {
			c.minNum = v.num
		}
		if v.num > c.maxNum {
			c.maxNum = v.num
		}
		// shifted sums: no division per value, and stable because
		// values are taken relative to the first one
		if c.nNum == 0 {
			c.shift = v.num
		}
		c.nNum++
		d := v.num - c.shift
		c.sum += d
		c.sumSq += d * d
		if int(v.frac) > c.maxFrac {
			c.maxFrac = int(v.frac)
		}
		c.nflags |= v.flags
		key = s[:v.normTo]
	case Date, Timestamp:
		if c.counts[Date]+c.counts[Timestamp] == 1 {
			c.dates = v.dates
		} else {
			c.dates &= v.dates
		}
		c.clock |= v.clock
		c.minDay = min(c.minDay, v.day)
		c.maxDay = max(c.maxDay, v.day)
	case Boolean:
		c.boolW |= v.boolW
	}
	if len(s) < c.minLen {
		c.minLen = len(s)
	}
	if len(s) > c.maxLen {
		c.maxLen = len(s)
	}
	h := hashValue(key)
	if c.exact {
		if !c.set.add(h) {
			c.dup = true
		}
		if c.set.n >= cfg.ExactDistinct && (c.dup || c.set.n >= exactUniqueMax) {
			c.exact = false
			c.set = hashSet{}
		}
	}
	c.bottom.offer(h, key)
	if len(c.reservoir) < cap(c.reservoir) {
		c.reservoir = append(c.reservoir, clone(s))
	} else if j, _ := bits.Mul64(c.rng.next(), uint64(c.n)); j < uint64(len(c.reservoir)) {
		// j is uniform in [0, n) (Lemire's multiply-shift, no division)
		c.reservoir[j] = clone(s)
	}
}

func (c *column) widen(t Type, s string, line int) {
	to, forced := Widen(c.typ, t)
	if to == c.typ {
		return
	}
	if c.typ != Unknown && len(c.changes) < 8 {
		reason := fmt.Sprintf("%s value", t)
		if forced {
			reason = fmt.Sprintf("%s and %s values have no common type but string", c.typ, t)
		}
		c.changes = append(c.changes, Change{From: c.typ, To: to, Line: line, Value: clone(s), Reason: reason})
	}
	c.typ = to
}

// Schema returns the schema of the rows observed so far. The profiler can
// go on observing afterwards.
func (p *Profiler) Schema() Schema {
	s := Schema{Rows: p.rows, SkippedRows: p.skipped, Fields: make([]Field, len(p.cols))}
	for i, c := range p.cols {
		s.Fields[i] = c.field(p.rows)
	}
	return s
}

func (c *column) field(rows int64) Field {
	f := Field{
		Name: c.name, Type: c.typ, Count: c.n, Nulls: c.nulls,
		Nullable: c.nulls > 0 || c.n == 0,
		Widened:  slices.Clone(c.changes),
	}
	if c.typ == Unknown {
		f.Type = String // only nulls: nothing says otherwise
	}
	if c.typ == String && c.n > 0 {
		best, bn := String, c.counts[String]
		num := c.counts[Integer] + c.counts[Decimal] + c.counts[Float]
		if num > bn {
			best, bn = Float, num
			switch {
			case c.counts[Float] > 0:
			case c.counts[Decimal] > 0:
				best = Decimal
			default:
				best = Integer
			}
		}
		for _, t := range []Type{Boolean, Date, Timestamp, UUID, JSON} {
			if c.counts[t] > bn {
				best, bn = t, c.counts[t]
			}
		}
		if best != String {
			f.Dominant, f.DominantShare = best, float64(bn)/float64(c.n)
		}
	}
	if c.exact {
		f.Distinct, f.DistinctExact = int64(c.set.n), true
		f.Unique = !c.dup && c.nulls == 0 && c.n > 1
	} else {
		f.Distinct = c.bottom.estimate()
		f.Unique = !c.dup && c.nulls == 0 && f.Distinct >= c.n*80/100
	}
	if c.n > 0 {
		f.MinLength, f.MaxLength = c.minLen, c.maxLen
	}
	switch {
	case c.typ.Numeric():
		f.Min = strconv.FormatFloat(c.minNum, 'g', -1, 64)
		f.Max = strconv.FormatFloat(c.maxNum, 'g', -1, 64)
		n := float64(c.nNum)
		f.Mean = c.shift + c.sum/n
		if c.nNum > 1 {
			f.Std = math.Sqrt(max(0, (c.sumSq-c.sum*c.sum/n)/(n-1)))
		}
		var fm []string
		if c.nflags&numCurrency != 0 {
			fm = append(fm, "$")
			f.currencySymbol = true
		}
		if c.nflags&numThousands != 0 {
			fm = append(fm, "1,000")
		}
		if c.nflags&numPercent != 0 {
			fm = append(fm, "%")
		}
		if c.nflags&numExponent != 0 {
			fm = append(fm, "1e3")
		}
		f.Format = strings.Join(fm, " ")
	case c.typ.Temporal():
		f.Min, f.Max = dayString(c.minDay), dayString(c.maxDay)
		switch l := c.dates.first(); {
		case l == "":
			f.Format = "mixed"
		case c.typ == Timestamp && c.counts[Date] == 0:
			f.Format = l + c.clock.layout()
		default:
			f.Format = l
		}
	case c.typ == Boolean:
		f.Format = strings.Join(c.boolW.names(), " ")
	}
	f.minNum, f.maxNum, f.maxFrac = c.minNum, c.maxNum, c.maxFrac
	f.Sample = slices.Clone(c.reservoir)
	f.RowSample = slices.Clone(c.rowSample)
	f.Distincts = slices.Clone(c.bottom.val)
	f.DistinctHashes = slices.Clone(c.bottom.hash)
	f.DistinctThreshold = c.bottom.threshold()
	f.Semantic = semantic(c.name, f.Type, &f, f.Sample)
	return f
}

// dayString formats days since 1970-01-01 as YYYY-MM-DD.
func dayString(d int32) string {
	y, m, dd := schemas.Civil(int64(d))
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// InferFile reads up to cfg.SampleRows rows of a CSV, TSV or JSON Lines file
// (see [file.Open]) and returns its schema. Rows that cannot be read are
// skipped and counted in [Schema.SkippedRows].
func InferFile(path string, cfg Config) (Schema, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Schema{}, err
	}
	r, err := file.Open(path)
	if err != nil {
		return Schema{}, err
	}
	defer r.Close()
	p := NewProfiler(r.Header(), cfg)
	var skipped []string
	for n := 0; cfg.SampleRows < 0 || n < cfg.SampleRows; n++ {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if re, ok := errors.AsType[*file.RowError](err); ok {
			p.Skip()
			if len(skipped) < 5 {
				skipped = append(skipped, re.Error())
			}
			continue
		}
		if err != nil {
			return Schema{}, err
		}
		p.Observe(row.Values, row.Null, row.Line, r.Header())
	}
	s := p.Schema()
	s.Skipped = skipped
	return s, nil
}

// String renders the schema as JSON, for debugging.
func (s Schema) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}
