package ops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

func TestMask(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec string
		want []string
	}{
		{"mask name", []string{"id=1 name=*** amount=50 ", "id=2 name=NULL amount=150 ", "id=3 name=*** amount=100 "}},
		{"mask public.users.amount:partial", []string{"id=1 name=ann amount=*** ", "id=2 name=NULL amount=*** ", "id=3 name=cid amount=*** "}},
		{"mask other.users.name", []string{"id=1 name=ann amount=50 ", "id=2 name=NULL amount=150 ", "id=3 name=cid amount=100 "}},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			t.Parallel()
			// The delete's row is its before image.
			out, failed := run(t, c.spec, event(schemas.OpCreate, 1, "ann", 50), event(schemas.OpUpdate, 2, "", 150), event(schemas.OpDelete, 3, "cid", 100))
			if failed != 0 || strings.Join(out, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %q (%d failed), want %q", out, failed, c.want)
			}
		})
	}
}

func TestMaskHashAndRaw(t *testing.T) {
	t.Parallel()
	if _, err := ops.Parse("mask name:hash"); err == nil || !strings.Contains(err.Error(), "needs a key") {
		t.Fatalf("hash without a key: %v", err)
	}
	for _, spec := range []string{"mask", "mask a.b", "mask name:sha1"} {
		if _, err := ops.Parse(spec); err == nil {
			t.Errorf("Parse(%q): no error", spec)
		}
	}
	tr, err := ops.Options{MaskKey: []byte("0123456789abcdef")}.Parse("mask name:hash")
	if err != nil {
		t.Fatal(err)
	}
	b := stage.NewTestBatch([]*stage.Record{event(schemas.OpCreate, 1, "ann", 1), event(schemas.OpCreate, 2, "ann", 2), {Value: []byte("raw")}})
	if err := tr.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	out := b.Emitted()
	if len(out) != 2 || len(b.Failed()) != 1 {
		t.Fatalf("%d emitted, %d failed; want 2 and the raw record failed", len(out), len(b.Failed()))
	}
	h1, h2 := out[0].Event.After[1].Str(), out[1].Event.After[1].Str()
	if len(h1) != 64 || h1 != h2 || strings.Contains(h1, "ann") {
		t.Errorf("hashes %q and %q: want equal 64-character hex", h1, h2)
	}
}
