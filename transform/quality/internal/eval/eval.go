// Package eval generates the labelled data-quality datasets and scores the
// profiler against them, beside a naive |z| > 3 baseline.
package eval

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/heliosdb/helios-etl/ingest/file"
	"github.com/heliosdb/helios-etl/transform/quality"
)

// KindNames are the kinds in report order.
var KindNames = []string{"unexpected_null", "invalid_format", "duplicate", "out_of_range", "outlier"}

// Finding is a predicted anomaly.
type Finding struct {
	Row   int
	Field string
	Kind  string
}

// Stats count, for one kind or overall, the labels, the labels found (at
// the right cell, any kind), those found with the right kind, and the
// predictions with the ones that hit a labelled cell.
type Stats struct {
	Labels, Found, RightKind int
	Predicted, Hits          int
}

// Recall, Precision and KindAccuracy are NaN when undefined.
func (s Stats) Recall() float64       { return frac(s.Found, s.Labels) }
func (s Stats) Precision() float64    { return frac(s.Hits, s.Predicted) }
func (s Stats) KindAccuracy() float64 { return frac(s.RightKind, s.Found) }

func frac(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Result is the evaluation of one method on one dataset.
type Result struct {
	Dataset, Split, Method string
	ByKind                 map[string]*Stats
	Overall                Stats
	// HeavyFP counts false positives on the heavy-tailed columns, of
	// HeavyCells non-null cells there.
	HeavyFP, HeavyCells int
	// On the clean twin of the dataset (no injected anomalies), every
	// finding is a false positive: CleanFP in all, CleanHeavyFP on the
	// heavy-tailed columns.
	CleanFP, CleanHeavyFP int
}

// Score compares findings with labels.
func Score(dataset, split, method string, labels []Label, found []Finding, heavy map[string]bool, heavyCells int) Result {
	r := Result{Dataset: dataset, Split: split, Method: method, ByKind: map[string]*Stats{}, HeavyCells: heavyCells}
	for _, k := range KindNames {
		r.ByKind[k] = &Stats{}
	}
	type cell struct {
		row   int
		field string
	}
	label := map[cell]string{}
	for _, l := range labels {
		label[cell{l.Row, l.Field}] = l.Kind
		r.ByKind[l.Kind].Labels++
		r.Overall.Labels++
	}
	for _, f := range found {
		s := r.ByKind[f.Kind]
		if s == nil {
			s = &Stats{}
			r.ByKind[f.Kind] = s
		}
		s.Predicted++
		r.Overall.Predicted++
		lk, ok := label[cell{f.Row, f.Field}]
		if !ok {
			if heavy[f.Field] {
				r.HeavyFP++
			}
			continue
		}
		s.Hits++
		r.Overall.Hits++
		ls := r.ByKind[lk]
		ls.Found++
		r.Overall.Found++
		if lk == f.Kind {
			ls.RightKind++
			r.Overall.RightKind++
		}
	}
	return r
}

// Files names a dataset's files under a directory.
func Files(dir string, ds Dataset) (data, labels string) {
	base := filepath.Join(dir, ds.Split, ds.Name)
	return base + "." + ds.Format, base + ".labels.csv"
}

// Write writes the dataset's data and labels under dir.
func Write(dir string, ds Dataset) error {
	data, labels := Files(dir, ds)
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		return err
	}
	for path, write := range map[string]func(io.Writer) error{data: ds.WriteData, labels: ds.WriteLabels} {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := errors.Join(write(f), f.Close()); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// ReadLabels reads a labels file (row,field,kind).
func ReadLabels(path string) ([]Label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []Label
	for _, rec := range recs[1:] {
		row, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		out = append(out, Label{Row: row, Field: rec[1], Kind: rec[2]})
	}
	return out, nil
}

// Run evaluates the profiler and the baseline on one dataset stored under
// dir (the dataset's generated form gives its name, split and heavy columns;
// the data and labels are read from the files).
func Run(ctx context.Context, dir string, ds Dataset, seed uint64, cfg quality.Config) (prof, base Result, err error) {
	prof, base, err = run(ctx, dir, ds, cfg)
	if err != nil {
		return prof, base, err
	}
	tmp, err := os.MkdirTemp("", "quality-eval-")
	if err != nil {
		return prof, base, err
	}
	defer os.RemoveAll(tmp)
	clean := ds.Clean(seed)
	if err := Write(tmp, clean); err != nil {
		return prof, base, err
	}
	cp, cb, err := run(ctx, tmp, clean, cfg)
	if err != nil {
		return prof, base, err
	}
	prof.CleanFP, prof.CleanHeavyFP = cp.Overall.Predicted, cp.HeavyFP
	base.CleanFP, base.CleanHeavyFP = cb.Overall.Predicted, cb.HeavyFP
	return prof, base, nil
}

func run(ctx context.Context, dir string, ds Dataset, cfg quality.Config) (prof, base Result, err error) {
	data, labelsPath := Files(dir, ds)
	labels, err := ReadLabels(labelsPath)
	if err != nil {
		return prof, base, err
	}
	heavy := map[string]bool{}
	for _, h := range ds.Heavy {
		heavy[h] = true
	}
	rep, err := quality.ProfileFile(ctx, data, cfg)
	if err != nil {
		return prof, base, err
	}
	heavyCells := 0
	for _, f := range rep.Fields {
		if heavy[f.Name] {
			heavyCells += int(f.Rows - f.Nulls)
		}
	}
	var found []Finding
	for _, a := range rep.Anomalies {
		found = append(found, Finding{Row: int(a.Row), Field: a.Field, Kind: a.Kind.String()})
	}
	prof = Score(ds.Name, ds.Split, "profile", labels, found, heavy, heavyCells)
	bf, err := Baseline(data)
	if err != nil {
		return prof, base, err
	}
	base = Score(ds.Name, ds.Split, "naive |z|>3", labels, bf, heavy, heavyCells)
	return prof, base, nil
}

// Baseline is the naive detector: in every column where at least 95% of the
// non-null values are numbers, flag |x − mean| > 3·stddev as an outlier.
func Baseline(path string) ([]Finding, error) {
	type col struct {
		n, nums  int
		mean, m2 float64
		values   []float64
		parsed   []bool
	}
	r, err := file.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var cols []*col
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if _, ok := errors.AsType[*file.RowError](err); ok {
			continue
		}
		if err != nil {
			return nil, err
		}
		for len(cols) < len(row.Values) {
			cols = append(cols, &col{})
		}
		for i, c := range cols {
			v, null := "", true
			if i < len(row.Values) {
				v, null = row.Values[i], row.Null[i]
			}
			x, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
			ok := !null && perr == nil
			if !null {
				c.n++
			}
			if ok {
				c.nums++
				d := x - c.mean
				c.mean += d / float64(c.nums)
				c.m2 += d * (x - c.mean)
			}
			c.values = append(c.values, x)
			c.parsed = append(c.parsed, ok)
		}
	}
	var out []Finding
	header := r.Header()
	for i, c := range cols {
		if c.nums < 2 || float64(c.nums) < 0.95*float64(c.n) {
			continue
		}
		sd := math.Sqrt(c.m2 / float64(c.nums-1))
		for row, x := range c.values {
			if c.parsed[row] && sd > 0 && math.Abs(x-c.mean) > 3*sd {
				out = append(out, Finding{Row: row, Field: header[i], Kind: "outlier"})
			}
		}
	}
	return out, nil
}

// Print writes the tables of results: per kind and overall, recall,
// precision and kind accuracy, the profiler beside the baseline.
func Print(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "split\tdataset\tmethod\tkind\tlabels\trecall\tprecision\tkind acc\tpredicted\t")
	for _, r := range results {
		for _, k := range append(append([]string{}, KindNames...), "overall") {
			s := r.Overall
			if k != "overall" {
				s = *r.ByKind[k]
			}
			if s.Labels == 0 && s.Predicted == 0 {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t\n", r.Split, r.Dataset, r.Method, k, s.Labels,
				f3(s.Recall()), f3(s.Precision()), f3(s.KindAccuracy()), s.Predicted)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t\t\t\t%d\t\n", r.Split, r.Dataset, r.Method, "FP heavy-tail", r.HeavyCells, r.HeavyFP)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t\t\t\t%d\t\n", r.Split, r.Dataset, r.Method, "clean twin: FP heavy-tail", r.HeavyCells, r.CleanHeavyFP)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\t\t\t\t%d\t\n", r.Split, r.Dataset, r.Method, "clean twin: FP all", r.CleanFP)
	}
	tw.Flush()
}

func f3(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// Sum adds results up (for a split's totals).
func Sum(name, split, method string, rs []Result) Result {
	t := Result{Dataset: name, Split: split, Method: method, ByKind: map[string]*Stats{}}
	for _, k := range KindNames {
		t.ByKind[k] = &Stats{}
	}
	for _, r := range rs {
		for k, s := range r.ByKind {
			if t.ByKind[k] == nil {
				t.ByKind[k] = &Stats{}
			}
			addStats(t.ByKind[k], *s)
		}
		addStats(&t.Overall, r.Overall)
		t.HeavyFP += r.HeavyFP
		t.HeavyCells += r.HeavyCells
		t.CleanFP += r.CleanFP
		t.CleanHeavyFP += r.CleanHeavyFP
	}
	return t
}

func addStats(t *Stats, s Stats) {
	t.Labels += s.Labels
	t.Found += s.Found
	t.RightKind += s.RightKind
	t.Predicted += s.Predicted
	t.Hits += s.Hits
}
