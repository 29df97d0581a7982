package deploy

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/emit/kafkasink"
	"github.com/heliosdb/helios-etl/emit/pgsink"
	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// recorder is a Registerer that keeps every collector registered on it,
// so that the test can read their descriptors (vectors export no series
// before their first observation, but always describe themselves).
type recorder struct{ cs []prometheus.Collector }

func (r *recorder) Register(c prometheus.Collector) error   { r.cs = append(r.cs, c); return nil }
func (r *recorder) MustRegister(cs ...prometheus.Collector) { r.cs = append(r.cs, cs...) }
func (r *recorder) Unregister(prometheus.Collector) bool    { return true }

// descRE reads a prometheus.Desc's String form.
var descRE = regexp.MustCompile(`^Desc\{fqName: "([^"]+)", .*constLabels: \{([^}]*)\}, variableLabels: \{([^}]*)\}\}$`)

// scrapeLabels are added by Prometheus to every scraped series.
var scrapeLabels = []string{"job", "instance"}

// registeredMetrics builds every collector the binary registers, the same
// way its commands do (no I/O: clients are created but never connect), and
// returns each series name with its labels. Histograms contribute their
// _bucket (with le), _sum and _count series.
func registeredMetrics(t *testing.T) map[string][]string {
	t.Helper()
	rec := &recorder{}
	rec.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	// cdc: pgcdc's metrics and kprom on the producer.
	if _, err := pgcdc.New(pgcdc.Config{DSN: "postgres://x@127.0.0.1:1/x"}, pgcdc.Deps{
		Producer: nopProducer{}, Topics: nopTopics{}, Store: nopStore{}, Types: nopTypes{}, Registerer: rec,
	}); err != nil {
		t.Fatalf("pgcdc.New: %v", err)
	}
	kafkaClient(t, kprom.NewMetrics("etl_kafka", kprom.Registerer(rec)))

	// stage: its metrics, kprom with the stage label, state and quality.
	if _, err := stage.New(stage.Config{Name: "s", Inputs: []string{"in"}, Output: "out", InstanceID: "i",
		TransactionalIDPrefix: "p", DLQTopic: "s.dlq", ChangelogTopic: "s-changelog"},
		[]stage.Transform{stage.TransformFunc(func(context.Context, *stage.Batch) error { return nil })}, stage.Deps{Kafka: []kgo.Opt{kgo.SeedBrokers("127.0.0.1:1")}, Registerer: rec}); err != nil {
		t.Fatalf("stage.New: %v", err)
	}
	kafkaClient(t, kprom.NewMetrics("etl_kafka", kprom.Registerer(rec), kprom.WithStaticLabel(prometheus.Labels{"stage": "s"})))
	db, err := state.Open(t.TempDir(), state.Options{})
	if err != nil {
		t.Fatalf("state.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	rec.MustRegister(state.NewCollector(db, nil))
	if _, err := quality.NewMetrics(rec); err != nil {
		t.Fatalf("quality.NewMetrics: %v", err)
	}

	// sinks: the consumer, pgsink and kafkasink.
	pool, err := pgxpool.New(context.Background(), "postgres://x@127.0.0.1:1/x") // connects lazily: never here
	if err != nil {
		t.Fatalf("pgxpool.New: %v", err)
	}
	t.Cleanup(pool.Close)
	ps, err := pgsink.New(pool, pgsink.Config{Name: "g"}, pgsink.WithRegisterer(rec))
	if err != nil {
		t.Fatalf("pgsink.New: %v", err)
	}
	cl := kafkaClient(t)
	if _, err := emit.NewConsumer(cl, ps, emit.ConsumerConfig{Name: "g"}, nil, rec); err != nil {
		t.Fatalf("emit.NewConsumer: %v", err)
	}
	if _, err := kafkasink.New(kafkasink.Config{}, cl, nil, nil, rec); err != nil {
		t.Fatalf("kafkasink.New: %v", err)
	}

	out := map[string][]string{}
	add := func(name string, labels []string) {
		for _, l := range labels {
			if !slices.Contains(out[name], l) {
				out[name] = append(out[name], l)
			}
		}
		if _, ok := out[name]; !ok {
			out[name] = []string{}
		}
	}
	ch := make(chan *prometheus.Desc, 64)
	go func() {
		for _, c := range rec.cs {
			c.Describe(ch)
		}
		close(ch)
	}()
	for d := range ch {
		m := descRE.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("cannot read descriptor %s", d)
		}
		var labels []string
		for _, kv := range strings.Split(m[2], ",") {
			if k, _, ok := strings.Cut(kv, "="); ok {
				labels = append(labels, strings.TrimSpace(k))
			}
		}
		for _, v := range strings.Split(m[3], ",") {
			v = strings.TrimSpace(v)
			if strings.HasPrefix(v, "c(") { // a constrained label
				v = strings.TrimSuffix(strings.TrimPrefix(v, "c("), ")")
			}
			if v != "" {
				labels = append(labels, v)
			}
		}
		add(m[1], labels)
	}
	// Histograms: known by their _bucket series in the exposition; the
	// descriptors do not say the type, so every name also gets the
	// derived series, and a rule that names a _bucket of a non-histogram
	// is caught by histogramNames below.
	for _, h := range histogramNames(rec) {
		add(h+"_bucket", append(slices.Clone(out[h]), "le"))
		add(h+"_sum", out[h])
		add(h+"_count", out[h])
	}
	return out
}

// histogramNames gathers the series once to learn which metrics are
// histograms (unlabelled histograms export a series at once; labelled
// vectors here have none, and the code registers none).
func histogramNames(rec *recorder) []string {
	reg := prometheus.NewPedanticRegistry()
	for _, c := range rec.cs {
		_ = reg.Register(c)
	}
	mfs, _ := reg.Gather()
	var out []string
	for _, mf := range mfs {
		if mf.GetType().String() == "HISTOGRAM" {
			out = append(out, mf.GetName())
		}
	}
	return out
}

// kafkaClient creates (and closes at the end) a client that never
// connects; kprom registers its metrics when the client is created.
func kafkaClient(t *testing.T, hooks ...kgo.Hook) *kgo.Client {
	t.Helper()
	opts := []kgo.Opt{kgo.SeedBrokers("127.0.0.1:1")}
	for _, h := range hooks {
		opts = append(opts, kgo.WithHooks(h))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatalf("kgo.NewClient: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

type nopProducer struct{}

func (nopProducer) Produce(context.Context, *kgo.Record, func(*kgo.Record, error)) {}
func (nopProducer) Flush(context.Context) error                                    { return nil }

type nopTopics struct{}

func (nopTopics) Ensure(context.Context, string, int32, int16) error { return nil }

type nopStore struct{}

func (nopStore) Get(string) ([]byte, error) { return nil, nil }
func (nopStore) Put(string, []byte) error   { return nil }
func (nopStore) Delete(string) error        { return nil }

type nopTypes struct{}

func (nopTypes) Column(context.Context, uint32, int32) (schemas.Type, pgcdc.ValueFunc, error) {
	return schemas.Type{}, nil, nil
}
