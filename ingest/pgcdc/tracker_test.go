package pgcdc

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
)

func TestTrackerOrdersAcknowledgements(t *testing.T) {
	t.Parallel()
	tr := newTracker(100)
	a, b := tr.begin(), tr.begin()
	tr.add(a)
	tr.add(a)
	tr.add(b)
	tr.commit(a, 200)
	tr.commit(b, 300)
	tr.ack(b, nil) // b is done first, but a is still owed
	if c, owed, _ := tr.state(); c != 100 || owed != 2 {
		t.Fatalf("confirmed %d owed %d, want 100 and 2", c, owed)
	}
	tr.ack(a, nil)
	if c, _, _ := tr.state(); c != 100 {
		t.Fatalf("confirmed %d with one record of a in flight", c)
	}
	tr.ack(a, nil)
	if c, owed, _ := tr.state(); c != 300 || owed != 0 {
		t.Fatalf("confirmed %d owed %d, want 300 and 0", c, owed)
	}
	if !tr.idleAdvance(400) {
		t.Fatal("idle tracker did not advance")
	}
	open := tr.begin()
	if tr.idleAdvance(500) {
		t.Fatal("advanced past an open transaction")
	}
	tr.abandon(open)
	if c, _, _ := tr.state(); c != 400 {
		t.Fatalf("confirmed %d, want 400", c)
	}
}

func TestTrackerStopsAtFailure(t *testing.T) {
	t.Parallel()
	tr := newTracker(0)
	a := tr.begin()
	tr.add(a)
	tr.commit(a, 10)
	tr.ack(a, errors.New("broker down"))
	b := tr.begin()
	tr.commit(b, 20)
	c, _, err := tr.state()
	if c != 0 || err == nil {
		t.Fatalf("confirmed %d err %v after a failed record", c, err)
	}
}

func TestTrackerConcurrentAcks(t *testing.T) {
	t.Parallel()
	tr := newTracker(0)
	type rec struct{ tx *txnState }
	var recs []rec
	for i := 1; i <= 200; i++ {
		tx := tr.begin()
		n := rand.IntN(5)
		for j := 0; j < n; j++ {
			tr.add(tx)
			recs = append(recs, rec{tx})
		}
		tr.commit(tx, uint64(i*10))
	}
	rand.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for i := w; i < len(recs); i += 4 {
				tr.ack(recs[i].tx, nil)
			}
		})
	}
	wg.Wait()
	if c, owed, err := tr.state(); c != 2000 || owed != 0 || err != nil {
		t.Fatalf("confirmed %d owed %d err %v, want 2000, 0, nil", c, owed, err)
	}
}
