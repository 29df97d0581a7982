package pgsink

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/schemas"

	"github.com/heliosdb/helios-etl/integration/testenv"
)

// testPool connects to HELIOS_TEST_PG_DSN and gives the test its own
// target schema, dropped at cleanup.
func testPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	dsn := testenv.Require(t, testenv.PGDSN, "PostgreSQL")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := testenv.UniqueName("pgsink")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		pool.Close()
	})
	return pool, schema
}

func typ(k schemas.Kind) schemas.Type { return schemas.Type{Kind: k} }

func testSchema(version int32, extra ...schemas.Field) *schemas.Schema {
	s := &schemas.Schema{Name: "public.items", Version: version, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt64)},
		{Name: "name", Type: typ(schemas.KindString), Nullable: true},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2}, Nullable: true},
	}}
	s.Fields = append(s.Fields, extra...)
	return s
}

func row(id int64, name string, amount string, extra ...schemas.Value) []schemas.Value {
	r := []schemas.Value{schemas.Int64(id), schemas.String(name), schemas.DecimalValue(schemas.MustParseDecimal(amount))}
	return append(r, extra...)
}

type recs struct {
	off int64
	out []emit.Record
}

func (r *recs) add(op schemas.Op, s *schemas.Schema, before, after []schemas.Value) *recs {
	r.out = append(r.out, emit.Record{Topic: "t", Partition: 0, Offset: r.off, Event: schemas.Event{Op: op, Schema: s, Before: before, After: after}})
	r.off++
	return r
}

func (r *recs) take() []emit.Record {
	out := r.out
	r.out = nil
	return out
}

func dump(t *testing.T, pool *pgxpool.Pool, q string) string {
	t.Helper()
	var out string
	if err := pool.QueryRow(context.Background(), "SELECT coalesce(string_agg(x::text, ' | ' ORDER BY x::text), '') FROM ("+q+") x").Scan(&out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func TestWrite(t *testing.T) {
	pool, schema := testPool(t)
	ctx := t.Context()
	for _, copyThreshold := range []int{1, 2000} {
		name := "unnest"
		if copyThreshold == 1 {
			name = "copy"
		}
		t.Run(name, func(t *testing.T) {
			s, err := New(pool, Config{Name: "test_" + name, Schema: schema, OffsetsTable: "offsets_" + name, CreateTables: true, Evolve: true, CopyThreshold: copyThreshold})
			if err != nil {
				t.Fatal(err)
			}
			sch := testSchema(1)
			sch.Name = "public.items_" + name
			q := "SELECT * FROM " + schema + ".items_" + name
			var r recs
			// Collapsing: the last change per key decides, deletes included;
			// an unchanged value takes the earlier value of the batch.
			r.add(schemas.OpCreate, sch, nil, row(1, "a", "1.10")).
				add(schemas.OpUpdate, sch, nil, row(1, "b", "2.20")).
				add(schemas.OpCreate, sch, nil, row(2, "x", "3.00")).
				add(schemas.OpDelete, sch, row(2, "", "0"), nil).
				add(schemas.OpCreate, sch, nil, row(3, "c", "4.00")).
				add(schemas.OpUpdate, sch, nil, []schemas.Value{schemas.Int64(3), schemas.Unchanged(), schemas.DecimalValue(schemas.MustParseDecimal("5.00"))})
			batch := r.take()
			if err := s.Write(ctx, batch); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(t, pool, q), "(1,b,2.20) | (3,c,5.00)"; got != want {
				t.Fatalf("after batch 1: %s, want %s", got, want)
			}
			// Redelivery of the same batch is skipped.
			if err := s.Write(ctx, batch); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(t, pool, q), "(1,b,2.20) | (3,c,5.00)"; got != want {
				t.Fatalf("after redelivery: %s, want %s", got, want)
			}
			// An unchanged column keeps the target's value; a key change
			// moves the row.
			r.add(schemas.OpUpdate, sch, nil, []schemas.Value{schemas.Int64(1), schemas.Unchanged(), schemas.DecimalValue(schemas.MustParseDecimal("9.99"))}).
				add(schemas.OpUpdate, sch, row(3, "c", "5.00"), row(4, "c", "5.00")).
				add(schemas.OpUpdate, sch, nil, []schemas.Value{schemas.Int64(5), schemas.String("n"), schemas.Null()})
			if err := s.Write(ctx, r.take()); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(t, pool, q), "(1,b,9.99) | (4,c,5.00) | (5,n,)"; got != want {
				t.Fatalf("after batch 2: %s, want %s", got, want)
			}
			// A new column and a wider type evolve the table.
			sch2 := testSchema(2, schemas.Field{Name: "note", Type: typ(schemas.KindString), Nullable: true})
			sch2.Name = sch.Name
			sch2.Fields[2].Type = schemas.Type{Kind: schemas.KindDecimal, Precision: 14, Scale: 3}
			r.add(schemas.OpCreate, sch2, nil, row(6, "z", "12345678901.125", schemas.String("new")))
			if err := s.Write(ctx, r.take()); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(t, pool, q), "(1,b,9.990,) | (4,c,5.000,) | (5,n,,) | (6,z,12345678901.125,new)"; got != want {
				t.Fatalf("after evolve: %s, want %s", got, want)
			}
			r.add(schemas.OpTruncate, sch2, nil, nil).add(schemas.OpCreate, sch2, nil, row(7, "t", "1", schemas.Null()))
			if err := s.Write(ctx, r.take()); err != nil {
				t.Fatal(err)
			}
			if got, want := dump(t, pool, q), "(7,t,1.000,)"; got != want {
				t.Fatalf("after truncate: %s, want %s", got, want)
			}
			offs, err := s.NextOffsets(ctx)
			if err != nil || offs["t"][0] != r.off {
				t.Fatalf("NextOffsets = %v, %v; want t/0 at %d", offs, err, r.off)
			}
		})
	}
}

func TestSchemaErrors(t *testing.T) {
	pool, schema := testPool(t)
	ctx := t.Context()
	s, err := New(pool, Config{Name: "strict", Schema: schema, CreateTables: true})
	if err != nil {
		t.Fatal(err)
	}
	var r recs
	if err := s.Write(ctx, r.add(schemas.OpCreate, testSchema(1), nil, row(1, "a", "1")).take()); err != nil {
		t.Fatal(err)
	}
	sch2 := testSchema(2, schemas.Field{Name: "note", Type: typ(schemas.KindString), Nullable: true})
	err = s.Write(ctx, r.add(schemas.OpCreate, sch2, nil, row(2, "b", "2", schemas.String("x"))).take())
	var se *SchemaError
	if !errors.As(err, &se) || se.Column != "note" || !strings.Contains(err.Error(), "enable evolve") {
		t.Fatalf("missing column: err = %v, want a SchemaError naming column note", err)
	}
	sch3 := testSchema(3)
	sch3.Fields[2].Type = schemas.Type{Kind: schemas.KindDecimal, Precision: 20, Scale: 2}
	err = s.Write(ctx, r.add(schemas.OpCreate, sch3, nil, row(2, "b", "2")).take())
	if !errors.As(err, &se) || se.Column != "amount" || !strings.Contains(err.Error(), "numeric(20,2)") {
		t.Fatalf("narrow column: err = %v, want a SchemaError naming amount and numeric(20,2)", err)
	}
	// A value the target rejects is a bad record.
	sch4 := testSchema(4)
	sch4.Fields[2].Type = schemas.Type{Kind: schemas.KindDecimal, Precision: 10, Scale: 2}
	err = s.Write(ctx, r.add(schemas.OpCreate, sch4, nil, row(3, "c", "123456789012.5")).take())
	var bad *emit.BadRecordError
	if !errors.As(err, &bad) {
		t.Fatalf("overflow: err = %v, want a BadRecordError", err)
	}
}

// TestDuplicateInsert: an insert delivered twice upstream (at a new
// offset, as an at-least-once CDC source may after a crash) finds its row
// at the target; the direct COPY falls back to the merge.
func TestDuplicateInsert(t *testing.T) {
	pool, schema := testPool(t)
	ctx := t.Context()
	s, err := New(pool, Config{Name: "dup", Schema: schema, CreateTables: true, CopyThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	sch := testSchema(1)
	var r recs
	r.add(schemas.OpCreate, sch, nil, row(1, "a", "1")).add(schemas.OpCreate, sch, nil, row(2, "b", "2"))
	if err := s.Write(ctx, r.take()); err != nil {
		t.Fatal(err)
	}
	r.add(schemas.OpCreate, sch, nil, row(2, "b", "2")).add(schemas.OpCreate, sch, nil, row(3, "c", "3"))
	if err := s.Write(ctx, r.take()); err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, pool, "SELECT * FROM "+schema+".items"), "(1,a,1.00) | (2,b,2.00) | (3,c,3.00)"; got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}

// TestConcurrentInstances: two instances of one sink hold the same batch
// (a rebalance moved the partition while the old owner was still
// writing); the offsets' row lock lets one apply it and the other skip it.
func TestConcurrentInstances(t *testing.T) {
	pool, schema := testPool(t)
	ctx := t.Context()
	var sinks [2]*Sink
	for i := range sinks {
		s, err := New(pool, Config{Name: "shared", Schema: schema, CreateTables: true})
		if err != nil {
			t.Fatal(err)
		}
		sinks[i] = s
	}
	// Create the table first, so both race on the data only.
	var r recs
	if err := sinks[0].Write(ctx, r.add(schemas.OpCreate, testSchema(1), nil, row(0, "x", "0")).take()); err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 100; i++ {
		r.add(schemas.OpCreate, testSchema(1), nil, row(i, "a", "1"))
	}
	batch := r.take()
	errs := make(chan error, 2)
	for _, s := range sinks {
		go func() { errs <- s.Write(ctx, batch) }()
	}
	for range sinks {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	skipped := testutil.ToFloat64(sinks[0].m.duplicates) + testutil.ToFloat64(sinks[1].m.duplicates)
	if skipped != float64(len(batch)) {
		t.Fatalf("%v records skipped, want %d: one instance applies the batch, the other skips all of it", skipped, len(batch))
	}
}
