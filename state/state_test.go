package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// openMem opens an in-memory DB closed at the end of the test.
func openMem(t testing.TB) *DB {
	t.Helper()
	db, err := Open("mem", Options{InMemory: true, CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db
}

// dump returns the store's contents as "k=v" lines.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	var sb strings.Builder
	err := s.Scan(context.Background(), nil, func(k, v []byte) error {
		fmt.Fprintf(&sb, "%s=%s\n", k, v)
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", s.ID(), err)
	}
	return sb.String()
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want []string // substrings of the error; none means valid
	}{
		{name: "zero", opts: Options{}},
		{name: "set", opts: Options{CacheSize: 1 << 20, MemTableSize: 4 << 20}},
		{name: "negative cache", opts: Options{CacheSize: -1}, want: []string{"cache size -1"}},
		{name: "all problems", opts: Options{CacheSize: -2, MemTableSize: 10}, want: []string{"cache size -2", "memtable size 10 is below"}},
		{name: "huge memtable", opts: Options{MemTableSize: 4 << 30}, want: []string{"not below 4 GiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.opts.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
	if _, err := Open("x", Options{InMemory: true, CacheSize: -1}); err == nil || !strings.Contains(err.Error(), "state: open x:") {
		t.Errorf("Open with bad options = %v, want a wrapped validation error", err)
	}
	if _, err := Open("", Options{}); err == nil {
		t.Error("Open with no directory succeeded")
	}
}

func TestStoreGetPutDelete(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	s := db.Namespace("cdc")

	if _, err := s.Get([]byte("k")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing key = %v, want ErrNotFound", err)
	}
	k, v := []byte("k"), []byte("v1")
	if err := s.Put(k, v); err != nil {
		t.Fatal(err)
	}
	v[1] = '9' // Put copies
	got, err := s.Get(k)
	if err != nil || string(got) != "v1" {
		t.Fatalf("Get = %q, %v, want v1", got, err)
	}
	got[0] = 'x' // Get returns a copy
	if again, _ := s.Get(k); string(again) != "v1" {
		t.Fatalf("Get after changing the returned slice = %q, want v1", again)
	}
	if err := s.Put([]byte("empty"), nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get([]byte("empty")); err != nil || len(got) != 0 {
		t.Fatalf("Get of an empty value = %q, %v", got, err)
	}
	if err := s.Delete(k); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete([]byte("never")); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	if _, err := s.Get(k); !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "state: get ns/cdc") {
		t.Fatalf("Get after Delete = %v, want a wrapped ErrNotFound", err)
	}
}

func TestNamespaceIsolation(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	// Pairs whose naive concatenation (name + key) would be equal.
	stores := []struct {
		s   *Store
		key string
	}{
		{db.Namespace("a"), "bc"},
		{db.Namespace("ab"), "c"},
		{db.Namespace("abc"), ""},
		{db.Namespace(""), "abc"},
		{db.Partition("a", "bc", 1), "x"},
		{db.Partition("ab", "c", 1), "x"},
		{db.Partition("ab", "c", 256), "x"},
		{db.Partition("ab", "c", -1), "x"},
		{db.Partition("ab", "c\x00\x00\x00\x01", 0), "x"},
	}
	for i, st := range stores {
		if err := st.s.Put([]byte(st.key), fmt.Appendf(nil, "%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, st := range stores {
		t.Run(st.s.ID().String(), func(t *testing.T) {
			t.Parallel()
			want := fmt.Sprintf("%s=%d\n", st.key, i)
			if got := dump(t, st.s); got != want {
				t.Errorf("store holds %q, want only %q", got, want)
			}
		})
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	s := db.Namespace("scan")
	for _, k := range []string{"a", "b/1", "b/2", "b/3", "c", "b\xff", "b"} {
		if err := s.Put([]byte(k), []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a", "b", "b/1", "b/2", "b/3", "b\xff", "c"}},
		{"b/", []string{"b/1", "b/2", "b/3"}},
		{"b", []string{"b", "b/1", "b/2", "b/3", "b\xff"}},
		{"z", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			t.Parallel()
			var got []string
			err := s.Scan(context.Background(), []byte(tt.prefix), func(k, v []byte) error {
				if !bytes.Equal(k, v) {
					t.Errorf("key %q has value %q", k, v)
				}
				got = append(got, string(k))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Scan = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("callback error", func(t *testing.T) {
		t.Parallel()
		stop := errors.New("stop")
		n := 0
		err := s.Scan(context.Background(), nil, func(k, v []byte) error { n++; return stop })
		if err != stop || n != 1 {
			t.Errorf("Scan = %v after %d calls, want stop after 1", err, n)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		t.Parallel()
		big := db.Namespace("big")
		b := db.NewBatch()
		defer b.Close()
		for i := range 2 * scanCtxEvery {
			_ = b.Put(big, fmt.Appendf(nil, "%04d", i), nil)
		}
		if err := b.Commit(false); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := big.Scan(ctx, nil, func(k, v []byte) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Scan with a canceled context = %v, want context.Canceled", err)
		}
	})
}

func TestBatchAtomicity(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	a, p := db.Namespace("a"), db.Partition("stage", "topic", 3)

	b := db.NewBatch()
	if err := b.Put(a, []byte("k"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(p, []byte("k"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, a) + dump(t, p); got != "" {
		t.Fatalf("uncommitted batch is visible: %q", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, a) + dump(t, p); got != "" {
		t.Fatalf("closed, uncommitted batch is visible: %q", got)
	}
	if err := b.Put(a, []byte("k"), nil); err == nil {
		t.Error("Put on a closed batch succeeded")
	}

	b = db.NewBatch()
	defer b.Close()
	_ = b.Put(a, []byte("k"), []byte("1"))
	_ = b.Put(p, []byte("k"), []byte("2"))
	_ = b.Delete(a, []byte("gone"))
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, a) + dump(t, p); got != "k=1\nk=2\n" {
		t.Fatalf("after commit: %q", got)
	}
	if err := b.Commit(true); err == nil {
		t.Error("second Commit succeeded")
	}
	if err := b.Put(a, []byte("x"), nil); err == nil {
		t.Error("Put after Commit succeeded")
	}
	other := openMem(t)
	b2 := other.NewBatch()
	defer b2.Close()
	if err := b2.Put(a, []byte("k"), nil); err == nil || !strings.Contains(err.Error(), "another database") {
		t.Errorf("Put of another DB's store = %v", err)
	}
}

func TestBatchWrites(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	s, other := db.Partition("st", "t", 0), db.Partition("st", "t", 1)
	b := db.NewBatch()
	defer b.Close()
	_ = b.Put(s, []byte("a"), []byte("1"))
	_ = b.Put(other, []byte("a"), []byte("other"))
	_ = b.Delete(s, []byte("b"))
	_ = b.Put(s, []byte("c"), nil)
	_ = b.Put(s, []byte("a"), []byte("2"))
	_ = b.SetChangelogOffset(s, 41)

	show := func(ws []Write) string {
		var sb strings.Builder
		for _, w := range ws {
			switch {
			case w.Tombstone():
				fmt.Fprintf(&sb, "%s=<tombstone> ", w.Key)
			case w.Value == nil:
				fmt.Fprintf(&sb, "%s=<nil!> ", w.Key)
			default:
				fmt.Fprintf(&sb, "%s=%q ", w.Key, w.Value)
			}
		}
		return sb.String()
	}
	const want = `a="1" b=<tombstone> c="" a="2" `
	ws, err := b.Writes(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := show(ws); got != want {
		t.Errorf("Writes before commit = %s, want %s", got, want)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	ws, err = b.Writes(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := show(ws); got != want {
		t.Errorf("Writes after commit = %s, want %s", got, want)
	}
	if off, err := s.ChangelogOffset(); err != nil || off != 41 {
		t.Errorf("ChangelogOffset = %d, %v, want 41", off, err)
	}
}

func TestDropPartition(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	p0, p1 := db.Partition("st", "t", 0), db.Partition("st", "t", 1)
	b := db.NewBatch()
	defer b.Close()
	for _, s := range []*Store{p0, p1} {
		_ = b.Put(s, []byte("k"), []byte("v"))
		_ = b.SetChangelogOffset(s, 7)
	}
	if err := b.Commit(false); err != nil {
		t.Fatal(err)
	}
	if err := db.DropPartition("st", "t", 0); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, p0); got != "" {
		t.Errorf("dropped partition holds %q", got)
	}
	if _, err := p0.ChangelogOffset(); !errors.Is(err, ErrNotFound) {
		t.Errorf("dropped partition's changelog offset: %v, want ErrNotFound", err)
	}
	if got := dump(t, p1); got != "k=v\n" {
		t.Errorf("other partition holds %q", got)
	}
	if off, err := p1.ChangelogOffset(); err != nil || off != 7 {
		t.Errorf("other partition's offset = %d, %v", off, err)
	}
}

// changelog turns "offset key value" triples into records; value "-" is a
// tombstone. An error is yielded after failAfter records if it is >= 0.
func changelog(lines []string, failAfter int) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for i, l := range lines {
			if i == failAfter {
				yield(Record{}, errors.New("broker gone"))
				return
			}
			var r Record
			var k, v string
			if _, err := fmt.Sscan(l, &r.Offset, &k, &v); err != nil {
				panic(err)
			}
			r.Key = []byte(k)
			if v != "-" {
				r.Value = []byte(v)
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestRestore(t *testing.T) {
	t.Parallel()
	log := []string{
		"0 a 1", "1 b 1", "3 c 1", "4 a 2", "5 b -", "9 d 1", "10 c -", "11 e 1", "12 d 2",
	}
	const want = "a=2\nd=2\ne=1\n"
	tests := []struct {
		name     string
		maxBytes int
	}{
		{"one batch", 0},
		{"batch per record", 1},
		{"small batches", 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			s := db.Partition("st", "t", 2)
			// Stale state that Restore must clear.
			_ = s.Put([]byte("stale"), []byte("x"))
			_ = s.Put([]byte("a"), []byte("old"))
			st, err := Restore(context.Background(), s, changelog(log, -1), RestoreOptions{MaxBatchBytes: tt.maxBytes})
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(t, s); got != want {
				t.Errorf("restored %q, want %q", got, want)
			}
			if st.Applied != int64(len(log)) || st.Offset != 12 {
				t.Errorf("stats = %+v", st)
			}
			if tt.maxBytes == 1 && st.Batches != len(log) {
				t.Errorf("batches = %d, want %d", st.Batches, len(log))
			}
			if off, err := s.ChangelogOffset(); err != nil || off != 12 {
				t.Errorf("changelog offset = %d, %v, want 12", off, err)
			}
		})
	}

	t.Run("resume after a failure", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		s := db.Partition("st", "t", 2)
		st, err := Restore(context.Background(), s, changelog(log, 5), RestoreOptions{MaxBatchBytes: 1})
		if err == nil || !strings.Contains(err.Error(), "broker gone") || !strings.Contains(err.Error(), "after offset 5") {
			t.Fatalf("Restore = %v, want the changelog's error", err)
		}
		if st.Offset != 5 {
			t.Errorf("offset after failure = %d, want 5", st.Offset)
		}
		if got := dump(t, s); got != "a=2\nc=1\n" {
			t.Errorf("partial state %q", got)
		}
		// Resume from the start of the topic: records up to 5 are skipped.
		st, err = CatchUp(context.Background(), s, changelog(log, -1), RestoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Skipped != 5 || st.Applied != 4 || st.Offset != 12 {
			t.Errorf("catch-up stats = %+v", st)
		}
		if got := dump(t, s); got != want {
			t.Errorf("after catch-up %q, want %q", got, want)
		}
		// Nothing new: no batch.
		st, err = CatchUp(context.Background(), s, changelog(log, -1), RestoreOptions{})
		if err != nil || st.Batches != 0 || st.Offset != 12 {
			t.Errorf("idle catch-up = %+v, %v", st, err)
		}
	})

	t.Run("catch up without marker restores", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		s := db.Partition("st", "t", 2)
		_ = s.Put([]byte("stale"), []byte("x"))
		if _, err := CatchUp(context.Background(), s, changelog(log, -1), RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := dump(t, s); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("offsets must increase", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		s := db.Partition("st", "t", 2)
		_, err := Restore(context.Background(), s, changelog([]string{"3 a 1", "2 b 1"}, -1), RestoreOptions{})
		if err == nil || !strings.Contains(err.Error(), "offset 2 after 3") {
			t.Errorf("Restore = %v, want an offset error naming 2 and 3", err)
		}
	})

	t.Run("empty changelog clears", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		s := db.Partition("st", "t", 2)
		_ = s.Put([]byte("stale"), []byte("x"))
		st, err := Restore(context.Background(), s, changelog(nil, -1), RestoreOptions{})
		if err != nil || st.Offset != -1 {
			t.Fatalf("Restore = %+v, %v", st, err)
		}
		if got := dump(t, s); got != "" {
			t.Errorf("store holds %q", got)
		}
	})

	t.Run("canceled", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		s := db.Partition("st", "t", 2)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Restore(ctx, s, changelog(log, -1), RestoreOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Restore = %v, want context.Canceled", err)
		}
	})
}

func TestReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := db.Partition("st", "t", 0)
	b := db.NewBatch()
	_ = b.Put(s, []byte("k"), []byte("synced"))
	_ = b.SetChangelogOffset(s, 99)
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	if err := db.Namespace("n").Put([]byte("k"), []byte("unsynced")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Partition("st", "t", 0).Get([]byte("k")); err != nil || string(v) != "synced" {
		t.Errorf("after reopen Get = %q, %v", v, err)
	}
	if v, err := db.Namespace("n").Get([]byte("k")); err != nil || string(v) != "unsynced" {
		t.Errorf("after reopen Get = %q, %v", v, err)
	}
	if off, err := db.Partition("st", "t", 0).ChangelogOffset(); err != nil || off != 99 {
		t.Errorf("after reopen offset = %d, %v", off, err)
	}
	if _, err := Open(dir, Options{}); err == nil {
		t.Error("second Open of a locked directory succeeded")
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	db, err := Open("mem", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	s := db.Namespace("n")
	for i := range 3 {
		_ = s.Put(fmt.Appendf(nil, "%d", i), nil)
	}
	b := db.NewBatch()
	_ = b.Put(s, []byte("late"), nil)

	// Close waits for a Scan in flight.
	inScan, release := make(chan struct{}), make(chan struct{})
	scanDone := make(chan error)
	go func() {
		scanDone <- s.Scan(context.Background(), nil, func(k, v []byte) error {
			if string(k) == "0" {
				close(inScan)
				<-release
			}
			return nil
		})
	}()
	<-inScan
	var closed atomic.Bool
	closeDone := make(chan error)
	go func() {
		err := db.Close()
		closed.Store(true)
		closeDone <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if closed.Load() {
		t.Fatal("Close returned while a Scan was running")
	}
	close(release)
	if err := <-scanDone; err != nil {
		t.Errorf("Scan: %v", err)
	}
	if err := <-closeDone; err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for name, err := range map[string]error{
		"get":    func() error { _, err := s.Get([]byte("0")); return err }(),
		"put":    s.Put([]byte("x"), nil),
		"delete": s.Delete([]byte("x")),
		"scan":   s.Scan(context.Background(), nil, func(k, v []byte) error { return nil }),
		"drop":   s.Drop(),
		"commit": b.Commit(true),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Errorf("batch Close after DB Close: %v", err)
	}
}

func TestCollector(t *testing.T) {
	t.Parallel()
	db, err := Open("mem", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Namespace("n").Put([]byte("k"), []byte("v"))
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(db, prometheus.Labels{"db": "test"}))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, mf := range mfs {
		got[mf.GetName()] = true
	}
	for _, name := range []string{
		"etl_state_disk_bytes", "etl_state_memtable_bytes", "etl_state_compactions_total",
		"etl_state_read_amplification", "etl_state_wal_bytes_written_total",
		"etl_state_block_cache_hits_total", "etl_state_sstables",
	} {
		if !got[name] {
			t.Errorf("metric %s missing; got %v", name, got)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if mfs, err := reg.Gather(); err != nil || len(mfs) != 0 {
		t.Errorf("after Close Gather = %d families, %v; want none", len(mfs), err)
	}
}

// TestConcurrentClose runs reads, writes, scans and commits while the DB
// closes: every call either succeeds or returns ErrClosed, and nothing
// panics or races.
func TestConcurrentClose(t *testing.T) {
	t.Parallel()
	db, err := Open("mem", Options{InMemory: true, CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	const workers = 4
	errs := make(chan error, workers)
	started := make(chan struct{}, workers)
	for w := range workers {
		go func() {
			s := db.Partition("st", "t", int32(w))
			for i := 0; ; i++ {
				k := fmt.Appendf(nil, "%d", i%50)
				var err error
				switch i % 4 {
				case 0:
					err = s.Put(k, k)
				case 1:
					_, err = s.Get(k)
					if errors.Is(err, ErrNotFound) {
						err = nil
					}
				case 2:
					err = s.Scan(context.Background(), nil, func(k, v []byte) error { return nil })
				case 3:
					b := db.NewBatch()
					_ = b.Delete(s, k)
					err = b.Commit(i%8 == 3)
					_ = b.Close()
				}
				if i == 100 || (err != nil && i < 100) {
					started <- struct{}{}
				}
				if err != nil {
					if errors.Is(err, ErrClosed) {
						err = nil
					}
					errs <- err
					return
				}
			}
		}()
	}
	for range workers {
		<-started
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Errorf("worker: %v", err)
		}
	}
}
