// Command quality-eval scores the data-quality profiler on the labelled
// datasets under transform/quality/testdata/eval, beside a naive |z| > 3
// baseline, and with -gen regenerates those datasets.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

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
	return nil
}
