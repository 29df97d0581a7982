package file

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"syscall"
	"testing"
)

// benchCSV is 100,000 rows of 10 typical columns, a few of them quoted.
func benchCSV() []byte {
	var b bytes.Buffer
	b.WriteString("id,name,email,amount,created_at,country,active,score,city,note\n")
	for i := 0; i < 100_000; i++ {
		note := "ok"
		if i%20 == 0 {
			note = `"has, a comma"`
		}
		fmt.Fprintf(&b, "%d,Name %d,user%d@example.com,%d.%02d,2024-01-%02dT10:00:00Z,DE,true,%d,Berlin,%s\n",
			i, i, i, i%1000, i%100, 1+i%28, i%97, note)
	}
	return b.Bytes()
}

func BenchmarkCSV(b *testing.B) {
	data := benchCSV()
	b.Run("reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			r, err := NewReader(bytes.NewReader(data), CSV, "bench")
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		reportRowCost(b, 100_000, start)
	})
	b.Run("encoding-csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.ReuseRecord, cr.FieldsPerRecord = true, -1
			for {
				if _, err := cr.Read(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		reportRowCost(b, 100_000, start)
	})
}

// cpuTime is this process's user+system CPU time. On a shared machine wall
// time includes other processes' turns; CPU time does not.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// reportRowCost reports wall and CPU nanoseconds per row of the benchmark.
func reportRowCost(b *testing.B, rows int, cpuStart int64) {
	n := float64(b.N) * float64(rows)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/row")
	b.ReportMetric(float64(cpuTime()-cpuStart)/n, "cpu-ns/row")
}
