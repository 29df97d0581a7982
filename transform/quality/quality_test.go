package quality_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/quality/internal/eval"
)

const seed = 20261125

// TestEvalFloor keeps the profiler's quality on the held-out datasets above
// a floor a little below what it reaches, and its false positives on clean
// heavy-tailed data far below the naive baseline's.
func TestEvalFloor(t *testing.T) {
	t.Parallel()
	var profs, bases []eval.Result
	for _, ds := range eval.Generate(seed) {
		if ds.Split != "heldout" {
			continue
		}
		p, b, err := eval.Run(context.Background(), "testdata/eval", ds, seed, quality.Config{})
		if err != nil {
			t.Fatal(err)
		}
		profs, bases = append(profs, p), append(bases, b)
	}
	p, b := eval.Sum("ALL", "heldout", "profile", profs), eval.Sum("ALL", "heldout", "baseline", bases)
	if r, pr, ka := p.Overall.Recall(), p.Overall.Precision(), p.Overall.KindAccuracy(); r < 0.95 || pr < 0.95 || ka < 0.95 {
		t.Errorf("held-out recall %.3f precision %.3f kind accuracy %.3f: want each ≥ 0.95", r, pr, ka)
	}
	for _, k := range eval.KindNames {
		if s := p.ByKind[k]; s.Recall() < 0.85 {
			t.Errorf("held-out %s recall %.3f < 0.85", k, s.Recall())
		}
	}
	if p.CleanHeavyFP*10 > b.CleanHeavyFP || p.CleanFP > 5 {
		t.Errorf("clean twins: %d false positives (%d heavy-tailed), baseline %d heavy-tailed", p.CleanFP, p.CleanHeavyFP, b.CleanHeavyFP)
	}
}

// TestEvalFilesAreGenerated checks that the committed datasets are what the
// generator makes (run make eval-quality-gen after changing it).
func TestEvalFilesAreGenerated(t *testing.T) {
	t.Parallel()
	for _, ds := range eval.Generate(seed) {
		data, labels := eval.Files("testdata/eval", ds)
		var d, l bytes.Buffer
		if err := ds.WriteData(&d); err != nil {
			t.Fatal(err)
		}
		if err := ds.WriteLabels(&l); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string][]byte{data: d.Bytes(), labels: l.Bytes()} {
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the generator's output", path)
			}
		}
	}
}

func profile(t *testing.T, path string) *quality.Report {
	t.Helper()
	rep, err := quality.ProfileFile(context.Background(), path, quality.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	rep := profile(t, "testdata/eval/tuning/orders.csv")
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["rows"] == nil || got["score"] == nil || got["anomalies"] == nil {
		t.Fatalf("top-level keys: %v", keys(got))
	}
	var score map[string]float64
	_ = json.Unmarshal(got["score"], &score)
	for _, k := range []string{"overall", "completeness", "validity", "uniqueness", "consistency"} {
		if v, ok := score[k]; !ok || v < 0 || v > 1 {
			t.Errorf("score.%s = %v, %v", k, v, ok)
		}
	}
	if len(score) != 5 {
		t.Errorf("score keys %v", score)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReportHTMLIsSelfContained(t *testing.T) {
	t.Parallel()
	rep := profile(t, "testdata/eval/heldout/people.jsonl")
	var b bytes.Buffer
	if err := rep.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|<script|<link|@import|src=`).FindString(html); m != "" {
		t.Errorf("HTML refers to something outside itself: %q", m)
	}
	for _, want := range []string{"<svg", "income", "unexpected_null", "consistency"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if n := strings.Count(html, "<svg"); n < len(rep.Fields) {
		t.Errorf("%d charts for %d fields", n, len(rep.Fields))
	}
}

func TestReportText(t *testing.T) {
	t.Parallel()
	rep := profile(t, "testdata/eval/tuning/sensors.csv")
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2000 rows", "overall", "reading_id", "unique key", "asinh", "first anomalies"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text summary lacks %q", want)
		}
	}
}

func TestProfileBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.csv")
	_ = os.WriteFile(path, []byte("a,b\n1,2\n3\n4,5\n"), 0o644)
	rep := profile(t, path)
	if rep.Rows != 3 || rep.RowErrors != 1 {
		t.Errorf("rows %d, errors %d", rep.Rows, rep.RowErrors)
	}
	if _, err := quality.ProfileFile(context.Background(), filepath.Join(dir, "missing.csv"), quality.Config{}); err == nil {
		t.Error("no error for a missing file")
	}
	bad := 2.0
	if _, err := quality.ProfileFile(context.Background(), path, quality.Config{Anomaly: anomaly.Config{Sensitivity: &bad}}); err == nil {
		t.Error("no error for sensitivity 2")
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m, err := quality.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := quality.NewMetrics(reg); err == nil {
		t.Error("registering twice succeeded")
	}
	rep := profile(t, "testdata/eval/tuning/orders.csv")
	m.Report("orders", rep)
	var nulls float64
	for _, a := range rep.Anomalies {
		if a.Kind == anomaly.UnexpectedNull && a.Field == "email" {
			nulls++
		}
	}
	got, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, mf := range got {
		if mf.GetName() == "etl_quality_score" && len(mf.GetMetric()) != 6*(len(rep.Fields)+1) {
			t.Errorf("%d score series", len(mf.GetMetric()))
		}
		if mf.GetName() != "etl_validation_errors_total" {
			continue
		}
		for _, mm := range mf.GetMetric() {
			lbl := map[string]string{}
			for _, l := range mm.GetLabel() {
				lbl[l.GetName()] = l.GetValue()
			}
			if lbl["kind"] == "outlier" {
				t.Error("an outlier counted as a validation error")
			}
			if lbl["field"] == "email" && lbl["kind"] == "unexpected_null" {
				seen = mm.GetCounter().GetValue() == nulls
			}
		}
	}
	if !seen {
		t.Error("email unexpected nulls not counted as validation errors")
	}
}

func TestThresholds(t *testing.T) {
	t.Parallel()
	if err := (quality.Thresholds{MinScore: 2, Action: "panic", QuarantineKinds: []string{"weird"}}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "min_score") || !strings.Contains(err.Error(), "panic") || !strings.Contains(err.Error(), "weird") {
		t.Errorf("Validate: %v", err)
	}
	w := quality.NewWindow(quality.Thresholds{Action: quality.Quarantine, MaxLag: time.Minute})
	bad := []anomaly.Finding{{Field: "email", Kind: anomaly.InvalidFormat, Detail: "x"}, {Field: "amount", Kind: anomaly.Outlier}}
	for i := range 100 {
		var f []anomaly.Finding
		if i%10 == 0 {
			f = bad
		}
		w.Record(f, time.Duration(i)*time.Second)
	}
	w.AddCounts(anomaly.Counts{Cells: 100, Typed: 100, ByKind: [6]uint64{anomaly.InvalidFormat: 10}})
	s := w.Score()
	if s.Timeliness != 0.61 || s.Validity != 0.9 {
		t.Errorf("timeliness %v, validity %v", s.Timeliness, s.Validity)
	}
	d := w.Decide()
	if !d.Breach || d.Action != quality.Quarantine || !strings.Contains(d.Reason, "error rate 0.1000") {
		t.Errorf("decision %+v", d)
	}
	reason, ok := w.QuarantineReason(bad)
	if !ok || !strings.Contains(reason, "email: invalid_format") || strings.Contains(reason, "amount") {
		t.Errorf("quarantine %q %v", reason, ok)
	}
}

// TestSinglePass checks that one pass with a buffer finds what two passes
// find: identically when the file fits the buffer, and the planted
// anomalies when it does not.
func TestSinglePass(t *testing.T) {
	t.Parallel()
	for _, ds := range eval.Generate(seed) {
		data, _ := eval.Files("testdata/eval", ds)
		two := profile(t, data)
		one, err := quality.ProfileFile(context.Background(), data, quality.Config{SinglePass: true})
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		_ = two.WriteJSON(&a)
		_ = one.WriteJSON(&b)
		if a.String() != b.String() {
			t.Errorf("%s: single pass differs from two passes", ds.Name)
		}
	}
	// A buffer smaller than the file: fences come from the first rows and
	// are refreshed as the rest streams.
	ds := eval.Generate(seed)[0]
	data, labels := eval.Files("testdata/eval", ds)
	rep, err := quality.ProfileFile(context.Background(), data, quality.Config{SinglePass: true, Buffer: 500,
		Anomaly: anomaly.Config{Refresh: 400}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := eval.ReadLabels(labels)
	var found []eval.Finding
	for _, a := range rep.Anomalies {
		found = append(found, eval.Finding{Row: int(a.Row), Field: a.Field, Kind: a.Kind.String()})
	}
	r := eval.Score(ds.Name, ds.Split, "single", want, found, nil, 0)
	if r.Overall.Recall() < 0.9 || r.Overall.Precision() < 0.9 {
		t.Errorf("single pass with a 500-row buffer: recall %.3f precision %.3f", r.Overall.Recall(), r.Overall.Precision())
	}
}
