package quality

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// Metrics exports quality scores and anomaly counts. It registers on the
// Registerer it is given, never on the global one.
type Metrics struct {
	score      *prometheus.GaugeVec
	validation *prometheus.CounterVec
	anomalies  *prometheus.CounterVec
	breaches   *prometheus.CounterVec
}

// NewMetrics registers the quality metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		score: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "etl_quality_score",
			Help: "Data-quality score in [0, 1] of the last window: field \"*\" is the whole record; kind is the score's dimension: overall, completeness, validity, uniqueness, consistency or timeliness.",
		}, []string{"pipeline", "field", "kind"}),
		validation: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "etl_validation_errors_total",
			Help: "Values that broke a rule: unexpected_null, invalid_format, out_of_range, duplicate (found by the detectors); null (a required field), format (a declared format), rule (a declared rule or cleaning op), coerce (a conversion that failed), late (an event time older than the maximum lag, field \"*\").",
		}, []string{"pipeline", "field", "kind"}),
		anomalies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "etl_anomalies_detected_total",
			Help: "Anomalies found by the detectors, every kind including statistical outliers.",
		}, []string{"pipeline", "field", "kind"}),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "etl_quality_breaches_total",
			Help: "Windows whose score broke a configured threshold, by the threshold's field, dimension (kind) and action.",
		}, []string{"pipeline", "field", "kind", "action"}),
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.score, m.validation, m.anomalies, m.breaches} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// Finding counts one anomaly: every kind counts as an anomaly, every kind
// but outlier also as a validation error.
func (m *Metrics) Finding(pipeline string, f anomaly.Finding) {
	k := f.Kind.String()
	m.anomalies.WithLabelValues(pipeline, f.Field, k).Inc()
	if f.Kind != anomaly.Outlier {
		m.validation.WithLabelValues(pipeline, f.Field, k).Inc()
	}
}

// RuleViolation counts a value that broke a declared cleaning rule.
func (m *Metrics) RuleViolation(pipeline, field string) {
	m.validation.WithLabelValues(pipeline, field, "rule").Inc()
}

// Scores sets the score gauges of one field ("*" for the whole record).
func (m *Metrics) Scores(pipeline, field string, s Score) {
	for _, d := range Dimensions() {
		m.score.WithLabelValues(pipeline, field, d.String()).Set(s.Of(d))
	}
}

// Validation counts a value that broke a declared check of kind (null,
// format, rule, coerce, late).
func (m *Metrics) Validation(pipeline, field, kind string) {
	m.validation.WithLabelValues(pipeline, field, kind).Inc()
}

// Breach counts a window that broke threshold t.
func (m *Metrics) Breach(pipeline string, t Threshold) {
	m.breaches.WithLabelValues(pipeline, t.Field, t.Dimension.String(), string(t.Action)).Inc()
}

// Report exports a whole profile: its scores, per field and overall, and
// its findings.
func (m *Metrics) Report(pipeline string, r *Report) {
	m.Scores(pipeline, "*", r.Score)
	for _, f := range r.Fields {
		m.Scores(pipeline, f.Name, f.Score)
	}
	for _, f := range r.Anomalies {
		m.Finding(pipeline, f)
	}
}
