package state

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// benchDBs opens one DB per storage kind: a real directory (fsync costs
// what the machine's disk costs) and memory.
func benchDBs(b *testing.B, fn func(b *testing.B, db *DB)) {
	for _, kind := range []string{"disk", "mem"} {
		b.Run(kind, func(b *testing.B) {
			db, err := Open(b.TempDir(), Options{InMemory: kind == "mem"})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			fn(b, db)
		})
	}
}

var benchValue = make([]byte, 100)

func BenchmarkPut(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *DB) {
		s := db.Partition("stage", "orders", 0)
		k := make([]byte, 8)
		b.ReportAllocs()
		b.SetBytes(int64(len(k) + len(benchValue)))
		var i uint64
		for b.Loop() {
			i++
			binary.BigEndian.PutUint64(k, i)
			if err := s.Put(k, benchValue); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *DB) {
		s := db.Partition("stage", "orders", 0)
		const n = 10_000
		k := make([]byte, 8)
		bt := db.NewBatch()
		for i := range uint64(n) {
			binary.BigEndian.PutUint64(k, i)
			_ = bt.Put(s, k, benchValue)
		}
		if err := bt.Commit(false); err != nil {
			b.Fatal(err)
		}
		_ = bt.Close()
		b.ReportAllocs()
		var i uint64
		for b.Loop() {
			i++
			binary.BigEndian.PutUint64(k, i%n)
			if _, err := s.Get(k); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBatchCommit commits batches of 10 writes of 100 bytes, synced
// or not. The commits/s metric is what a single writer can checkpoint.
func BenchmarkBatchCommit(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *DB) {
		s := db.Partition("stage", "orders", 0)
		for _, sync := range []bool{false, true} {
			b.Run(fmt.Sprintf("sync=%v", sync), func(b *testing.B) {
				k := make([]byte, 8)
				b.ReportAllocs()
				var i uint64
				for b.Loop() {
					bt := db.NewBatch()
					for range 10 {
						i++
						binary.BigEndian.PutUint64(k, i)
						_ = bt.Put(s, k, benchValue)
					}
					if err := bt.Commit(sync); err != nil {
						b.Fatal(err)
					}
					_ = bt.Close()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			})
		}
	})
}

// BenchmarkBatchCommitParallel shows synced commits from several
// goroutines sharing fsyncs (pebble's group commit).
func BenchmarkBatchCommitParallel(b *testing.B) {
	benchDBs(b, func(b *testing.B, db *DB) {
		b.ReportAllocs()
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			s := db.Partition("stage", "orders", 0)
			k := make([]byte, 16) // goroutines overwrite each other's keys; fine here
			var i uint64
			for pb.Next() {
				i++
				bt := db.NewBatch()
				binary.BigEndian.PutUint64(k[8:], i)
				_ = bt.Put(s, k, benchValue)
				if err := bt.Commit(true); err != nil {
					b.Error(err)
					return
				}
				_ = bt.Close()
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
	})
}
