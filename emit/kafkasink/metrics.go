package kafkasink

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	records      *prometheus.CounterVec
	registered   prometheus.Counter
	incompatible prometheus.Counter
	quarantined  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_kafkasink_records_total",
			Help: "Records produced, by format and whether they went to the dead-letter topic."}, []string{"format", "dlq"}),
		registered: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_kafkasink_schemas_registered_total",
			Help: "Schema versions registered in the schema registry."}),
		incompatible: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_kafkasink_schemas_incompatible_total",
			Help: "New schema versions the registry found incompatible."}),
		quarantined: prometheus.NewCounter(prometheus.CounterOpts{Name: "etl_kafkasink_quarantined_total",
			Help: "Records sent to the dead-letter topic because their schema is incompatible."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.records, m.registered, m.incompatible, m.quarantined} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("kafkasink: register metrics: %w", err)
		}
	}
	return m, nil
}
