package pgcdc

import (
	"sync"
)

// tracker computes the LSN that is safe to confirm to PostgreSQL: the end
// LSN of the newest transaction such that it and every transaction before
// it have been acknowledged by Kafka in full. Events are handed to the
// producer as they are decoded, so a transaction's records may still be in
// flight when its commit arrives, and acknowledgements may arrive in any
// order across partitions.
//
// The decoding goroutine calls begin, add and commit; producer callbacks
// call ack from other goroutines.
type tracker struct {
	mu struct {
		sync.Mutex
		txns      []*txnState // open or committed but not fully acknowledged, in commit order
		confirmed uint64      // highest LSN safe to confirm
		failed    error       // first failed acknowledgement
	}
}

// txnState counts one transaction's records in flight.
type txnState struct {
	pending   int    // records produced and not yet acknowledged
	committed bool   // the commit message has been seen
	endLSN    uint64 // the commit's TransactionEndLSN
}

func newTracker(start uint64) *tracker {
	t := &tracker{}
	t.mu.confirmed = start
	return t
}

// begin opens a transaction; its records are added with add.
func (t *tracker) begin() *txnState {
	tx := &txnState{}
	t.mu.Lock()
	t.mu.txns = append(t.mu.txns, tx)
	t.mu.Unlock()
	return tx
}

// add counts one more record of tx in flight.
func (t *tracker) add(tx *txnState) {
	t.mu.Lock()
	tx.pending++
	t.mu.Unlock()
}

// ack is called once per added record, with the producer's result.
func (t *tracker) ack(tx *txnState, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil && t.mu.failed == nil {
		t.mu.failed = err
	}
	tx.pending--
	t.advanceLocked()
}

// commit closes tx at its end LSN.
func (t *tracker) commit(tx *txnState, endLSN uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tx.committed, tx.endLSN = true, endLSN
	t.advanceLocked()
}

// abandon forgets an open transaction that will never commit (a streamed
// transaction that aborted before any of its records were produced).
func (t *tracker) abandon(tx *txnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tx.committed = true
	t.advanceLocked()
}

func (t *tracker) advanceLocked() {
	if t.mu.failed != nil {
		return // never confirm past a record Kafka did not take
	}
	n := 0
	for _, tx := range t.mu.txns {
		if !tx.committed || tx.pending > 0 {
			break
		}
		if tx.endLSN > t.mu.confirmed {
			t.mu.confirmed = tx.endLSN
		}
		n++
	}
	if n > 0 {
		t.mu.txns = append(t.mu.txns[:0], t.mu.txns[n:]...)
	}
}

// idleAdvance moves the confirmed LSN to walEnd when nothing is open or in
// flight: the server has sent everything before walEnd and none of it
// belongs to a transaction we still owe, so an idle slot keeps advancing.
func (t *tracker) idleAdvance(walEnd uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.mu.txns) > 0 || t.mu.failed != nil || walEnd <= t.mu.confirmed {
		return false
	}
	t.mu.confirmed = walEnd
	return true
}

// state returns the confirmed LSN, the number of transactions still owed,
// and the first producer error.
func (t *tracker) state() (confirmed uint64, owed int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mu.confirmed, len(t.mu.txns), t.mu.failed
}
