package anomaly

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"syscall"
	"testing"
)

// cpuTime returns the process's user+system CPU time: on a shared machine
// the wall time of a benchmark includes the time other processes held the
// cores, the CPU time does not.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// reportCPU adds cpu-ns/op and the rows per CPU-second it implies.
func reportCPU(b *testing.B, start int64, ops int) {
	ns := float64(cpuTime()-start) / float64(ops)
	b.ReportMetric(ns, "cpu-ns/op")
	b.ReportMetric(1e9/ns, "rows/cpu-s")
}

// ids are unique key values for the check benchmarks, so that the key set
// sees no false duplicates when the rows cycle.
var ids = func() []string {
	out := make([]string, 1<<20)
	for i := range out {
		out[i] = strconv.Itoa(1_000_000 + i)
	}
	return out
}()

// benchRows makes n rows of 10 typical columns: an id, a datetime, a
// log-normal amount, a count, a normal reading, an email, a category, a
// nullable number, a bool and a date.
func benchRows(n int) (header []string, rows [][]string, nulls [][]bool, bytes int) {
	header = []string{"id", "ts", "amount", "qty", "temp", "email", "status", "discount", "flag", "day"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		row := []string{
			strconv.Itoa(100000 + i),
			fmt.Sprintf("2025-03-%02dT%02d:%02d:00Z", 1+i%28, i%24, i%60),
			strconv.FormatFloat(math.Exp(3+r.NormFloat64()), 'f', 2, 64),
			strconv.Itoa(1 + r.IntN(5)),
			strconv.FormatFloat(20+3*r.NormFloat64(), 'f', 2, 64),
			fmt.Sprintf("user%d@example.com", i),
			[]string{"paid", "shipped", "refunded"}[r.IntN(3)],
			strconv.FormatFloat(r.Float64(), 'f', 2, 64),
			[]string{"true", "false"}[r.IntN(2)],
			fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
		}
		nl := make([]bool, len(row))
		if r.Float64() < 0.3 {
			row[7], nl[7] = "", true
		}
		for _, v := range row {
			bytes += len(v) + 1
		}
		rows, nulls = append(rows, row), append(nulls, nl)
	}
	return header, rows, nulls, bytes / n
}

// BenchmarkDetector measures the per-row cost of each pass on 10 columns
// (no file reading): rows/s = 1e9 / (ns/op).
func BenchmarkDetector(b *testing.B) {
	header, rows, nulls, rowBytes := benchRows(50_000)
	b.Run("learn", func(b *testing.B) {
		d, _ := New(Config{})
		b.ReportAllocs()
		b.SetBytes(int64(rowBytes))
		i, ops, start := 0, 0, cpuTime()
		for b.Loop() {
			d.Learn(header, rows[i], nulls[i])
			if i++; i == len(rows) {
				i = 0
			}
			ops++
		}
		reportCPU(b, start, ops)
	})
	b.Run("observe", func(b *testing.B) {
		// The streaming form: check, then learn from the same scan.
		d, _ := New(Config{KeyWindow: 1 << 16, Refresh: 100_000})
		for i := range rows {
			d.Learn(header, rows[i], nulls[i])
		}
		d.Freeze()
		b.ReportAllocs()
		b.SetBytes(int64(rowBytes))
		i, ops, start := 0, 0, cpuTime()
		for b.Loop() {
			rows[i][0] = ids[ops&(len(ids)-1)]
			d.Observe(int64(i), header, rows[i], nulls[i], func(Finding) {})
			if i++; i == len(rows) {
				i = 0
			}
			ops++
		}
		reportCPU(b, start, ops)
	})
	for _, forest := range []bool{true, false} {
		b.Run(fmt.Sprintf("check/forest=%v", forest), func(b *testing.B) {
			d, _ := New(Config{IsolationForest: &forest, KeyWindow: 1 << 16})
			for i := range rows {
				d.Learn(header, rows[i], nulls[i])
			}
			d.Freeze()
			found := 0
			emit := func(Finding) { found++ }
			b.ReportAllocs()
			b.SetBytes(int64(rowBytes))
			i, ops, start := 0, 0, cpuTime()
			for b.Loop() {
				rows[i][0] = ids[ops&(len(ids)-1)]
				d.Check(int64(i), header, rows[i], nulls[i], emit)
				if i++; i == len(rows) {
					i = 0
				}
				ops++
			}
			reportCPU(b, start, ops)
			if found > ops/100 {
				b.Fatalf("%d findings in %d rows", found, ops)
			}
		})
	}
}

// BenchmarkMemoryVsRows reports the heap a detector holds after learning
// and checking n rows of 10 columns: flat in n but for the key hashes.
func BenchmarkMemoryVsRows(b *testing.B) {
	header, rows, nulls, _ := benchRows(10_000)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, window := range []int{0, 100_000} {
			b.Run(fmt.Sprintf("rows=%d/key_window=%d", n, window), func(b *testing.B) {
				for b.Loop() {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					d, _ := New(Config{KeyWindow: window})
					row := make([]string, len(header))
					for i := range n {
						copy(row, rows[i%len(rows)])
						row[0] = ids[i&(len(ids)-1)] // unique keys: the worst case
						d.Learn(header, row, nulls[i%len(rows)])
					}
					d.Freeze()
					for i := range n {
						copy(row, rows[i%len(rows)])
						row[0] = ids[i&(len(ids)-1)]
						d.Check(int64(i), header, row, nulls[i%len(rows)], func(Finding) {})
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
					runtime.KeepAlive(d)
				}
			})
		}
	}
}
