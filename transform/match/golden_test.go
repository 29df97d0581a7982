package match

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/heliosdb/helios-etl/transform/infer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden keeps the full match result of a few realistic pairs under
// testdata/golden, so that changes to the scoring show up as reviewable
// diffs. Regenerate with: go test ./transform/match -run TestGolden -update
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"crm_contacts", "orders", "products_empty_target"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "pairs", name)
			src, err := infer.InferFile(filepath.Join(dir, "source.csv"), infer.Config{})
			if err != nil {
				t.Fatal(err)
			}
			tgt, err := infer.InferFile(filepath.Join(dir, "target.csv"), infer.Config{})
			if err != nil {
				t.Fatal(err)
			}
			m, err := New(Config{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Match(context.Background(), src.Fields, tgt.Fields)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the match result; rerun with -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
}
