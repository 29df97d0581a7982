package match

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

// benchDir finds the Valentine NYC benchmark: $HELIOS_BENCH_DIR, or
// ../shared/benchmarks/valentine-nyc next to the repository root. It
// returns "" when HELIOS_BENCH_DIR=none.
func benchDir(t testing.TB) string {
	if d := os.Getenv("HELIOS_BENCH_DIR"); d != "" {
		if d == "none" {
			return ""
		}
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod) not found")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "benchmarks", "valentine-nyc")
}

type evalPair struct {
	name     string
	src, tgt infer.Schema
	truth    map[string]string // source → target
	heldOut  bool
	round    int // the held-out round, when truth.json says (0: not recorded)
}

func loadPair(t testing.TB, dir string) evalPair {
	t.Helper()
	p := evalPair{name: filepath.Base(dir), truth: map[string]string{}}
	var err error
	if p.src, err = infer.InferFile(filepath.Join(dir, "source.csv"), infer.Config{}); err != nil {
		t.Fatal(err)
	}
	if p.tgt, err = infer.InferFile(filepath.Join(dir, "target.csv"), infer.Config{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Pairs   [][2]string `json:"pairs"`
		HeldOut bool        `json:"held_out"`
		Round   int         `json:"round"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	for _, pr := range tr.Pairs {
		p.truth[pr[0]] = pr[1]
	}
	p.heldOut, p.round = tr.HeldOut, tr.Round
	return p
}

func loadPairs(t testing.TB, root string) []evalPair {
	t.Helper()
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("benchmark directory: %v (set HELIOS_BENCH_DIR, or HELIOS_BENCH_DIR=none to skip)", err)
	}
	var out []evalPair
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, loadPair(t, filepath.Join(root, e.Name())))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no benchmark pairs under %s", root)
	}
	return out
}

type prf struct{ p, r, f, acc float64 }

func runPair(t testing.TB, p evalPair, namesOnly bool) (Result, prf) {
	m, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.namesOnly = namesOnly
	res, err := m.Match(context.Background(), p.src.Fields, p.tgt.Fields)
	if err != nil {
		t.Fatal(err)
	}
	tp := 0
	got := map[string]string{}
	for _, mp := range res.Mappings {
		got[mp.Source] = mp.Target
		if p.truth[mp.Source] == mp.Target {
			tp++
		}
	}
	var s prf
	if len(res.Mappings) > 0 {
		s.p = float64(tp) / float64(len(res.Mappings))
	}
	if len(p.truth) > 0 {
		s.r = float64(tp) / float64(len(p.truth))
	}
	if s.p+s.r > 0 {
		s.f = 2 * s.p * s.r / (s.p + s.r)
	}
	right := 0
	for _, f := range p.src.Fields {
		if got[f.Name] == p.truth[f.Name] {
			right++
		}
	}
	s.acc = float64(right) / float64(len(p.src.Fields))
	return res, s
}

// evalValentine prints per-pair precision, recall and F1 and returns the mean F1.
func evalValentine(t testing.TB, pairs []evalPair, namesOnly bool, w *strings.Builder) float64 {
	fmt.Fprintf(w, "%-28s %6s %6s %6s\n", "pair", "P", "R", "F1")
	var sum prf
	for _, p := range pairs {
		res, s := runPair(t, p, namesOnly)
		fmt.Fprintf(w, "%-28s %6.3f %6.3f %6.3f\n", p.name, s.p, s.r, s.f)
		if testing.Verbose() && os.Getenv("HELIOS_EVAL_DEBUG") != "" {
			for _, mp := range res.Mappings {
				mark := "ok"
				if p.truth[mp.Source] != mp.Target {
					mark = "WRONG (truth " + p.truth[mp.Source] + ")"
				}
				fmt.Fprintf(w, "      %-26s -> %-30s %.3f %+v %s\n", mp.Source, mp.Target, mp.Confidence, mp.Evidence, mark)
			}
			for s, tg := range p.truth {
				if !slices.ContainsFunc(res.Mappings, func(m Mapping) bool { return m.Source == s }) {
					fmt.Fprintf(w, "      MISSED %s -> %s\n", s, tg)
					conf, ev := Scores(p.src.Fields, p.tgt.Fields)
					for i, f := range p.src.Fields {
						if f.Name != s {
							continue
						}
						for j, g := range p.tgt.Fields {
							if conf[i][j] > 0.3 || g.Name == tg {
								fmt.Fprintf(w, "          cand %-30s %.3f %+v\n", g.Name, conf[i][j], ev[i][j])
							}
						}
					}
				}
			}
		}
		sum.p += s.p
		sum.r += s.r
		sum.f += s.f
	}
	n := float64(len(pairs))
	fmt.Fprintf(w, "%-28s %6.3f %6.3f %6.3f\n", "mean", sum.p/n, sum.r/n, sum.f/n)
	return sum.f / n
}

func TestEvalValentine(t *testing.T) {
	dir := benchDir(t)
	if dir == "" {
		t.Skip("HELIOS_BENCH_DIR=none: Valentine NYC evaluation skipped")
	}
	pairs := loadPairs(t, dir)
	var w strings.Builder
	fmt.Fprintf(&w, "Valentine NYC (%s), helios matcher:\n", dir)
	f1 := evalValentine(t, pairs, false, &w)
	fmt.Fprintf(&w, "\nValentine NYC, name-only baseline:\n")
	base := evalValentine(t, pairs, true, &w)
	t.Log("\n" + w.String())
	if f1 < valentineFloor {
		t.Errorf("Valentine mean F1 %.3f fell below the floor %.3f", f1, valentineFloor)
	}
	if f1 <= base {
		t.Errorf("Valentine mean F1 %.3f does not beat the name-only baseline %.3f", f1, base)
	}
}

// valentineFloor is the reached mean F1 (0.940) minus a margin.
const valentineFloor = 0.93

// evalOwn prints per-pair accuracy of the realistic pairs and returns the
// accuracy over all source columns of the tuned and of the held-out pairs.
func evalOwn(t testing.TB, pairs []evalPair, namesOnly bool, w *strings.Builder) (tuned, held float64) {
	fmt.Fprintf(w, "%-24s %-9s %5s %9s %6s\n", "pair", "split", "cols", "accuracy", "F1")
	var n, right [2]float64
	rounds := map[int][2]float64{} // round → columns, right
	for _, p := range pairs {
		split := 0
		if p.heldOut {
			split = 1
		}
		if os.Getenv("HELIOS_EVAL_TUNED_ONLY") != "" && p.heldOut {
			continue
		}
		res, s := runPair(t, p, namesOnly)
		name := [2]string{"tuned", "held-out"}[split]
		fmt.Fprintf(w, "%-24s %-9s %5d %9.3f %6.3f\n", p.name, name, len(p.src.Fields), s.acc, s.f)
		n[split] += float64(len(p.src.Fields))
		right[split] += s.acc * float64(len(p.src.Fields))
		if p.round > 0 {
			r := rounds[p.round]
			rounds[p.round] = [2]float64{r[0] + float64(len(p.src.Fields)), r[1] + s.acc*float64(len(p.src.Fields))}
		}
		if testing.Verbose() && os.Getenv("HELIOS_EVAL_DEBUG") != "" {
			got := map[string]Mapping{}
			for _, m := range res.Mappings {
				got[m.Source] = m
			}
			for _, f := range p.src.Fields {
				m, ok := got[f.Name]
				if m.Target != p.truth[f.Name] {
					fmt.Fprintf(w, "      WRONG %-14s -> %-18q (truth %q) %.3f %+v\n", f.Name, m.Target, p.truth[f.Name], m.Confidence, m.Evidence)
					conf, ev := Scores(p.src.Fields, p.tgt.Fields)
					i := slices.IndexFunc(p.src.Fields, func(x infer.Field) bool { return x.Name == f.Name })
					for j, g := range p.tgt.Fields {
						if conf[i][j] > 0.3 || g.Name == p.truth[f.Name] {
							fmt.Fprintf(w, "          cand %-22s %.3f %+v\n", g.Name, conf[i][j], ev[i][j])
						}
					}
				} else if ok {
					fmt.Fprintf(w, "      ok    %-14s -> %-18s %.3f %s\n", f.Name, m.Target, m.Confidence, m.Conversion)
				}
			}
		}
	}
	acc := func(i int) float64 {
		if n[i] == 0 {
			return 0
		}
		return right[i] / n[i]
	}
	fmt.Fprintf(w, "%-24s %-9s %5.0f %9.3f\n", "all tuned", "tuned", n[0], acc(0))
	fmt.Fprintf(w, "%-24s %-9s %5.0f %9.3f\n", "all held-out", "held-out", n[1], acc(1))
	for _, r := range slices.Sorted(maps.Keys(rounds)) {
		fmt.Fprintf(w, "%-24s %-9s %5.0f %9.3f\n", fmt.Sprintf("held-out round %d", r), "held-out", rounds[r][0], rounds[r][1]/rounds[r][0])
	}
	return acc(0), acc(1)
}

func TestEvalPairs(t *testing.T) {
	pairs := loadPairs(t, filepath.Join("testdata", "pairs"))
	var w strings.Builder
	fmt.Fprintf(&w, "Realistic pairs (testdata/pairs), helios matcher:\n")
	tuned, held := evalOwn(t, pairs, false, &w)
	fmt.Fprintf(&w, "\nRealistic pairs, name-only baseline:\n")
	evalOwn(t, pairs, true, &w)
	t.Log("\n" + w.String())
	if tuned < tunedFloor || held < heldOutFloor {
		t.Errorf("accuracy tuned %.3f / held-out %.3f fell below the floors %.3f / %.3f", tuned, held, tunedFloor, heldOutFloor)
	}
}

// Floors: the accuracy reached minus a small margin (tuned 1.000 over 96
// columns; held-out 0.990 over 198: rounds 1-4 are development data, the
// 4th round's one blind evaluation gave 0.833, see EVALUATION.md).
const (
	tunedFloor   = 0.98
	heldOutFloor = 0.97
)
