package pgsink

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heliosdb/helios-etl/emit"
	"github.com/heliosdb/helios-etl/schemas"
)

const benchRows = 100_000

var benchCopyThreshold = 2000

func benchSchema() *schemas.Schema {
	return &schemas.Schema{Name: "public.bench", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: typ(schemas.KindInt64)},
		{Name: "k", Type: typ(schemas.KindInt32), Nullable: true},
		{Name: "name", Type: typ(schemas.KindString), Nullable: true},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 3}, Nullable: true},
		{Name: "ts", Type: typ(schemas.KindTimestampTZ), Nullable: true},
		{Name: "u", Type: typ(schemas.KindUUID), Nullable: true},
		{Name: "flag", Type: typ(schemas.KindBool), Nullable: true},
		{Name: "doc", Type: schemas.Type{Kind: schemas.KindJSON, Source: "jsonb"}, Nullable: true},
	}}
}

func benchRecords(s *schemas.Schema, gen int) []emit.Record {
	recs := make([]emit.Record, benchRows)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range recs {
		id := int64(i + 1)
		var u [16]byte
		u[0], u[15] = byte(id), byte(id>>8)
		recs[i] = emit.Record{Topic: "bench", Offset: int64(gen*benchRows + i), Event: schemas.Event{Op: schemas.OpCreate, Schema: s, After: []schemas.Value{
			schemas.Int64(id), schemas.Int(schemas.KindInt32, id%1000+int64(gen)), schemas.String("name " + strconv.FormatInt(id, 10)),
			schemas.DecimalValue(schemas.NewDecimal(id*1001+int64(gen), 3)), schemas.TimestampTZ(base + id*1_000_001),
			schemas.UUID(u), schemas.Bool(id%2 == 0), schemas.JSON(`{"i": ` + strconv.FormatInt(id, 10) + `}`),
		}}}
	}
	return recs
}

// BenchmarkSinkVsCopy measures rows/s applied by the sink (batches of
// 20000 records: inserts into an empty table, then updates of every row)
// beside a plain COPY (pgx binary CopyFrom) of the same rows into an empty
// table with the same primary key: the limit on this machine. For updates
// it also measures the plain-SQL limit: COPY into a temporary table and
// one UPDATE ... FROM it.
func BenchmarkSinkVsCopy(b *testing.B) {
	pool, schema := testPool(b)
	ctx := context.Background()
	s := benchSchema()
	recs := benchRecords(s, 0)
	upd := benchRecords(s, 1)
	// The COPY's rows, as Go values, built beforehand.
	rows := make([][]any, benchRows)
	for i, r := range recs {
		a := r.Event.After
		dec := a[3].Decimal()
		rows[i] = []any{a[0].Int(), int32(a[1].Int()), a[2].Str(), dec.String(), time.UnixMicro(a[4].Micros()).UTC(), a[5].UUID(), a[6].Bool(), a[7].Str()}
	}
	ddl := func(name string) {
		if _, err := pool.Exec(ctx, fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %[1]s; DROP TABLE IF EXISTS %[1]s.%[2]s; CREATE TABLE %[1]s.%[2]s (id bigint PRIMARY KEY, k integer,
			name text, amount numeric(12,3), ts timestamptz, u uuid, flag boolean, doc jsonb)`, schema, name)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("copy", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			ddl("copied")
			b.StartTimer()
			_, err := pool.CopyFrom(ctx, pgx.Identifier{schema, "copied"}, []string{"id", "k", "name", "amount", "ts", "u", "flag", "doc"}, pgx.CopyFromRows(rows))
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	// The limit for updates: the same rows COPY'd into a temporary table,
	// then one UPDATE ... FROM it (the table holds the rows already).
	b.Run("copy-update", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			ddl("copied")
			if _, err := pool.CopyFrom(ctx, pgx.Identifier{schema, "copied"}, []string{"id", "k", "name", "amount", "ts", "u", "flag", "doc"}, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE upd (LIKE %s.copied) ON COMMIT DROP", schema)); err != nil {
					return err
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"upd"}, []string{"id", "k", "name", "amount", "ts", "u", "flag", "doc"}, pgx.CopyFromRows(rows)); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s.copied t SET k = u.k + 1, name = u.name, amount = u.amount, ts = u.ts, u = u.u, flag = u.flag, doc = u.doc
					FROM upd u WHERE t.id = u.id`, schema))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	for _, mode := range []string{"insert", "update"} {
		b.Run("sink-"+mode, func(b *testing.B) {
			n := 0
			for b.Loop() {
				b.StopTimer()
				n++
				ddl("bench")
				sink, err := New(pool, Config{Name: fmt.Sprintf("bench_%s_%d", mode, n), Schema: schema, CopyThreshold: benchCopyThreshold})
				if err != nil {
					b.Fatal(err)
				}
				if mode == "update" {
					if err := writeAll(ctx, sink, recs); err != nil {
						b.Fatal(err)
					}
				}
				batch := recs
				if mode == "update" {
					batch = upd
				}
				b.StartTimer()
				if err := writeAll(ctx, sink, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func writeAll(ctx context.Context, s *Sink, recs []emit.Record) error {
	for i := 0; i < len(recs); i += 20000 {
		if err := s.Write(ctx, recs[i:min(i+20000, len(recs))]); err != nil {
			return err
		}
	}
	return nil
}
