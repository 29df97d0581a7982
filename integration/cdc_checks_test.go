package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// TestCDCFailFastSharedServer stops helios-etl, then makes the slot
// disagree with the checkpoint in its state directory, and checks that the
// restart exits with status 1 and a message naming the problem and the fix
// instead of streaming with a gap. (Advancing the slot in place is covered
// by ingest/pgcdc's TestRunFailsFast, with errors.Is on the sentinels.)
func TestCDCFailFastSharedServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		breakSlot func(e *cdcEnv)
		says      []string
	}{
		{"slot recreated", func(e *cdcEnv) {
			e.exec("SELECT pg_drop_replication_slot($1)", e.name)
			e.exec("SELECT pg_logical_emit_message(false, 'helios-test', 'move the WAL on')")
			e.exec("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", e.name)
		}, []string{"replication slot is ahead of the checkpoint", "were consumed elsewhere (or the slot was recreated)"}},
		{"slot dropped", func(e *cdcEnv) {
			e.exec("SELECT pg_drop_replication_slot($1)", e.name)
		}, []string{"replication slot lost its WAL", "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newCDCEnv(t)
			ctx := testContext(t, 2*time.Minute)
			e.exec(fmt.Sprintf(`CREATE TABLE %s.t (id int PRIMARY KEY)`, e.name))
			p := e.start("cdc-1", []string{"t"}, "--snapshot", "never")
			waitStreaming(t, ctx, p)
			if err := p.stop(t, 30*time.Second); err != nil {
				t.Fatalf("first run: %v\n%s", err, p.logText())
			}
			waitSlotInactive(ctx, t, e.conn, e.name)
			tc.breakSlot(e)
			p = e.start("cdc-2", []string{"t"}, "--snapshot", "never")
			if code := waitExit(t, p, time.Minute); code != 1 {
				t.Fatalf("exit status %d, want 1\n%s", code, p.logText())
			}
			assertSays(t, p.logText(), append(tc.says, "helios-etl: pgcdc:", "slot "+e.name, "new slot name")...)
		})
	}
}

func assertSays(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("output does not say %q:\n%s", w, text)
		}
	}
}

// TestCDCFailFastPrivateServer makes, on a private server of its own, the
// two conditions that cannot be made on the shared one without disturbing
// other tests: wal_level = replica, and a slot that lost its WAL
// (max_slot_wal_keep_size = 1MB, WAL written past it, a checkpoint). The
// binary must exit with status 1 and name the fix.
func TestCDCFailFastPrivateServer(t *testing.T) {
	t.Parallel()
	brokers := strings.Join(kafkaBrokers(t), ",")
	pg := newPrivatePG(t)
	ctx := testContext(t, 3*time.Minute)
	prefix := uniqueName("priv")
	stateDir := t.TempDir()
	cdc := func(name string) *proc {
		return startProc(t, name, "cdc", "--pg", pg.dsn(), "--brokers", brokers, "--slot", "s", "--publication", "s",
			"--topic-prefix", prefix, "--tables", "public.t", "--snapshot", "never", "--state-dir", stateDir)
	}

	pg.start("wal_level=replica")
	p := cdc("cdc-replica")
	if code := waitExit(t, p, time.Minute); code != 1 {
		t.Fatalf("wal_level=replica: exit status %d, want 1\n%s", code, p.logText())
	}
	assertSays(t, p.logText(), `wal_level is not logical: it is "replica"`, "set wal_level = logical in postgresql.conf and restart the server")
	pg.stop()

	pg.start("wal_level=logical", "max_slot_wal_keep_size=1MB", "max_wal_size=4MB", "min_wal_size=2MB")
	conn, err := pgx.Connect(ctx, pg.dsn())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE filler (x text)`); err != nil {
		t.Fatal(err)
	}
	p = cdc("cdc-1")
	waitStreaming(t, ctx, p)
	if err := p.stop(t, 30*time.Second); err != nil {
		t.Fatalf("first run: %v\n%s", err, p.logText())
	}
	waitSlotInactive(ctx, t, conn, "s")
	var status string
	if err := waitFor(ctx, "slot s lost", func() (bool, error) {
		_, err := conn.Exec(ctx, `INSERT INTO filler SELECT md5(g::text) FROM generate_series(1, 20000) g;
			SELECT pg_switch_wal(); CHECKPOINT`)
		if err == nil {
			err = conn.QueryRow(ctx, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 's'").Scan(&status)
		}
		return status == "lost", err
	}); err != nil {
		t.Fatalf("%v (wal_status %s)", err, status)
	}
	p = cdc("cdc-lost")
	if code := waitExit(t, p, time.Minute); code != 1 {
		t.Fatalf("lost slot: exit status %d, want 1\n%s", code, p.logText())
	}
	assertSays(t, p.logText(), "replication slot lost its WAL", "wal_status=lost", "max_slot_wal_keep_size",
		"pg_drop_replication_slot('s')", "new slot name")
}

// TestCDCInitialOnly snapshots a table with --snapshot initial_only: the
// process exits 0 by itself, every row is in Kafka once as a read event,
// the periodic progress log has rows, rows/s and ETA, and no slot is left
// holding WAL. Writes after it are not captured; a second run snapshots
// the table again, as it is then.
func TestCDCInitialOnly(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 3*time.Minute)
	const rows = 10000
	e.kvTable(rows, 7)
	cfg := snapshotConfig(t, 2, 2000, "snapshot_progress_interval = \"1ms\"\n")
	p := e.start("cdc-1", []string{"kv"}, "--config", cfg, "--snapshot", "initial_only")
	if code := waitExit(t, p, 2*time.Minute); code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", code, p.logText())
	}
	assertNoSlot(ctx, t, e)
	assertProgressLog(t, p.logText(), rows)

	e.exec(fmt.Sprintf(`INSERT INTO %s.kv SELECT g, -1 FROM generate_series(%d, %d) g`, e.name, rows+1, rows+5))
	c := e.consumer(e.topic("kv"))
	if err := c.until(ctx, func(r []*kgo.Record) bool { return len(r) >= rows }); err != nil {
		t.Fatal(err)
	}
	// Nothing more arrives: the writes after the snapshot are not captured.
	idle, cancel := context.WithTimeout(ctx, 2*time.Second)
	_ = c.until(idle, func(r []*kgo.Record) bool { return len(r) > rows })
	cancel()
	assertReads(t, c.recs, rows)

	p = e.start("cdc-2", []string{"kv"}, "--config", cfg, "--snapshot", "initial_only")
	if code := waitExit(t, p, 2*time.Minute); code != 0 {
		t.Fatalf("second run: exit status %d, want 0\n%s", code, p.logText())
	}
	assertNoSlot(ctx, t, e)
	if err := c.until(ctx, func(r []*kgo.Record) bool { return len(r) >= 2*rows+5 }); err != nil {
		t.Fatal(err)
	}
	assertReads(t, c.recs[rows:], rows+5)
}

func assertNoSlot(ctx context.Context, t *testing.T, e *cdcEnv) {
	t.Helper()
	var n int
	if err := e.conn.QueryRow(ctx, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", e.name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("initial_only left slot %s behind, holding WAL", e.name)
	}
}

// assertReads checks that recs are exactly the rows 1..n of kv, each once,
// as snapshot read events.
func assertReads(t *testing.T, recs []*kgo.Record, n int) {
	t.Helper()
	if len(recs) != n {
		t.Errorf("%d records, want %d", len(recs), n)
	}
	d := envelope.NewDecoder()
	seen := map[int]bool{}
	for _, r := range recs {
		ev, err := d.Decode(r.Value, kvSchema)
		if err != nil {
			t.Fatal(err)
		}
		id := int(ev.After[0].Int())
		if ev.Op != schemas.OpRead || id < 1 || id > n || seen[id] {
			t.Fatalf("record %s@%d: %v of id %d, want one read event per id 1..%d", r.Topic, r.Offset, ev.Op, id, n)
		}
		seen[id] = true
	}
}

// assertProgressLog checks the snapshot's periodic JSON progress lines.
func assertProgressLog(t *testing.T, log string, rows int) {
	t.Helper()
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var l struct {
			Msg    string   `json:"msg"`
			Rows   *float64 `json:"rows"`
			Rate   *float64 `json:"rows_per_s"`
			ETA    *string  `json:"eta"`
			Chunks string   `json:"chunks"`
			Table  string   `json:"table"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "snapshot progress" {
			continue
		}
		lines++
		if l.Rows == nil || *l.Rows <= 0 || *l.Rows > float64(rows) || l.Rate == nil || *l.Rate <= 0 || l.ETA == nil || !strings.Contains(l.Chunks, "/") || l.Table == "" {
			t.Errorf("progress line without sane rows, rows_per_s, eta, chunks and table: %s", sc.Text())
			continue
		}
		if _, err := time.ParseDuration(*l.ETA); err != nil {
			t.Errorf("progress line: eta %q: %v", *l.ETA, err)
		}
	}
	if lines == 0 {
		t.Errorf("no snapshot progress line in the log:\n%s", log)
	}
}

// TestCDCReplicaIdentity checks the before images README documents: with
// REPLICA IDENTITY DEFAULT an update has no before (unless its key changed:
// then the old key) and a delete's before holds only the key; with FULL
// both hold the whole old row. A table without a primary key has null keys
// and no tombstones.
func TestCDCReplicaIdentity(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 2*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %[1]s.dflt (id int PRIMARY KEY, a text, b int);
		CREATE TABLE %[1]s.whole (id int PRIMARY KEY, a text, b int); ALTER TABLE %[1]s.whole REPLICA IDENTITY FULL;
		CREATE TABLE %[1]s.nokey (a text, b int); ALTER TABLE %[1]s.nokey REPLICA IDENTITY FULL`, e.name))
	p := e.start("cdc", []string{"dflt", "whole", "nokey"}, "--snapshot", "never", "--json-schemas")
	waitStreaming(t, ctx, p)
	for _, tb := range []string{"dflt", "whole"} {
		e.exec(fmt.Sprintf(`INSERT INTO %[1]s.%[2]s VALUES (1, 'a', 1); UPDATE %[1]s.%[2]s SET b = 2 WHERE id = 1;
			UPDATE %[1]s.%[2]s SET id = 10 WHERE id = 1; DELETE FROM %[1]s.%[2]s WHERE id = 10`, e.name, tb))
	}
	e.exec(fmt.Sprintf(`INSERT INTO %[1]s.nokey VALUES ('a', 1); UPDATE %[1]s.nokey SET b = 2; DELETE FROM %[1]s.nokey`, e.name))

	want := map[string][]string{ // per record: op key before -> after; "tombstone key" for tombstones
		"dflt":  {"create {1} none -> 1,a,1", "update {1} none -> 1,a,2", "update {10} 1,NULL,NULL -> 10,a,2", "delete {10} 10,NULL,NULL -> none", "tombstone {10}"},
		"whole": {"create {1} none -> 1,a,1", "update {1} 1,a,1 -> 1,a,2", "update {10} 1,a,2 -> 10,a,2", "delete {10} 10,a,2 -> none", "tombstone {10}"},
		"nokey": {"create null none -> a,1", "update null a,1 -> a,2", "delete null a,2 -> none"},
	}
	c := e.consumer(e.topic("dflt"), e.topic("whole"), e.topic("nokey"))
	got := map[string][]string{}
	n := 0
	if err := c.until(p.alive(ctx), func(recs []*kgo.Record) bool {
		for _, r := range recs[n:] {
			n++
			tb := r.Topic[strings.LastIndexByte(r.Topic, '.')+1:]
			got[tb] = append(got[tb], describe(t, r))
		}
		return len(got["dflt"]) >= 5 && len(got["whole"]) >= 5 && len(got["nokey"]) >= 3
	}); err != nil {
		t.Fatalf("%v: %v\n%s", err, got, p.logText())
	}
	for tb, w := range want {
		if strings.Join(got[tb], " | ") != strings.Join(w, " | ") {
			t.Errorf("%s:\n got  %s\n want %s", tb, strings.Join(got[tb], " | "), strings.Join(w, " | "))
		}
	}
}

// describe writes a self-describing change record as "op key before ->
// after", a tombstone as "tombstone key".
func describe(t *testing.T, r *kgo.Record) string {
	t.Helper()
	key := "null"
	if r.Key != nil {
		_, kv, err := envelope.NewDecoder().DecodeKey(r.Key, nil)
		if err != nil {
			t.Fatalf("key %s: %v", r.Key, err)
		}
		key = "{" + rowText(kv) + "}"
	}
	if r.Value == nil {
		return "tombstone " + key
	}
	ev := decodeAll(t, []*kgo.Record{r})[0]
	return fmt.Sprintf("%s %s %s -> %s", ev.Op, key, rowText(ev.Before), rowText(ev.After))
}

func rowText(row []schemas.Value) string {
	if row == nil {
		return "none"
	}
	parts := make([]string, len(row))
	for i, v := range row {
		if v.IsNull() {
			parts[i] = "NULL"
		} else {
			parts[i] = v.String()
		}
	}
	return strings.Join(parts, ",")
}

// TestCDCMetrics scrapes --metrics-addr while helios-etl snapshots a table
// and streams a few transactions, and checks the documented metrics and
// their values against what was written.
func TestCDCMetrics(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 2*time.Minute)
	const snapRows, txns, txnRows = 300, 5, 20
	e.exec(fmt.Sprintf(`CREATE TABLE %[1]s.m (id int PRIMARY KEY, v int NOT NULL);
		INSERT INTO %[1]s.m SELECT g, 0 FROM generate_series(1, %[2]d) g`, e.name, snapRows))
	p := e.start("cdc", []string{"m"}, "--snapshot", "initial")
	t0 := time.Now()
	waitStreaming(t, ctx, p)
	t.Logf("streaming after %s", time.Since(t0))
	// A reload's SIGHUP has nothing to reload in cdc and must not stop it:
	// the waits below fail if the process exits.
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	addr := metricsAddr(ctx, t, p)
	for i := range txns {
		e.exec(fmt.Sprintf(`INSERT INTO %s.m SELECT g, 1 FROM generate_series(%d, %d) g`, e.name, snapRows+i*txnRows+1, snapRows+(i+1)*txnRows))
	}
	c := e.consumer(e.topic("m"))
	if err := c.until(p.alive(ctx), func(r []*kgo.Record) bool { return len(r) >= snapRows+txns*txnRows }); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	t.Logf("records after %s", time.Since(t0))
	var lastLSN float64
	for _, r := range c.recs {
		lsn, _ := strconv.ParseFloat(header(r, pgcdc.HeaderLSN), 64)
		lastLSN = max(lastLSN, lsn)
	}
	table := e.name + ".m"
	rowsKey := `etl_rows_processed_total{stage="cdc",table="` + table + `"}`
	snapKey := `etl_snapshot_rows_total{table="` + table + `"}`
	var m map[string]float64
	// The counters are final once Kafka has the records; the confirmed LSN
	// and the lag follow at the next status update.
	err := waitFor(p.alive(ctx), "metrics", func() (bool, error) {
		var err error
		m, err = scrape(addr)
		return err == nil && m[rowsKey] == txns*txnRows && m[snapKey] == snapRows && m["etl_cdc_transactions_total"] == txns &&
			m["etl_cdc_confirmed_lsn"] > lastLSN && m["etl_cdc_lag_seconds"] == 0, err
	})
	if err != nil {
		t.Fatalf("%v: %s=%v %s=%v transactions=%v confirmed=%v (last record LSN %v) lag_seconds=%v", err,
			rowsKey, m[rowsKey], snapKey, m[snapKey], m["etl_cdc_transactions_total"], m["etl_cdc_confirmed_lsn"], lastLSN, m["etl_cdc_lag_seconds"])
	}
	t.Logf("metrics after %s", time.Since(t0))
	var walNow float64
	if err := e.conn.QueryRow(ctx, "SELECT (pg_current_wal_lsn() - '0/0')::float8").Scan(&walNow); err != nil {
		t.Fatal(err)
	}
	if lag, ok := m["etl_cdc_lag_bytes"]; !ok || lag < 0 || lag > walNow-lastLSN+64<<20 {
		t.Errorf("etl_cdc_lag_bytes = %v (present %v), want between 0 and the WAL written since (%v bytes) plus 64 MiB", lag, ok, walNow-lastLSN)
	}
	if m["etl_cdc_confirmed_lsn"] > walNow {
		t.Errorf("etl_cdc_confirmed_lsn %v is past the server's WAL end %v", m["etl_cdc_confirmed_lsn"], walNow)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		if strings.HasPrefix(k, "etl_cdc") || strings.HasPrefix(k, "etl_snapshot") || strings.HasPrefix(k, "etl_rows") {
			names = append(names, fmt.Sprintf("%s=%v", k, m[k]))
		}
	}
	sort.Strings(names)
	t.Logf("metrics: %s", strings.Join(names, " "))
}

// metricsAddr waits for the metrics listener's address in the JSON log.
func metricsAddr(ctx context.Context, t *testing.T, p *proc) string {
	t.Helper()
	var addr string
	if err := waitFor(p.alive(ctx), "serving metrics in the log", func() (bool, error) {
		sc := bufio.NewScanner(strings.NewReader(p.logText()))
		for sc.Scan() {
			var l struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "serving metrics" {
				addr = l.Addr
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	return addr
}

// scrape reads /metrics as series (name and labels, as printed) to values.
func scrape(addr string) (map[string]float64, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	m := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics line %q: %w", line, err)
		}
		m[line[:i]] = v
	}
	return m, nil
}
