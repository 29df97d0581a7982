package stage_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// newCluster starts a kfake cluster with the topics (3 partitions each).
func newCluster(t testing.TB, topics ...string) []kgo.Opt {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}
}

func produce(t testing.TB, opts []kgo.Opt, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// consume reads topic until it has n records or d has passed.
func consume(t testing.TB, opts []kgo.Opt, topic string, n int, committed bool, d time.Duration) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	out, err := poll(ctx, opts, topic, n, committed)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// poll reads topic from its start until it has n records or ctx ends, at
// the read_committed or read_uncommitted isolation level.
func poll(ctx context.Context, opts []kgo.Opt, topic string, n int, committed bool) ([]*kgo.Record, error) {
	iso := kgo.ReadUncommitted()
	if committed {
		iso = kgo.ReadCommitted()
	}
	cl, err := kgo.NewClient(append(opts, kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(iso),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out []*kgo.Record
	for len(out) < n && ctx.Err() == nil {
		out = append(out, cl.PollFetches(ctx).Records()...)
	}
	return out, nil
}

// start runs a stage in the background; the returned func stops it and
// returns Run's error.
func start(t testing.TB, cfg stage.Config, chain []stage.Transform, deps stage.Deps) (*stage.Stage, func() error) {
	t.Helper()
	st, err := stage.New(cfg, chain, deps)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Run(ctx) }()
	var once bool
	var res error
	stop := func() error {
		if !once {
			once = true
			cancel()
			res = <-done
		}
		return res
	}
	t.Cleanup(func() { _ = stop() })
	return st, stop
}

func header(r *kgo.Record, k string) string {
	for _, h := range r.Headers {
		if h.Key == k {
			return string(h.Value)
		}
	}
	return ""
}

func openDB(t testing.TB) *state.DB {
	t.Helper()
	db, err := state.Open(t.Name(), state.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func baseConfig(name string, mode string) stage.Config {
	return stage.Config{
		Name: name, Inputs: []string{"in"}, Output: "out", Mode: mode,
		TransactionTimeout: 10 * time.Second,
		Live:               stage.Live{BatchTimeout: 20 * time.Millisecond, BatchSize: 100},
	}
}

func TestCountExactlyOnceAndAtLeastOnce(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{stage.ExactlyOnce, stage.AtLeastOnce} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			opts := newCluster(t, "in")
			const n, keys = 600, 7
			var recs []*kgo.Record
			for i := range n {
				recs = append(recs, &kgo.Record{Topic: "in", Key: []byte("k" + strconv.Itoa(i%keys)), Value: []byte(strconv.Itoa(i))})
			}
			produce(t, opts, recs...)
			reg := prometheus.NewRegistry()
			_, stop := start(t, baseConfig("count", mode), []stage.Transform{ops.Count{}},
				stage.Deps{Kafka: opts, State: openDB(t), Registerer: reg})
			out := consume(t, opts, "out", n, true, 20*time.Second)
			if err := stop(); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(out) != n {
				t.Fatalf("got %d output records, want %d", len(out), n)
			}
			last := map[string]int{}
			for _, r := range out {
				c, _ := strconv.Atoi(header(r, ops.HeaderCount))
				last[string(r.Key)] = max(last[string(r.Key)], c)
			}
			for k := range keys {
				want := n / keys
				if k < n%keys {
					want++
				}
				if got := last["k"+strconv.Itoa(k)]; got != want {
					t.Errorf("key k%d: last count %d, want %d", k, got, want)
				}
			}
			if got := gather(t, reg, "etl_rows_processed_total"); got != n {
				t.Errorf("etl_rows_processed_total = %v, want %d", got, n)
			}
		})
	}
}

func gather(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var sum float64
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
			return sum
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

// poison fails records whose value is "bad" (per record) and panics on
// "panic"; "boom" makes the whole batch return an error.
type poison struct{}

func (poison) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		switch string(r.Value) {
		case "bad":
			b.Fail(r, errors.New("value is bad"))
			continue
		case "panic":
			panic("poison pill")
		case "boom":
			if len(b.Records()) > 1 || r.Attempt < 2 {
				return errors.New("boom")
			}
		}
		b.Emit(r)
	}
	return nil
}

func TestDeadLetters(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	values := []string{"a", "bad", "b", "panic", "c", "boom", "d"}
	var recs []*kgo.Record
	for _, v := range values {
		recs = append(recs, &kgo.Record{Topic: "in", Key: []byte("same"), Value: []byte(v)})
	}
	produce(t, opts, recs...)
	_, stop := start(t, baseConfig("dlq", stage.ExactlyOnce), []stage.Transform{poison{}}, stage.Deps{Kafka: opts})
	out := consume(t, opts, "out", 5, true, 20*time.Second)
	dlq := consume(t, opts, "dlq.dlq", 2, true, 20*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out {
		got = append(got, string(r.Value))
	}
	if fmt.Sprint(got) != "[a b c boom d]" {
		t.Errorf("output %v, want [a b c boom d] (boom passes on its second attempt)", got)
	}
	if len(dlq) != 2 {
		t.Fatalf("got %d dead letters, want 2", len(dlq))
	}
	want := map[string]struct{ reason, attempt string }{
		"bad":   {"value is bad", "1"},
		"panic": {"transform panic: poison pill", "3"},
	}
	for _, r := range dlq {
		w, ok := want[string(r.Value)]
		if !ok {
			t.Errorf("unexpected dead letter %q", r.Value)
			continue
		}
		if e := header(r, stage.HeaderDLQError); len(e) < len(w.reason) || !contains(e, w.reason) {
			t.Errorf("%s: error header %q, want it to contain %q", r.Value, e, w.reason)
		}
		if a := header(r, stage.HeaderDLQAttempt); a != w.attempt {
			t.Errorf("%s: attempt %s, want %s", r.Value, a, w.attempt)
		}
		if header(r, stage.HeaderDLQStage) != "dlq" || header(r, stage.HeaderSourceTopic) != "in" ||
			header(r, stage.HeaderSourcePartition) == "" || header(r, stage.HeaderSourceOffset) == "" || header(r, stage.HeaderDLQTime) == "" {
			t.Errorf("%s: missing headers: %v", r.Value, r.Headers)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// halfway emits every record, and fails fatally on the second partition
// of the first batch, once the first partition's records are in the
// transaction on the broker (visible to a read_uncommitted consumer).
type halfway struct {
	calls int
	opts  []kgo.Opt
}

func (h *halfway) Apply(ctx context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		b.Emit(r)
	}
	if h.calls++; h.calls == 2 {
		if err := h.waitUncommitted(ctx, "out"); err != nil {
			return err
		}
		return fmt.Errorf("sink down: %w", stage.ErrFatal)
	}
	return nil
}

// waitUncommitted waits until a read_uncommitted consumer of topic sees a
// record: the producer lingers, and a loaded machine can take seconds.
func (h *halfway) waitUncommitted(ctx context.Context, topic string) error {
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	recs, err := poll(wctx, h.opts, topic, 1, false)
	if err == nil && len(recs) == 0 {
		err = wctx.Err()
	}
	if err != nil {
		return fmt.Errorf("no record of the transaction reached the broker: %w", err)
	}
	return nil
}

// TestFatalAbortsTransaction checks that a batch whose transform fails
// fatally leaves nothing visible to read_committed consumers, though its
// other partitions' records were produced in the transaction.
func TestFatalAbortsTransaction(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	var recs []*kgo.Record
	for i := range 50 {
		recs = append(recs, &kgo.Record{Topic: "in", Partition: int32(i % 3), Value: []byte("v" + strconv.Itoa(i))})
	}
	pcl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := pcl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	pcl.Close()
	cfg := baseConfig("fatal", stage.ExactlyOnce)
	cfg.Live.BatchSize = 1000
	cfg.Live.BatchTimeout = time.Second
	st, err := stage.New(cfg, []stage.Transform{&halfway{opts: opts}}, stage.Deps{Kafka: opts})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = st.Run(ctx)
	if !errors.Is(err, stage.ErrFatal) {
		t.Fatalf("Run = %v, want ErrFatal", err)
	}
	if got := consume(t, opts, "out", 1, true, 2*time.Second); len(got) != 0 {
		t.Fatalf("read_committed consumer saw %d records of an aborted transaction", len(got))
	}
	if got := consume(t, opts, "out", 1, false, 5*time.Second); len(got) == 0 {
		t.Fatal("read_uncommitted consumer saw nothing: the test did not produce before failing")
	}
}

// TestRestoreFromChangelog runs a counting stage with one database, then
// a second run with a fresh database: its counts continue from the
// changelog, and the restoration shows in the metrics.
func TestRestoreFromChangelog(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	batch := func(from, n int) []*kgo.Record {
		var recs []*kgo.Record
		for i := from; i < from+n; i++ {
			recs = append(recs, &kgo.Record{Topic: "in", Key: []byte("k" + strconv.Itoa(i%5)), Value: []byte(strconv.Itoa(i))})
		}
		return recs
	}
	produce(t, opts, batch(0, 100)...)
	cfg := baseConfig("restore", stage.ExactlyOnce)
	_, stop := start(t, cfg, []stage.Transform{ops.Count{}}, stage.Deps{Kafka: opts, State: openDB(t)})
	if got := consume(t, opts, "out", 100, true, 20*time.Second); len(got) != 100 {
		t.Fatalf("first run: %d records", len(got))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	produce(t, opts, batch(100, 50)...)
	reg := prometheus.NewRegistry()
	db2, err := state.Open("second", state.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	_, stop = start(t, cfg, []stage.Transform{ops.Count{}}, stage.Deps{Kafka: opts, State: db2, Registerer: reg})
	out := consume(t, opts, "out", 150, true, 20*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 150 {
		t.Fatalf("got %d records, want 150", len(out))
	}
	last := map[string]int{}
	for _, r := range out {
		c, _ := strconv.Atoi(header(r, ops.HeaderCount))
		last[string(r.Key)] = max(last[string(r.Key)], c)
	}
	for k, c := range last {
		if c != 30 {
			t.Errorf("key %s: count %d, want 30", k, c)
		}
	}
	if got := gather(t, reg, "etl_state_restored_records_total"); got != 5 {
		t.Errorf("restored %v records, want 5 (one per key)", got)
	}
}

// keyed returns n records over the keys k0..k4, values from first on.
func keyed(first, n int) []*kgo.Record {
	var recs []*kgo.Record
	for i := first; i < first+n; i++ {
		recs = append(recs, &kgo.Record{Topic: "in", Key: []byte("k" + strconv.Itoa(i%5)), Value: []byte(strconv.Itoa(i))})
	}
	return recs
}

// lastCounts runs a counting stage over the records already in "in" until
// the output holds total records, and returns the highest count per key.
func lastCounts(t *testing.T, opts []kgo.Opt, db *state.DB, total int, live stage.Live) map[string]int {
	t.Helper()
	cfg := baseConfig("counts", stage.ExactlyOnce)
	if live != (stage.Live{}) {
		cfg.Live = live
	}
	_, stop := start(t, cfg, []stage.Transform{ops.Count{}}, stage.Deps{Kafka: opts, State: db})
	out := consume(t, opts, "out", total, true, 20*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if len(out) != total {
		t.Fatalf("output holds %d records, want %d", len(out), total)
	}
	last := map[string]int{}
	for _, r := range out {
		c, _ := strconv.Atoi(header(r, ops.HeaderCount))
		last[string(r.Key)] = max(last[string(r.Key)], c)
	}
	return last
}

func wantCounts(t *testing.T, got map[string]int, want int) {
	t.Helper()
	if len(got) != 5 {
		t.Errorf("got counts for %d keys, want 5", len(got))
	}
	for k, c := range got {
		if c != want {
			t.Errorf("key %s: count %d, want %d", k, c, want)
		}
	}
}

// TestStaleLocalStateCatchesUp covers a crash between the Kafka commit and
// the Pebble write: a database left behind by an earlier run (the
// changelog has moved on since, written by another instance) must catch up
// from the changelog before it counts.
func TestStaleLocalStateCatchesUp(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	stale, fresh := openDB(t), openDB(t)
	produce(t, opts, keyed(0, 50)...)
	wantCounts(t, lastCounts(t, opts, stale, 50, stage.Live{}), 10)
	produce(t, opts, keyed(50, 50)...)
	wantCounts(t, lastCounts(t, opts, fresh, 100, stage.Live{}), 20)
	produce(t, opts, keyed(100, 50)...)
	wantCounts(t, lastCounts(t, opts, stale, 150, stage.Live{}), 30)
}

// TestLocalStateAheadIsDropped covers a changelog that was recreated: the
// local state claims an offset past its end, so it is dropped and restored
// from the (empty) changelog instead of being trusted.
func TestLocalStateAheadIsDropped(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	db := openDB(t)
	for p := range int32(3) {
		bogus := func(yield func(state.Record, error) bool) {
			yield(state.Record{Offset: 1000, Key: []byte("count/k0"), Value: []byte{0, 0, 0, 0, 0, 0, 1, 244}}, nil)
		}
		if _, err := state.Restore(context.Background(), db.Partition("counts", "in", p), bogus, state.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	produce(t, opts, keyed(0, 25)...)
	wantCounts(t, lastCounts(t, opts, db, 25, stage.Live{}), 5)
}

// TestBackpressure runs with a per-partition limit far below one fetch:
// partitions are paused and resumed batch after batch, and nothing is lost.
func TestBackpressure(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	produce(t, opts, keyed(0, 500)...)
	live := stage.Live{BatchSize: 50, BatchTimeout: 10 * time.Millisecond, MaxInflightBytes: 64}
	wantCounts(t, lastCounts(t, opts, openDB(t), 500, live), 100)
}

func TestReloadValidates(t *testing.T) {
	t.Parallel()
	st, err := stage.New(baseConfig("reload", stage.ExactlyOnce), []stage.Transform{pass{}}, stage.Deps{Kafka: []kgo.Opt{kgo.SeedBrokers("127.0.0.1:1")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Reload(stage.Live{BatchSize: -1}); err == nil {
		t.Error("Reload accepted a negative batch size")
	}
	if err := st.Reload(stage.Live{BatchSize: 10}); err != nil {
		t.Errorf("Reload: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  stage.Config
		want string
	}{
		{"no name", stage.Config{Inputs: []string{"a"}, Output: "b"}, `invalid name ""`},
		{"no inputs", stage.Config{Name: "s", Output: "b"}, "no input topics"},
		{"output is input", stage.Config{Name: "s", Inputs: []string{"a"}, Output: "a"}, `topic "a" is used twice`},
		{"bad mode", stage.Config{Name: "s", Inputs: []string{"a"}, Output: "b", Mode: "twice"}, `mode "twice"`},
		{"bad format", stage.Config{Name: "s", Inputs: []string{"a"}, Output: "b", Format: "xml"}, `format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := stage.New(tt.cfg, []stage.Transform{pass{}}, stage.Deps{Kafka: []kgo.Opt{kgo.SeedBrokers("127.0.0.1:1")}})
			if err == nil || !contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestRebalanceExactlyOnce moves partitions between two instances twice
// (a second instance joins, then the first leaves) while they count: every
// input appears once in the output, and the counts continue across moves.
func TestRebalanceExactlyOnce(t *testing.T) {
	t.Parallel()
	opts := newCluster(t, "in")
	const n = 3000
	produce(t, opts, keyed(0, n)...)
	cfg := baseConfig("moves", stage.ExactlyOnce)
	cfg.Live.BatchSize = 50
	cfg.SessionTimeout = 6 * time.Second
	slow := stage.TransformFunc(func(_ context.Context, b *stage.Batch) error {
		time.Sleep(10 * time.Millisecond)
		for _, r := range b.Records() {
			b.Emit(r)
		}
		return nil
	})
	chain := []stage.Transform{slow, ops.Count{}}
	cfgA, cfgB := cfg, cfg
	cfgA.InstanceID, cfgB.InstanceID = "a", "b"
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	_, stopA := start(t, cfgA, chain, stage.Deps{Kafka: opts, State: openDB(t), Registerer: regA})
	consume(t, opts, "out", n/5, true, 20*time.Second)
	_, stopB := start(t, cfgB, chain, stage.Deps{Kafka: opts, State: openDB(t), Registerer: regB})
	consume(t, opts, "out", n/2, true, 20*time.Second)
	if err := stopA(); err != nil {
		t.Fatalf("instance a: %v", err)
	}
	out := consume(t, opts, "out", n, true, 30*time.Second)
	if err := stopB(); err != nil {
		t.Fatalf("instance b: %v", err)
	}
	rowsA, rowsB := gather(t, regA, "etl_rows_processed_total"), gather(t, regB, "etl_rows_processed_total")
	restoredB := gather(t, regB, "etl_state_restored_records_total")
	t.Logf("instance a committed %v inputs, b %v (b restored %v changelog records)", rowsA, rowsB, restoredB)
	if rowsA == 0 || rowsB == 0 || restoredB == 0 {
		t.Errorf("the partitions did not move with their state")
	}
	seen := map[string]bool{}
	counts := map[string]map[int]bool{}
	for _, r := range out {
		id := header(r, stage.HeaderSourcePartition) + "/" + header(r, stage.HeaderSourceOffset)
		if seen[id] {
			t.Errorf("input %s output twice", id)
		}
		seen[id] = true
		c, _ := strconv.Atoi(header(r, ops.HeaderCount))
		if counts[string(r.Key)] == nil {
			counts[string(r.Key)] = map[int]bool{}
		}
		if counts[string(r.Key)][c] {
			t.Errorf("key %s: count %d twice", r.Key, c)
		}
		counts[string(r.Key)][c] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct inputs in the output, want %d", len(seen), n)
	}
	for k, cs := range counts {
		for c := 1; c <= n/5; c++ {
			if !cs[c] {
				t.Errorf("key %s: count %d missing", k, c)
				break
			}
		}
	}
}

// forgetful is poison that counts the stage's Forget calls.
type forgetful struct {
	poison
	forgets atomic.Int64
}

func (f *forgetful) Forget(string, int32) { f.forgets.Add(1) }

var _ stage.PartitionCache = (*forgetful)(nil)

// TestPartitionCacheForget checks that a failed run of the chain makes the
// stage tell a caching transform to forget the partition before the
// records are tried again, and that clean batches do not.
func TestPartitionCacheForget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		forget bool
	}{
		{"clean batches", []string{"a", "b", "c"}, false},
		{"a failed run", []string{"a", "boom", "c"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := newCluster(t, "in")
			var recs []*kgo.Record
			for _, v := range tt.values {
				recs = append(recs, &kgo.Record{Topic: "in", Key: []byte("k"), Value: []byte(v)})
			}
			produce(t, opts, recs...)
			f := &forgetful{}
			_, stop := start(t, baseConfig("forget", stage.ExactlyOnce), []stage.Transform{f}, stage.Deps{Kafka: opts})
			if out := consume(t, opts, "out", len(tt.values), true, 20*time.Second); len(out) != len(tt.values) {
				t.Fatalf("output %d records, want %d", len(out), len(tt.values))
			}
			if got := f.forgets.Load(); (got > 0) != tt.forget {
				t.Errorf("%d Forget calls while running; want some: %v", got, tt.forget)
			}
			before := f.forgets.Load()
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if f.forgets.Load() <= before {
				t.Error("leaving the group did not forget the revoked partition")
			}
		})
	}
}
