package match

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// Config sets the matcher. The zero value is usable.
type Config struct {
	// Threshold is the confidence below which a pair is not proposed
	// (abstention); default 0.5.
	Threshold float64 `toml:"threshold"`
	// Overrides maps source columns to target columns and always wins. An
	// empty target ("" or "-") keeps the source column unmapped.
	Overrides map[string]string `toml:"overrides"`
}

// DefaultThreshold is the default [Config.Threshold].
const DefaultThreshold = 0.5

func (c Config) withDefaults() Config {
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	return c
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Threshold < 0 || c.Threshold > 1 {
		errs = append(errs, fmt.Errorf("match: threshold %v is outside [0,1]", c.Threshold))
	}
	seen := map[string]string{}
	for s, t := range c.Overrides {
		if s == "" {
			errs = append(errs, errors.New("match: override with an empty source column"))
		}
		if t == "" || t == "-" {
			continue
		}
		if prev, ok := seen[t]; ok {
			a, b := min(prev, s), max(prev, s)
			errs = append(errs, fmt.Errorf("match: overrides map both %q and %q to target %q", a, b, t))
		}
		seen[t] = s
	}
	return errors.Join(errs...)
}

// Store keeps accepted mappings. Get returns nil and no error for a key it
// does not hold. The Pebble-backed state package and a JSON file both fit.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, val []byte) error
}

// Origins of a [Mapping].
const (
	OriginInferred = "inferred"
	OriginOverride = "override"
	OriginAccepted = "accepted"
)

// Evidence is the score of each kind of evidence for a pair, in [0,1].
// Values, Distribution and Overlap are -1 when a side has no values.
type Evidence struct {
	Name         float64 `json:"name"`
	Type         float64 `json:"type"`
	Overlap      float64 `json:"overlap"`
	Distribution float64 `json:"distribution"`
	Values       float64 `json:"values"`
	// Residual is the confidence of a pair proposed by residual matching
	// (values of the columns left once clear pairs are fixed); 0 for
	// pairs found otherwise.
	Residual float64 `json:"residual,omitempty"`
}

// Mapping pairs one source column with one target column.
type Mapping struct {
	Source     string     `json:"source"`
	Target     string     `json:"target"`
	Confidence float64    `json:"confidence"`
	Conversion Conversion `json:"conversion"`
	Origin     string     `json:"origin"`
	Evidence   Evidence   `json:"evidence"`
}

// Result is a one-to-one mapping: each source and each target column
// appears at most once, in Mappings or in an unmapped list.
type Result struct {
	Mappings       []Mapping `json:"mappings"`
	UnmappedSource []string  `json:"unmapped_source"`
	UnmappedTarget []string  `json:"unmapped_target"`
	Threshold      float64   `json:"threshold"`
}

// Matcher proposes mappings between schemas.
type Matcher struct {
	cfg   Config
	store Store
	// namesOnly scores pairs by their names alone: the baseline of the
	// evaluation.
	namesOnly bool
}

// New returns a matcher. store may be nil: accepted mappings are then
// neither reused nor stored.
func New(cfg Config, store Store) (*Matcher, error) {
	cfg = cfg.withDefaults()
	cfg.Overrides = maps.Clone(cfg.Overrides)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Matcher{cfg: cfg, store: store}, nil
}

// StoreKey is the key accepted mappings of two schemas are stored under:
// it depends on the column names of both sides only.
func StoreKey(src, tgt []infer.Field) string {
	h := sha256.New()
	for _, side := range [][]infer.Field{src, tgt} {
		names := make([]string, len(side))
		for i, f := range side {
			names[i] = f.Name
		}
		slices.Sort(names)
		h.Write([]byte(strings.Join(names, "\x00")))
		h.Write([]byte{0xff})
	}
	return "schema-mapping/" + hex.EncodeToString(h.Sum(nil)[:16])
}

type accepted struct {
	Mappings []struct {
		Source string `json:"source"`
		Target string `json:"target"`
	} `json:"mappings"`
}

// Match proposes a one-to-one mapping from src to tgt. Overrides come
// first, then mappings accepted earlier (from the store), then the best
// global assignment of the remaining columns. ctx bounds the store calls.
func (m *Matcher) Match(ctx context.Context, src, tgt []infer.Field) (Result, error) {
	for side, fs := range map[string][]infer.Field{"source": src, "target": tgt} {
		seen := map[string]bool{}
		for _, f := range fs {
			if seen[f.Name] {
				return Result{}, fmt.Errorf("%s column %q appears twice", side, f.Name)
			}
			seen[f.Name] = true
		}
	}
	fixed := map[string]string{}
	origin := map[string]string{}
	if m.store != nil {
		b, err := m.store.Get(ctx, StoreKey(src, tgt))
		if err != nil {
			return Result{}, fmt.Errorf("read accepted mappings: %w", err)
		}
		if b != nil {
			var a accepted
			if err := json.Unmarshal(b, &a); err != nil {
				return Result{}, fmt.Errorf("read accepted mappings: %w", err)
			}
			for _, p := range a.Mappings {
				fixed[p.Source], origin[p.Source] = p.Target, OriginAccepted
			}
		}
	}
	// overrides win over accepted mappings, including on the target side
	for s, t := range m.cfg.Overrides {
		for s2, t2 := range fixed {
			if t2 == t && s2 != s && t != "" && t != "-" {
				delete(fixed, s2)
			}
		}
		fixed[s], origin[s] = t, OriginOverride
	}
	for s, t := range fixed {
		if !hasField(src, s) {
			if origin[s] == OriginOverride {
				return Result{}, fmt.Errorf("override %s=%s: no source column %q", s, t, s)
			}
			delete(fixed, s)
		} else if t != "" && t != "-" && !hasField(tgt, t) {
			if origin[s] == OriginOverride {
				return Result{}, fmt.Errorf("override %s=%s: no target column %q", s, t, t)
			}
			delete(fixed, s)
		}
	}
	return m.match(src, tgt, fixed, origin), nil
}

func hasField(fs []infer.Field, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Accept stores the pairs of r so that later calls to Match with the same
// schemas reuse them.
func (m *Matcher) Accept(ctx context.Context, src, tgt []infer.Field, r Result) error {
	if m.store == nil {
		return errors.New("match: no store to accept mappings into")
	}
	var a accepted
	for _, mp := range r.Mappings {
		a.Mappings = append(a.Mappings, struct {
			Source string `json:"source"`
			Target string `json:"target"`
		}{mp.Source, mp.Target})
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := m.store.Put(ctx, StoreKey(src, tgt), b); err != nil {
		return fmt.Errorf("store accepted mappings: %w", err)
	}
	return nil
}

// column is one side's column prepared for scoring.
type column struct {
	name nameInfo
	val  valueInfo
}

func prepare(fs []infer.Field) []column {
	cols := make([]column, len(fs))
	names := make([]nameInfo, len(fs))
	for i := range fs {
		names[i] = prepareName(fs[i].Name)
	}
	setIDF(names)
	for i := range fs {
		cols[i] = column{name: names[i], val: prepareValues(&fs[i])}
		if cols[i].val.asTime != nil && namesIdentifier(&names[i]) {
			cols[i].val.asTime, cols[i].val.timeKind = nil, "" // account numbers, not instants
		}
	}
	return cols
}

// namesIdentifier reports a name that holds an identifier, code or number
// term (account_no, customer_id).
func namesIdentifier(n *nameInfo) bool {
	for _, c := range n.class {
		if c == "id" || c == "code" || c == "number" {
			return true
		}
	}
	return false
}

// views returns the values of s and t to compare: an integer column that
// reads as instants (valueInfo.asTime) is compared as such with a
// temporal column.
func views(s, t *valueInfo) (*valueInfo, *valueInfo) {
	switch {
	case s.asTime != nil && t.class == classTime:
		return s.asTime, t
	case t.asTime != nil && s.class == classTime:
		return s, t.asTime
	}
	return s, t
}

// Scores returns the confidence of every source × target pair with its
// evidence, before assignment.
func Scores(src, tgt []infer.Field) ([][]float64, [][]Evidence) {
	sc, tc := prepare(src), prepare(tgt)
	conf := make([][]float64, len(sc))
	ev := make([][]Evidence, len(sc))
	for i := range sc {
		conf[i] = make([]float64, len(tc))
		ev[i] = make([]Evidence, len(tc))
		for j := range tc {
			conf[i][j], ev[i][j] = score(&sc[i], &tc[j], false)
		}
	}
	return conf, ev
}

func (m *Matcher) match(src, tgt []infer.Field, fixed, origin map[string]string) Result {
	sc, tc := prepare(src), prepare(tgt)
	res := Result{Threshold: m.cfg.Threshold, Mappings: []Mapping{}, UnmappedSource: []string{}, UnmappedTarget: []string{}}
	usedS := make([]bool, len(sc))
	usedT := make([]bool, len(tc))
	idx := func(fs []infer.Field, name string) int {
		for i, f := range fs {
			if f.Name == name {
				return i
			}
		}
		return -1
	}
	for i := range src {
		t, ok := fixed[src[i].Name]
		if !ok {
			continue
		}
		usedS[i] = true
		if t == "" || t == "-" {
			continue
		}
		j := idx(tgt, t)
		usedT[j] = true
		_, ev := m.score(&sc[i], &tc[j])
		res.Mappings = append(res.Mappings, Mapping{
			Source: src[i].Name, Target: t, Confidence: 1, Origin: origin[src[i].Name],
			Conversion: conversionFor(&sc[i], &tc[j]), Evidence: ev,
		})
	}
	rows, cols := unused(usedS), unused(usedT)
	conf := make([][]float64, len(rows))
	evs := make([][]Evidence, len(rows))
	w := make([][]float64, len(rows))
	for a, i := range rows {
		conf[a] = make([]float64, len(cols))
		evs[a] = make([]Evidence, len(cols))
		w[a] = make([]float64, len(cols))
		for b, j := range cols {
			conf[a][b], evs[a][b] = m.score(&sc[i], &tc[j])
			if conf[a][b] >= m.cfg.Threshold {
				w[a][b] = conf[a][b]
			}
		}
	}
	for a, b := range assign(w) {
		if b < 0 || conf[a][b] < m.cfg.Threshold {
			continue
		}
		i, j := rows[a], cols[b]
		usedS[i], usedT[j] = true, true
		res.Mappings = append(res.Mappings, Mapping{
			Source: src[i].Name, Target: tgt[j].Name, Confidence: round3(conf[a][b]), Origin: OriginInferred,
			Conversion: conversionFor(&sc[i], &tc[j]), Evidence: evs[a][b],
		})
	}
	m.assignResidual(sc, tc, usedS, usedT, src, tgt, &res)
	order := map[string]int{}
	for i, f := range src {
		order[f.Name] = i
	}
	slices.SortFunc(res.Mappings, func(x, y Mapping) int { return order[x.Source] - order[y.Source] })
	for _, f := range src {
		if !mapped(res, f.Name) {
			res.UnmappedSource = append(res.UnmappedSource, f.Name)
		}
	}
	for j, f := range tgt {
		if !usedT[j] {
			res.UnmappedTarget = append(res.UnmappedTarget, f.Name)
		}
	}
	return res
}

// assignResidual proposes pairs among the columns left unassigned, on
// their values alone (see residual), and marks them used.
func (m *Matcher) assignResidual(sc, tc []column, usedS, usedT []bool, src, tgt []infer.Field, res *Result) {
	if m.namesOnly {
		return
	}
	rows, cols := unused(usedS), unused(usedT)
	if len(rows) == 0 || len(cols) == 0 {
		return
	}
	evs := map[[2]int]Evidence{}
	ev := func(i, j int) Evidence {
		_, e := m.score(&sc[i], &tc[j])
		evs[[2]int{i, j}] = e
		return e
	}
	conf := residual(sc, tc, rows, cols, ev)
	w := make([][]float64, len(rows))
	for a := range rows {
		w[a] = make([]float64, len(cols))
		for b := range cols {
			if conf[a][b] >= m.cfg.Threshold {
				w[a][b] = conf[a][b]
			}
		}
	}
	for a, b := range assign(w) {
		if b < 0 || w[a][b] == 0 {
			continue
		}
		i, j := rows[a], cols[b]
		usedS[i], usedT[j] = true, true
		e := evs[[2]int{i, j}]
		e.Residual = round3(conf[a][b])
		res.Mappings = append(res.Mappings, Mapping{
			Source: src[i].Name, Target: tgt[j].Name, Confidence: round3(conf[a][b]), Origin: OriginInferred,
			Conversion: conversionFor(&sc[i], &tc[j]), Evidence: e,
		})
	}
}

// unused returns the indexes i with !used[i].
func unused(used []bool) []int {
	var out []int
	for i, u := range used {
		if !u {
			out = append(out, i)
		}
	}
	return out
}

func mapped(r Result, src string) bool {
	for _, m := range r.Mappings {
		if m.Source == src {
			return true
		}
	}
	return false
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func (m *Matcher) score(s, t *column) (float64, Evidence) { return score(s, t, m.namesOnly) }

// score combines the evidence for one pair into a confidence in [0,1]
// (see "Scoring model" in the package documentation).
func score(s, t *column, namesOnly bool) (float64, Evidence) {
	ev := Evidence{Overlap: -1, Distribution: -1, Values: -1}
	ev.Name = nameSim(&s.name, &t.name)
	sv, tv := views(&s.val, &t.val)
	ev.Type = typeSim(sv.typ, tv.typ)
	noRows := func(f *infer.Field) bool { return f.Count == 0 && f.Nulls == 0 }
	if noRows(tv.f) || noRows(sv.f) {
		ev.Type = 1 // a table without rows: its types are unknown, not string
	}
	tf := 0.75 + 0.25*ev.Type
	// Names alone: a partial name match is weak evidence (squared), except
	// when a table has no rows at all, where names are all there is.
	conf := 0.9 * ev.Name * ev.Name
	if noRows(tv.f) || noRows(sv.f) {
		conf = 0.9 * ev.Name
	}
	if namesOnly {
		return ev.Name, ev
	}
	if sv.class != classNone && tv.class != classNone {
		var o float64
		if sv.class == classBool && tv.class == classBool {
			o = tokenOverlap(sv, tv)
		} else {
			c1, n1 := containment(sv, tv)
			c2, n2 := containment(tv, sv)
			o = max(c1*shrink(n1), c2*shrink(n2))
		}
		// values in other formats: dates, booleans, countries, cents
		co := centsOverlap(sv, tv)
		so, _ := splitOverlap(sv, tv)
		ao, _ := codeWords(sv, tv)
		o = max(o, setCosine(sv.canon, tv.canon), co, so, ao)
		tok := tokenOverlap(sv, tv)
		d := distSim(sv, tv)
		if co > 0.2 {
			scaled := make([]float64, len(sv.nums))
			for i, x := range sv.nums {
				scaled[i] = x / 100
			}
			d = max(d, 1-ks(scaled, tv.nums))
		}
		lo := float64(min(sv.distinct, tv.distinct))
		// how much a shared value says: little for a few small numbers
		// or booleans, much for text, where equal values rarely meet by
		// chance (see "Scoring model")
		inform := min(1, math.Log(1+lo)/math.Log(30))
		if sv.lenAvg > 24 || tv.lenAvg > 24 {
			tok *= 0.5 // words shared by free text say little
		}
		if sv.class == classText && tv.class == classText {
			inform = min(1, math.Log(1+lo)/math.Log(6))
			if lo >= 10 {
				o = min(1, 2*o)
			}
		}
		ov := max(o, 0.85*tok)
		vpos := ov * inform * (0.4 + 0.6*d)
		ev.Overlap, ev.Distribution, ev.Values = round3(ov), round3(d), round3(vpos)
		conf = 1 - (1-conf)*(1-0.85*vpos)
		// informative columns whose values neither overlap nor look alike
		// are different columns, whatever their names say
		if inform > 0.6 && ov < 0.1 && d < 0.5 {
			conf *= 0.4 + 2.4*d*d
		}
	}
	conf *= tf
	ss, ts := sv.f.Semantic, tv.f.Semantic
	switch {
	case ss != "" && (ss == ts || sameConcept(ss, ts)):
		conf += 0.15 * (1 - conf)
	case ss != "" && ts != "" && ss != ts:
		conf *= 0.8
	}
	ev.Name, ev.Type = round3(ev.Name), round3(ev.Type)
	return min(1, max(0, conf)), ev
}

// shrink discounts an overlap measured on few values.
func shrink(n int) float64 { return float64(n) / float64(n+2) }

// sameConcept reports semantic kinds that are two forms of one thing.
func sameConcept(a, b string) bool {
	return (a == infer.KindCountryName && b == infer.KindCountryCode) ||
		(a == infer.KindCountryCode && b == infer.KindCountryName)
}
