package integration

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestSinkPostgresExactlyOnce runs the whole path: a source table in
// PostgreSQL → helios-etl cdc --json-schemas → Kafka → helios-etl sink
// postgres → a target table in another schema, under a workload of inserts,
// updates (hot keys updated many times, TOASTed values left unchanged) and
// deletes, while the sink is killed with SIGKILL three times. At the end the
// target must equal the source row by row (an md5 over every row's text in
// key order). Then a column added at the source must appear at the target.
//
// HELIOS_SINK_CHANGES sets the number of changes (default 100000).
func TestSinkPostgresExactlyOnce(t *testing.T) {
	t.Parallel()
	changes := 100_000
	if v := os.Getenv("HELIOS_SINK_CHANGES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("HELIOS_SINK_CHANGES=%q: %v", v, err)
		}
		changes = n
	}
	e := newCDCEnv(t)
	ctx := testContext(t, 30*time.Minute)
	target := e.name + "_t"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = e.conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+target+" CASCADE")
	})
	e.exec(fmt.Sprintf(`CREATE TABLE %s.src (
		id int8 PRIMARY KEY, k int4 NOT NULL, name text, amount numeric(12,3), ts timestamptz, doc jsonb, u uuid,
		b bytea, tags int4[], d date, iv interval, f float8, flag bool, big text)`, e.name))
	cdc := e.start("cdc", []string{"src"}, "--json-schemas")
	group := uniqueName("sink")
	startSink := func(name string) *proc {
		return startProc(t, name, "sink", "postgres", "--brokers", strings.Join(e.brokers, ","),
			"--topics", e.topic("src"), "--target-dsn", e.dsn, "--target-schema", target, "--group", group,
			"--create-tables", "--evolve", "--metrics-addr", "127.0.0.1:0", "--batch-size", "5000", "--session-timeout", "6s")
	}
	sink := startSink("sink0")
	applied := func() int64 {
		var n int64
		_ = e.conn.QueryRow(ctx, fmt.Sprintf("SELECT coalesce(sum(next_offset), 0) FROM %s.helios_sink_offsets", target)).Scan(&n)
		return n
	}

	// The workload runs beside the kills, which follow the sink's progress:
	// at a quarter, half and three quarters of the changes applied.
	start := time.Now()
	var done, rounds int
	var loaded time.Duration
	wconn, err := pgx.Connect(ctx, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer wconn.Close(context.Background())
	workload := make(chan error, 1)
	go func() {
		nextID := int64(1)
		for done < changes && ctx.Err() == nil {
			n, err := workloadRound(ctx, wconn, e.name+".src", rounds, &nextID)
			if err != nil {
				workload <- err
				return
			}
			done += n
			rounds++
		}
		loaded = time.Since(start)
		workload <- nil
	}()
	for kills := 1; kills <= 3; kills++ {
		at := int64(changes * kills / 4)
		if err := waitFor(sink.alive(ctx), "sink progress", func() (bool, error) { return applied() >= at, nil }); err != nil {
			t.Fatalf("%v\n%s", err, sink.logText())
		}
		sink.kill(t)
		t.Logf("SIGKILL %d of the sink with offsets at %d (%s)", kills, applied(), time.Since(start).Round(time.Millisecond))
		sink = startSink(fmt.Sprintf("sink%d", kills))
	}
	if err := <-workload; err != nil {
		t.Fatalf("workload: %v", err)
	}
	kills := 3
	round := rounds
	checksum := func(schema string) (string, int64) {
		var sum string
		var n int64
		err := e.conn.QueryRow(ctx, fmt.Sprintf("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY id)), ''), count(*) FROM %s.src t", schema)).Scan(&sum, &n)
		if err != nil {
			return "error: " + err.Error(), 0
		}
		return sum, n
	}
	want, rows := checksum(e.name)
	if err := waitFor(sink.alive(cdc.alive(ctx)), "target equal to source", func() (bool, error) {
		got, _ := checksum(target)
		return got == want, nil
	}); err != nil {
		got, n := checksum(target)
		t.Fatalf("%v: target %s (%d rows), source %s (%d rows)\n%s", err, got, n, want, rows, sink.logText())
	}
	t.Logf("%d changes (%d rounds, %d rows at the end) generated in %s, target equal to source (md5 %s) after %s with %d SIGKILLs of the sink",
		done, round, rows, loaded.Round(time.Millisecond), want, time.Since(start).Round(time.Millisecond), kills)

	// Schema evolution: a new column flows through to the target.
	e.exec(fmt.Sprintf("ALTER TABLE %s.src ADD COLUMN note text", e.name))
	e.exec(fmt.Sprintf("UPDATE %s.src SET note = 'n' || id WHERE id %% 7 = 0", e.name))
	want, _ = checksum(e.name)
	if err := waitFor(sink.alive(cdc.alive(ctx)), "target with the new column", func() (bool, error) {
		got, _ := checksum(target)
		return got == want, nil
	}); err != nil {
		t.Fatalf("%v\n%s", err, sink.logText())
	}
	if err := sink.stop(t, 30*time.Second); err != nil {
		t.Fatalf("sink SIGTERM: %v\n%s", err, sink.logText())
	}
}

// workloadRound runs one round of changes on src and returns how many rows
// it changed: new rows, updates of 300 hot keys and of random rows, and
// deletes.
func workloadRound(ctx context.Context, conn *pgx.Conn, src string, round int, nextID *int64) (int, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	n := 0
	var errs []error
	execN := func(sql string, args ...any) {
		if len(errs) > 0 {
			return
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", sql, err))
		}
		n += int(tag.RowsAffected())
	}
	const inserts = 1500
	execN(`INSERT INTO `+src+` SELECT i, (i % 1000)::int4, 'name ' || i, (i * 1.001)::numeric(12,3),
		'2024-01-01 00:00:00+00'::timestamptz + i * interval '1.000001 second', jsonb_build_object('i', i, 'r', $3::int),
		md5(i::text)::uuid, decode(md5(i::text), 'hex'), ARRAY[i::int4 % 7, NULL, $3::int], date '2000-01-01' + (i % 10000)::int,
		make_interval(months => (i % 13)::int, days => -(i % 5)::int, secs => i / 7.0), i / 3.0, i % 2 = 0,
		CASE WHEN i % 100 = 0 THEN (SELECT string_agg(md5(i::text || g), '') FROM generate_series(1, 100) g) END
		FROM generate_series($1::int8, $2::int8) i`, *nextID, *nextID+inserts-1, round)
	*nextID += inserts
	// Hot keys: the same 300 rows each round (the TOASTed big column is
	// left unchanged); and random rows.
	execN(`UPDATE `+src+` SET k = k + 1, amount = amount + 0.001, name = 'hot ' || $1::int, ts = ts + interval '1 microsecond'
		WHERE id IN (SELECT id FROM `+src+` ORDER BY id LIMIT 300)`, round)
	execN(`UPDATE `+src+` SET doc = doc || jsonb_build_object('u', $1::int), f = f * 1.5, flag = NOT flag
		WHERE id IN (SELECT id FROM `+src+` TABLESAMPLE BERNOULLI (2) LIMIT 800)`, round)
	execN(`DELETE FROM ` + src + ` WHERE id IN (SELECT id FROM ` + src + ` TABLESAMPLE BERNOULLI (1) WHERE id > 300 LIMIT 400)`)
	if len(errs) > 0 {
		return 0, errs[0]
	}
	return n, tx.Commit(ctx)
}
