package emit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// recordingSink keeps what it applies and rejects events whose "id" is
// in bad, as a target rejects a value.
type recordingSink struct {
	mu      sync.Mutex
	bad     map[int64]bool
	applied []Record
	next    map[int32]int64
}

func (s *recordingSink) Write(_ context.Context, batch []Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range batch {
		if !r.Position() && s.bad[r.Event.After[0].Int()] {
			return &BadRecordError{Err: errors.New("value out of range")}
		}
	}
	for _, r := range batch {
		s.next[r.Partition] = r.Offset + 1
		if !r.Position() {
			s.applied = append(s.applied, r)
		}
	}
	return nil
}

func (s *recordingSink) NextOffsets(context.Context) (map[string]map[int32]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[int32]int64{"cdc": {}}
	for p, o := range s.next {
		out["cdc"][p] = o
	}
	return out, nil
}

func TestConsumerDeadLetters(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "cdc", "g.dlq"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	prod, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	s := &schemas.Schema{Name: "public.t", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}}, {Name: "v", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true}}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	var recs []*kgo.Record
	for id := int64(1); id <= 10; id++ {
		ev := schemas.Event{Op: schemas.OpCreate, Schema: s, After: []schemas.Value{schemas.Int64(id), schemas.String("x")}}
		v, _ := enc.AppendValue(nil, &ev)
		k, _, _ := enc.AppendKey(nil, &ev)
		recs = append(recs, &kgo.Record{Topic: "cdc", Key: k, Value: v})
		if id == 4 {
			recs = append(recs, &kgo.Record{Topic: "cdc", Value: []byte(`{"schema": not json`)}, &kgo.Record{Topic: "cdc", Key: k})
		}
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	sink := &recordingSink{bad: map[int64]bool{7: true}, next: map[int32]int64{}}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumerGroup("g"), kgo.ConsumeTopics("cdc"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.BlockRebalanceOnPoll(), kgo.AutoCommitMarks(),
		kgo.AdjustFetchOffsetsFn(ResumeFrom(sink)))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.CloseAllowingRebalance()
	cons, err := NewConsumer(cl, sink, ConsumerConfig{Name: "test", DLQTopic: "g.dlq", BatchWait: 10 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- cons.Run(runCtx) }()
	// Wait until every record's position is applied: 10 events, one
	// undecodable record, one tombstone.
	for {
		sink.mu.Lock()
		n := sink.next[0]
		sink.mu.Unlock()
		if n == 12 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("sink at offset %d, want 12", n)
		case <-time.After(20 * time.Millisecond):
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(sink.applied) != 9 {
		t.Errorf("applied %d events, want 9 (10 minus the bad one)", len(sink.applied))
	}
	dlq, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("g.dlq"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer dlq.Close()
	var got []*kgo.Record
	for len(got) < 2 && ctx.Err() == nil {
		got = append(got, dlq.PollFetches(ctx).Records()...)
	}
	reasons := map[string]string{}
	for _, r := range got {
		h := map[string]string{}
		for _, x := range r.Headers {
			h[x.Key] = string(x.Value)
		}
		reasons[h[HeaderDLQOffset]] = h[HeaderDLQReason]
	}
	if len(got) != 2 || reasons["4"] != "decode" || reasons["8"] != "apply" {
		t.Errorf("dead letters by offset: %v, want 4: decode, 8: apply", reasons)
	}
}

func TestDecoderKey(t *testing.T) {
	t.Parallel()
	s := &schemas.Schema{Name: "public.t", Version: 3, Key: []int{1, 0}, Fields: []schemas.Field{
		{Name: "a", Type: schemas.Type{Kind: schemas.KindInt32}}, {Name: "b", Type: schemas.Type{Kind: schemas.KindString}}, {Name: "c", Type: schemas.Type{Kind: schemas.KindBool}, Nullable: true}}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	d := NewDecoder()
	var first *schemas.Schema
	for i := range 2 {
		ev := schemas.Event{Op: schemas.OpUpdate, Schema: s, After: []schemas.Value{schemas.Int(schemas.KindInt32, int64(i)), schemas.String("k"), schemas.Bool(true)}}
		v, _ := enc.AppendValue(nil, &ev)
		k, _, _ := enc.AppendKey(nil, &ev)
		r, err := d.Decode(&kgo.Record{Topic: "x", Offset: int64(i), Key: k, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Event.Schema.Key; len(got) != 2 || got[0] != 1 || got[1] != 0 {
			t.Fatalf("key = %v, want [1 0]", got)
		}
		if first == nil {
			first = r.Event.Schema
		} else if first != r.Event.Schema {
			t.Error("events of one schema version do not share a *Schema")
		}
	}
	r, err := d.Decode(&kgo.Record{Topic: "x", Offset: 9})
	if err != nil || !r.Position() {
		t.Errorf("tombstone: %v, %v; want a position-only record", r, err)
	}
}
