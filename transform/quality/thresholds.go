package quality

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// Action is what a breached threshold does.
type Action string

// The actions.
const (
	// Fail stops the job with an error.
	Fail Action = "fail"
	// Alert only sets the metrics (an alert rule fires on them).
	Alert Action = "alert"
	// Quarantine sends each record with a finding of a quarantined kind to
	// the dead-letter queue, with the reason, and lets the others through.
	Quarantine Action = "quarantine"
)

// Thresholds are the quality promises of a pipeline and what to do when a
// window breaks them.
type Thresholds struct {
	// MinScore is the lowest acceptable overall score (default 0.95).
	MinScore float64 `toml:"min_score"`
	// MaxErrorRate is the highest acceptable share of records with at least
	// one finding (default 0.05).
	MaxErrorRate float64 `toml:"max_error_rate"`
	// Action on a breach: fail, alert (default) or quarantine.
	Action Action `toml:"action"`
	// QuarantineKinds are the kinds that send a record to the dead-letter
	// queue when Action is quarantine (default: every kind but outlier).
	QuarantineKinds []string `toml:"quarantine_kinds"`
	// MaxLag is the event-time lag within which a record is timely
	// (default 5m).
	MaxLag time.Duration `toml:"max_lag"`
}

func (t Thresholds) withDefaults() Thresholds {
	if t.MinScore == 0 {
		t.MinScore = 0.95
	}
	if t.MaxErrorRate == 0 {
		t.MaxErrorRate = 0.05
	}
	if t.Action == "" {
		t.Action = Alert
	}
	if t.QuarantineKinds == nil {
		t.QuarantineKinds = []string{"unexpected_null", "invalid_format", "duplicate", "out_of_range"}
	}
	if t.MaxLag == 0 {
		t.MaxLag = 5 * time.Minute
	}
	return t
}

// Validate reports every problem of the thresholds.
func (t Thresholds) Validate() error {
	var errs []error
	if t.MinScore < 0 || t.MinScore > 1 {
		errs = append(errs, fmt.Errorf("min_score %v: want 0 to 1", t.MinScore))
	}
	if t.MaxErrorRate < 0 || t.MaxErrorRate > 1 {
		errs = append(errs, fmt.Errorf("max_error_rate %v: want 0 to 1", t.MaxErrorRate))
	}
	switch t.Action {
	case "", Fail, Alert, Quarantine:
	default:
		errs = append(errs, fmt.Errorf("action %q: want fail, alert or quarantine", t.Action))
	}
	for _, k := range t.QuarantineKinds {
		if _, ok := anomaly.ParseKind(k); !ok {
			errs = append(errs, fmt.Errorf("quarantine_kinds: unknown kind %q", k))
		}
	}
	if t.MaxLag < 0 {
		errs = append(errs, fmt.Errorf("max_lag %v: must not be negative", t.MaxLag))
	}
	return errors.Join(errs...)
}

// Window accumulates one window of records: per-field counts (deltas of a
// detector's counts), records with findings and event-time lags.
type Window struct {
	t                   Thresholds
	records, withErrors uint64
	timely              uint64
	counts              anomaly.Counts
}

// NewWindow starts a window judged by t (defaults applied; t must be valid).
func NewWindow(t Thresholds) *Window { return &Window{t: t.withDefaults()} }

// Record adds one record's findings and its event-time lag.
func (w *Window) Record(findings []anomaly.Finding, lag time.Duration) {
	w.records++
	if len(findings) > 0 {
		w.withErrors++
	}
	if lag <= w.t.MaxLag {
		w.timely++
	}
}

// AddCounts adds the field counts checked in this window (the difference of
// a detector's counts at the window's end and start).
func (w *Window) AddCounts(c anomaly.Counts) { add(&w.counts, c) }

// Score returns the window's scores, with timeliness.
func (w *Window) Score() Score {
	s := ScoreOf(w.counts)
	s.Timeliness = ratio(w.records-w.timely, w.records)
	s.Overall = s.overall()
	return s
}

// Decision is the verdict on a window.
type Decision struct {
	// Breach tells whether a threshold is broken; Reason says which.
	Breach bool
	Reason string
	// Action is the configured action, to take when Breach is set.
	Action Action
}

// Decide judges the window against the thresholds.
func (w *Window) Decide() Decision {
	d := Decision{Action: w.t.Action}
	s := w.Score()
	var why []string
	if s.Overall < w.t.MinScore {
		why = append(why, fmt.Sprintf("score %.4f below %.4f", s.Overall, w.t.MinScore))
	}
	if rate := 1 - ratio(w.withErrors, w.records); rate > w.t.MaxErrorRate {
		why = append(why, fmt.Sprintf("error rate %.4f above %.4f", rate, w.t.MaxErrorRate))
	}
	d.Breach, d.Reason = len(why) > 0, strings.Join(why, "; ")
	return d
}

// QuarantineReason tells whether a record with these findings goes to the
// dead-letter queue, and why (the reason names every field and kind).
func (w *Window) QuarantineReason(findings []anomaly.Finding) (string, bool) {
	if w.t.Action != Quarantine {
		return "", false
	}
	var parts []string
	for _, f := range findings {
		if slices.Contains(w.t.QuarantineKinds, f.Kind.String()) {
			parts = append(parts, f.Field+": "+f.Kind.String()+" ("+f.Detail+")")
		}
	}
	return strings.Join(parts, "; "), len(parts) > 0
}
