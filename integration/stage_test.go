package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

// envStageRecords overrides the record count of TestStageScaleOut (200000
// by default, to keep CI on two cores within its budget).
const envStageRecords = "HELIOS_STAGE_RECORDS"

// instance is one helios-etl stage process.
type instance struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan error
}

// stageConfig writes the configuration of one instance.
func stageConfig(t *testing.T, brokers []string, name, id string, extra string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`[kafka]
brokers = [%q]
transactional_id_prefix = "it"
compression = "lz4"

[state]
dir = %q

[etl]
batch_size = 5000
batch_timeout = "50ms"

[stage]
name = %q
instance_id = %q
transaction_timeout = "10s"
session_timeout = "6s"
%s

[monitoring]
metrics_addr = "127.0.0.1:0"
log_format = "text"
`, strings.Join(brokers, `", "`), filepath.Join(dir, "state"), name, id, extra)
	path := filepath.Join(dir, "etl.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startInstance starts `helios-etl stage --config path`; it is killed when
// t finishes, if still running.
func startInstance(t *testing.T, bin, id, path string) *instance {
	t.Helper()
	in := &instance{name: id, log: filepath.Join(t.TempDir(), id+".log"), done: make(chan error, 1)}
	f, err := os.Create(in.log)
	if err != nil {
		t.Fatal(err)
	}
	in.cmd = exec.Command(bin, "stage", "--config", path)
	in.cmd.Stdout, in.cmd.Stderr = f, f
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.done <- in.cmd.Wait(); f.Close() }()
	t.Cleanup(func() {
		_ = in.cmd.Process.Kill()
		<-in.done
		if t.Failed() {
			b, _ := os.ReadFile(in.log)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("log of instance %s (tail):\n%s", id, b)
		}
	})
	return in
}

// stop sends SIGTERM and waits for a clean exit.
func (in *instance) stop(t *testing.T, d time.Duration) {
	t.Helper()
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-in.done:
		in.done <- err
		if err != nil {
			t.Errorf("instance %s exited with %v after SIGTERM", in.name, err)
		}
	case <-time.After(d):
		t.Errorf("instance %s did not stop within %s of SIGTERM", in.name, d)
	}
}

// kill sends SIGKILL and waits for the process to end.
func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	err := <-in.done
	in.done <- err
}

// committed sums the group's committed offsets on topic.
func committed(ctx context.Context, adm *kadm.Client, group, topic string) int64 {
	os, err := adm.FetchOffsetsForTopics(ctx, group, topic)
	if err != nil {
		return -1
	}
	var sum int64
	os.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At > 0 {
			sum += o.At
		}
	})
	return sum
}

// waitCommitted waits until the group has committed at least n offsets of
// topic.
func waitCommitted(ctx context.Context, t *testing.T, adm *kadm.Client, group, topic string, n int64) {
	t.Helper()
	for {
		c := committed(ctx, adm, group, topic)
		if c >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("group %s committed %d of %d offsets of %s: %v", group, c, n, topic, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// readAll reads topic with read_committed until no record has come for
// idle.
func readAll(ctx context.Context, t *testing.T, brokers []string, topic string, want int, idle time.Duration) []*kgo.Record {
	t.Helper()
	cl := newKafkaClient(t, brokers, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	var got []*kgo.Record
	for ctx.Err() == nil {
		d := idle
		if len(got) < want {
			d = 30 * time.Second
		}
		pctx, cancel := context.WithTimeout(ctx, d)
		fs := cl.PollFetches(pctx)
		cancel()
		fs.EachError(func(tp string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				t.Fatalf("consume %s/%d: %v", tp, p, err)
			}
		})
		if fs.NumRecords() == 0 {
			break
		}
		got = append(got, fs.Records()...)
	}
	return got
}

func headerOf(r *kgo.Record, k string) string {
	for _, h := range r.Headers {
		if h.Key == k {
			return string(h.Value)
		}
	}
	return ""
}

func deleteTopics(t *testing.T, brokers []string, topics ...string) {
	adm := kadm.NewClient(newKafkaClient(t, brokers))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, topics...)
	})
}

// TestStageScaleOut runs three stage processes counting records per key
// with exactly-once delivery; one is killed with SIGKILL partway and a
// fourth joins. The output must hold every input record exactly once, and
// the counts kept in state must be exact.
func TestStageScaleOut(t *testing.T) {
	brokers := kafkaBrokers(t)
	n := 200_000
	if v := os.Getenv(envStageRecords); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			t.Fatalf("%s=%q: want a number of records, at least 1000", envStageRecords, v)
		}
	}
	const keys = 1000
	ctx := testContext(t, 8*time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_in", 6)
	name := uniqueName("stage")
	out := name + "_out"
	deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")

	// Produce the input and its checksums.
	began := time.Now()
	pcl := newKafkaClient(t, brokers, kgo.ProducerLinger(5*time.Millisecond), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	var sum, xor uint64
	perKey := make([]int, keys)
	var pending []*kgo.Record
	for i := range n {
		k := i % keys
		perKey[k]++
		r := &kgo.Record{Topic: in, Key: fmt.Appendf(nil, "k%04d", k), Value: fmt.Appendf(nil, "v%d", i)}
		h := contentHash(r.Key, r.Value)
		sum += h
		xor ^= h
		pending = append(pending, r)
		if len(pending) == 20_000 || i == n-1 {
			if err := pcl.ProduceSync(ctx, pending...).FirstErr(); err != nil {
				t.Fatalf("produce input: %v", err)
			}
			pending = pending[:0]
		}
	}
	t.Logf("produced %d records over %d keys in %s", n, keys, time.Since(began).Round(time.Millisecond))

	extra := fmt.Sprintf("inputs = [%q]\noutput = %q\ntransforms = [\"count\"]", in, out)
	adm := kadm.NewClient(newKafkaClient(t, brokers))
	began = time.Now()
	a := startInstance(t, bin, "a", stageConfig(t, brokers, name, "a", extra))
	b := startInstance(t, bin, "b", stageConfig(t, brokers, name, "b", extra))
	c := startInstance(t, bin, "c", stageConfig(t, brokers, name, "c", extra))

	waitCommitted(ctx, t, adm, name, in, int64(n/4))
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := committed(ctx, adm, name, in)
	t.Logf("SIGKILL instance b at %d committed records (%s)", killedAt, time.Since(began).Round(time.Millisecond))
	d := startInstance(t, bin, "d", stageConfig(t, brokers, name, "d", extra))

	waitCommitted(ctx, t, adm, name, in, int64(n))
	elapsed := time.Since(began)
	t.Logf("all %d records committed in %s (%.0f records/s across the instances, kill and restore included)",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	for _, i := range []*instance{a, c, d} {
		i.stop(t, 30*time.Second)
	}

	got := readAll(ctx, t, brokers, out, n, 3*time.Second)
	if len(got) != n {
		t.Errorf("output holds %d records, want %d", len(got), n)
	}
	var gsum, gxor uint64
	seen := make(map[int64]bool, len(got))
	counts := make([][]bool, keys)
	dups := 0
	for _, r := range got {
		h := contentHash(r.Key, r.Value)
		gsum += h
		gxor ^= h
		p, _ := strconv.ParseInt(headerOf(r, stage.HeaderSourcePartition), 10, 64)
		o, _ := strconv.ParseInt(headerOf(r, stage.HeaderSourceOffset), 10, 64)
		if id := p<<40 | o; seen[id] {
			dups++
		} else {
			seen[id] = true
		}
		k, _ := strconv.Atoi(strings.TrimPrefix(string(r.Key), "k"))
		cnt, err := strconv.Atoi(headerOf(r, ops.HeaderCount))
		if err != nil || k < 0 || k >= keys || cnt < 1 || cnt > perKey[k] {
			t.Errorf("record %s=%s: count header %q out of range", r.Key, r.Value, headerOf(r, ops.HeaderCount))
			continue
		}
		if counts[k] == nil {
			counts[k] = make([]bool, perKey[k]+1)
		}
		if counts[k][cnt] {
			t.Errorf("key %s: count %d emitted twice", r.Key, cnt)
		}
		counts[k][cnt] = true
	}
	if dups > 0 {
		t.Errorf("%d duplicate outputs (same source partition and offset)", dups)
	}
	if gsum != sum || gxor != xor {
		t.Errorf("content checksums differ: sum %x xor %x, want %x %x", gsum, gxor, sum, xor)
	}
	bad := 0
	for k := range keys {
		if counts[k] == nil || !counts[k][perKey[k]] {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d keys of %d lack a final count equal to their number of records", bad, keys)
	}
	t.Logf("verified %d outputs: no duplicates, checksums equal, per-key counts 1..n exact", len(got))

	// The moves must have gone through restoration from the changelog.
	restored, applied := 0, 0
	for _, i := range []*instance{a, c, d} {
		log, _ := os.ReadFile(i.log)
		for line := range strings.Lines(string(log)) {
			if !strings.Contains(line, `msg="state restored"`) {
				continue
			}
			restored++
			if _, rest, ok := strings.Cut(line, " records="); ok {
				f, _, _ := strings.Cut(rest, " ")
				if v, _ := strconv.Atoi(f); v > 0 {
					applied += v
				}
			}
		}
	}
	t.Logf("restorations in the surviving instances: %d, changelog records applied: %d", restored, applied)
	if applied == 0 {
		t.Errorf("no partition state was restored from the changelog after the kill")
	}
}

func contentHash(k, v []byte) uint64 {
	h := fnv.New64a()
	h.Write(k)
	h.Write([]byte{0})
	h.Write(v)
	return h.Sum64()
}

// TestStageDeadLetters feeds envelopes, some undecodable and some missing
// a required field, through the stage command: those land in the
// dead-letter topic with their reasons, the rest flows.
func TestStageDeadLetters(t *testing.T) {
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 2*time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_dlq_in", 3)
	name := uniqueName("stagedlq")
	out := name + "_out"
	deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")

	sch := &schemas.Schema{Name: "public.users", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "email", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "secret", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	var recs []*kgo.Record
	const good, nulls, garbage = 100, 5, 5
	for i := range good + nulls + garbage {
		var v []byte
		switch {
		case i < good:
			ev := schemas.Event{Op: schemas.OpCreate, Schema: sch, After: []schemas.Value{schemas.Int64(int64(i)), schemas.String(fmt.Sprintf("u%d@x", i)), schemas.String("s")}}
			var err error
			if v, err = enc.AppendValue(nil, &ev); err != nil {
				t.Fatal(err)
			}
		case i < good+nulls:
			ev := schemas.Event{Op: schemas.OpCreate, Schema: sch, After: []schemas.Value{schemas.Int64(int64(i)), schemas.Null(), schemas.String("s")}}
			var err error
			if v, err = enc.AppendValue(nil, &ev); err != nil {
				t.Fatal(err)
			}
		default:
			v = []byte("{not json")
		}
		recs = append(recs, &kgo.Record{Topic: in, Key: []byte(strconv.Itoa(i)), Value: v})
	}
	if err := newKafkaClient(t, brokers).ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	extra := fmt.Sprintf("inputs = [%q]\noutput = %q\nformat = \"envelope\"\ntransforms = [\"require email\", \"project id,email\"]", in, out)
	i := startInstance(t, bin, "a", stageConfig(t, brokers, name, "a", extra))
	outs := readAll(ctx, t, brokers, out, good, 2*time.Second)
	dlq := readAll(ctx, t, brokers, name+".dlq", nulls+garbage, 2*time.Second)
	i.stop(t, 30*time.Second)
	if len(outs) != good {
		t.Errorf("output holds %d records, want %d", len(outs), good)
	}
	for _, r := range outs {
		if bytes.Contains(r.Value, []byte("secret")) || !bytes.Contains(r.Value, []byte("email")) {
			t.Errorf("output not projected to id,email: %s", r.Value)
			break
		}
	}
	reasons := map[string]int{}
	for _, r := range dlq {
		e := headerOf(r, stage.HeaderDLQError)
		switch {
		case strings.Contains(e, "decode envelope"):
			reasons["decode"]++
		case strings.Contains(e, `field "email" is missing or null`):
			reasons["require"]++
		default:
			t.Errorf("dead letter %s: unexpected reason %q", r.Key, e)
		}
		if headerOf(r, stage.HeaderDLQStage) != name || headerOf(r, stage.HeaderSourceTopic) != in ||
			headerOf(r, stage.HeaderSourceOffset) == "" || headerOf(r, stage.HeaderDLQAttempt) != "1" || headerOf(r, stage.HeaderDLQTime) == "" {
			t.Errorf("dead letter %s: headers %v", r.Key, r.Headers)
		}
	}
	if reasons["decode"] != garbage || reasons["require"] != nulls {
		t.Errorf("dead letters by reason %v, want decode=%d require=%d", reasons, garbage, nulls)
	}
}

// halfway emits its records, then fails fatally on the second partition it
// sees, after the first partition's records have reached the broker.
type halfway struct{ calls int }

func (h *halfway) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		b.Emit(r)
	}
	if h.calls++; h.calls == 2 {
		time.Sleep(500 * time.Millisecond)
		return fmt.Errorf("sink down: %w", stage.ErrFatal)
	}
	return nil
}

// TestStageFailureHalfwayIsInvisible checks that a transform failing in
// the middle of a batch leaves nothing for read_committed consumers, while
// the aborted records did reach the log.
func TestStageFailureHalfwayIsInvisible(t *testing.T) {
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 2*time.Minute)
	in := createTopic(ctx, t, brokers, "stage_half_in", 3)
	name := uniqueName("stagehalf")
	out := name + "_out"
	deleteTopics(t, brokers, out, name+".dlq")
	var recs []*kgo.Record
	for i := range 300 {
		recs = append(recs, &kgo.Record{Topic: in, Partition: int32(i % 3), Value: []byte(strconv.Itoa(i))})
	}
	if err := newKafkaClient(t, brokers, kgo.RecordPartitioner(kgo.ManualPartitioner())).ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	st, err := stage.New(stage.Config{
		Name: name, Inputs: []string{in}, Output: out, InstanceID: "a", TransactionTimeout: 10 * time.Second,
		Live: stage.Live{BatchSize: 1000, BatchTimeout: time.Second},
	}, []stage.Transform{&halfway{}}, stage.Deps{Kafka: []kgo.Opt{kgo.SeedBrokers(brokers...)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Run(ctx); !errors.Is(err, stage.ErrFatal) {
		t.Fatalf("Run = %v, want an ErrFatal error", err)
	}
	if got := readAll(ctx, t, brokers, out, 0, 2*time.Second); len(got) != 0 {
		t.Fatalf("read_committed consumer sees %d records of the aborted transaction", len(got))
	}
	uncommitted := consumeN(ctx, t, brokers, out, 1, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	t.Logf("the aborted transaction wrote %d+ records, none visible to read_committed", len(uncommitted))
}

// TestStageReloadOnHUP edits a running stage's configuration file and sends
// SIGHUP: the stage applies the new batching settings and keeps running.
func TestStageReloadOnHUP(t *testing.T) {
	t.Parallel()
	brokers := kafkaBrokers(t)
	ctx := testContext(t, time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_hup_in", 1)
	name := uniqueName("stagehup")
	deleteTopics(t, brokers, name+"_out", name+".dlq", name+"-changelog")
	extra := fmt.Sprintf("inputs = [%q]\noutput = %q\nformat = \"envelope\"\ntransforms = [\"filter op != d\"]", in, name+"_out")
	path := stageConfig(t, brokers, name, "a", extra)
	i := startInstance(t, bin, "a", path)
	logHas := func(what string) func() (bool, error) {
		return func() (bool, error) {
			select {
			case err := <-i.done:
				i.done <- err
				return false, fmt.Errorf("the stage exited: %v", err)
			default:
			}
			b, err := os.ReadFile(i.log)
			return strings.Contains(string(b), what), err
		}
	}
	// SIGHUP is relayed once "stage starting" is logged.
	if err := waitFor(ctx, "the stage to start", logHas("stage starting")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "batch_size = 5000", "batch_size = 777", 1)
	if edited == string(b) {
		t.Fatal("the test config has no batch_size = 5000 to edit")
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := i.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, "the reload", logHas("SIGHUP: live settings applied")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := logHas("batch_size=777")(); !ok {
		t.Error("the reload did not apply batch_size = 777")
	}
	select {
	case err := <-i.done:
		t.Fatalf("the stage exited after SIGHUP: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	i.stop(t, 30*time.Second)
}
