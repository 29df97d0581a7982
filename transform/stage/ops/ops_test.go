package ops_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

var users = &schemas.Schema{Name: "public.users", Version: 1, Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "name", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	{Name: "amount", Type: schemas.Type{Kind: schemas.KindInt32}, Nullable: true},
}}

func event(op schemas.Op, id int64, name string, amount int64) *stage.Record {
	n := schemas.String(name)
	if name == "" {
		n = schemas.Null()
	}
	row := []schemas.Value{schemas.Int64(id), n, schemas.Int(schemas.KindInt32, amount)}
	ev := &schemas.Event{Op: op, Schema: users, After: row}
	if op == schemas.OpDelete {
		ev.Before, ev.After = row, nil
	}
	return &stage.Record{Event: ev, Key: fmt.Appendf(nil, "%d", id)}
}

// describe renders what a transform emitted and failed.
func run(t *testing.T, spec string, recs ...*stage.Record) (out []string, failed int) {
	t.Helper()
	tr, err := ops.Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	b := stage.NewTestBatch(recs)
	if err := tr.Apply(context.Background(), b); err != nil {
		t.Fatalf("%s: Apply: %v", spec, err)
	}
	for _, r := range b.Emitted() {
		s := ""
		for i, f := range r.Event.Schema.Fields {
			s += fmt.Sprintf("%s=%s ", f.Name, r.Event.Row()[i])
		}
		out = append(out, s)
	}
	return out, len(b.Failed())
}

func TestOps(t *testing.T) {
	t.Parallel()
	recs := func() []*stage.Record {
		return []*stage.Record{
			event(schemas.OpCreate, 1, "ann", 50),
			event(schemas.OpUpdate, 2, "", 150),
			event(schemas.OpDelete, 3, "cid", 100),
		}
	}
	tests := []struct {
		spec   string
		want   string
		failed int
	}{
		{"project name,id", "[name=ann id=1  name=NULL id=2  name=cid id=3 ]", 0},
		{"rename name=full_name", "[id=1 full_name=ann amount=50  id=2 full_name=NULL amount=150  id=3 full_name=cid amount=100 ]", 0},
		{"filter op != d", "[id=1 name=ann amount=50  id=2 name=NULL amount=150 ]", 0},
		{"filter op in c,d", "[id=1 name=ann amount=50  id=3 name=cid amount=100 ]", 0},
		{"filter amount >= 100", "[id=2 name=NULL amount=150  id=3 name=cid amount=100 ]", 0},
		{"filter amount < 100", "[id=1 name=ann amount=50 ]", 0},
		{`filter name == "ann"`, "[id=1 name=ann amount=50 ]", 0},
		{"filter name == null", "[id=2 name=NULL amount=150 ]", 0},
		{"filter name != null", "[id=1 name=ann amount=50  id=3 name=cid amount=100 ]", 0},
		{"require name", "[id=1 name=ann amount=50  id=3 name=cid amount=100 ]", 1},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			out, failed := run(t, tt.spec, recs()...)
			if got := fmt.Sprint(out); got != tt.want || failed != tt.failed {
				t.Errorf("got %s, %d failed\nwant %s, %d failed", got, failed, tt.want, tt.failed)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "explode", "project", "rename a", "filter x", "filter op < c", "filter op == x", "filter a in 1", "filter a < null", "count 3", "require"} {
		if _, err := ops.Parse(spec); err == nil {
			t.Errorf("Parse(%q) = nil error", spec)
		}
	}
}
