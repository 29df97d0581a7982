package ops

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/stage"
)

func TestQuarantineSendsAnomaliesToTheDeadLetters(t *testing.T) {
	t.Parallel()
	q, err := Parse("quarantine 0.5")
	if err != nil {
		t.Fatal(err)
	}
	sch := &schemas.Schema{Name: "public.payments", Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2}},
		{Name: "email", Type: schemas.Type{Kind: schemas.KindString}},
	}}
	r := rand.New(rand.NewPCG(1, 2))
	rec := func(i int, amount, email string) *stage.Record {
		return &stage.Record{Event: &schemas.Event{Op: schemas.OpCreate, Schema: sch, After: []schemas.Value{
			schemas.Int64(int64(i)), schemas.DecimalValue(schemas.MustParseDecimal(amount)), schemas.String(email)}},
			Source: stage.Source{Topic: "payments", Offset: int64(i)}}
	}
	normal := func(i int) *stage.Record {
		return rec(i, fmt.Sprintf("%.2f", 100+10*r.NormFloat64()), fmt.Sprintf("user%d@example.com", i))
	}
	var emitted int
	var failed []error
	i := 0
	for batch := 0; batch < 30; batch++ {
		var recs []*stage.Record
		for j := 0; j < 100; j++ {
			recs = append(recs, normal(i))
			i++
		}
		if batch == 25 {
			recs = append(recs, rec(i, "987654.00", "x@example.com"), rec(i+1, "101.00", "not an email"))
			i += 2
		}
		b := stage.NewTestBatch(recs)
		if err := q.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		emitted += len(b.Emitted())
		failed = append(failed, b.Failed()...)
	}
	t.Logf("quarantined: %v", failed)
	text := fmt.Sprint(failed)
	if !strings.Contains(text, "amount") || !strings.Contains(text, "email") {
		t.Errorf("planted anomalies not quarantined; failures: %v", failed)
	}
	if len(failed) > 5 {
		t.Errorf("%d records quarantined out of %d normal ones and 2 planted: it floods", len(failed), i-2)
	}
	if emitted+len(failed) != i {
		t.Errorf("emitted %d + failed %d != %d records in", emitted, len(failed), i)
	}
}

// TestQuarantineCheckpoint checks when the detector reaches the partition
// state and that Forget makes the next batch reload it from there.
func TestQuarantineCheckpoint(t *testing.T) {
	t.Parallel()
	db, err := state.Open(t.TempDir(), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := db.Partition("q", "payments", 0)
	q, err := NewQuarantine(anomaly.Config{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	sch := &schemas.Schema{Name: "public.t", Fields: []schemas.Field{{Name: "n", Type: schemas.Type{Kind: schemas.KindInt64}}}}
	off := 0
	batch := func() *stage.Batch {
		var recs []*stage.Record
		for range 10 {
			recs = append(recs, &stage.Record{Source: stage.Source{Offset: int64(off)},
				Event: &schemas.Event{Op: schemas.OpCreate, Schema: sch, After: []schemas.Value{schemas.Int64(int64(off % 7))}}})
			off++
		}
		return stage.NewTestStateBatch(store, "payments", 0, recs)
	}
	learned := func() uint64 {
		p := q.parts.get(stage.NewTestStateBatch(store, "payments", 0, nil))
		if p == nil {
			return 0
		}
		n, _ := p.d.Rows()
		return n
	}
	saved := func() uint64 {
		d, _ := anomaly.New(anomaly.Config{})
		ok, err := d.Load(partitionState{stage.NewTestStateBatch(store, "payments", 0, nil).State()}, quarantineKey)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return 0
		}
		n, _ := d.Rows()
		return n
	}
	steps := []struct {
		forget             bool
		learned, persisted uint64
	}{
		{false, 10, 0},
		{false, 20, 0},
		{false, 30, 30}, // third batch: checkpoint
		{false, 40, 30},
		{true, 40, 30}, // reloaded from the checkpoint (30), then 10 more
		{false, 50, 30},
		{false, 60, 60},
	}
	for i, s := range steps {
		if s.forget {
			q.Forget("payments", 0)
		}
		b := batch()
		if err := q.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if _, err := b.CommitState(); err != nil {
			t.Fatal(err)
		}
		if got, want := learned(), s.learned; got != want {
			t.Errorf("batch %d: detector has learned %d rows, want %d", i, got, want)
		}
		if got := saved(); got != s.persisted {
			t.Errorf("batch %d: state holds a detector of %d rows, want %d", i, got, s.persisted)
		}
	}
}
