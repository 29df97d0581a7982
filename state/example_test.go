package state_test

import (
	"context"
	"fmt"
	"iter"

	"github.com/heliosdb/helios-etl/state"
)

// A stage writes a partition's state in a batch, lists the writes to mirror
// them to its changelog topic, and commits.
func Example() {
	db, err := state.Open("example", state.Options{InMemory: true})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	counts := db.Partition("count-by-customer", "orders", 3)
	b := db.NewBatch()
	defer b.Close()
	_ = b.Put(counts, []byte("customer-1"), []byte("2"))
	_ = b.Delete(counts, []byte("customer-9"))

	writes, _ := b.Writes(counts)
	for _, w := range writes {
		fmt.Printf("changelog: %s tombstone=%v\n", w.Key, w.Tombstone())
	}
	if err := b.Commit(true); err != nil {
		panic(err)
	}
	v, _ := counts.Get([]byte("customer-1"))
	fmt.Printf("customer-1 = %s\n", v)
	// Output:
	// changelog: customer-1 tombstone=false
	// changelog: customer-9 tombstone=true
	// customer-1 = 2
}

// Restore rebuilds a partition that moved to this instance from its
// changelog; CatchUp later applies only what came after.
func ExampleRestore() {
	db, err := state.Open("example", state.Options{InMemory: true})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	changelog := func(yield func(state.Record, error) bool) {
		for _, r := range []state.Record{
			{Offset: 0, Key: []byte("a"), Value: []byte("1")},
			{Offset: 1, Key: []byte("b"), Value: []byte("1")},
			{Offset: 2, Key: []byte("a"), Value: nil}, // tombstone
		} {
			if !yield(r, nil) {
				return
			}
		}
	}
	s := db.Partition("stage", "orders", 0)
	stats, err := state.Restore(context.Background(), s, iter.Seq2[state.Record, error](changelog), state.RestoreOptions{})
	if err != nil {
		panic(err)
	}
	off, _ := s.ChangelogOffset()
	fmt.Printf("applied %d records, store at changelog offset %d\n", stats.Applied, off)
	_ = s.Scan(context.Background(), nil, func(k, v []byte) error {
		fmt.Printf("%s=%s\n", k, v)
		return nil
	})
	// Output:
	// applied 3 records, store at changelog offset 2
	// b=1
}
