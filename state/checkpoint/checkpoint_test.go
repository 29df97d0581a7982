package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/state"
)

func openMem(t testing.TB) *state.DB {
	t.Helper()
	db, err := state.Open("mem", state.Options{InMemory: true, CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestSaveLSN(t *testing.T) {
	t.Parallel()
	type step struct {
		slot    string
		lsn     uint64
		wantErr string // substring; empty means success
	}
	tests := []struct {
		name  string
		steps []step
		want  map[string]uint64
	}{
		{
			name:  "forward",
			steps: []step{{"s", 10, ""}, {"s", 20, ""}, {"s", 1 << 40, ""}},
			want:  map[string]uint64{"s": 1 << 40},
		},
		{
			name:  "same again",
			steps: []step{{"s", 10, ""}, {"s", 10, ""}},
			want:  map[string]uint64{"s": 10},
		},
		{
			name: "backwards names both",
			steps: []step{
				{"s", 0x16_B374D848, ""},
				{"s", 0x16_B374D847, `slot "s": LSN 16/B374D847 is behind the saved 16/B374D848`},
			},
			want: map[string]uint64{"s": 0x16_B374D848},
		},
		{
			name:  "slots are independent",
			steps: []step{{"a", 50, ""}, {"b", 10, ""}, {"ab", 1, ""}},
			want:  map[string]uint64{"a": 50, "b": 10, "ab": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := New(openMem(t))
			for _, s := range tt.steps {
				err := l.SaveLSN(s.slot, s.lsn)
				if s.wantErr == "" {
					if err != nil {
						t.Fatalf("SaveLSN(%q, %d) = %v", s.slot, s.lsn, err)
					}
					continue
				}
				var re *LSNRegressionError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), s.wantErr) {
					t.Fatalf("SaveLSN(%q, %d) = %v, want an LSNRegressionError containing %q", s.slot, s.lsn, err, s.wantErr)
				}
			}
			for slot, want := range tt.want {
				if got, err := l.LSN(slot); err != nil || got != want {
					t.Errorf("LSN(%q) = %d, %v, want %d", slot, got, err, want)
				}
			}
		})
	}
	t.Run("missing and reset", func(t *testing.T) {
		t.Parallel()
		l := New(openMem(t))
		if _, err := l.LSN("none"); !errors.Is(err, state.ErrNotFound) {
			t.Errorf("LSN of an unknown slot = %v, want ErrNotFound", err)
		}
		_ = l.SaveLSN("s", 100)
		if err := l.ResetLSN("s"); err != nil {
			t.Fatal(err)
		}
		if err := l.SaveLSN("s", 5); err != nil {
			t.Errorf("SaveLSN after reset: %v", err)
		}
	})
}

func TestSnapshotProgress(t *testing.T) {
	t.Parallel()
	l := New(openMem(t))
	ctx := context.Background()
	if _, err := l.Table("public.orders"); !errors.Is(err, state.ErrNotFound) {
		t.Fatalf("Table before start = %v, want ErrNotFound", err)
	}
	tables := []TableProgress{
		{Table: "public.orders", Chunks: 3},
		{Table: "public.orders_2", Chunks: 1, Done: true},
	}
	for _, tp := range tables {
		if err := l.SaveTable(tp); err != nil {
			t.Fatal(err)
		}
	}
	chunks := []ChunkProgress{
		{Table: "public.orders", Chunk: 2, LastKey: []byte{0, 0, 0, 9}, Rows: 9},
		{Table: "public.orders", Chunk: 0, LastKey: []byte{}, Rows: 0},
		{Table: "public.orders", Chunk: 256, Rows: 1 << 40, Done: true, LastKey: []byte("\xffkey")},
		{Table: "public.orders", Chunk: 1}, // no key yet
		{Table: "public.orders_2", Chunk: 0, Done: true, LastKey: []byte("z"), Rows: 1},
	}
	if err := l.SaveChunks(chunks...); err != nil {
		t.Fatal(err)
	}
	for _, tp := range tables {
		if got, err := l.Table(tp.Table); err != nil || got != tp {
			t.Errorf("Table(%q) = %+v, %v, want %+v", tp.Table, got, err, tp)
		}
	}
	for _, c := range chunks {
		got, err := l.Chunk(c.Table, c.Chunk)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("Chunk(%q, %d) = %+v, %v, want %+v", c.Table, c.Chunk, got, err, c)
		}
	}
	got, err := l.Chunks(ctx, "public.orders")
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, c := range got {
		ids = append(ids, c.Chunk)
	}
	if fmt.Sprint(ids) != "[0 1 2 256]" {
		t.Errorf("Chunks ids = %v, want [0 1 2 256] (and nothing of public.orders_2)", ids)
	}

	// Progress moves on; the latest save wins.
	next := ChunkProgress{Table: "public.orders", Chunk: 2, LastKey: []byte{0, 0, 0, 20}, Rows: 20, Done: true}
	if err := l.SaveChunks(next); err != nil {
		t.Fatal(err)
	}
	if c, _ := l.Chunk("public.orders", 2); !reflect.DeepEqual(c, next) {
		t.Errorf("after update Chunk = %+v, want %+v", c, next)
	}

	if err := l.ResetTable(ctx, "public.orders"); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Chunks(ctx, "public.orders"); len(got) != 0 {
		t.Errorf("after reset %d chunks remain", len(got))
	}
	if _, err := l.Table("public.orders"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("after reset Table = %v", err)
	}
	if got, _ := l.Chunks(ctx, "public.orders_2"); len(got) != 1 {
		t.Errorf("reset of one table touched another: %v", got)
	}
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	for _, v := range [][]byte{nil, {}, {1}, {2, 0, 0, 0}, {1, 4, 0, 0}, {1, 0, 0, 5, 'a'}, {1, 0, 0xff}} {
		if _, err := decodeChunk("t", 1, v); err == nil {
			t.Errorf("decodeChunk(%x) succeeded", v)
		}
	}
	for _, v := range [][]byte{nil, {1, 0}, {1, 2, 0}, {1, 0, 0, 0}} {
		if _, err := decodeTable("t", v); err == nil {
			t.Errorf("decodeTable(%x) succeeded", v)
		}
	}
}

func TestOffsets(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	l := New(db)
	ctx := context.Background()
	saves := []struct {
		group, topic string
		partition    int32
		offset       int64
	}{
		{"g", "orders", 0, 10},
		{"g", "orders", 1, 20},
		{"g", "orders", 0, 15},
		{"g", "orders.dlq", 0, 99},
		{"g2", "orders", 0, 7},
		{"g", "orders", 1, 3}, // may move back
	}
	for _, s := range saves {
		if err := l.SaveOffset(s.group, s.topic, s.partition, s.offset); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := l.Offset("g", "orders", 0); err != nil || got != 15 {
		t.Errorf("Offset = %d, %v, want 15", got, err)
	}
	if _, err := l.Offset("g", "orders", 9); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("unknown partition: %v", err)
	}
	got, err := l.Offsets(ctx, "g", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int32]int64{0: 15, 1: 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("Offsets = %v, want %v", got, want)
	}
	if err := l.SaveOffset("g", "t", 0, -1); err == nil {
		t.Error("negative offset saved")
	}

	// Data and offset in one atomic batch.
	sink := db.Namespace("sink")
	b := db.NewBatch()
	defer b.Close()
	_ = b.Put(sink, []byte("row"), []byte("1"))
	if err := l.PutOffset(b, "sinkgroup", "orders", 4, 1000); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Offset("sinkgroup", "orders", 4); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("offset visible before commit: %v", err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Offset("sinkgroup", "orders", 4); err != nil || got != 1000 {
		t.Errorf("Offset after commit = %d, %v", got, err)
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := New(db)
	_ = l.SaveLSN("slot", 42)
	_ = l.SaveChunks(ChunkProgress{Table: "t", Chunk: 1, LastKey: []byte("k"), Rows: 5})
	_ = l.SaveOffset("g", "t", 0, 8)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = state.Open(dir, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l = New(db)
	if lsn, err := l.LSN("slot"); err != nil || lsn != 42 {
		t.Errorf("LSN after reopen = %d, %v", lsn, err)
	}
	if c, err := l.Chunk("t", 1); err != nil || c.Rows != 5 || string(c.LastKey) != "k" {
		t.Errorf("Chunk after reopen = %+v, %v", c, err)
	}
	if o, err := l.Offset("g", "t", 0); err != nil || o != 8 {
		t.Errorf("Offset after reopen = %d, %v", o, err)
	}
	if err := l.SaveLSN("slot", 41); err == nil {
		t.Error("LSN moved back after reopen")
	}
}

// BenchmarkSave measures synced checkpoint saves on a real directory (the
// fsync cost) and, for comparison, in memory.
func BenchmarkSave(b *testing.B) {
	for _, fs := range []string{"disk", "mem"} {
		b.Run(fs, func(b *testing.B) {
			opts := state.Options{InMemory: fs == "mem"}
			db, err := state.Open(b.TempDir(), opts)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			l := New(db)
			b.Run("SaveLSN", func(b *testing.B) {
				b.ReportAllocs()
				var lsn uint64
				for b.Loop() {
					lsn++
					if err := l.SaveLSN("slot", lsn); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
			})
			b.Run("SaveChunks", func(b *testing.B) {
				b.ReportAllocs()
				p := ChunkProgress{Table: "public.orders", LastKey: make([]byte, 16)}
				for b.Loop() {
					p.Rows += 1000
					if err := l.SaveChunks(p); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
			})
		})
	}
}

// TestSaveLSNConcurrent saves LSNs from several goroutines: the saved LSN
// ends at the highest, and every refusal is a regression error.
func TestSaveLSNConcurrent(t *testing.T) {
	t.Parallel()
	l := New(openMem(t))
	const workers, each = 4, 50
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range each {
				err := l.SaveLSN("slot", uint64(i*workers+w+1))
				var re *LSNRegressionError
				if err != nil && !errors.As(err, &re) {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got, err := l.LSN("slot"); err != nil || got != workers*each {
		t.Errorf("LSN = %d, %v, want %d", got, err, workers*each)
	}
}
