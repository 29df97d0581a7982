package quality_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/heliosdb/helios-etl/transform/quality"
)

// BenchmarkProfileFile profiles a 10-column CSV end to end: both passes,
// including CSV decoding by ingest/file. ns/op is per row.
func BenchmarkProfileFile(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "bench.csv")
	var sb strings.Builder
	sb.WriteString("id,ts,amount,qty,temp,email,status,discount,flag,day\n")
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		disc := strconv.FormatFloat(r.Float64(), 'f', 2, 64)
		if r.Float64() < 0.3 {
			disc = ""
		}
		fmt.Fprintf(&sb, "%d,2025-03-%02dT%02d:%02d:00Z,%.2f,%d,%.2f,user%d@example.com,%s,%s,%v,2025-%02d-%02d\n",
			100000+i, 1+i%28, i%24, i%60, math.Exp(3+r.NormFloat64()), 1+r.IntN(5), 20+3*r.NormFloat64(), i,
			[]string{"paid", "shipped", "refunded"}[r.IntN(3)], disc, r.IntN(2) == 0, 1+i%12, 1+i%28)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, single := range []bool{false, true} {
		b.Run(fmt.Sprintf("single_pass=%v", single), func(b *testing.B) {
			b.SetBytes(int64(sb.Len() / n))
			b.ReportAllocs()
			var rows int64
			cpu := func() int64 {
				var ru syscall.Rusage
				_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				return ru.Utime.Nano() + ru.Stime.Nano()
			}
			start := cpu()
			for b.Loop() {
				rep, err := quality.ProfileFile(context.Background(), path, quality.Config{SinglePass: single})
				if err != nil {
					b.Fatal(err)
				}
				rows += rep.Rows
			}
			// On a shared machine wall time includes other processes' turns;
			// CPU time (user+system of this process, GC included) does not.
			used := float64(cpu() - start)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/row")
			b.ReportMetric(used/float64(rows), "cpu-ns/row")
			b.ReportMetric(float64(rows)/(used/1e9), "rows/cpu-s")
		})
	}
}
