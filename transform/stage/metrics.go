package stage

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the stage's own metrics, all with a constant stage label.
type metrics struct {
	rows       prometheus.Counter
	out        prometheus.Counter
	dlq        prometheus.Counter
	retries    prometheus.Counter
	commits    prometheus.Counter
	aborts     prometheus.Counter
	restored   prometheus.Counter
	duration   prometheus.Histogram
	restoreDur prometheus.Histogram
	throughput prometheus.Gauge
	lagVec     *prometheus.GaugeVec

	mu      sync.Mutex
	winRows int
	winFrom time.Time
}

func newMetrics(stage string, reg prometheus.Registerer) (*metrics, error) {
	cl := prometheus.Labels{"stage": stage}
	m := &metrics{
		rows: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_rows_processed_total", ConstLabels: cl,
			Help: "Input records processed and committed (passed on, filtered or dead-lettered)."}),
		out: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_rows_output_total", ConstLabels: cl,
			Help: "Records written to the output topic."}),
		dlq: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_dlq_records_total", ConstLabels: cl,
			Help: "Records sent to the dead-letter topic."}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_transform_retries_total", ConstLabels: cl,
			Help: "Records tried again after a transform failed on them."}),
		commits: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_transactions_committed_total", ConstLabels: cl,
			Help: "Batches committed (transactions, or offset commits at least once)."}),
		aborts: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_transaction_aborts_total", ConstLabels: cl,
			Help: "Transactions aborted (rebalance, produce failure, fatal transform error)."}),
		restored: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_state_restored_records_total", ConstLabels: cl,
			Help: "Changelog records applied to local state by restoration."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "etl_batch_processing_duration_seconds", ConstLabels: cl,
			Help: "Time from a batch's transforms to its commit.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		restoreDur: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "etl_state_restore_duration_seconds", ConstLabels: cl,
			Help: "Time to restore one partition's state from its changelog.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
		throughput: prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_throughput_rows_per_second", ConstLabels: cl,
			Help: "Input records committed per second, over the last few seconds."}),
		lagVec: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "etl_consumer_lag", ConstLabels: cl,
			Help: "Records behind the high-water mark, per owned input partition, as of the last fetch."}, []string{"topic", "partition"}),
		winFrom: time.Now(),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.rows, m.out, m.dlq, m.retries, m.commits, m.aborts, m.restored,
		m.duration, m.restoreDur, m.throughput, m.lagVec} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("stage %s: register metrics: %w", stage, err)
		}
	}
	return m, nil
}

// tick adds n committed rows to the throughput window and refreshes the
// gauge every few seconds.
func (m *metrics) tick(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.winRows += n
	if el := time.Since(m.winFrom); el >= 5*time.Second {
		m.throughput.Set(float64(m.winRows) / el.Seconds())
		m.winRows, m.winFrom = 0, time.Now()
	}
}

func (m *metrics) lag(topic string, p int32, lag int64) {
	m.lagVec.WithLabelValues(topic, strconv.Itoa(int(p))).Set(float64(max(lag, 0)))
}

func (m *metrics) forget(topic string, p int32) {
	m.lagVec.DeleteLabelValues(topic, strconv.Itoa(int(p)))
}

func (m *metrics) forgetAll() { m.lagVec.Reset() }
