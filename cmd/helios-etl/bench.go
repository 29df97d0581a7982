package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"syscall"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/state"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure helios-etl against the limits of the machine it runs on",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBenchCDCCmd())
	return cmd
}

type benchCDCOpts struct {
	pg, brokers, recvlogical string
	rows, smallRows, txnSize int
	rate                     int
	duration                 time.Duration
	cpuProfile               string
	traceFile                string
	only                     string
	protocol                 int
}

func newBenchCDCCmd() *cobra.Command {
	var o benchCDCOpts
	cmd := &cobra.Command{
		Use:   "cdc",
		Short: "CDC throughput and latency beside pg_recvlogical and COPY on the same machine",
		Long: `bench cdc measures, in one run on this machine:

  1. one large transaction (--rows rows): the rate at which pg_recvlogical with
     pgoutput decodes its WAL range to /dev/null (the walsender's own limit),
     then helios-etl's rate from the same WAL range to Kafka acknowledgement
     (the slot's confirmed LSN passing the range's end);
  2. the same for many small transactions (--small-rows rows, --txn-size rows each);
  3. latency from commit to the record being readable in Kafka, p50/p99, at a
     steady --rate rows/s for --duration;
  4. snapshot rows/s beside COPY ... TO of the same table.

Each measurement uses its own replication slot over the same WAL. Without
--brokers, it runs an embedded development broker (kfake), which measures
helios-etl without Kafka's disk and network: say which in any report.`,
		Example: `  helios-etl bench cdc --brokers 127.0.0.1:19092
  helios-etl bench cdc --rows 1000000 --rate 5000 --duration 30s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.pg == "" {
				o.pg = os.Getenv("HELIOS_TEST_PG_DSN")
			}
			if o.pg == "" {
				o.pg = devPGDSN
			}
			if o.cpuProfile != "" {
				f, err := os.Create(o.cpuProfile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			if o.traceFile != "" {
				f, err := os.Create(o.traceFile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := trace.Start(f); err != nil {
					return err
				}
				defer trace.Stop()
			}
			return runBenchCDC(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.pg, "pg", "", "PostgreSQL DSN (default: $HELIOS_TEST_PG_DSN, else the dev services')")
	f.StringVar(&o.brokers, "brokers", "", "Kafka brokers; empty runs an embedded development broker")
	f.StringVar(&o.recvlogical, "pg-recvlogical", "", "path of pg_recvlogical (default: found in /usr/lib/postgresql/*/bin or PATH)")
	f.IntVar(&o.rows, "rows", 1_000_000, "rows of the one large transaction and of the snapshot table")
	f.IntVar(&o.smallRows, "small-rows", 200_000, "rows written as many small transactions")
	f.IntVar(&o.txnSize, "txn-size", 10, "rows per small transaction")
	f.IntVar(&o.rate, "rate", 5000, "rows/s of the latency run")
	f.DurationVar(&o.duration, "duration", 20*time.Second, "length of the latency run")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	f.StringVar(&o.traceFile, "trace", "", "write an execution trace of the whole run to this file (go tool trace; -pprof=net|sync|sched shows where it waits)")
	f.StringVar(&o.only, "only", "", "run one part: big, small, latency or snapshot")
	f.IntVar(&o.protocol, "protocol", 0, "pgoutput protocol of helios-etl: 0 automatic (2 with streaming on PG 14+), 1 or 2")
	return cmd
}

const benchSetup = `
DROP SCHEMA IF EXISTS helios_bench CASCADE;
CREATE SCHEMA helios_bench;
CREATE TABLE helios_bench.t (id int8 PRIMARY KEY, a text, b numeric(12,2), c timestamptz, d int4, e text, f bool);
DROP PUBLICATION IF EXISTS helios_bench;
CREATE PUBLICATION helios_bench FOR TABLE helios_bench.t;
`

type benchEnv struct {
	o       benchCDCOpts
	conn    *pgx.Conn
	brokers []string
	w       io.Writer
	nextID  int64
}

func runBenchCDC(ctx context.Context, o benchCDCOpts, w io.Writer) error {
	recv, err := findRecvlogical(o.recvlogical)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, o.pg)
	if err != nil {
		return fmt.Errorf("bench needs PostgreSQL (run 'make services'): %w", err)
	}
	defer conn.Close(context.Background())
	b := &benchEnv{o: o, conn: conn, w: w, brokers: splitList(o.brokers)}
	b.dropSlots(ctx)
	defer b.dropSlots(context.Background())
	if _, err := conn.Exec(ctx, benchSetup); err != nil {
		return fmt.Errorf("bench setup: %w", err)
	}
	if len(b.brokers) == 0 {
		cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(6))
		if err != nil {
			return err
		}
		defer cluster.Close()
		b.brokers = cluster.ListenAddrs()
		fmt.Fprintln(w, "broker: EMBEDDED DEVELOPMENT BROKER (kfake, in-process)")
	} else {
		fmt.Fprintf(w, "broker: %v\n", b.brokers)
	}
	var pgVersion string
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion)
	fmt.Fprintf(w, "postgres: %s; pg_recvlogical: %s\n\n", pgVersion, recv)

	bigWrite := func(ctx context.Context) error {
		_, err := conn.Exec(ctx, fmt.Sprintf(`INSERT INTO helios_bench.t
			SELECT %d + g, md5(g::text), (g %% 100000) / 100.0, now(), g %% 1000, 'status-' || (g %% 7), g %% 2 = 0
			FROM generate_series(1, %d) g`, b.nextID, o.rows))
		b.nextID += int64(o.rows)
		return err
	}
	want := func(part string) bool { return o.only == "" || o.only == part }
	if want("big") || want("snapshot") {
		if err := b.throughput(ctx, recv, fmt.Sprintf("one transaction of %d rows", o.rows), o.rows, bigWrite, want("big")); err != nil {
			return err
		}
	}
	smallWrite := func(ctx context.Context) error {
		txns := o.smallRows / o.txnSize
		_, err := conn.Exec(ctx, fmt.Sprintf(`DO $$ BEGIN
			FOR i IN 0..%d LOOP
				INSERT INTO helios_bench.t SELECT %d + i * %d + g, md5(g::text), g / 100.0, now(), g, 'small', true FROM generate_series(1, %d) g;
				COMMIT;
			END LOOP; END $$`, txns-1, b.nextID, o.txnSize, o.txnSize), pgx.QueryExecModeSimpleProtocol)
		b.nextID += int64(txns * o.txnSize)
		return err
	}
	if want("small") {
		if err := b.throughput(ctx, recv, fmt.Sprintf("%d transactions of %d rows", o.smallRows/o.txnSize, o.txnSize), o.smallRows, smallWrite, true); err != nil {
			return err
		}
	}
	if want("latency") {
		if err := b.latency(ctx); err != nil {
			return err
		}
	}
	if want("snapshot") {
		return b.snapshot(ctx)
	}
	return nil
}

func findRecvlogical(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_recvlogical"); len(m) > 0 {
		slices.Sort(m)
		return m[len(m)-1], nil
	}
	p, err := exec.LookPath("pg_recvlogical")
	if err != nil {
		return "", errors.New("pg_recvlogical not found: install postgresql-client or pass --pg-recvlogical")
	}
	return p, nil
}

var benchSlots = []string{"helios_bench_recv", "helios_bench_cdc", "helios_bench_snap"}

func (b *benchEnv) dropSlots(ctx context.Context) {
	for _, s := range benchSlots {
		_, _ = b.conn.Exec(ctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", s)
	}
}

func (b *benchEnv) createSlots(ctx context.Context, names ...string) error {
	for _, s := range names {
		if _, err := b.conn.Exec(ctx, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", s); err != nil {
			return fmt.Errorf("create slot %s: %w", s, err)
		}
	}
	return nil
}

func (b *benchEnv) walLSN(ctx context.Context) (string, error) {
	var lsn string
	err := b.conn.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn)
	return lsn, err
}

// throughput writes with write between creating two slots and measuring
// pg_recvlogical on one and helios-etl on the other over the same range.
func (b *benchEnv) throughput(ctx context.Context, recv, name string, rows int, write func(context.Context) error, measure bool) error {
	b.dropSlots(ctx)
	if !measure {
		return write(ctx)
	}
	if err := b.createSlots(ctx, "helios_bench_recv", "helios_bench_cdc"); err != nil {
		return err
	}
	t0 := time.Now()
	if err := write(ctx); err != nil {
		return fmt.Errorf("%s: write: %w", name, err)
	}
	writeTime := time.Since(t0)
	// End the range with a WAL record written after the workload: the
	// walsender reaches it only once it has sent every change before it.
	// With the end at the workload's own commit, pg_recvlogical can stop on
	// a keepalive whose WAL position has passed that commit while the
	// changes are still being sent, and report a rate it never reached.
	if _, err := b.conn.Exec(ctx, "SELECT pg_logical_emit_message(false, 'helios-bench-end', '')"); err != nil {
		return fmt.Errorf("%s: end marker: %w", name, err)
	}
	end, err := b.walLSN(ctx)
	if err != nil {
		return err
	}
	// (a) pg_recvlogical over the range.
	t0 = time.Now()
	recvCPU := cpuTime(syscall.RUSAGE_CHILDREN)
	cmd := exec.CommandContext(ctx, recv, "-d", b.o.pg, "--slot", "helios_bench_recv", "--start", "--no-loop",
		"-o", "proto_version=1", "-o", "publication_names=helios_bench", "--endpos", end, "-f", "/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_recvlogical: %v: %s", err, out)
	}
	recvTime := time.Since(t0)
	recvCPU = cpuTime(syscall.RUSAGE_CHILDREN) - recvCPU
	// (b) helios-etl over the same range, to Kafka acknowledgement.
	heliosCPU := cpuTime(syscall.RUSAGE_SELF)
	heliosTime, err := b.runUntil(ctx, "helios_bench_cdc", pgcdc.SnapshotNever, end)
	if err != nil {
		return err
	}
	heliosCPU = cpuTime(syscall.RUSAGE_SELF) - heliosCPU
	recvRate, heliosRate := float64(rows)/recvTime.Seconds(), float64(rows)/heliosTime.Seconds()
	perRow := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(rows) }
	fmt.Fprintf(b.w, "%s (written in %s):\n  pg_recvlogical to /dev/null   %8.0f rows/s (%s)\n  helios-etl to Kafka ack       %8.0f rows/s (%s)  = %.0f%% of pg_recvlogical\n"+
		"  CPU per row (user+system of the process; the walsender and the broker not included): pg_recvlogical %.2f µs, helios-etl %.2f µs\n\n",
		name, writeTime.Round(time.Millisecond), recvRate, recvTime.Round(time.Millisecond), heliosRate, heliosTime.Round(time.Millisecond), 100*heliosRate/recvRate,
		perRow(recvCPU), perRow(heliosCPU))
	b.dropSlots(ctx)
	return nil
}

// runUntil runs a CDC source on slot until its confirmed LSN reaches end
// (or, for initial_only, until it returns) and returns the time it took.
func (b *benchEnv) runUntil(ctx context.Context, slot, snapshot, end string) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "helios-bench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	prod, err := newCDCProducer([]kgo.Opt{kgo.SeedBrokers(b.brokers...)}, prometheus.NewRegistry())
	if err != nil {
		return 0, err
	}
	defer prod.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	src, closeTypes, err := newCDCSource(ctx, pgcdc.Config{DSN: b.o.pg, Slot: slot, Publication: "helios_bench",
		Tables: []string{"helios_bench.t"}, Snapshot: snapshot, TopicPrefix: "bench_" + slot, Partitions: 6,
		StatusInterval: 50 * time.Millisecond, Protocol: b.o.protocol}, prod, db, log, prometheus.NewRegistry())
	if err != nil {
		return 0, err
	}
	defer closeTypes()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t0 := time.Now()
	done := make(chan error, 1)
	go func() { done <- src.Run(rctx) }()
	if snapshot == pgcdc.SnapshotInitialOnly {
		if err := <-done; err != nil {
			return 0, err
		}
		return time.Since(t0), nil
	}
	target, err := pglogrepl.ParseLSN(end)
	if err != nil {
		return 0, err
	}
	for {
		var confirmed *string
		if err := b.conn.QueryRow(ctx, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1", slot).Scan(&confirmed); err != nil {
			return 0, err
		}
		if confirmed != nil {
			if c, err := pglogrepl.ParseLSN(*confirmed); err == nil && c >= target {
				el := time.Since(t0)
				cancel()
				if err := <-done; err != nil {
					return 0, err
				}
				return el, nil
			}
		}
		select {
		case err := <-done:
			return 0, fmt.Errorf("cdc stopped early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// latency writes at a steady rate while a consumer measures the time from
// each row's commit to the moment it is readable in Kafka.
func (b *benchEnv) latency(ctx context.Context) error {
	b.dropSlots(ctx)
	dir, err := os.MkdirTemp("", "helios-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	prod, err := newCDCProducer([]kgo.Opt{kgo.SeedBrokers(b.brokers...)}, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	defer prod.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	prefix := fmt.Sprintf("bench_lat_%d", time.Now().UnixNano())
	src, closeTypes, err := newCDCSource(ctx, pgcdc.Config{DSN: b.o.pg, Slot: "helios_bench_cdc", Publication: "helios_bench",
		Tables: []string{"helios_bench.t"}, Snapshot: pgcdc.SnapshotNever, TopicPrefix: prefix, Partitions: 6,
		StatusInterval: 200 * time.Millisecond}, prod, db, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	defer closeTypes()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srcDone := make(chan error, 1)
	go func() { srcDone <- src.Run(rctx) }()
	topic := prefix + ".helios_bench.t"
	cons, err := kgo.NewClient(kgo.SeedBrokers(b.brokers...), kgo.ConsumeTopics(topic), kgo.AllowAutoTopicCreation(),
		kgo.FetchMaxWait(10*time.Millisecond), kgo.MetadataMinAge(50*time.Millisecond), kgo.MetadataMaxAge(500*time.Millisecond))
	if err != nil {
		return err
	}
	defer cons.Close()
	hint := &schemas.Schema{Name: "helios_bench.t", Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "a", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "b", Type: schemas.Type{Kind: schemas.KindDecimal, Precision: 12, Scale: 2}, Nullable: true},
		{Name: "c", Type: schemas.Type{Kind: schemas.KindTimestampTZ}, Nullable: true},
		{Name: "d", Type: schemas.Type{Kind: schemas.KindInt32}, Nullable: true},
		{Name: "e", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "f", Type: schemas.Type{Kind: schemas.KindBool}, Nullable: true},
	}}
	// Give the source a moment to start streaming before the clock runs.
	time.Sleep(2 * time.Second)
	writeConn, err := pgx.Connect(ctx, b.o.pg)
	if err != nil {
		return err
	}
	defer writeConn.Close(context.Background())
	// With synchronous_commit off (as the dev services run), the walsender
	// waits for the WAL writer (wal_writer_delay, 200ms) before it sends a
	// commit; measure from a durable commit, as in production.
	if _, err := writeConn.Exec(ctx, "SET synchronous_commit = on"); err != nil {
		return err
	}
	const perTxn = 10
	interval := time.Duration(float64(time.Second) * perTxn / float64(b.o.rate))
	written := 0
	writeErr := make(chan error, 1)
	go func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		stop := time.After(b.o.duration)
		id := b.nextID + 10_000_000
		for {
			select {
			case <-stop:
				writeErr <- nil
				return
			case <-tick.C:
			}
			if _, err := writeConn.Exec(ctx, `INSERT INTO helios_bench.t SELECT $1 + g, 'lat', 1.5, now(), g, 'lat', true FROM generate_series(1, 10) g`, id); err != nil {
				writeErr <- err
				return
			}
			id += perTxn
			written += perTxn
		}
	}()
	dec := envelope.NewDecoder()
	var lat []time.Duration
	deadline := time.Now().Add(b.o.duration + 30*time.Second)
	wrote := false
	for time.Now().Before(deadline) {
		if !wrote {
			select {
			case err := <-writeErr:
				if err != nil {
					return fmt.Errorf("latency writer: %w", err)
				}
				wrote = true
			default:
			}
		}
		if wrote && len(lat) >= written {
			break
		}
		pctx, pcancel := context.WithTimeout(ctx, 200*time.Millisecond)
		fs := cons.PollFetches(pctx)
		pcancel()
		now := time.Now()
		fs.EachRecord(func(r *kgo.Record) {
			ev, err := dec.Decode(r.Value, hint)
			if err != nil {
				return
			}
			lat = append(lat, now.Sub(time.UnixMicro(ev.Source.CommitMicros)))
		})
	}
	cancel()
	<-srcDone
	if len(lat) == 0 {
		return errors.New("latency run: no records read")
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	fmt.Fprintf(b.w, "latency at %d rows/s for %s (%d of %d rows read), commit to readable in Kafka:\n  p50 %s  p90 %s  p99 %s  max %s\n\n",
		b.o.rate, b.o.duration, len(lat), written, p(0.50).Round(100*time.Microsecond), p(0.90).Round(100*time.Microsecond),
		p(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))
	b.dropSlots(ctx)
	return nil
}

// snapshot compares helios-etl's initial snapshot of the table with COPY TO.
func (b *benchEnv) snapshot(ctx context.Context) error {
	var rows int64
	if err := b.conn.QueryRow(ctx, "SELECT count(*) FROM helios_bench.t").Scan(&rows); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := b.conn.PgConn().CopyTo(ctx, io.Discard, "COPY helios_bench.t TO STDOUT"); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	copyTime := time.Since(t0)
	el, err := b.runUntil(ctx, "helios_bench_snap", pgcdc.SnapshotInitialOnly, "")
	if err != nil {
		return err
	}
	cr, hr := float64(rows)/copyTime.Seconds(), float64(rows)/el.Seconds()
	fmt.Fprintf(b.w, "snapshot of %d rows:\n  COPY ... TO STDOUT            %8.0f rows/s (%s)\n  helios-etl snapshot to Kafka  %8.0f rows/s (%s)  = %.0f%% of COPY\n",
		rows, cr, copyTime.Round(time.Millisecond), hr, el.Round(time.Millisecond), 100*hr/cr)
	b.dropSlots(ctx)
	return nil
}

// cpuTime is the user+system CPU time of this process (RUSAGE_SELF) or of
// its waited-for children (RUSAGE_CHILDREN).
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
