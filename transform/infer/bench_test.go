package infer

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
)

// cpuTime returns the user and system CPU time of the process in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// benchRows builds n rows of 10 typical columns: an id, an integer, a
// decimal, a boolean, a date, a timestamp, a category, a name, an email and
// a UUID.
func benchRows(n int) ([][]string, int64) {
	r := rand.New(rand.NewPCG(1, 2))
	cats := []string{"active", "pending", "closed", "archived"}
	names := []string{"Mary Smith", "John Doe", "Wei Chen", "Ana Lopez", "Olga Novak"}
	rows := make([][]string, n)
	var size int64
	for i := range rows {
		row := []string{
			fmt.Sprint(i),
			fmt.Sprint(r.IntN(100000)),
			fmt.Sprintf("%d.%02d", r.IntN(10000), r.IntN(100)),
			[]string{"true", "false"}[r.IntN(2)],
			fmt.Sprintf("20%02d-%02d-%02d", r.IntN(25), 1+r.IntN(12), 1+r.IntN(28)),
			fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02dZ", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60)),
			cats[r.IntN(len(cats))],
			names[r.IntN(len(names))],
			fmt.Sprintf("user%d@example.com", r.IntN(50000)),
			fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1)),
		}
		for _, v := range row {
			size += int64(len(v)) + 1
		}
		rows[i] = row
	}
	return rows, size
}

var header10 = []string{"id", "qty", "price", "flag", "day", "ts", "status", "name", "email", "uuid"}

// BenchmarkInfer measures inference over already-split rows (the CSV reader
// is not included); one iteration is the whole table.
func BenchmarkInfer(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		if n == 1_000_000 && testing.Short() {
			continue
		}
		rows, size := benchRows(n)
		b.Run(fmt.Sprintf("rows=%d/cols=10", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			cpu0 := cpuTime()
			for b.Loop() {
				p := NewProfiler(header10, Config{})
				for i, row := range rows {
					p.Observe(row, nil, i+2, nil)
				}
				_ = p.Schema()
			}
			// CPU time used by the process per table: with GOMAXPROCS=1
			// this is the one-core cost even when other processes
			// contend for the machine and stretch the wall time.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkClassify measures the per-value classifier alone.
func BenchmarkClassify(b *testing.B) {
	for _, v := range []string{"123456", "1234.56", "2024-03-04T10:11:12Z", "03/04/2021", "hello world", "true"} {
		b.Run(v, func(b *testing.B) {
			b.SetBytes(int64(len(v)))
			for b.Loop() {
				_ = classify(v)
			}
		})
	}
}
