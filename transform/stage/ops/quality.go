package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/clean"
	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// Event-time sources of [QualityConfig].EventTime, besides a field name.
const (
	// EventTimeSource is the change's commit time at the source
	// (Debezium's source.ts_ms).
	EventTimeSource = "source"
	// EventTimeProcessed is when Debezium (or helios-etl) processed the
	// change (the envelope's ts_ms).
	EventTimeProcessed = "ts"
)

// Defaults of [QualityConfig].
const (
	DefaultWindowRecords = 10000
	DefaultMaxLag        = 5 * time.Minute
)

// QualityConfig configures the [Quality] transform. Every list entry is a
// one-line specification, as in the configuration file.
type QualityConfig struct {
	// Pipeline is the value of the metrics' pipeline label (the stage's
	// name).
	Pipeline string
	// WindowRecords and WindowTime close a partition's tumbling window
	// after that many records, or at the first record once that much
	// processing time has passed since its first record; either or both
	// (default 10,000 records).
	WindowRecords int
	WindowTime    time.Duration
	// EventTime is where a record's event time comes from: "source"
	// (default; Debezium's source.ts_ms), "ts" (the envelope's ts_ms), or
	// the name of a field (a timestamp, a date, epoch milliseconds or ISO
	// 8601 text). Records without one do not count for timeliness.
	EventTime string
	// MaxLag is the processing time minus event time within which a record
	// is timely (default 5m).
	MaxLag time.Duration
	// Required fields: a null there lowers completeness.
	Required []string
	// Formats declare a field's format, field=format (int, float, bool,
	// date, datetime, email, phone, uuid): a value of another format lowers
	// validity.
	Formats []string
	// Checks are declared rules, "field cmp value" as [ParseFilter] reads
	// them (amount >= 0, status != "void"): a non-null value that breaks one
	// lowers its field's consistency.
	Checks []string
	// Clean are cleaning rules, field=op,op ([clean.ParseRule]), applied
	// before the checks; coerce:KIND[:FROM[:TO]] applies a schema mapping's
	// conversion. A value a rule cannot standardize lowers validity; one a
	// coercion cannot convert sends the record to the dead-letter topic.
	Clean []string
	// DedupKey turns on deduplication: the fields whose values make a
	// record's key. A record whose key is among the last DedupWindow new
	// keys of its partition (0: among all of them) is dropped and counted
	// (etl_validation_errors_total, kind duplicate, field the key fields
	// joined by commas) and marks its key fields' uniqueness; a uniqueness
	// threshold with action quarantine dead-letters it instead. Each key is
	// an entry of the partition state (see [clean.RuleSet.Load]), so the
	// window survives restarts and moves with its partition.
	DedupKey    []string
	DedupWindow int
	// Anomalies turns on the learned detector (transform/anomaly); Keys
	// are the unique fields it checks for duplicates (inferred when empty)
	// and Sensitivity its sensitivity (nil: 0.5).
	Anomalies   bool
	Keys        []string
	Sensitivity *float64
	// Thresholds are the promises, "FIELD DIMENSION MIN ACTION"
	// ([quality.ParseThreshold]).
	Thresholds []string
	// Checkpoint is how many changed batches pass before the detector and
	// the cleaning rules' imputation statistics are saved to the partition
	// state again (default [DefaultCheckpoint]).
	Checkpoint int
	// Metrics receives the scores and counts; nil exports nothing.
	Metrics *quality.Metrics
	// Logger receives the breaches; nil discards them.
	Logger *slog.Logger
	// Now is the processing-time clock (default time.Now).
	Now func() time.Time
}

// Quality scores each record's fields into a tumbling window per input
// partition, in five dimensions (completeness, validity, consistency,
// uniqueness, timeliness) and overall, publishes the closed windows'
// scores and counts every violation (etl_quality_score,
// etl_validation_errors_total, etl_anomalies_detected_total,
// etl_quality_breaches_total), and acts on thresholds: fail stops the
// stage (the batch is not committed), alert logs, quarantine dead-letters
// the offending records. The open window is saved to the partition state
// with every batch, so it survives restarts and rebalances; the detector
// is checkpointed as in [Quarantine]. The cleaning rules keep their
// deduplication keys in the partition state as they come, and their
// imputation statistics checkpointed like the detector (see
// transform/clean's State section). Create it with [NewQuality].
type Quality struct {
	cfg        QualityConfig
	required   []string
	formats    map[string]anomaly.Format
	checks     map[string][]*Filter
	clean      clean.Config
	dedupName  string // the key fields joined by commas
	every      int    // batches between checkpoints
	coerce     map[string]infer.Type
	thresholds []quality.Threshold
	log        *slog.Logger
	det        *detectors
	parts      partitions[qualityPart]
	row        rowBuf
	orig       []string
	origNull   []bool
	marks      []mark
}

// mark is one bad cell of a record: the field (index in the row), the
// dimension and why.
type mark struct {
	col int
	dim quality.Dimension
	why string
}

// qualityPart is what a partition holds in memory.
type qualityPart struct {
	win   quality.StreamWindow
	rules *clean.RuleSet // nil without cleaning rules
	plans map[*schemas.Schema]*qualityPlan
}

// qualityPlan is what a schema needs, computed once: per field of the
// schema, its window tally and declared checks.
type qualityPlan struct {
	out      *schemas.Schema // the schema after coercion
	tally    []int
	required []bool
	format   []anomaly.Format // FormatText: none declared
	checks   [][]*Filter
	event    int // the event-time field, -1 if none
}

var (
	windowKey     = []byte("quality/window")
	qualityDetKey = []byte("quality/detector")
)

// cleanPrefix starts the state keys of the cleaning rules (the
// deduplication keys and the imputation statistics).
const cleanPrefix = "quality/clean/"

// ErrThreshold is wrapped, with [stage.ErrFatal], by the error of a window
// that breaks a threshold whose action is fail.
var ErrThreshold = errors.New("quality threshold broken")

// NewQuality checks cfg and returns the transform.
func NewQuality(cfg QualityConfig) (*Quality, error) {
	if cfg.WindowRecords == 0 && cfg.WindowTime == 0 {
		cfg.WindowRecords = DefaultWindowRecords
	}
	if cfg.MaxLag == 0 {
		cfg.MaxLag = DefaultMaxLag
	}
	if cfg.EventTime == "" {
		cfg.EventTime = EventTimeSource
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	q := &Quality{cfg: cfg, required: slices.Clone(cfg.Required), formats: map[string]anomaly.Format{},
		checks: map[string][]*Filter{}, coerce: map[string]infer.Type{}, log: cfg.Logger}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	if cfg.WindowRecords < 0 || cfg.WindowTime < 0 || cfg.MaxLag < 0 {
		errs = append(errs, errors.New("window_records, window_time and max_lag must not be negative"))
	}
	for _, f := range cfg.Formats {
		name, fm, _ := strings.Cut(f, "=")
		format, ok := anomaly.ParseFormat(strings.TrimSpace(fm))
		if !ok || format == anomaly.FormatText || strings.TrimSpace(name) == "" {
			errs = append(errs, fmt.Errorf("format %q: want field=format with format int, float, bool, date, datetime, email, phone or uuid", f))
			continue
		}
		q.formats[strings.TrimSpace(name)] = format
	}
	for _, c := range cfg.Checks {
		f, err := ParseFilter(c)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("check: %w", err))
		case f.field == "op":
			errs = append(errs, fmt.Errorf("check %q: checks are on fields, not on op", c))
		default:
			q.checks[f.field] = append(q.checks[f.field], f)
		}
	}
	for _, c := range cfg.Clean {
		r, err := clean.ParseRule(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		q.clean.Rules = append(q.clean.Rules, r)
		if r.Coerce != nil {
			q.coerce[r.Field] = r.Coerce.Output()
		}
	}
	if len(cfg.DedupKey) > 0 || cfg.DedupWindow != 0 {
		q.clean.Dedup = &clean.Dedup{Key: slices.Clone(cfg.DedupKey), Window: cfg.DedupWindow}
		q.dedupName = strings.Join(cfg.DedupKey, ",")
	}
	if len(errs) == 0 {
		if _, err := clean.New(q.clean); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.Checkpoint < 0 {
		errs = append(errs, fmt.Errorf("checkpoint every %d batches: want 1 or more", cfg.Checkpoint))
	}
	q.every = cfg.Checkpoint
	if q.every <= 0 {
		q.every = DefaultCheckpoint
	}
	for _, t := range cfg.Thresholds {
		th, err := quality.ParseThreshold(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		q.thresholds = append(q.thresholds, th)
	}
	if cfg.Anomalies {
		acfg := anomaly.Config{Sensitivity: cfg.Sensitivity, Keys: slices.Clone(cfg.Keys), KeyWindow: 1 << 20}
		if _, err := anomaly.New(acfg); err != nil {
			errs = append(errs, err)
		}
		q.det = &detectors{cfg: acfg, key: qualityDetKey, every: q.every}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("quality: %w", err)
	}
	return q, nil
}

// Forget implements [stage.PartitionCache].
func (q *Quality) Forget(topic string, partition int32) {
	q.parts.forget(topic, partition)
	if q.det != nil {
		q.det.Forget(topic, partition)
	}
}

// partition returns b's partition data, loading the window from state.
func (q *Quality) partition(b *stage.Batch) (*qualityPart, error) {
	if p := q.parts.get(b); p != nil {
		return p, nil
	}
	p := &qualityPart{plans: map[*schemas.Schema]*qualityPlan{}}
	p.win.Seq = 1
	if st := b.State(); st != nil {
		v, err := st.Get(windowKey)
		switch {
		case err == nil:
			if err := p.win.UnmarshalBinary(v); err != nil {
				return nil, fmt.Errorf("load window of %s/%d: %w", b.Topic(), b.Partition(), err)
			}
		case !errors.Is(err, stage.ErrNotFound):
			return nil, fmt.Errorf("load window of %s/%d: %w", b.Topic(), b.Partition(), err)
		}
	}
	if len(q.clean.Rules) > 0 || q.clean.Dedup != nil {
		rs, err := clean.New(q.clean)
		if err != nil {
			return nil, err
		}
		if st := b.State(); st != nil {
			if err := rs.Load(partitionState{st}, cleanPrefix, q.every); err != nil {
				return nil, fmt.Errorf("load cleaning state of %s/%d: %w", b.Topic(), b.Partition(), err)
			}
		}
		p.rules = rs
	}
	q.parts.put(b, p)
	return p, nil
}

func (q *Quality) plan(p *qualityPart, s *schemas.Schema) *qualityPlan {
	if pl, ok := p.plans[s]; ok {
		return pl
	}
	n := len(s.Fields)
	pl := &qualityPlan{out: s, tally: make([]int, n), required: make([]bool, n), format: make([]anomaly.Format, n),
		checks: make([][]*Filter, n), event: -1}
	var coerced *schemas.Schema
	for i, f := range s.Fields {
		pl.tally[i] = p.win.Field(f.Name)
		pl.required[i] = slices.Contains(q.required, f.Name)
		pl.format[i] = q.formats[f.Name]
		pl.checks[i] = q.checks[f.Name]
		if f.Name == q.cfg.EventTime {
			pl.event = i
		}
		if t, ok := q.coerce[f.Name]; ok {
			if typ, ok := schemaType(t); ok && typ.Kind != f.Type.Kind {
				if coerced == nil {
					c := *s
					c.Fields = slices.Clone(s.Fields)
					coerced = &c
				}
				coerced.Fields[i].Type = typ
			}
		}
	}
	if coerced != nil {
		pl.out = coerced
	}
	p.plans[s] = pl
	return pl
}

// schemaType is the event field type of a coercion's output type.
func schemaType(t infer.Type) (schemas.Type, bool) {
	switch t {
	case infer.Boolean:
		return schemas.Type{Kind: schemas.KindBool}, true
	case infer.Integer:
		return schemas.Type{Kind: schemas.KindInt64}, true
	case infer.Decimal:
		return schemas.Type{Kind: schemas.KindDecimal, Scale: schemas.VariableScale}, true
	case infer.Float:
		return schemas.Type{Kind: schemas.KindFloat64}, true
	case infer.Date:
		return schemas.Type{Kind: schemas.KindDate}, true
	case infer.Timestamp:
		return schemas.Type{Kind: schemas.KindTimestamp}, true
	case infer.String:
		return schemas.Type{Kind: schemas.KindString}, true
	}
	return schemas.Type{}, false
}

// Apply implements [stage.Transform].
func (q *Quality) Apply(_ context.Context, b *stage.Batch) error {
	p, err := q.partition(b)
	if err != nil {
		return fmt.Errorf("quality: %w", err)
	}
	var dp *detectorPart
	if q.det != nil {
		if dp, err = q.det.get(b); err != nil {
			return fmt.Errorf("quality: %w", err)
		}
	}
	if st := b.State(); st != nil && p.rules != nil {
		p.rules.Begin(partitionState{st})
	}
	counted := false
	for _, r := range b.Records() {
		if !checkable(r) {
			b.Emit(r)
			continue
		}
		now := q.cfg.Now()
		if err := q.maybeClose(b, p, now, false); err != nil {
			return err
		}
		counted = true
		reason, drop, err := q.record(p, dp, r, now)
		if err != nil {
			return fmt.Errorf("quality: %s/%d offset %d: %w", b.Topic(), b.Partition(), r.Source.Offset, err)
		}
		if reason != "" {
			b.Fail(r, errors.New("quality: "+reason))
		} else if !drop {
			b.Emit(r)
		}
		if err := q.maybeClose(b, p, now, true); err != nil {
			return err
		}
	}
	if !counted {
		return nil
	}
	if st := b.State(); st != nil {
		v, err := p.win.MarshalBinary()
		if err == nil {
			err = st.Put(windowKey, v)
		}
		if err != nil {
			return fmt.Errorf("quality: save window: %w", err)
		}
	}
	if p.rules != nil {
		if err := p.rules.End(); err != nil {
			return fmt.Errorf("quality: %w", err)
		}
	}
	if dp != nil {
		if err := q.det.done(b, dp, true); err != nil {
			return fmt.Errorf("quality: %w", err)
		}
	}
	return nil
}

// record scores one record into the window and returns why it is
// quarantined ("" if not) and whether a cleaning rule dropped it; its
// error is one of the partition state.
func (q *Quality) record(p *qualityPart, dp *detectorPart, r *stage.Record, now time.Time) (reason string, drop bool, err error) {
	ev := r.Event
	pl := q.plan(p, ev.Schema)
	q.row.fill(ev)
	rb := &q.row
	q.marks = q.marks[:0]
	var quarantined []string
	if p.rules != nil {
		q.orig = append(q.orig[:0], rb.values...)
		q.origNull = append(q.origNull[:0], rb.nulls...)
		res, err := p.rules.Apply(rb.header, rb.values, rb.nulls)
		if err != nil {
			return "", false, err
		}
		if res.Duplicate {
			for _, k := range q.clean.Dedup.Key {
				if col := slices.Index(rb.header, k); col >= 0 {
					q.marks = append(q.marks, mark{col, quality.Uniqueness, res.Reason})
				}
			}
			q.count(q.dedupName, "duplicate")
		}
		for _, v := range res.Violations {
			kind := "rule"
			if v.Op == "coerce" {
				kind = "coerce"
			}
			if col := slices.Index(rb.header, v.Field); col >= 0 {
				q.marks = append(q.marks, mark{col, quality.Validity, kind + ": " + v.Err.Error()})
			}
			q.count(v.Field, kind)
		}
		if res.Quarantine {
			quarantined = append(quarantined, res.Reason)
		}
		drop = res.Drop
		if !res.Quarantine && !drop {
			if why := q.writeBack(r, pl); why != "" {
				quarantined = append(quarantined, why)
			}
		}
	}
	// Declared checks.
	for col, si := range rb.idx {
		name := rb.header[col]
		if rb.nulls[col] {
			if pl.required[si] {
				q.marks = append(q.marks, mark{col, quality.Completeness, "null in a required field"})
				q.count(name, "null")
			}
			continue
		}
		if f := pl.format[si]; f != anomaly.FormatText {
			if got := anomaly.Classify(rb.values[col]); !f.Accepts(got) {
				q.marks = append(q.marks, mark{col, quality.Validity, fmt.Sprintf("format: %q is %s, want %s", clipValue(rb.values[col]), got, f)})
				q.count(name, "format")
			}
		}
		for _, c := range pl.checks[si] {
			if !c.match(r.Event) {
				q.marks = append(q.marks, mark{col, quality.Consistency, fmt.Sprintf("rule: %s %s %s broken by %s", c.field, c.cmp, c.lit, clipValue(rb.values[col]))})
				q.count(name, "rule")
				break
			}
		}
	}
	if dp != nil {
		dp.d.Observe(r.Source.Offset, rb.header, rb.values, rb.nulls, func(f anomaly.Finding) {
			if q.cfg.Metrics != nil {
				q.cfg.Metrics.Finding(q.cfg.Pipeline, f)
			}
			dim := quality.Validity
			switch f.Kind {
			case anomaly.UnexpectedNull:
				dim = quality.Completeness
			case anomaly.Duplicate:
				dim = quality.Uniqueness
			case anomaly.Outlier:
				if f.Col < len(rb.idx) && len(pl.checks[rb.idx[f.Col]]) > 0 {
					return // declared rules decide consistency there
				}
				dim = quality.Consistency
			}
			q.marks = append(q.marks, mark{f.Col, dim, f.Kind.String() + ": " + f.Detail})
		})
	}
	// Tally the cells.
	w := &p.win
	for col, si := range rb.idx {
		t := &w.Tallies[pl.tally[si]]
		t.Cells++
		if !rb.nulls[col] {
			t.Present++
		}
	}
	for i, m := range q.marks {
		if slices.ContainsFunc(q.marks[:i], func(o mark) bool { return o.col == m.col && o.dim == m.dim }) {
			continue // one bad cell per dimension
		}
		w.Tallies[pl.tally[rb.idx[m.col]]].Bad[m.dim]++
	}
	// Timeliness.
	late := ""
	if et, ok := q.eventTime(ev, pl); ok {
		w.Timed++
		if lag := now.Sub(et); lag > q.cfg.MaxLag {
			w.Late++
			late = fmt.Sprintf("late: event time %s is %s old, above max_lag %s", et.UTC().Format(time.RFC3339), lag.Round(time.Second), q.cfg.MaxLag)
			q.count("*", "late")
		}
	}
	w.Records++
	if w.StartMicros == 0 {
		w.StartMicros = now.UnixMicro()
	}
	// Quarantine thresholds.
	for _, t := range q.thresholds {
		if t.Action != quality.Quarantine {
			continue
		}
		if t.Dimension == quality.Timeliness || t.Dimension == quality.Overall && t.Field == "*" {
			if late != "" {
				quarantined = append(quarantined, late)
			}
			if t.Dimension == quality.Timeliness {
				continue
			}
		}
		for _, m := range q.marks {
			if (t.Field == "*" || t.Field == rb.header[m.col]) && (t.Dimension == quality.Overall || t.Dimension == m.dim) {
				quarantined = append(quarantined, rb.header[m.col]+" "+m.dim.String()+": "+m.why)
			}
		}
	}
	if len(quarantined) == 0 {
		return "", drop, nil
	}
	slices.Sort(quarantined)
	return strings.Join(slices.Compact(quarantined), "; "), drop, nil
}

// writeBack puts the cleaned values into a copy of r's event; it returns
// why a value does not fit its field's type, if one does not.
func (q *Quality) writeBack(r *stage.Record, pl *qualityPlan) string {
	rb := &q.row
	var after []schemas.Value
	for col, si := range rb.idx {
		same := rb.values[col] == q.orig[col] && rb.nulls[col] == q.origNull[col]
		if same && pl.out.Fields[si].Type.Kind == r.Event.Schema.Fields[si].Type.Kind {
			continue
		}
		if after == nil {
			after = slices.Clone(r.Event.After)
		}
		if rb.nulls[col] {
			after[si] = schemas.Null()
			continue
		}
		v, err := parseValue(pl.out.Fields[si].Type.Kind, rb.values[col])
		if err != nil {
			return fmt.Sprintf("%s: cleaned value %q does not fit %s: %v", rb.header[col], clipValue(rb.values[col]), pl.out.Fields[si].Type.Kind, err)
		}
		after[si] = v
	}
	if after != nil || pl.out != r.Event.Schema {
		ev := *r.Event
		ev.Schema = pl.out
		if after != nil {
			ev.After = after
		}
		r.Event = &ev
	}
	return ""
}

// parseValue reads s as a value of kind k.
func parseValue(k schemas.Kind, s string) (schemas.Value, error) {
	switch k {
	case schemas.KindBool:
		b, ok := infer.ParseBool(s)
		if !ok {
			return schemas.Value{}, errors.New("not a boolean")
		}
		return schemas.Bool(b), nil
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return schemas.Value{}, errors.New("not an integer")
		}
		return schemas.Int(k, n), nil
	case schemas.KindFloat32, schemas.KindFloat64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return schemas.Value{}, errors.New("not a number")
		}
		return schemas.Float(k, f), nil
	case schemas.KindDecimal:
		d, err := schemas.ParseDecimal(strings.TrimSpace(s))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.DecimalValue(d), nil
	case schemas.KindDate:
		d, err := schemas.ParseDate(strings.TrimSpace(s))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.Date(d), nil
	case schemas.KindTimestamp:
		us, _, err := schemas.ParseTimestamp(strings.TrimSpace(s))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.Timestamp(us), nil
	case schemas.KindEnum:
		return schemas.Enum(s), nil
	}
	return schemas.String(s), nil
}

// eventTime returns the record's event time, if it has one.
func (q *Quality) eventTime(ev *schemas.Event, pl *qualityPlan) (time.Time, bool) {
	var us int64
	switch {
	case q.cfg.EventTime == EventTimeSource:
		us = ev.Source.CommitMicros
	case q.cfg.EventTime == EventTimeProcessed:
		us = ev.TsMicros
	case pl.event >= 0 && pl.event < len(ev.After):
		v := ev.After[pl.event]
		switch v.Kind() {
		case schemas.KindTimestamp, schemas.KindTimestampTZ:
			us = v.Micros()
		case schemas.KindDate:
			us = int64(v.Days()) * 86_400_000_000
		case schemas.KindInt64, schemas.KindInt32:
			us = v.Int() * 1000
		case schemas.KindString:
			t, _, err := schemas.ParseTimestamp(strings.TrimSpace(v.Str()))
			if err != nil {
				return time.Time{}, false
			}
			us = t
		}
	}
	if us == 0 {
		return time.Time{}, false
	}
	return time.UnixMicro(us), true
}

// count adds a declared-check violation to the metrics.
func (q *Quality) count(field, kind string) {
	if q.cfg.Metrics != nil {
		q.cfg.Metrics.Validation(q.cfg.Pipeline, field, kind)
	}
}

// maybeClose closes the partition's window when it is full (after a
// record) or its time is up (before one), publishes its scores and judges
// it; a broken fail threshold stops the stage.
func (q *Quality) maybeClose(b *stage.Batch, p *qualityPart, now time.Time, after bool) error {
	w := &p.win
	if w.Records == 0 {
		return nil
	}
	full := after && q.cfg.WindowRecords > 0 && w.Records >= uint64(q.cfg.WindowRecords)
	expired := !after && q.cfg.WindowTime > 0 && now.Sub(time.UnixMicro(w.StartMicros)) >= q.cfg.WindowTime
	if !full && !expired {
		return nil
	}
	total := w.Total()
	if m := q.cfg.Metrics; m != nil {
		m.Scores(q.cfg.Pipeline, "*", total)
		for i, f := range w.Fields {
			m.Scores(q.cfg.Pipeline, f, w.Score(i))
		}
	}
	var fail error
	for _, t := range q.thresholds {
		s := total
		if t.Field != "*" {
			i := slices.Index(w.Fields, t.Field)
			if i < 0 || w.Tallies[i].Cells == 0 {
				continue
			}
			s = w.Score(i)
		}
		v := s.Of(t.Dimension)
		if v >= t.Min {
			continue
		}
		if q.cfg.Metrics != nil {
			q.cfg.Metrics.Breach(q.cfg.Pipeline, t)
		}
		start := time.UnixMicro(w.StartMicros).UTC().Format(time.RFC3339)
		q.log.Warn("quality threshold broken", "pipeline", q.cfg.Pipeline, "topic", b.Topic(), "partition", b.Partition(),
			"window", w.Seq, "window_start", start, "records", w.Records, "field", t.Field, "dimension", t.Dimension.String(),
			"score", v, "threshold", t.Min, "action", string(t.Action))
		if t.Action == quality.Fail && fail == nil {
			fail = fmt.Errorf("quality: %w: %w: window %d of %s/%d (%d records from %s): field %s %s score %.4f is below the threshold %.4f (action fail)",
				stage.ErrFatal, ErrThreshold, w.Seq, b.Topic(), b.Partition(), w.Records, start, t.Field, t.Dimension, v, t.Min)
		}
	}
	if fail != nil {
		return fail
	}
	w.Reset()
	return nil
}

func clipValue(v string) string {
	if len(v) > 40 {
		return v[:37] + "..."
	}
	return v
}

var (
	_ stage.Transform      = (*Quality)(nil)
	_ stage.PartitionCache = (*Quality)(nil)
)
