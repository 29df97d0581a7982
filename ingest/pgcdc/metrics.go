package pgcdc

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	lagSeconds   prometheus.Gauge
	lagBytes     prometheus.Gauge
	confirmed    prometheus.Gauge
	rows         *prometheus.CounterVec
	snapshotRows *prometheus.CounterVec
	txns         prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		lagSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_cdc_lag_seconds",
			Help: "Seconds between now and the commit time of the newest transaction not yet confirmed (0 when caught up)."}),
		lagBytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_cdc_lag_bytes",
			Help: "Bytes of WAL between the server's WAL end and the confirmed LSN."}),
		confirmed: prometheus.NewGauge(prometheus.GaugeOpts{Name: "etl_cdc_confirmed_lsn",
			Help: "The LSN confirmed to the replication slot."}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_rows_processed_total",
			Help: "Change events produced, by stage and table."}, []string{"stage", "table"}),
		snapshotRows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_snapshot_rows_total",
			Help: "Snapshot rows produced, by table."}, []string{"table"}),
		txns: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_cdc_transactions_total",
			Help: "Committed transactions seen."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.lagSeconds, m.lagBytes, m.confirmed, m.snapshotRows, m.txns} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("pgcdc: register metrics: %w", err)
		}
	}
	// etl_rows_processed_total is shared with the other stages of a process.
	if err := reg.Register(m.rows); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, fmt.Errorf("pgcdc: register metrics: %w", err)
		}
		existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
		if !ok {
			return nil, fmt.Errorf("pgcdc: etl_rows_processed_total is registered with another type")
		}
		m.rows = existing
	}
	return m, nil
}
