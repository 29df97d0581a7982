package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// wideSchemas builds a source and a target of n columns each, 2,000 rows,
// with names drawn from a business vocabulary and values of mixed kinds; the
// profiles keep their default samples (256 values per column).
func wideSchemas(n int) (src, tgt []infer.Field) {
	r := rand.New(rand.NewPCG(9, 9))
	stems := []string{"customer", "order", "product", "invoice", "ship", "bill", "account", "payment", "employee", "device"}
	attrs := []string{"id", "name", "date", "amount", "qty", "status", "email", "city", "code", "note"}
	kinds := []func(int) string{
		func(i int) string { return fmt.Sprint(100000 + i) },
		func(i int) string { return fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100)) },
		func(i int) string { return fmt.Sprintf("2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)) },
		func(i int) string { return []string{"open", "closed", "pending"}[r.IntN(3)] },
		func(i int) string { return fmt.Sprintf("user%d@example.com", r.IntN(3000)) },
		func(i int) string { return []string{"Boston", "Paris", "Tokyo", "Lima", "Oslo"}[r.IntN(5)] },
		func(i int) string { return fmt.Sprintf("SKU-%05d", r.IntN(90000)) },
	}
	build := func(prefix string) []infer.Field {
		names := make([]string, n)
		gens := make([]func(int) string, n)
		for j := range n {
			names[j] = fmt.Sprintf("%s%s_%s_%d", prefix, stems[j%len(stems)], attrs[(j/len(stems)+j)%len(attrs)], j)
			gens[j] = kinds[j%len(kinds)]
		}
		p := infer.NewProfiler(names, infer.Config{})
		row := make([]string, n)
		for i := range 2000 {
			for j := range n {
				row[j] = gens[j](i)
			}
			p.Observe(row, nil, i+2, nil)
		}
		return p.Schema().Fields
	}
	return build("src_"), build("")
}

// BenchmarkMatch measures matching two schemas that are already inferred:
// preparing names and values, scoring every pair, the assignment and the
// conversions.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{10, 50} {
		src, tgt := wideSchemas(n)
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) {
			m, err := New(Config{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			ctx := context.Background()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := m.Match(ctx, src, tgt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime returns the user and system CPU time of the process in ns: with
// GOMAXPROCS=1 it is the one-core cost even when the machine is contended.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
