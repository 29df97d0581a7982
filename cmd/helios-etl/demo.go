package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/ingest/pgcdc"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/state"
)

// devPGDSN is the project's development PostgreSQL (make services).
const devPGDSN = "postgres://helios:helios@127.0.0.1:54329/helios?sslmode=disable"

func newDemoCmd() *cobra.Command {
	var pg, brokers string
	var ops int
	var verbose bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Stream a small PostgreSQL workload into Kafka and show the change events",
		Long: `demo creates three tables (customers, orders, payments) in schema helios_demo,
fills them, starts change-data capture with an initial snapshot, drives a
workload of inserts, updates and deletes, and prints the change events as they
arrive on the Kafka topics, then a summary. It exits by itself and removes its
replication slot and publication.

Without --brokers it runs an embedded in-process development broker (franz-go's
kfake): good for a look, not a real Kafka.`,
		Example: `  helios-etl demo
  helios-etl demo --pg postgres://me@localhost/test --brokers 127.0.0.1:19092 --ops 1000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pg == "" {
				pg = os.Getenv("HELIOS_TEST_PG_DSN")
			}
			if pg == "" {
				pg = devPGDSN
			}
			return runDemo(cmd.Context(), demoOpts{pg: pg, brokers: splitList(brokers), ops: ops, verbose: verbose},
				cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&pg, "pg", "", "PostgreSQL DSN (default: $HELIOS_TEST_PG_DSN, else the dev services' "+devPGDSN+")")
	cmd.Flags().StringVar(&brokers, "brokers", "", "Kafka brokers; empty runs an embedded development broker")
	cmd.Flags().IntVar(&ops, "ops", 300, "changes the workload makes after the snapshot")
	cmd.Flags().BoolVar(&verbose, "verbose", false, "log the CDC engine at info level")
	return cmd
}

type demoOpts struct {
	pg      string
	brokers []string
	ops     int
	verbose bool
}

const demoSetup = `
DROP SCHEMA IF EXISTS helios_demo CASCADE;
CREATE SCHEMA helios_demo;
CREATE TABLE helios_demo.customers (id serial PRIMARY KEY, name text NOT NULL, email text, country char(2), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE helios_demo.orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE helios_demo.payments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), order_id bigint NOT NULL, amount numeric(12,2) NOT NULL, method text NOT NULL, paid boolean NOT NULL DEFAULT false);
INSERT INTO helios_demo.customers (name, email, country)
  SELECT 'Customer ' || g, 'c' || g || '@example.com', (ARRAY['DE','FR','US','JP','BR'])[1 + g % 5] FROM generate_series(1, 40) g;
INSERT INTO helios_demo.orders (customer_id, amount, status)
  SELECT 1 + g % 40, round((random() * 500)::numeric, 2), 'pending' FROM generate_series(1, 80) g;
`

func runDemo(ctx context.Context, o demoOpts, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn, err := pgx.Connect(ctx, o.pg)
	if err != nil {
		return fmt.Errorf("demo needs PostgreSQL with wal_level=logical (run 'make services'): %w", err)
	}
	defer conn.Close(context.Background())
	const slot, pub, prefix = "helios_demo", "helios_demo", "demo"
	dropSlotAndPub := func() {
		cctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_, _ = conn.Exec(cctx, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", slot)
		_, _ = conn.Exec(cctx, "DROP PUBLICATION IF EXISTS "+pub)
	}
	dropSlotAndPub()
	if _, err := conn.Exec(ctx, demoSetup); err != nil {
		return fmt.Errorf("demo setup: %w", err)
	}

	brokers := o.brokers
	if len(brokers) == 0 {
		cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3))
		if err != nil {
			return fmt.Errorf("embedded development broker: %w", err)
		}
		defer cluster.Close()
		brokers = cluster.ListenAddrs()
		fmt.Fprintf(stdout, "*** Using an EMBEDDED DEVELOPMENT BROKER (franz-go kfake, in-process) at %s: not a real Kafka. Pass --brokers to use one. ***\n\n", brokers[0])
	}
	stateDir, err := os.MkdirTemp("", "helios-demo-state-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stateDir)
	db, err := state.Open(stateDir, state.Options{})
	if err != nil {
		return err
	}
	defer db.Close()

	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	reg := prometheus.NewRegistry()
	prod, err := newCDCProducer([]kgo.Opt{kgo.SeedBrokers(brokers...)}, reg)
	if err != nil {
		return err
	}
	defer prod.Close()
	tables := []string{"helios_demo.customers", "helios_demo.orders", "helios_demo.payments"}
	src, closeTypes, err := newCDCSource(ctx, pgcdc.Config{DSN: o.pg, Slot: slot, Publication: pub, Tables: tables,
		TopicPrefix: prefix, Partitions: 3, StatusInterval: 200 * time.Millisecond, Schemas: true}, prod, db, log, reg)
	if err != nil {
		return err
	}
	defer closeTypes()

	topics := make([]string, len(tables))
	for i, t := range tables {
		topics[i] = prefix + "." + t
	}
	cons, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.MetadataMinAge(100*time.Millisecond), kgo.MetadataMaxAge(time.Second))
	if err != nil {
		return err
	}
	defer cons.Close()

	start := time.Now()
	counts := newDemoCounts()
	g, gctx := errgroup.WithContext(ctx)
	srcCtx, stopSrc := context.WithCancel(gctx)
	defer stopSrc()
	g.Go(func() error { return src.Run(srcCtx) })
	g.Go(func() error { return consumeDemo(gctx, cons, counts, stdout) })
	expected := 40 + 80 // snapshot rows
	g.Go(func() error {
		if err := counts.waitFor(gctx, expected, 60*time.Second); err != nil {
			return fmt.Errorf("waiting for the snapshot: %w", err)
		}
		fmt.Fprintf(stdout, "\n--- snapshot done (%d rows); now %d changes ---\n\n", expected, o.ops)
		n, err := demoWorkload(gctx, conn, o.ops)
		if err != nil {
			return err
		}
		if err := counts.waitFor(gctx, expected+n, 60*time.Second); err != nil {
			return fmt.Errorf("waiting for the workload's %d changes: %w", n, err)
		}
		stopSrc()
		return errDemoDone
	})
	if err := g.Wait(); !errors.Is(err, errDemoDone) {
		dropSlotAndPub()
		return err
	}
	dropSlotAndPub()
	counts.summary(stdout, time.Since(start))
	return nil
}

var errDemoDone = errors.New("demo done")

// demoWorkload makes n changes in small transactions and returns how many
// change events they produce.
func demoWorkload(ctx context.Context, conn *pgx.Conn, n int) (int, error) {
	r := rand.New(rand.NewPCG(1, 2))
	events := 0
	statuses := []string{"paid", "shipped", "delivered", "cancelled"}
	for i := 0; i < n; {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return 0, err
		}
		for j := 0; j < 1+r.IntN(4) && i < n; j++ {
			var tag string
			switch k := r.IntN(10); {
			case k < 4:
				ct, err := tx.Exec(ctx, `INSERT INTO helios_demo.orders (customer_id, amount, status) VALUES ($1, $2, 'pending')`, 1+r.IntN(40), fmt.Sprintf("%.2f", r.Float64()*800))
				if err != nil {
					return 0, err
				}
				tag, events = ct.String(), events+int(ct.RowsAffected())
			case k < 7:
				ct, err := tx.Exec(ctx, `UPDATE helios_demo.orders SET status = $1 WHERE id = (SELECT id FROM helios_demo.orders ORDER BY random() LIMIT 1)`, statuses[r.IntN(len(statuses))])
				if err != nil {
					return 0, err
				}
				tag, events = ct.String(), events+int(ct.RowsAffected())
			case k < 9:
				ct, err := tx.Exec(ctx, `INSERT INTO helios_demo.payments (order_id, amount, method, paid) SELECT id, amount, $1, true FROM helios_demo.orders ORDER BY random() LIMIT 1`, []string{"card", "sepa", "paypal"}[r.IntN(3)])
				if err != nil {
					return 0, err
				}
				tag, events = ct.String(), events+int(ct.RowsAffected())
			default:
				ct, err := tx.Exec(ctx, `DELETE FROM helios_demo.orders WHERE id = (SELECT id FROM helios_demo.orders WHERE status = 'cancelled' ORDER BY random() LIMIT 1)`)
				if err != nil {
					return 0, err
				}
				tag, events = ct.String(), events+int(ct.RowsAffected())
			}
			_ = tag
			i++
		}
		if err := tx.Commit(ctx); err != nil {
			return 0, err
		}
	}
	return events, nil
}

type demoCounts struct {
	mu    sync.Mutex
	total int
	byOp  map[string]map[string]int // topic -> op -> n
	cond  chan struct{}
}

func newDemoCounts() *demoCounts {
	return &demoCounts{byOp: map[string]map[string]int{}, cond: make(chan struct{}, 1)}
}

func (c *demoCounts) add(topic, op string) {
	c.mu.Lock()
	if c.byOp[topic] == nil {
		c.byOp[topic] = map[string]int{}
	}
	c.byOp[topic][op]++
	c.total++
	c.mu.Unlock()
	select {
	case c.cond <- struct{}{}:
	default:
	}
}

func (c *demoCounts) waitFor(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got := c.total
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("saw %d of %d events after %s", got, n, timeout)
		case <-c.cond:
		}
	}
}

func (c *demoCounts) summary(w io.Writer, elapsed time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "\n=== summary: %d change events in %s ===\n", c.total, elapsed.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "topic\tread (snapshot)\tcreate\tupdate\tdelete")
	topics := make([]string, 0, len(c.byOp))
	for t := range c.byOp {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, t := range topics {
		m := c.byOp[t]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", t, m["r"], m["c"], m["u"], m["d"])
	}
	_ = tw.Flush()
}

// consumeDemo prints each change event as it arrives.
func consumeDemo(ctx context.Context, cl *kgo.Client, counts *demoCounts, w io.Writer) error {
	dec := envelope.NewDecoder()
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err := fs.Err0(); err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("demo consumer: %w", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if len(r.Value) == 0 {
				return // the tombstone after a delete
			}
			ev, err := dec.Decode(r.Value, nil)
			if err != nil {
				fmt.Fprintf(w, "%-28s undecodable record at offset %d: %v\n", r.Topic, r.Offset, err)
				return
			}
			var b strings.Builder
			row := ev.Row()
			for i, f := range ev.Schema.Fields {
				if row == nil || (ev.Op == schemas.OpDelete && row[i].IsNull()) {
					continue
				}
				fmt.Fprintf(&b, " %s=%s", f.Name, row[i])
			}
			key := "null"
			if ks, kv, err := dec.DecodeKey(r.Key, nil); err == nil && ks != nil {
				parts := make([]string, len(kv))
				for i := range kv {
					parts[i] = ks.Fields[i].Name + "=" + kv[i].String()
				}
				key = strings.Join(parts, ",")
			}
			fmt.Fprintf(w, "%-27s p%d %-6s [%s]%s\n", r.Topic, r.Partition, ev.Op, key, shorten(b.String(), 100))
			counts.add(r.Topic, ev.Op.Code())
		})
	}
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
