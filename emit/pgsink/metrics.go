package pgsink

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	rows       *prometheus.CounterVec // events applied, by table and op
	written    *prometheus.CounterVec // statements' rows after collapsing, by table and kind
	duplicates prometheus.Counter
	latency    prometheus.Histogram
	batch      prometheus.Histogram
	errors     prometheus.Counter

	directFallbacks prometheus.Counter
}

func newMetrics(sink string, reg prometheus.Registerer) (*metrics, error) {
	cl := prometheus.Labels{"sink": sink}
	m := &metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_sink_rows_applied_total", ConstLabels: cl,
			Help: "Change events applied to PostgreSQL, by target table and operation (create, update, delete, read, truncate)."},
			[]string{"table", "op"}),
		written: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_sink_rows_written_total", ConstLabels: cl,
			Help: "Rows upserted or deleted after collapsing each batch to the last change per key, by target table and kind."},
			[]string{"table", "kind"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_sink_duplicates_skipped_total", ConstLabels: cl,
			Help: "Records skipped because the offsets table shows them applied already (redelivery after a crash or rebalance)."}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "etl_sink_apply_seconds", ConstLabels: cl,
			Help:    "Time to apply one batch, transaction commit included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "etl_sink_batch_records", ConstLabels: cl,
			Help:    "Records per applied batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10)}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_sink_apply_errors_total", ConstLabels: cl,
			Help: "Batches whose transaction failed and was rolled back."}),
		directFallbacks: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_sink_direct_copy_fallbacks_total", ConstLabels: cl,
			Help: "Sets of inserted rows whose direct COPY found an existing key and went through the staging merge instead."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.rows, m.written, m.duplicates, m.latency, m.batch, m.errors, m.directFallbacks} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("pgsink: register metrics: %w", err)
		}
	}
	return m, nil
}
