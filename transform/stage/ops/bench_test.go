package ops_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// cpuTime returns the process's user+system CPU time: on a shared machine
// the wall time includes the time other processes held the cores.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

var orders = &schemas.Schema{Name: "public.orders", Version: 1, Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "amount", Type: schemas.Type{Kind: schemas.KindFloat64}},
	{Name: "qty", Type: schemas.Type{Kind: schemas.KindInt32}},
	{Name: "email", Type: schemas.Type{Kind: schemas.KindString}},
	{Name: "status", Type: schemas.Type{Kind: schemas.KindString}},
	{Name: "discount", Type: schemas.Type{Kind: schemas.KindFloat64}, Nullable: true},
}}

// orderBatch makes n order events from offset off on: a log-normal
// amount, a small count, an email, a category and a 30%-null number.
func orderBatch(r *rand.Rand, off, n int) []*stage.Record {
	recs := make([]*stage.Record, n)
	for i := range recs {
		o := off + i
		disc := schemas.Float(schemas.KindFloat64, math.Round(r.Float64()*100)/100)
		if r.Float64() < 0.3 {
			disc = schemas.Null()
		}
		recs[i] = &stage.Record{Source: stage.Source{Topic: "orders", Offset: int64(o)}, Event: &schemas.Event{
			Op: schemas.OpCreate, Schema: orders, After: []schemas.Value{
				schemas.Int64(int64(1_000_000 + o)),
				schemas.Float(schemas.KindFloat64, math.Round(math.Exp(3+r.NormFloat64())*100)/100),
				schemas.Int(schemas.KindInt32, int64(1+r.IntN(5))),
				schemas.String(fmt.Sprintf("user%d@example.com", o)),
				schemas.String([]string{"paid", "shipped", "refunded"}[r.IntN(3)]),
				disc,
			}}}
	}
	return recs
}

// BenchmarkQuarantineState measures the quarantine transform on one
// partition with its state in Pebble, batch after batch as a stage runs
// it: Apply on 1,000 records, then the batch's state writes committed to
// the store. It reports CPU ns per record (getrusage) and the state bytes
// written per record, which a stage also sends to its changelog topic; the
// cases differ in how often the detector is checkpointed.
func BenchmarkQuarantineState(b *testing.B) {
	for _, every := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("checkpoint=%d", every), func(b *testing.B) { benchQuarantine(b, every) })
	}
}

func benchQuarantine(b *testing.B, every int) {
	q, err := ops.Parse(fmt.Sprintf("quarantine 0.5 checkpoint=%d", every))
	if err != nil {
		b.Fatal(err)
	}
	// Past the warm-up and the first refresh: a detector with full samples.
	benchState(b, q, true, 12, orderBatch)
}

// BenchmarkQualityDedup measures the quality transform deduplicating by
// id (one record in 20 repeats a recent id) on one partition, batch after
// batch of 1,000 records as a stage runs it: Apply, then the batch's
// state writes committed to Pebble. It reports CPU ns per record and the
// state bytes written per record (also sent to the changelog). "none" is
// the transform without deduplication, "memory" deduplicates without a
// state (the in-memory key set), the others keep every key in the state:
// window 10,000 is also mirrored in memory, 100,000 is read from Pebble,
// 0 keeps every key.
func BenchmarkQualityDedup(b *testing.B) {
	for _, c := range []struct {
		name   string
		key    []string
		window int
		state  bool
	}{
		{"none", nil, 0, true},
		{"memory/window=100000", []string{"id"}, 100_000, false},
		{"state/window=10000", []string{"id"}, 10_000, true},
		{"state/window=100000", []string{"id"}, 100_000, true},
		{"state/window=0", []string{"id"}, 0, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			q, err := ops.NewQuality(ops.QualityConfig{DedupKey: c.key, DedupWindow: c.window, WindowRecords: 10_000})
			if err != nil {
				b.Fatal(err)
			}
			// Past the first windows, with a store that holds keys.
			benchState(b, q, c.state, 120, func(r *rand.Rand, off, n int) []*stage.Record {
				recs := orderBatch(r, off, n)
				for i, rec := range recs {
					if (off+i)%20 == 19 {
						rec.Event.After[0] = schemas.Int64(int64(1_000_000 + off + i - 1 - r.IntN(50)))
					}
				}
				return recs
			})
		})
	}
}

// benchState runs t over batches of 1,000 records from gen, with the
// state in Pebble (or none): warm batches first, then b.N batches made
// before the clock starts. It reports CPU ns and state bytes a record.
func benchState(b *testing.B, t stage.Transform, withState bool, warm int, gen func(r *rand.Rand, off, n int) []*stage.Record) {
	db, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store := db.Partition("bench", "orders", 0)
	const batch = 1000
	r := rand.New(rand.NewPCG(1, 2))
	off := 0
	run := func(recs []*stage.Record) int {
		if !withState {
			if err := t.Apply(context.Background(), stage.NewTestBatch(recs)); err != nil {
				b.Fatal(err)
			}
			return 0
		}
		bt := stage.NewTestStateBatch(store, "orders", 0, recs)
		if err := t.Apply(context.Background(), bt); err != nil {
			b.Fatal(err)
		}
		n, err := bt.CommitState()
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	for range warm {
		run(gen(r, off, batch))
		off += batch
	}
	input := make([][]*stage.Record, b.N)
	for i := range input {
		input[i] = gen(r, off, batch)
		off += batch
	}
	var written int
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		written += run(input[i])
	}
	recs := float64(b.N * batch)
	b.ReportMetric(float64(cpuTime()-start)/recs, "cpu-ns/record")
	b.ReportMetric(float64(written)/recs, "state-B/record")
}
