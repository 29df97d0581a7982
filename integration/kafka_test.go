package integration

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// newKafkaClient returns a franz-go client for the brokers under test, closed
// when t finishes.
func newKafkaClient(t testing.TB, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts = append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatalf("new kafka client: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// createTopic creates a uniquely named topic with the given partitions and
// deletes it when t finishes.
func createTopic(ctx context.Context, t testing.TB, brokers []string, prefix string, partitions int32) string {
	t.Helper()
	adm := kadm.NewClient(newKafkaClient(t, brokers))
	topic := uniqueName(prefix)
	resp, err := adm.CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := adm.DeleteTopic(ctx, topic); err != nil {
			t.Logf("delete topic %s: %v", topic, err)
		}
	})
	return topic
}

// consumeN reads records from topic, from the start, until it has n of them or
// ctx ends.
func consumeN(ctx context.Context, t testing.TB, brokers []string, topic string, n int, opts ...kgo.Opt) []*kgo.Record {
	t.Helper()
	opts = append([]kgo.Opt{
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, opts...)
	cl := newKafkaClient(t, brokers, opts...)
	var got []*kgo.Record
	for len(got) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consume %s: got %d of %d records before %v", topic, len(got), n, err)
		}
		fs.EachError(func(topic string, p int32, err error) {
			t.Fatalf("consume %s/%d: %v", topic, p, err)
		})
		got = append(got, fs.Records()...)
	}
	return got
}

// smokeRecord is the comparable content of one record.
type smokeRecord struct {
	Key, Value, Headers string
}

func (r smokeRecord) String() string { return fmt.Sprintf("%s=%s [%s]", r.Key, r.Value, r.Headers) }

func toSmoke(r *kgo.Record) smokeRecord {
	hs := make([]string, 0, len(r.Headers))
	for _, h := range r.Headers {
		hs = append(hs, h.Key+"="+string(h.Value))
	}
	return smokeRecord{Key: string(r.Key), Value: string(r.Value), Headers: strings.Join(hs, ",")}
}

func sortSmoke(rs []smokeRecord) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Key < rs[j].Key })
}

// TestKafkaProduceConsume produces keyed records with headers through the real
// broker, reads them back with franz-go and with kcat, and compares all three.
func TestKafkaProduceConsume(t *testing.T) {
	t.Parallel()
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 60*time.Second)
	topic := createTopic(ctx, t, brokers, "helios_it_smoke", 3)

	const n = 200
	want := make([]smokeRecord, 0, n)
	recs := make([]*kgo.Record, 0, n)
	for i := range n {
		r := &kgo.Record{
			Topic: topic,
			Key:   fmt.Appendf(nil, "key-%04d", i),
			Value: fmt.Appendf(nil, "value %d of %d", i, n),
			Headers: []kgo.RecordHeader{
				{Key: "seq", Value: fmt.Appendf(nil, "%d", i)},
				{Key: "source", Value: []byte("integration")},
			},
		}
		recs = append(recs, r)
		want = append(want, toSmoke(r))
	}
	prod := newKafkaClient(t, brokers)
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce %d records to %s: %v", n, topic, err)
	}
	sortSmoke(want)

	t.Run("franz-go", func(t *testing.T) {
		got := consumeN(ctx, t, brokers, topic, n)
		perPartition := map[int32]int64{}
		smoke := make([]smokeRecord, 0, len(got))
		for _, r := range got {
			if last, ok := perPartition[r.Partition]; ok && r.Offset <= last {
				t.Errorf("partition %d: offset %d after %d", r.Partition, r.Offset, last)
			}
			perPartition[r.Partition] = r.Offset
			smoke = append(smoke, toSmoke(r))
		}
		sortSmoke(smoke)
		compareSmoke(t, smoke, want)
	})

	t.Run("kcat", func(t *testing.T) {
		kcat, err := exec.LookPath("kcat")
		if err != nil {
			t.Skip("kcat is not in PATH (deploy/dev/services.sh up installs it)")
		}
		// -e: exit at the end of every partition; %h prints headers as k=v,k=v.
		cmd := exec.CommandContext(ctx, kcat, "-C", "-b", strings.Join(brokers, ","), "-t", topic,
			"-o", "beginning", "-e", "-q", "-f", `%k\t%s\t%h\n`)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kcat -C %s: %v\n%s", topic, err, stderr.String())
		}
		var got []smokeRecord
		for line := range strings.Lines(string(out)) {
			f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			if len(f) != 3 {
				t.Fatalf("kcat line %q: want 3 tab-separated fields", line)
			}
			got = append(got, smokeRecord{Key: f[0], Value: f[1], Headers: f[2]})
		}
		sortSmoke(got)
		compareSmoke(t, got, want)
	})
}

func compareSmoke(t *testing.T, got, want []smokeRecord) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestKafkaTransactions proves that the broker runs transactions: a
// read_committed consumer sees the records of committed transactions only,
// while a read_uncommitted one also sees those of the aborted transaction.
func TestKafkaTransactions(t *testing.T) {
	t.Parallel()
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 90*time.Second)
	topic := createTopic(ctx, t, brokers, "helios_it_txn", 1)

	prod := newKafkaClient(t, brokers,
		kgo.TransactionalID(uniqueName("helios_it_txn")),
		kgo.DefaultProduceTopic(topic),
		kgo.TransactionTimeout(30*time.Second),
	)
	txn := func(prefix string, n int, commit kgo.TransactionEndTry) {
		t.Helper()
		if err := prod.BeginTransaction(); err != nil {
			t.Fatalf("begin transaction: %v", err)
		}
		for i := range n {
			r := kgo.StringRecord(fmt.Sprintf("%s-%d", prefix, i))
			if err := prod.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatalf("produce %s in a transaction: %v", r.Value, err)
			}
		}
		if err := prod.EndTransaction(ctx, commit); err != nil {
			t.Fatalf("end transaction (%s, commit=%v): %v", prefix, commit, err)
		}
	}
	txn("committed", 5, kgo.TryCommit)
	txn("aborted", 4, kgo.TryAbort)
	// A committed transaction after the aborted one: reaching its records
	// proves the read_committed consumer skipped, not missed, the aborted ones.
	txn("later", 3, kgo.TryCommit)

	values := func(rs []*kgo.Record) []string {
		vs := make([]string, len(rs))
		for i, r := range rs {
			vs[i] = string(r.Value)
		}
		return vs
	}
	wantCommitted := []string{"committed-0", "committed-1", "committed-2", "committed-3", "committed-4", "later-0", "later-1", "later-2"}

	got := values(consumeN(ctx, t, brokers, topic, len(wantCommitted), kgo.FetchIsolationLevel(kgo.ReadCommitted())))
	if strings.Join(got, " ") != strings.Join(wantCommitted, " ") {
		t.Errorf("read_committed consumer got %v, want %v", got, wantCommitted)
	}

	got = values(consumeN(ctx, t, brokers, topic, 12, kgo.FetchIsolationLevel(kgo.ReadUncommitted())))
	aborted := 0
	for _, v := range got {
		if strings.HasPrefix(v, "aborted-") {
			aborted++
		}
	}
	if len(got) != 12 || aborted != 4 {
		t.Errorf("read_uncommitted consumer got %v, want all 12 records with 4 aborted ones", got)
	}
}
