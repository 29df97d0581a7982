package clean

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/match"
)

// Config is the cleaning section of a pipeline: rules per field and an
// optional deduplication.
type Config struct {
	Rules []Rule `toml:"rule"`
	Dedup *Dedup `toml:"dedup"`
}

// Rule cleans one field, or every field with Field "*". Rules for "*" run
// before the field's own rules; within a rule, the ops run in order.
type Rule struct {
	Field string `toml:"field"`
	// Ops are the standardizers: trim, lower, upper, email, phone, date,
	// datetime, country, bool, and coerce (the rule's Coerce conversion).
	Ops []string `toml:"ops"`
	// Coerce is the conversion of a schema mapping (transform/match) that
	// the coerce op applies, such as cents_to_decimal or date_layout from
	// MM/DD/YYYY to YYYY-MM-DD. Its output is checked against the
	// conversion's type ([match.Conversion.Output]): a value it cannot
	// convert, or whose result is not of that type, is invalid.
	Coerce *match.Conversion `toml:"coerce"`
	// Region is the ISO 3166 alpha-2 region of national phone numbers.
	Region string `toml:"region"`
	// DayFirst reads 03/04/2025 as 3 April.
	DayFirst bool `toml:"day_first"`
	// OnInvalid is what a value that an op cannot standardize becomes:
	// keep (unchanged, counted as a violation; the default without coerce),
	// null, drop (the whole record), or quarantine (the record goes to the
	// dead-letter queue with the reason; the default of a rule with coerce,
	// whose invalid values are never passed on or dropped silently).
	OnInvalid string `toml:"on_invalid"`
	// Null handles null values; nil leaves them null.
	Null *NullRule `toml:"null"`
}

// NullRule says what a null becomes.
type NullRule struct {
	// Action: drop (the record), constant (Value), mean, median or mode
	// (from the streaming statistics of the field's non-null values seen so
	// far; the value stays null until there are some).
	Action string `toml:"action"`
	Value  string `toml:"value"`
}

// Dedup drops a record whose key is among the last Window new keys (0:
// every key seen; a repeat does not make a key new again). Key names the
// fields of the key. See the package documentation for where the keys are
// kept.
type Dedup struct {
	Key    []string `toml:"key"`
	Window int      `toml:"window"`
}

var ops = []string{"trim", "lower", "upper", "email", "phone", "date", "datetime", "country", "bool", "coerce"}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	for i, r := range c.Rules {
		at := fmt.Sprintf("rule %d (%s)", i, r.Field)
		if r.Field == "" {
			errs = append(errs, fmt.Errorf("%s: field is empty (use \"*\" for every field)", at))
		}
		if len(r.Ops) == 0 && r.Null == nil {
			errs = append(errs, fmt.Errorf("%s: no ops and no null handling", at))
		}
		for _, op := range r.Ops {
			if !slices.Contains(ops, op) {
				errs = append(errs, fmt.Errorf("%s: unknown op %q (want one of %s)", at, op, strings.Join(ops, ", ")))
			}
			if op == "phone" && r.Region != "" {
				if _, ok := callingCodes[strings.ToUpper(r.Region)]; !ok {
					errs = append(errs, fmt.Errorf("%s: unknown phone region %q", at, r.Region))
				}
			}
		}
		switch r.OnInvalid {
		case "", "keep", "null", "drop", "quarantine":
		default:
			errs = append(errs, fmt.Errorf("%s: on_invalid %q: want keep, null, drop or quarantine", at, r.OnInvalid))
		}
		switch hasCoerce := slices.Contains(r.Ops, "coerce"); {
		case hasCoerce && r.Coerce == nil:
			errs = append(errs, fmt.Errorf("%s: op coerce needs a conversion (coerce.kind)", at))
		case hasCoerce:
			if err := r.Coerce.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("%s: coerce: %w", at, err))
			}
		case r.Coerce != nil:
			errs = append(errs, fmt.Errorf("%s: a coerce conversion is set but coerce is not among the ops", at))
		}
		if n := r.Null; n != nil {
			switch n.Action {
			case "drop", "mean", "median", "mode":
			case "constant":
				if n.Value == "" {
					errs = append(errs, fmt.Errorf("%s: null action constant needs a value", at))
				}
			default:
				errs = append(errs, fmt.Errorf("%s: null action %q: want drop, constant, mean, median or mode", at, n.Action))
			}
		}
	}
	if d := c.Dedup; d != nil {
		if len(d.Key) == 0 {
			errs = append(errs, errors.New("dedup: key is empty"))
		}
		if d.Window < 0 {
			errs = append(errs, fmt.Errorf("dedup: window %d is negative", d.Window))
		}
	}
	return errors.Join(errs...)
}

// RuleSet applies a configuration to records. It keeps streaming
// statistics of the fields it imputes and the recent keys (for
// deduplication): in memory, or in a [Store] after [RuleSet.Load] (see the
// package documentation). It is not safe for concurrent use.
type RuleSet struct {
	cfg   Config
	plans map[string]*fieldPlan
	stats map[string]*fieldStats
	keys  *anomaly.KeySet // the recent keys without a store
	ps    *persist        // nil without a store
	buf   []byte
}

// fieldPlan is what the rules do to a field, computed once per name.
type fieldPlan struct {
	rules  []*Rule
	impute bool // a rule imputes its nulls from the statistics
}

// New validates the configuration and returns a rule set.
func New(cfg Config) (*RuleSet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("clean config: %w", err)
	}
	cfg.Rules = slices.Clone(cfg.Rules)
	for i := range cfg.Rules {
		if r := &cfg.Rules[i]; r.OnInvalid == "" && r.Coerce != nil {
			r.OnInvalid = "quarantine"
		}
	}
	rs := &RuleSet{cfg: cfg, plans: map[string]*fieldPlan{}, stats: map[string]*fieldStats{}}
	if cfg.Dedup != nil {
		rs.keys = anomaly.NewKeySet(cfg.Dedup.Window)
	}
	return rs, nil
}

// Violation is a value a rule could not standardize.
type Violation struct {
	Field, Op string
	Err       error
}

// Result is what applying the rules to a record did.
type Result struct {
	// Drop tells that the record must be dropped, for Reason.
	Drop bool
	// Quarantine tells that the record must go to the dead-letter queue,
	// for Reason (a rule with on_invalid quarantine met an invalid value).
	Quarantine bool
	// Duplicate tells that Drop is for a key seen before.
	Duplicate bool
	Reason    string
	// Violations are the values the ops could not standardize.
	Violations []Violation
}

// Apply cleans a record in place: names are the field names, values and
// nulls the record's values (as in ingest/file rows). Its error is one of
// the [Store] (after [RuleSet.Load]); the record's fate is then unknown.
func (rs *RuleSet) Apply(names, values []string, nulls []bool) (Result, error) {
	var res Result
	for i, name := range names {
		if i >= len(values) {
			break
		}
		pl := rs.planFor(name)
		wasNull := nulls[i]
		for _, r := range pl.rules {
			if !rs.applyRule(r, name, &values[i], &nulls[i], &res) {
				return res, nil
			}
		}
		if pl.impute && !wasNull && !nulls[i] { // imputed values are not data
			rs.statsFor(name).add(values[i])
			if rs.ps != nil {
				rs.ps.statsChanged = true
			}
		}
	}
	if d := rs.cfg.Dedup; d != nil {
		rs.buf = rs.buf[:0]
		for _, k := range d.Key {
			if j := slices.Index(names, k); j >= 0 && j < len(values) {
				rs.buf = append(rs.buf, values[j]...)
			}
			rs.buf = append(rs.buf, 0)
		}
		h := xxhash.Sum64(rs.buf)
		var dup bool
		if rs.ps != nil {
			var err error
			if dup, err = rs.ps.seen(h); err != nil {
				return res, err
			}
		} else {
			dup = rs.keys.Seen(h)
		}
		if dup {
			res.Drop, res.Duplicate, res.Reason = true, true, "duplicate key "+strings.Join(d.Key, ",")
		}
	}
	return res, nil
}

// planFor returns the rules of a field: those for "*" first.
func (rs *RuleSet) planFor(name string) *fieldPlan {
	if pl, ok := rs.plans[name]; ok {
		return pl
	}
	pl := &fieldPlan{}
	for _, star := range []bool{true, false} {
		for i := range rs.cfg.Rules {
			r := &rs.cfg.Rules[i]
			if (r.Field == "*") != star || (!star && r.Field != name) {
				continue
			}
			pl.rules = append(pl.rules, r)
			if r.Null != nil && slices.Contains(imputations, r.Null.Action) {
				pl.impute = true
			}
		}
	}
	rs.plans[name] = pl
	return pl
}

// imputations are the null actions that draw on the statistics.
var imputations = []string{"mean", "median", "mode"}

// applyRule runs one rule on one value; false means the record is dropped.
func (rs *RuleSet) applyRule(r *Rule, name string, v *string, null *bool, res *Result) bool {
	if *null {
		if r.Null == nil {
			return true
		}
		switch r.Null.Action {
		case "drop":
			res.Drop, res.Reason = true, "null "+name
			return false
		case "constant":
			*v, *null = r.Null.Value, false
		default:
			if x, ok := rs.statsFor(name).impute(r.Null.Action); ok {
				*v, *null = x, false
			}
		}
		return true
	}
	for _, op := range r.Ops {
		out, err := applyOp(op, *v, r)
		if err == nil {
			*v = out
			continue
		}
		res.Violations = append(res.Violations, Violation{Field: name, Op: op, Err: err})
		switch r.OnInvalid {
		case "null":
			*v, *null = "", true
			return true
		case "drop":
			res.Drop, res.Reason = true, err.Error()
			return false
		case "quarantine":
			res.Quarantine, res.Reason = true, name+": "+err.Error()
			return false
		}
		return true // keep: unchanged, and the later ops are skipped
	}
	return true
}

func applyOp(op, v string, r *Rule) (string, error) {
	switch op {
	case "trim":
		return Trim(v), nil
	case "lower":
		return Lower(v), nil
	case "upper":
		return Upper(v), nil
	case "email":
		return Email(v)
	case "phone":
		return Phone(v, strings.ToUpper(r.Region))
	case "date":
		return Date(v, r.DayFirst)
	case "datetime":
		return DateTime(v, r.DayFirst)
	case "country":
		return Country(v)
	case "bool":
		return Bool(v)
	case "coerce":
		return Coerce(v, *r.Coerce)
	}
	return v, fmt.Errorf("unknown op %q", op)
}

func (rs *RuleSet) statsFor(name string) *fieldStats {
	s := rs.stats[name]
	if s == nil {
		s = newFieldStats(name)
		rs.stats[name] = s
	}
	return s
}

// fieldStats are the streaming statistics imputation draws on: the mean
// (Welford), the median (of a reservoir sample) and the mode (the
// Misra-Gries heavy hitters, at most 64 counters).
type fieldStats struct {
	n      int
	mean   float64
	sample *anomaly.Reservoir
	counts map[string]int
}

const modeCounters = 64

func (s *fieldStats) add(v string) {
	if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
		s.n++
		s.mean += (x - s.mean) / float64(s.n)
		s.sample.Add(x)
	}
	if _, ok := s.counts[v]; ok || len(s.counts) < modeCounters {
		s.counts[v]++
		return
	}
	for k := range s.counts {
		if s.counts[k]--; s.counts[k] == 0 {
			delete(s.counts, k)
		}
	}
}

func (s *fieldStats) impute(action string) (string, bool) {
	switch action {
	case "mean":
		if s.n > 0 {
			return strconv.FormatFloat(s.mean, 'g', -1, 64), true
		}
	case "median":
		if s.n > 0 {
			return strconv.FormatFloat(s.sample.Quantile(0.5), 'g', -1, 64), true
		}
	case "mode":
		best, bestN := "", 0
		for k, n := range s.counts {
			if n > bestN || (n == bestN && k < best) {
				best, bestN = k, n
			}
		}
		return best, bestN > 0
	}
	return "", false
}
