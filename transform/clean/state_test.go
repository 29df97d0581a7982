package clean

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/heliosdb/helios-etl/state"
)

// pebbleStore adapts a state.Store (Pebble, written directly) to Store.
type pebbleStore struct{ s *state.Store }

func (p pebbleStore) Get(k []byte) ([]byte, bool, error) {
	v, err := p.s.Get(k)
	if errors.Is(err, state.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

func (p pebbleStore) Set(k, v []byte) error { return p.s.Put(k, v) }
func (p pebbleStore) Delete(k []byte) error { return p.s.Delete(k) }

// openStore opens a Pebble state database in a temporary directory and
// returns the store of one partition; reopen closes and opens it again,
// as a restarted process would.
func openStore(t *testing.T) (st func() pebbleStore, reopen func()) {
	t.Helper()
	dir := t.TempDir()
	var db *state.DB
	open := func() {
		var err error
		if db, err = state.Open(dir, state.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20}); err != nil {
			t.Fatal(err)
		}
	}
	open()
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return func() pebbleStore { return pebbleStore{db.Partition("s", "t", 0)} }, func() {
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		open()
	}
}

func mustApply(t *testing.T, rs *RuleSet, names, values []string, nulls []bool) Result {
	t.Helper()
	res, err := rs.Apply(names, values, nulls)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// refWindow is the deduplication window spelled out: the last w new keys
// in order of first sighting (w 0: all of them).
type refWindow struct {
	w     int
	order []string
	in    map[string]bool
}

func (r *refWindow) seen(k string) bool {
	if r.in[k] {
		return true
	}
	r.in[k] = true
	r.order = append(r.order, k)
	if r.w > 0 && len(r.order) > r.w {
		delete(r.in, r.order[0])
		r.order = r.order[1:]
	}
	return false
}

// count returns how many entries of the store start with prefix.
func count(t *testing.T, st pebbleStore, prefix string) int {
	t.Helper()
	n := 0
	if err := st.s.Scan(context.Background(), []byte(prefix), func(_, _ []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDedupInState runs a random stream of keys through a rule set kept in
// Pebble, restarting it (a new rule set over the reopened store) every few
// batches, and compares every answer with the window spelled out; the
// store holds exactly the window's keys, twice (hash and ring entries).
func TestDedupInState(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		window    int
		mirrorMax int
		ringMax   int
		keys      int // distinct keys drawn from
	}{
		{"window 1", 1, MirrorMax, RingMax, 5},
		{"window 50 mirrored", 50, MirrorMax, RingMax, 200},
		{"window 50 in a ring with a filter", 50, 0, RingMax, 200},
		{"window 50 in the store only", 50, 0, 0, 200},
		{"window 300 larger than the stream", 300, MirrorMax, RingMax, 150},
		{"window 300 in a ring with a filter", 300, 0, RingMax, 150},
		{"unbounded", 0, MirrorMax, RingMax, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, reopen := openStore(t)
			cfg := Config{Dedup: &Dedup{Key: []string{"id", "region"}, Window: tc.window}}
			ref := &refWindow{w: tc.window, in: map[string]bool{}}
			rnd := rand.New(rand.NewPCG(uint64(tc.window), 7))
			names := []string{"id", "region", "note"}
			var rs *RuleSet
			dups := 0
			for batch := range 40 {
				if batch%7 == 0 {
					if batch > 0 {
						reopen()
					}
					var err error
					if rs, err = New(cfg); err != nil {
						t.Fatal(err)
					}
					if err := rs.load(st(), "q/", 1, tc.mirrorMax, tc.ringMax); err != nil {
						t.Fatal(err)
					}
				}
				rs.Begin(st())
				for i := range 25 {
					id, region := fmt.Sprint(rnd.IntN(tc.keys)), []string{"eu", "us"}[rnd.IntN(2)]
					res := mustApply(t, rs, names, []string{id, region, "x"}, []bool{false, false, false})
					want := ref.seen(id + "/" + region)
					if res.Duplicate != want || res.Drop != want {
						t.Fatalf("batch %d record %d key %s/%s: duplicate %v, want %v", batch, i, id, region, res.Duplicate, want)
					}
					if want {
						dups++
						if res.Reason != "duplicate key id,region" {
							t.Fatalf("reason %q", res.Reason)
						}
					}
				}
				if err := rs.End(); err != nil {
					t.Fatal(err)
				}
			}
			if dups == 0 || dups == 1000 {
				t.Fatalf("%d duplicates out of 1000 records: the stream does not test the window", dups)
			}
			if got, want := count(t, st(), "q/k"), len(ref.order); got != want {
				t.Errorf("%d key entries in the store, want the window's %d", got, want)
			}
			wantRing := len(ref.order)
			if tc.window == 0 {
				wantRing = 0
			}
			if got := count(t, st(), "q/s"); got != wantRing {
				t.Errorf("%d ring entries in the store, want %d", got, wantRing)
			}
		})
	}
}

// TestDedupWindowChange restarts a rule set with a smaller, then a larger
// window: shrinking forgets the keys beyond the new window at once (they
// read as unseen, and their entries go when they come again); growing it
// back counts the keys still held, not those evicted meanwhile.
func TestDedupWindowChange(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	names := []string{"id"}
	run := func(window int, ids []int, want []bool) {
		t.Helper()
		rs, err := New(Config{Dedup: &Dedup{Key: names, Window: window}})
		if err != nil {
			t.Fatal(err)
		}
		if err := rs.Load(st(), "q/", 1); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			if res := mustApply(t, rs, names, []string{fmt.Sprint(id)}, []bool{false}); res.Duplicate != want[i] {
				t.Errorf("window %d: key %d duplicate %v, want %v", window, id, res.Duplicate, want[i])
			}
		}
		if err := rs.End(); err != nil {
			t.Fatal(err)
		}
	}
	// Keys 1 to 8 take sequences 0 to 7.
	run(10, []int{1, 2, 3, 4, 5, 6, 7, 8}, make([]bool, 8))
	// Window 3: 6, 7, 8 are in it. 2 comes again (sequence 8, evicting 6),
	// then 9 (sequence 9, evicting 7).
	run(3, []int{8, 2, 9}, []bool{true, false, false})
	if got := count(t, st(), "q/k"); got != 7 {
		t.Errorf("%d key entries, want 7 (1 to 5, 8, 9)", got)
	}
	// Window 10 again (sequences 0 to 9): 6 was evicted, 5 is still held;
	// 6 (sequence 10) evicts 1, 11 (sequence 11) finds sequence 1 gone,
	// 1 (sequence 12) evicts 3.
	run(10, []int{2, 9, 6, 5, 11, 1}, []bool{true, true, false, true, false, false})
	if got, want := count(t, st(), "q/k"), 8; got != want {
		t.Errorf("%d key entries, want %d (1, 2, 4, 5, 6, 8, 9, 11)", got, want)
	}
}

// TestImputationStatsInState checks that the statistics reach the store
// only once every `every` batches that changed them, and that a rule set
// loaded from there imputes as the one that saved them.
func TestImputationStatsInState(t *testing.T) {
	t.Parallel()
	st, reopen := openStore(t)
	cfg := Config{Rules: []Rule{
		{Field: "amount", Null: &NullRule{Action: "median"}},
		{Field: "score", Null: &NullRule{Action: "mean"}},
		{Field: "status", Null: &NullRule{Action: "mode"}},
		{Field: "note", Ops: []string{"trim"}},
	}}
	names := []string{"amount", "score", "status", "note"}
	load := func() *RuleSet {
		rs, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := rs.Load(st(), "q/", 3); err != nil {
			t.Fatal(err)
		}
		return rs
	}
	impute := func(rs *RuleSet) string {
		v := []string{"", "", "", " n "}
		mustApply(t, rs, names, v, []bool{true, true, true, false})
		return fmt.Sprint(v[:3])
	}
	saved := func() bool {
		_, ok, err := st().Get([]byte("q/i"))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	rs := load()
	batch := func(rows ...[]string) {
		rs.Begin(st())
		for _, r := range rows {
			mustApply(t, rs, names, r, []bool{false, false, false, false})
		}
		if err := rs.End(); err != nil {
			t.Fatal(err)
		}
	}
	batch([]string{"10", "1", "paid", "a"}, []string{"20", "2", "paid", "b"})
	batch([]string{"30", "3", "new", "c"})
	// A batch of nulls only changes nothing.
	rs.Begin(st())
	if got := impute(rs); got != "[20 2 paid]" {
		t.Errorf("imputed %s, want [20 2 paid]", got)
	}
	if err := rs.End(); err != nil {
		t.Fatal(err)
	}
	if saved() {
		t.Fatal("statistics saved after 2 changed batches, want every 3")
	}
	batch([]string{"40", "4", "new", "d"}, []string{"1000", "40", "new", "e"})
	if !saved() {
		t.Fatal("statistics not saved after 3 changed batches")
	}
	want := impute(rs)
	if want != "[30 10 new]" {
		t.Errorf("imputed %s, want [30 10 new]", want)
	}
	// What comes after the checkpoint is lost by a reload: at most every−1
	// batches.
	batch([]string{"1", "1", "paid", "f"})
	reopen()
	rs = load()
	if got := impute(rs); got != want {
		t.Errorf("after a reload imputed %s, want %s as at the checkpoint", got, want)
	}
	// The sample itself is restored: both continue alike.
	a, b := load(), load()
	for i := range 3000 {
		row := []string{fmt.Sprint(i % 97), fmt.Sprint(i % 13), fmt.Sprint("s", i%5), ""}
		mustApply(t, a, names, append([]string(nil), row...), []bool{false, false, false, true})
		mustApply(t, b, names, row, []bool{false, false, false, true})
	}
	if x, y := impute(a), impute(b); x != y {
		t.Errorf("two rule sets loaded from one state diverge: %s and %s", x, y)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	st, _ := openStore(t)
	rs, err := New(Config{Dedup: &Dedup{Key: []string{"id"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.Load(st(), "q/", 0); err == nil {
		t.Error("Load with checkpoint 0: no error")
	}
	for key, v := range map[string]string{"q/n": "\xff", "q/i": `{"v":1,"fields":[{"name":"a","sample":"AQ=="}]}`} {
		st, _ := openStore(t)
		if err := st().Set([]byte(key), []byte(v)); err != nil {
			t.Fatal(err)
		}
		if err := rs.Load(st(), "q/", 1); !errors.Is(err, ErrState) {
			t.Errorf("Load with %s = %x: %v, want ErrState", key, v, err)
		}
	}
}

// FuzzDecodeStats checks that saved statistics never panic the decoder and
// that what it accepts encodes back the same.
func FuzzDecodeStats(f *testing.F) {
	rs, _ := New(Config{Rules: []Rule{{Field: "*", Null: &NullRule{Action: "mode"}}}})
	for i := range 100 {
		if _, err := rs.Apply([]string{"a", "b"}, []string{fmt.Sprint(i % 7), fmt.Sprint(i)}, []bool{false, false}); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(encodeStats(rs.stats))
	f.Add(encodeStats(nil))
	f.Add([]byte(`{"v":1,"fields":[{"name":"a","n":3,"mean":2,"sample":"AwAA","counts":{"x":2}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		stats, err := decodeStats(b)
		if err != nil {
			return
		}
		again, err := decodeStats(encodeStats(stats))
		if err != nil {
			t.Fatalf("re-encoded statistics do not decode: %v", err)
		}
		if x, y := encodeStats(stats), encodeStats(again); string(x) != string(y) {
			t.Fatalf("encoding not stable: %x then %x", x, y)
		}
	})
}

// TestGenBloom checks that the filter always holds the last n keys and
// rarely claims a key it never saw.
func TestGenBloom(t *testing.T) {
	t.Parallel()
	const n = 10_000
	g := newGenBloom(n)
	h := func(i int) uint64 { return uint64(i)*0x9e3779b97f4a7c15 + 1 }
	for i := range 5 * n {
		g.add(h(i))
		if i >= n && i%997 == 0 {
			for j := i - n + 1; j <= i; j += 101 {
				if !g.has(h(j)) {
					t.Fatalf("after %d keys, key %d (of the last %d) is missing", i+1, j, n)
				}
			}
		}
	}
	fp := 0
	for i := range n {
		if g.has(h(10*n + i)) {
			fp++
		}
	}
	// Two generations of about 1 % each.
	if rate := float64(fp) / n; rate > 0.04 {
		t.Errorf("false positives %.3f, want about 0.02", rate)
	}
}
