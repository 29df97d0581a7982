package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

func us(y int, m time.Month, d, h, mi, s, micro int) int64 {
	return time.Date(y, m, d, h, mi, s, micro*1000, time.UTC).UnixMicro()
}

func day(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dec(s string) schemas.Value { return schemas.DecimalValue(schemas.MustParseDecimal(s)) }

func i32(v int64) schemas.Value { return schemas.Int(schemas.KindInt32, v) }

// TestCDCEveryTypeRoundTrip inserts one row with a value of every captured
// type, and one row of NULLs, and checks that the change events read back
// from Kafka hold exactly those values; then that an update leaves an
// unchanged TOASTed column marked unchanged, never NULL.
func TestCDCEveryTypeRoundTrip(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TYPE %[1]s.mood AS ENUM ('sad', 'ok', 'happy');
		CREATE DOMAIN %[1]s.posint AS int4 CHECK (VALUE > 0);
		CREATE TABLE %[1]s.everything (
			id int8 PRIMARY KEY, c_int2 int2, c_int4 int4, c_num numeric(10,2), c_anynum numeric, c_nan numeric,
			c_float4 float4, c_float8 float8, c_bool bool, c_text text, c_varchar varchar(10), c_char char(3),
			c_bytea bytea, c_uuid uuid, c_json json, c_jsonb jsonb, c_date date, c_date_bc date, c_date_inf date,
			c_time time, c_timetz timetz, c_ts timestamp(6), c_ts_inf timestamp, c_tstz timestamptz, c_interval interval,
			c_int_arr int4[], c_text_arr text[], c_matrix int4[][], c_mood %[1]s.mood, c_dom %[1]s.posint,
			c_inet inet, c_cidr cidr, c_mac macaddr, c_money money,
			c_gen int8 GENERATED ALWAYS AS (c_int4::int8 * 2) STORED, big text)`, e.name))
	p := e.start("cdc", []string{"everything"}, "--snapshot", "never", "--json-schemas")
	waitStreaming(t, ctx, p)
	bigText := randomText(20000) // incompressible, so it is TOASTed out of line
	e.exec(fmt.Sprintf(`INSERT INTO %s.everything VALUES (
		9223372036854775807, -32768, 2147483647, 12345678.90, '3.14159265358979323846264338327950288419716939937510', 'NaN',
		'NaN', '-Infinity', true, 'héllo "wörld" ✓ 😀', 'varchar', 'ab',
		'\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": [1, 2], "a": null}', '{"b": [1, 2], "a": null}', '2024-02-29', '0044-03-15 BC', '-infinity',
		'24:00:00', '10:00:00.5+05:30', '2024-01-02 03:04:05.123456', 'infinity', '2024-01-02 03:04:05.123456+02', '1 year 2 months -3 days 04:05:06.5',
		'{1,NULL,3}', ARRAY['a b', 'c"d', 'NULL', ''], '{{1,2},{3,4}}', 'happy', 5,
		'192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', 1234.56, DEFAULT, $1)`, e.name), bigText)
	e.exec(fmt.Sprintf(`INSERT INTO %s.everything (id) VALUES (1)`, e.name))
	e.exec(fmt.Sprintf(`UPDATE %s.everything SET c_int4 = 7 WHERE id = 9223372036854775807`, e.name))

	c := e.consumer(e.topic("everything"))
	if err := c.until(p.alive(ctx), func(r []*kgo.Record) bool { return len(r) >= 3 }); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	evs := decodeAll(t, c.recs)
	u, _ := schemas.ParseUUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	want := map[string]schemas.Value{
		"id":         schemas.Int64(math.MaxInt64),
		"c_int2":     schemas.Int(schemas.KindInt16, -32768),
		"c_int4":     i32(2147483647),
		"c_num":      dec("12345678.90"),
		"c_anynum":   dec("3.14159265358979323846264338327950288419716939937510"),
		"c_nan":      schemas.DecimalValue(schemas.DecimalNaN()),
		"c_float4":   schemas.Float(schemas.KindFloat32, math.NaN()),
		"c_float8":   schemas.Float(schemas.KindFloat64, math.Inf(-1)),
		"c_bool":     schemas.Bool(true),
		"c_text":     schemas.String(`héllo "wörld" ✓ 😀`),
		"c_varchar":  schemas.String("varchar"),
		"c_char":     schemas.String("ab "),
		"c_bytea":    schemas.Bytes([]byte{0, 0xff, 0x10}),
		"c_uuid":     schemas.UUID(u),
		"c_json":     schemas.JSON(`{"b": [1, 2], "a": null}`),
		"c_jsonb":    schemas.JSON(`{"a": null, "b": [1, 2]}`),
		"c_date":     schemas.Date(day(2024, 2, 29)),
		"c_date_bc":  schemas.Date(day(-43, 3, 15)),
		"c_date_inf": schemas.Date(schemas.DateNegInfinity),
		"c_time":     schemas.Time(86_400_000_000),
		"c_timetz":   schemas.TimeTZ(36_000_500_000, 5*3600+1800),
		"c_ts":       schemas.Timestamp(us(2024, 1, 2, 3, 4, 5, 123456)),
		"c_ts_inf":   schemas.Timestamp(schemas.TimestampInfinity),
		"c_tstz":     schemas.TimestampTZ(us(2024, 1, 2, 1, 4, 5, 123456)),
		"c_interval": schemas.IntervalValue(schemas.Interval{Months: 14, Days: -3, Micros: 4*3600e6 + 5*60e6 + 6.5e6}),
		"c_int_arr":  schemas.Array([]schemas.Value{i32(1), schemas.Null(), i32(3)}),
		"c_text_arr": schemas.Array([]schemas.Value{schemas.String("a b"), schemas.String(`c"d`), schemas.String("NULL"), schemas.String("")}),
		"c_matrix":   schemas.Array([]schemas.Value{schemas.Array([]schemas.Value{i32(1), i32(2)}), schemas.Array([]schemas.Value{i32(3), i32(4)})}),
		"c_mood":     schemas.Enum("happy"),
		"c_dom":      i32(5),
		"c_inet":     schemas.String("192.168.0.1/24"),
		"c_cidr":     schemas.String("10.0.0.0/8"),
		"c_mac":      schemas.String("08:00:2b:01:02:03"),
		"c_money":    dec("1234.56"),
		"big":        schemas.String(bigText),
	}
	ins := evs[0]
	if ins.Op != schemas.OpCreate {
		t.Fatalf("first event is %v, want create", ins.Op)
	}
	if ins.Schema.FieldIndex("c_gen") >= 0 {
		t.Errorf("generated column c_gen is in the schema; pgoutput does not send it")
	}
	ks, kv, err := envelope.NewDecoder().DecodeKey(c.recs[0].Key, nil)
	if err != nil || ks == nil || len(ks.Fields) != 1 || ks.Fields[0].Name != "id" || !schemas.Equal(kv[0], want["id"]) {
		t.Errorf("key = %v %v (%v), want id=%v", ks, kv, err, want["id"])
	}
	for name, w := range want {
		if got := field(ins, ins.After, name); !schemas.Equal(got, w) {
			t.Errorf("%s: got %v (%v), want %v (%v)", name, got, got.Kind(), w, w.Kind())
		}
	}
	if mood := ins.Schema.Fields[ins.Schema.FieldIndex("c_mood")].Type; len(mood.Symbols) != 3 || mood.Symbols[2] != "happy" {
		t.Errorf("c_mood type = %v, want enum(sad,ok,happy)", mood)
	}
	nulls := evs[1]
	for name := range want {
		if name == "id" {
			continue
		}
		if got := field(nulls, nulls.After, name); !got.IsNull() {
			t.Errorf("NULL row: %s = %v", name, got)
		}
	}
	upd := evs[2]
	if upd.Op != schemas.OpUpdate || !schemas.Equal(field(upd, upd.After, "c_int4"), i32(7)) {
		t.Fatalf("third event: %v c_int4=%v", upd.Op, field(upd, upd.After, "c_int4"))
	}
	if got := field(upd, upd.After, "big"); !got.IsUnchanged() {
		t.Errorf("unchanged TOASTed column after an update = %v, want the unchanged marker", got)
	}
	for i, r := range c.recs {
		if header(r, pgcdc.HeaderLSN) == "" || header(r, pgcdc.HeaderSchemaVersion) != "1" {
			t.Errorf("record %d headers = %v", i, r.Headers)
		}
	}
	if err := p.stop(t, 30*time.Second); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
}

func randomText(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestCDCKillNineLosesNothing kills helios-etl with SIGKILL several times
// while a workload commits, restarts it each time, and checks that every
// committed change reached Kafka, and that duplicates carry the same LSN.
func TestCDCKillNineLosesNothing(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 4*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %s.kv (id int PRIMARY KEY, v int NOT NULL)`, e.name))
	p := e.start("cdc-0", []string{"kv"}, "--snapshot", "never")
	waitStreaming(t, ctx, p)

	// The workload: small transactions of inserts and updates; it records
	// every committed (id, v).
	var mu sync.Mutex
	committed := map[[2]int]bool{}
	workDone := make(chan error, 1)
	go func() {
		r := mrand.New(mrand.NewPCG(7, 7))
		vals := map[int]int{}
		for i := 0; i < 1500; i++ {
			tx, err := e.conn.Begin(ctx)
			if err != nil {
				workDone <- err
				return
			}
			var changes [][2]int
			for j := 0; j < 1+r.IntN(5); j++ {
				id := r.IntN(300)
				vals[id]++
				if _, err := tx.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.kv VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`, e.name), id, vals[id]); err != nil {
					workDone <- err
					return
				}
				changes = append(changes, [2]int{id, vals[id]})
			}
			if err := tx.Commit(ctx); err != nil {
				workDone <- err
				return
			}
			mu.Lock()
			for _, c := range changes {
				committed[c] = true
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}
		workDone <- nil
	}()
	kills := 0
	r := mrand.New(mrand.NewPCG(1, 1))
	for running := true; running; {
		select {
		case err := <-workDone:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		case <-time.After(time.Duration(500+r.IntN(1500)) * time.Millisecond):
			p.kill(t)
			kills++
			p = e.start(fmt.Sprintf("cdc-%d", kills), []string{"kv"}, "--snapshot", "never")
		}
	}
	if kills < 3 {
		for ; kills < 3; kills++ {
			time.Sleep(300 * time.Millisecond)
			p.kill(t)
			p = e.start(fmt.Sprintf("cdc-%d", kills+1), []string{"kv"}, "--snapshot", "never")
		}
	}
	t.Logf("killed helios-etl %d times; %d changes committed", kills, len(committed))

	c := e.consumer(e.topic("kv"))
	d := envelope.NewDecoder()
	seen := map[[2]int]string{} // (id, v) -> LSN
	dups := 0
	err := c.until(ctx, func(recs []*kgo.Record) bool {
		for _, r := range recs[len(seen)+dups:] {
			ev := decodeKV(t, d, r)
			lsn := header(r, pgcdc.HeaderLSN)
			if prev, ok := seen[ev]; ok {
				dups++
				if prev != lsn {
					t.Fatalf("change %v delivered twice with different LSNs %s and %s", ev, prev, lsn)
				}
				continue
			}
			seen[ev] = lsn
		}
		mu.Lock()
		defer mu.Unlock()
		for k := range committed {
			if _, ok := seen[k]; !ok {
				return false
			}
		}
		return true
	})
	if err != nil {
		mu.Lock()
		missing := 0
		for k := range committed {
			if _, ok := seen[k]; !ok {
				missing++
			}
		}
		mu.Unlock()
		t.Fatalf("%d committed changes never reached Kafka: %v\n%s", missing, err, p.logText())
	}
	t.Logf("all %d committed changes in Kafka; %d duplicates, each with its original LSN", len(committed), dups)
}

// waitStreaming waits until helios-etl streams from its slot. A slot that
// is merely active may still be waiting for a consistent point (other
// sessions' transactions to end), and changes committed before that point
// are, rightly, not captured by --snapshot never.
func waitStreaming(t *testing.T, ctx context.Context, p *proc) {
	t.Helper()
	if err := waitFor(p.alive(ctx), "helios-etl streaming", func() (bool, error) {
		return strings.Contains(p.logText(), `"msg":"streaming"`), nil
	}); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
}

// decodeKV reads (id, v) from a payload-only kv change event.
func decodeKV(t testing.TB, d *envelope.Decoder, r *kgo.Record) [2]int {
	t.Helper()
	ev, err := d.Decode(r.Value, kvSchema)
	if err != nil {
		t.Fatalf("%s@%d: %v", r.Topic, r.Offset, err)
	}
	row := ev.Row()
	return [2]int{int(row[0].Int()), int(row[1].Int())}
}

// kvSchema is the shape of the kv tables, for payload-only events.
var kvSchema = &schemas.Schema{Name: "kv", Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt32}},
	{Name: "v", Type: schemas.Type{Kind: schemas.KindInt32}},
}}

// TestCDCSnapshotWithConcurrentWrites snapshots a table while it is being
// written to, and checks that the topic's final state per key equals the
// table's rows: no gap and no overlap between snapshot and stream.
func TestCDCSnapshotWithConcurrentWrites(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	const rows = 20000
	e.exec(fmt.Sprintf(`CREATE TABLE %[1]s.kv (id int PRIMARY KEY, v int NOT NULL);
		INSERT INTO %[1]s.kv SELECT g, 0 FROM generate_series(1, %[2]d) g`, e.name, rows))
	stop := make(chan struct{})
	writer := make(chan error, 1)
	go func() {
		conn, err := pgx.Connect(ctx, e.dsn)
		if err != nil {
			writer <- err
			return
		}
		defer conn.Close(context.Background())
		r := mrand.New(mrand.NewPCG(3, 3))
		for i := 0; ; i++ {
			select {
			case <-stop:
				writer <- nil
				return
			default:
			}
			var err error
			switch k := r.IntN(10); {
			case k < 6:
				_, err = conn.Exec(ctx, fmt.Sprintf(`UPDATE %s.kv SET v = v + 1 WHERE id = $1`, e.name), 1+r.IntN(rows))
			case k < 8:
				_, err = conn.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.kv VALUES ($1, 1) ON CONFLICT DO NOTHING`, e.name), rows+1+r.IntN(rows))
			default:
				_, err = conn.Exec(ctx, fmt.Sprintf(`DELETE FROM %s.kv WHERE id = $1`, e.name), 1+r.IntN(2*rows))
			}
			if err != nil {
				writer <- err
				return
			}
		}
	}()
	p := e.start("cdc", []string{"kv"}, "--snapshot", "initial")
	time.Sleep(3 * time.Second) // writes before, during and after the snapshot
	close(stop)
	if err := <-writer; err != nil {
		t.Fatal(err)
	}
	want := map[int]int{}
	rs, err := e.conn.Query(ctx, fmt.Sprintf(`SELECT id, v FROM %s.kv`, e.name))
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var id, v int
		if err := rs.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		want[id] = v
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	var lsn string
	if err := e.conn.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	c := e.consumer(e.topic("kv"))
	d := envelope.NewDecoder()
	got := map[int]int{}
	reads := 0
	n := 0
	err = c.until(ctx, func(recs []*kgo.Record) bool {
		for _, r := range recs[n:] {
			n++
			if len(r.Value) == 0 {
				continue
			}
			ev, err := d.Decode(r.Value, kvSchema)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Op == schemas.OpRead {
				reads++
			}
			if ev.Op == schemas.OpDelete {
				delete(got, int(ev.Before[0].Int()))
				continue
			}
			got[int(ev.After[0].Int())] = int(ev.After[1].Int())
		}
		return mapsEqual(got, want)
	})
	if err != nil {
		diff := 0
		for k, v := range want {
			if got[k] != v {
				diff++
			}
		}
		t.Fatalf("topic state differs from the table on %d keys (%d in table, %d in topic): %v\n%s", diff, len(want), len(got), err, p.logText())
	}
	if reads < rows/2 {
		t.Errorf("only %d snapshot reads for a %d-row table", reads, rows)
	}
	t.Logf("snapshot of %d rows (%d read events) plus concurrent writes: topic state equals the table (%d keys)", rows, reads, len(want))
}

func mapsEqual(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestCDCSchemaChangeTruncateAndIdleSlot changes a table's columns while
// streaming, truncates it, and checks that an idle slot still advances.
func TestCDCSchemaChangeTruncateAndIdleSlot(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %[1]s.t (id int PRIMARY KEY, a text); CREATE TABLE %[1]s.other (x int)`, e.name))
	cfg := filepath.Join(t.TempDir(), "etl.toml")
	if err := os.WriteFile(cfg, []byte("[source.postgres]\nheartbeat_interval = \"300ms\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := e.start("cdc", []string{"t"}, "--config", cfg, "--snapshot", "never", "--json-schemas")
	waitStreaming(t, ctx, p)
	e.exec(fmt.Sprintf(`INSERT INTO %s.t VALUES (1, 'one')`, e.name))
	e.exec(fmt.Sprintf(`ALTER TABLE %s.t ADD COLUMN b numeric(8,3)`, e.name))
	e.exec(fmt.Sprintf(`INSERT INTO %s.t VALUES (2, 'two', 2.5)`, e.name))
	e.exec(fmt.Sprintf(`ALTER TABLE %s.t DROP COLUMN a`, e.name))
	e.exec(fmt.Sprintf(`UPDATE %s.t SET b = 3 WHERE id = 2`, e.name))
	e.exec(fmt.Sprintf(`TRUNCATE %s.t`, e.name))

	c := e.consumer(e.topic("t"), e.name+".schema-changes")
	var changes, events []*kgo.Record
	n := 0
	if err := c.until(p.alive(ctx), func(recs []*kgo.Record) bool {
		for _, r := range recs[n:] {
			n++
			if r.Topic == e.name+".schema-changes" {
				changes = append(changes, r)
			} else {
				events = append(events, r)
			}
		}
		return len(events) >= 4 && len(changes) >= 3
	}); err != nil {
		t.Fatalf("%v (events %d, schema changes %d)\n%s", err, len(events), len(changes), p.logText())
	}
	evs := decodeAll(t, events)
	wantVersions := []string{"1", "2", "3", "3"}
	wantOps := []schemas.Op{schemas.OpCreate, schemas.OpCreate, schemas.OpUpdate, schemas.OpTruncate}
	for i, ev := range evs[:4] {
		if ev.Op != wantOps[i] || header(events[i], pgcdc.HeaderSchemaVersion) != wantVersions[i] {
			t.Errorf("event %d: %v version %s, want %v version %s", i, ev.Op, header(events[i], pgcdc.HeaderSchemaVersion), wantOps[i], wantVersions[i])
		}
	}
	if got := field(evs[1], evs[1].After, "b"); !schemas.Equal(got, dec("2.500")) {
		t.Errorf("after ADD COLUMN b = %v, want 2.500", got)
	}
	if evs[2].Schema.FieldIndex("a") >= 0 {
		t.Errorf("column a still in the schema after DROP COLUMN: %v", evs[2].Schema.Fields)
	}
	// Idle: write WAL only to a table outside the publication, and watch the
	// slot's confirmed position pass it, moved by the heartbeats alone.
	e.exec(fmt.Sprintf(`INSERT INTO %s.other SELECT generate_series(1, 1000)`, e.name))
	var target string
	if err := e.conn.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&target); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, "idle slot advancing past "+target, func() (bool, error) {
		var ok bool
		err := e.conn.QueryRow(ctx, "SELECT confirmed_flush_lsn >= $2::pg_lsn FROM pg_replication_slots WHERE slot_name = $1", e.name, target).Scan(&ok)
		return ok, err
	}); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
}

// TestCDCLargeTransactionBoundedMemory commits one transaction of many rows
// and reports the peak RSS of helios-etl while it streams them.
func TestCDCLargeTransactionBoundedMemory(t *testing.T) {
	t.Parallel()
	rows := 200_000
	if s := os.Getenv("HELIOS_CDC_BIG_TXN_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	e := newCDCEnv(t)
	ctx := testContext(t, 5*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %s.big (id int PRIMARY KEY, a text, b numeric(12,2), c timestamptz)`, e.name))
	p := e.start("cdc", []string{"big"}, "--snapshot", "never")
	waitStreaming(t, ctx, p)
	start := time.Now()
	e.exec(fmt.Sprintf(`INSERT INTO %s.big SELECT g, md5(g::text), g / 100.0, now() FROM generate_series(1, %d) g`, e.name, rows))
	c := e.consumer(e.topic("big"))
	if err := c.until(p.alive(ctx), func(recs []*kgo.Record) bool { return len(recs) >= rows }); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	el := time.Since(start)
	rss := p.peakRSS()
	t.Logf("one transaction of %d rows: in Kafka after %s (%.0f rows/s from commit start), helios-etl peak RSS %d MiB",
		rows, el.Round(time.Millisecond), float64(rows)/el.Seconds(), rss/1024)
	if rss > 1<<20 { // 1 GiB: memory must not grow with the transaction
		t.Errorf("peak RSS %d MiB for a %d-row transaction", rss/1024, rows)
	}
	bigSchema := &schemas.Schema{Name: "big", Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt32}},
		{Name: "a", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "b", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 2}, Nullable: true},
		{Name: "c", Type: schemas.Type{Kind: schemas.KindTimestampTZ}, Nullable: true},
	}}
	d := envelope.NewDecoder()
	sum := new(big.Int)
	for _, r := range c.recs[:rows] {
		ev, err := d.Decode(r.Value, bigSchema)
		if err != nil {
			t.Fatal(err)
		}
		sum.Add(sum, big.NewInt(ev.After[0].Int()))
	}
	if want := big.NewInt(int64(rows) * int64(rows+1) / 2); sum.Cmp(want) != 0 {
		t.Errorf("sum of ids = %s, want %s (missing or duplicate rows)", sum, want)
	}
}

// TestCDCStreamedTransactions makes the server stream in-progress
// transactions (logical_decoding_work_mem = 64kB, protocol 2): a committed
// one with a rolled-back savepoint, and an aborted one. Only the committed
// rows outside the savepoint may reach Kafka, each once.
func TestCDCStreamedTransactions(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %s.s (id int PRIMARY KEY, v text)`, e.name))
	p := e.start("cdc", []string{"s"}, "--snapshot", "never", "--decoding-work-mem", "64kB")
	waitStreaming(t, ctx, p)
	e.exec(fmt.Sprintf(`BEGIN;
		INSERT INTO %[1]s.s SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
		SAVEPOINT sp;
		INSERT INTO %[1]s.s SELECT g, md5(g::text) FROM generate_series(100001, 105000) g;
		ROLLBACK TO SAVEPOINT sp;
		INSERT INTO %[1]s.s VALUES (200000, 'after savepoint');
		COMMIT;`, e.name))
	e.exec(fmt.Sprintf(`BEGIN;
		INSERT INTO %[1]s.s SELECT g, md5(g::text) FROM generate_series(300001, 320000) g;
		ROLLBACK;`, e.name))
	e.exec(fmt.Sprintf(`INSERT INTO %s.s VALUES (999999, 'last')`, e.name))
	hint := &schemas.Schema{Name: "s", Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt32}},
		{Name: "v", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	}}
	d := envelope.NewDecoder()
	ids := map[int64]int{}
	n := 0
	c := e.consumer(e.topic("s"))
	if err := c.until(p.alive(ctx), func(recs []*kgo.Record) bool {
		for _, r := range recs[n:] {
			n++
			ev, err := d.Decode(r.Value, hint)
			if err != nil {
				t.Fatal(err)
			}
			ids[ev.After[0].Int()]++
		}
		return ids[999999] > 0
	}); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	for id, count := range ids {
		switch {
		case count != 1:
			t.Errorf("id %d delivered %d times", id, count)
		case (id > 100000 && id <= 105000) || (id > 300000 && id <= 320000):
			t.Errorf("id %d from a rolled-back savepoint or an aborted transaction reached Kafka", id)
		}
	}
	if len(ids) != 20002 {
		t.Errorf("%d distinct ids, want 20002", len(ids))
	}
	if !strings.Contains(p.logText(), "streamed transaction committed") {
		t.Errorf("the server did not stream the transaction (no spool replay in the log)")
	}
}

// TestCDCSnapshotResumesAfterKill kills helios-etl during a chunked,
// parallel snapshot and checks that the restart resumes it (reading only
// the chunks not done) and that the topic ends equal to the table.
func TestCDCSnapshotResumesAfterKill(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 4*time.Minute)
	const rows = 300000
	e.kvTable(rows, 97)
	cfg := snapshotConfig(t, 2, 5000, "")
	p := e.start("cdc-1", []string{"kv"}, "--config", cfg, "--snapshot", "initial")
	c := e.consumer(e.topic("kv"))
	if err := c.until(p.alive(ctx), func(r []*kgo.Record) bool { return len(r) >= rows/10 }); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	p.kill(t)
	if strings.Contains(p.logText(), "snapshot done") {
		t.Fatalf("the snapshot finished before the kill; the test needs a larger table")
	}
	first := len(c.recs)
	e.exec(fmt.Sprintf(`UPDATE %s.kv SET v = -1 WHERE id %% 1000 = 0`, e.name)) // changes while it is down
	p = e.start("cdc-2", []string{"kv"}, "--config", cfg, "--snapshot", "initial")
	d := envelope.NewDecoder()
	got := map[int]int{}
	n := 0
	want := func() map[int]int {
		m := map[int]int{}
		for i := 1; i <= rows; i++ {
			m[i] = i % 97
			if i%1000 == 0 {
				m[i] = -1
			}
		}
		return m
	}()
	if err := c.until(p.alive(ctx), func(recs []*kgo.Record) bool {
		for _, r := range recs[n:] {
			n++
			kv := decodeKV(t, d, r)
			got[kv[0]] = kv[1]
		}
		return mapsEqual(got, want)
	}); err != nil {
		t.Fatalf("topic never equal to the table: %v\n%s", err, p.logText())
	}
	if !strings.Contains(p.logText(), "resuming snapshot") {
		t.Errorf("the second run did not resume the snapshot")
	}
	t.Logf("killed after %d snapshot records; the resumed run brought the topic to the table's %d rows with %d records in all", first, rows, len(c.recs))
	if len(c.recs) >= 2*rows {
		t.Errorf("%d records: the resumed snapshot read everything again", len(c.recs))
	}
}
