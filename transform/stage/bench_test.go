package stage_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// pass emits every record unchanged.
type pass struct{}

func (pass) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		b.Emit(r)
	}
	return nil
}

// BenchmarkStage measures records per second through one stage instance:
// b.N input records of ~60 bytes (1000 keys, 6 partitions) are produced
// first, then the timer runs from the stage's start until it has committed
// all of them: records/s includes the group join (about 3s on a real
// broker: group.initial.rebalance.delay.ms), steady-records/s counts from
// the first committed batch. Run it with a fixed count for stable
// figures:
//
//	go test -run '^$' -bench Stage -benchtime 200000x ./transform/stage/
//
// The kafka cases need HELIOS_TEST_KAFKA_BROKERS.
func BenchmarkStage(b *testing.B) {
	brokers := os.Getenv("HELIOS_TEST_KAFKA_BROKERS")
	for _, broker := range []string{"kfake", "kafka"} {
		for _, mode := range []string{stage.ExactlyOnce, stage.AtLeastOnce} {
			for _, tr := range []string{"pass", "count"} {
				for _, batch := range []int{1000, 5000} {
					b.Run(fmt.Sprintf("%s/%s/%s/batch=%d", broker, mode, tr, batch), func(b *testing.B) {
						if broker == "kafka" && brokers == "" {
							b.Skip("HELIOS_TEST_KAFKA_BROKERS is unset, so there is no Kafka broker to measure")
						}
						benchStage(b, broker, strings.Split(brokers, ","), mode, tr, batch)
					})
				}
			}
		}
	}
}

var benchSeq int

func benchStage(b *testing.B, broker string, brokers []string, mode, tr string, batch int) {
	n := b.N
	benchSeq++
	suffix := fmt.Sprintf("%d_%d", time.Now().UnixNano(), benchSeq)
	in, out := "bench_in_"+suffix, "bench_out_"+suffix
	var opts []kgo.Opt
	ctx := context.Background()
	if broker == "kfake" {
		opts = newCluster(b, in)
	} else {
		opts = []kgo.Opt{kgo.SeedBrokers(brokers...)}
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			b.Fatal(err)
		}
		adm := kadm.NewClient(cl)
		if _, err := adm.CreateTopic(ctx, 6, 1, nil, in); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			_, _ = adm.DeleteTopics(context.Background(), in, out, "bench_"+suffix+".dlq", "bench_"+suffix+"-changelog")
			cl.Close()
		})
	}
	pcl, err := kgo.NewClient(append(opts, kgo.ProducerLinger(5*time.Millisecond))...)
	if err != nil {
		b.Fatal(err)
	}
	var recs []*kgo.Record
	var bytes int64
	for i := range n {
		r := &kgo.Record{Topic: in, Key: []byte("key-" + strconv.Itoa(i%1000)), Value: fmt.Appendf(nil, `{"id":%d,"payload":"abcdefghijklmnopqrstuvwxyz"}`, i)}
		bytes += int64(len(r.Key) + len(r.Value))
		recs = append(recs, r)
		if len(recs) == 10000 || i == n-1 {
			if err := pcl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	pcl.Close()

	var chain []stage.Transform
	var db *state.DB
	if tr == "count" {
		chain = []stage.Transform{ops.Count{}}
		db, err = state.Open(b.TempDir(), state.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
	} else {
		chain = []stage.Transform{pass{}}
	}
	reg := prometheus.NewRegistry()
	cfg := stage.Config{
		Name: "bench_" + suffix, Inputs: []string{in}, Output: out, Mode: mode, InstanceID: "bench",
		Live: stage.Live{BatchSize: batch, BatchTimeout: 50 * time.Millisecond},
	}
	st, err := stage.New(cfg, chain, stage.Deps{Kafka: opts, State: db, Registerer: reg})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(bytes / int64(n))
	b.ResetTimer()
	start := time.Now()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- st.Run(rctx) }()
	deadline := time.Now().Add(10 * time.Minute)
	var firstAt time.Time
	var firstN float64
	for {
		done := gather(b, reg, "etl_rows_processed_total")
		if done > 0 && firstAt.IsZero() {
			firstAt, firstN = time.Now(), done
		}
		if done >= float64(n) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("processed %v of %d records in 10m", done, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start)
	steady := time.Since(firstAt)
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	if float64(n) > firstN && steady > 0 {
		// From the first committed batch on: without the group join.
		b.ReportMetric((float64(n)-firstN)/steady.Seconds(), "steady-records/s")
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "records/s")
}
