// Command quality-eval scores the data-quality profiler on the labelled
// datasets under transform/quality/testdata/eval, beside a naive |z| > 3
// baseline, and with -gen regenerates those datasets.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/quality/internal/eval"
)

func main() {
	dir := flag.String("data", "transform/quality/testdata/eval", "directory of the datasets")
	gen := flag.Bool("gen", false, "regenerate the datasets, then evaluate")
	seed := flag.Uint64("seed", 20261125, "generator seed (with -gen)")
	split := flag.String("split", "", "evaluate only this split (tuning or heldout)")
	flag.Parse()
	if err := run(*dir, *gen, *seed, *split); err != nil {
		fmt.Fprintln(os.Stderr, "quality-eval:", err)
		os.Exit(1)
	}
}

func run(dir string, gen bool, seed uint64, split string) error {
	sets := eval.Generate(seed)
	if gen {
		for _, ds := range sets {
			if err := eval.Write(dir, ds); err != nil {
				return err
			}
		}
	}
	ctx := context.Background()
	var all []eval.Result
	for _, sp := range []string{"tuning", "heldout"} {
		if split != "" && sp != split {
			continue
		}
		var profs, bases []eval.Result
		for _, ds := range sets {
			if ds.Split != sp {
				continue
			}
			p, b, err := eval.Run(ctx, dir, ds, seed, quality.Config{})
			if err != nil {
				return err
			}
			profs, bases = append(profs, p), append(bases, b)
		}
		all = append(all, profs...)
		all = append(all, eval.Sum("ALL", sp, "profile", profs), eval.Sum("ALL", sp, "naive |z|>3", bases))
		all = append(all, bases...)
	}
	eval.Print(os.Stdout, all)
	fmt.Println()
	return sweep(ctx, dir, seed, sets, split)
}

// sweep prints the overall figures per split for each outlier method and
// across sensitivities, to show what the knob trades.
func sweep(ctx context.Context, dir string, seed uint64, sets []eval.Dataset, split string) error {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "split\tmethod\tsensitivity\trecall\tprecision\tkind acc\tclean FP\tclean FP heavy-tail\t")
	type run struct {
		method anomaly.Method
		s      float64
		buffer int // > 0: single pass, fences learned from the first rows
	}
	var runs []run
	for _, m := range []anomaly.Method{anomaly.MAD, anomaly.IQR, anomaly.ZScore} {
		runs = append(runs, run{m, 0.5, 0})
	}
	for _, s := range []float64{0, 0.25, 0.75, 1} {
		runs = append(runs, run{anomaly.MAD, s, 0})
	}
	// Streaming-like: fences from the first 500 rows, refreshed every 500.
	runs = append(runs, run{anomaly.MAD, 0.5, 500})
	for _, sp := range []string{"tuning", "heldout"} {
		if split != "" && sp != split {
			continue
		}
		for _, r := range runs {
			cfg := quality.Config{Anomaly: anomaly.Config{Method: r.method, Sensitivity: &r.s}}
			name := string(r.method)
			if r.buffer > 0 {
				cfg.SinglePass, cfg.Buffer, cfg.Anomaly.Refresh = true, r.buffer, r.buffer
				name += fmt.Sprintf(" 1-pass/%d", r.buffer)
			}
			var rs []eval.Result
			for _, ds := range sets {
				if ds.Split != sp {
					continue
				}
				p, _, err := eval.Run(ctx, dir, ds, seed, cfg)
				if err != nil {
					return err
				}
				rs = append(rs, p)
			}
			t := eval.Sum("ALL", sp, name, rs)
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.3f\t%.3f\t%.3f\t%d\t%d\t\n", sp, name, r.s,
				t.Overall.Recall(), t.Overall.Precision(), t.Overall.KindAccuracy(), t.CleanFP, t.CleanHeavyFP)
		}
	}
	return tw.Flush()
}
