package sample

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/infer"
)

var testSchema = &schemas.Schema{Name: "public.t", Version: 1, Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "email", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	{Name: "active", Type: schemas.Type{Kind: schemas.KindBool}, Nullable: true},
}}

func envelopeRecord(t testing.TB, op schemas.Op, id int64, email string, withSchema bool) []byte {
	t.Helper()
	ev := schemas.Event{Op: op, Schema: testSchema}
	row := []schemas.Value{schemas.Int64(id), schemas.String(email), schemas.Bool(id%2 == 0)}
	if op == schemas.OpDelete {
		ev.Before = row
	} else {
		ev.After = row
	}
	b, err := envelope.NewEncoder(envelope.Options{Schemas: withSchema}).AppendValue(nil, &ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		records  [][]byte
		rows     int64
		skipped  int64
		fields   map[string]string // name → inferred type
		declared map[string]string
	}{
		{
			name: "debezium envelopes with schemas",
			records: [][]byte{envelopeRecord(t, schemas.OpCreate, 1, "a@x.io", true), envelopeRecord(t, schemas.OpUpdate, 2, "b@x.io", true),
				envelopeRecord(t, schemas.OpDelete, 3, "c@x.io", true)},
			rows: 2, skipped: 1,
			fields:   map[string]string{"id": "integer", "email": "string", "active": "boolean"},
			declared: map[string]string{"id": "int64", "email": "string", "active": "bool"},
		},
		{
			name:    "schemaless envelopes use the after state",
			records: [][]byte{envelopeRecord(t, schemas.OpCreate, 1, "a@x.io", false), envelopeRecord(t, schemas.OpDelete, 2, "b@x.io", false)},
			rows:    1, skipped: 1,
			fields: map[string]string{"id": "integer", "email": "string", "active": "boolean"},
		},
		{
			name: "plain JSON objects learn keys as they come",
			records: [][]byte{[]byte(`{"sku":"A-1","price":9.5,"tags":["x"]}`), []byte(`{"sku":"A-2","price":10,"in_stock":true}`),
				[]byte(`{"sku":"A-3","price":null,"when":"2024-03-01"}`)},
			rows:   3,
			fields: map[string]string{"sku": "string", "price": "decimal", "tags": "json", "in_stock": "boolean", "when": "date"},
		},
		{
			name:    "tombstones and garbage are skipped",
			records: [][]byte{nil, []byte(`not json`), []byte(`[1,2]`), []byte(`{"a":1} {"b":2}`), []byte(`{"a":1}`)},
			rows:    1, skipped: 4,
			fields: map[string]string{"a": "integer"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRecordReader(infer.Config{})
			for _, rec := range tc.records {
				r.add(rec)
			}
			res := r.result()
			if res.Schema.Rows != tc.rows || res.Skipped != tc.skipped {
				t.Fatalf("rows %d skipped %d, want %d and %d", res.Schema.Rows, res.Skipped, tc.rows, tc.skipped)
			}
			if len(res.Schema.Fields) != len(tc.fields) {
				t.Fatalf("fields %v, want %v", res.Schema.Fields, tc.fields)
			}
			for _, f := range res.Schema.Fields {
				if want := tc.fields[f.Name]; f.Type.String() != want {
					t.Errorf("%s: type %s, want %s", f.Name, f.Type, want)
				}
			}
			for k, want := range tc.declared {
				if res.Declared[k] != want {
					t.Errorf("%s: declared %q, want %q", k, res.Declared[k], want)
				}
			}
		})
	}
}

func TestRecordReaderKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	r := newRecordReader(infer.Config{})
	r.add([]byte(`{"z":1,"a":2,"m":3}`))
	r.add([]byte(`{"b":1,"z":2}`))
	var got []string
	for _, f := range r.result().Schema.Fields {
		got = append(got, f.Name)
	}
	if fmt.Sprint(got) != "[z a m b]" {
		t.Errorf("columns %v, want [z a m b]", got)
	}
}

// TestTopic reads a topic of two partitions from a fake cluster: all of
// it, then a bounded sample.
func TestTopic(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	prod, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	var recs []*kgo.Record
	for i := range 40 {
		recs = append(recs, &kgo.Record{Topic: "events", Value: envelopeRecord(t, schemas.OpCreate, int64(i), fmt.Sprintf("u%d@x.io", i), true)})
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	opts := []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}
	all, err := Topic(ctx, opts, "events", -1, infer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Schema.Rows != 40 {
		t.Errorf("rows %d, want 40", all.Schema.Rows)
	}
	if f, ok := all.Schema.Field("email"); !ok || f.Semantic != infer.KindEmail || !f.Unique {
		t.Errorf("email field %+v", f)
	}
	some, err := Topic(ctx, opts, "events", 10, infer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if some.Schema.Rows != 10 {
		t.Errorf("rows %d, want 10", some.Schema.Rows)
	}
	if _, err := Topic(ctx, opts, "missing", 10, infer.Config{}); err == nil {
		t.Error("a missing topic did not fail")
	}
}

func FuzzRecordReader(f *testing.F) {
	f.Add(envelopeRecord(f, schemas.OpCreate, 1, "a@x.io", true))
	f.Add(envelopeRecord(f, schemas.OpCreate, 1, "a@x.io", false))
	f.Add([]byte(`{"a":1,"b":"x","c":[1,{"d":null}]}`))
	f.Add([]byte(`{"op":"c","after":{"a":1}}`))
	f.Add([]byte(`{"op":"d","after":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := newRecordReader(infer.Config{})
		r.add(b)
		r.add(b)
		res := r.result()
		if res.Schema.Rows+res.Skipped != 2 {
			t.Fatalf("rows %d + skipped %d != 2", res.Schema.Rows, res.Skipped)
		}
	})
}
