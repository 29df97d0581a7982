package pgcdc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
)

func TestCheckWalLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level string
		ok    bool
	}{
		{"logical", true},
		{"replica", false},
		{"minimal", false},
		{"", false},
	} {
		t.Run(tc.level, func(t *testing.T) {
			t.Parallel()
			err := checkWalLevel(tc.level)
			if tc.ok {
				if err != nil {
					t.Fatalf("checkWalLevel(%q) = %v", tc.level, err)
				}
				return
			}
			if !errors.Is(err, ErrWalLevel) {
				t.Fatalf("checkWalLevel(%q) = %v, want ErrWalLevel", tc.level, err)
			}
			for _, fix := range []string{"set wal_level = logical", "restart the server", `"` + tc.level + `"`} {
				if !strings.Contains(err.Error(), fix) {
					t.Errorf("message %q does not say %q", err, fix)
				}
			}
		})
	}
}

// TestCheckWalLevelRealServer reads wal_level from the shared server (which
// runs with wal_level=logical) through the query the source uses; the
// failing path runs against a private server with wal_level=replica in
// integration/TestCDCFailFastPrivateServer.
func TestCheckWalLevelRealServer(t *testing.T) {
	t.Parallel()
	e := newPGEnv(t)
	var level string
	if err := e.conn.QueryRow(t.Context(), "SHOW wal_level").Scan(&level); err != nil {
		t.Fatal(err)
	}
	if err := checkWalLevel(level); err != nil {
		t.Fatalf("the shared server (wal_level %q): %v", level, err)
	}
}

func TestCheckSlot(t *testing.T) {
	t.Parallel()
	const fix = "new slot name"
	for _, tc := range []struct {
		name       string
		slot       slotState
		checkpoint uint64
		want       uint64
		err        error
		says       []string
	}{
		{name: "new state resumes at the slot", slot: slotState{exists: true, confirmed: 500}, want: 500},
		{name: "checkpoint ahead of the slot", slot: slotState{exists: true, confirmed: 400}, checkpoint: 500, want: 500},
		{name: "checkpoint at the slot", slot: slotState{exists: true, confirmed: 500}, checkpoint: 500, want: 500},
		{name: "slot ahead of the checkpoint", slot: slotState{exists: true, confirmed: 600}, checkpoint: 500, err: ErrSlotAhead,
			says: []string{fix, "0/258", "0/1F4", "pg_drop_replication_slot('s')", "--snapshot initial"}},
		{name: "slot lost", slot: slotState{exists: true, lost: true, confirmed: 500}, checkpoint: 500, err: ErrSlotLost,
			says: []string{fix, "wal_status=lost", "max_slot_wal_keep_size", "pg_drop_replication_slot('s')"}},
		{name: "lost wins over ahead", slot: slotState{exists: true, lost: true, confirmed: 600}, checkpoint: 500, err: ErrSlotLost},
		{name: "lost slot of a new state", slot: slotState{exists: true, lost: true}, err: ErrSlotLost},
		{name: "slot dropped after a checkpoint", slot: slotState{}, checkpoint: 500, err: ErrSlotLost,
			says: []string{fix, "does not exist", "0/1F4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := checkSlot("s", tc.slot, tc.checkpoint)
			if tc.err == nil {
				if err != nil || got != tc.want {
					t.Fatalf("checkSlot = %d, %v; want %d", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("checkSlot = %d, %v; want %v", got, err, tc.err)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not say %q", err, s)
				}
			}
		})
	}
}

// TestScanSlotRealRows classifies rows of pg_replication_slots' shape made
// by the real server: a lost slot cannot be made on the shared server
// without changing max_slot_wal_keep_size for everyone, so its row is
// crafted with the view's column types; a real slot's row is read too.
func TestScanSlotRealRows(t *testing.T) {
	t.Parallel()
	e := newPGEnv(t)
	ctx := testCtx(t, time.Minute)
	for _, tc := range []struct {
		name, sql  string
		want       slotState
		wantErr    string
		checkpoint uint64
		decision   error
	}{
		{name: "lost", sql: `SELECT 'pgoutput'::name, 'lost'::text, '0/16B3748'::pg_lsn::text`,
			want: slotState{exists: true, lost: true, confirmed: 0x16B3748}, checkpoint: 0x16B3748, decision: ErrSlotLost},
		{name: "reserved", sql: `SELECT 'pgoutput'::name, 'reserved'::text, '1/0'::pg_lsn::text`,
			want: slotState{exists: true, confirmed: 1 << 32}, checkpoint: 1<<32 - 1, decision: ErrSlotAhead},
		{name: "unreserved without a confirmed LSN", sql: `SELECT 'pgoutput'::name, 'unreserved'::text, NULL::text`,
			want: slotState{exists: true}},
		{name: "missing", sql: `SELECT 'pgoutput'::name, 'lost'::text, NULL::text WHERE false`, want: slotState{}},
		{name: "another plugin", sql: `SELECT 'test_decoding'::name, 'reserved'::text, '0/1'::pg_lsn::text`,
			wantErr: "not a pgoutput logical slot"},
		{name: "physical slot", sql: `SELECT NULL::name, 'reserved'::text, NULL::text`, wantErr: "not a pgoutput logical slot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := scanSlot(e.conn.QueryRow(ctx, tc.sql))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("scanSlot = %+v, %v; want an error saying %q", st, err, tc.wantErr)
				}
				return
			}
			if err != nil || st != tc.want {
				t.Fatalf("scanSlot = %+v, %v; want %+v", st, err, tc.want)
			}
			if tc.decision != nil {
				if _, err := checkSlot("s", st, tc.checkpoint); !errors.Is(err, tc.decision) {
					t.Fatalf("checkSlot(%+v, %d) = %v, want %v", st, tc.checkpoint, err, tc.decision)
				}
			}
		})
	}
	// A real slot's row, through the source's own query.
	e.exec("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", e.name)
	var confirmed string
	if err := e.conn.QueryRow(ctx, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1", e.name).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	lsn, err := pglogrepl.ParseLSN(confirmed)
	if err != nil {
		t.Fatal(err)
	}
	src := &Source{cfg: Config{Slot: e.name}}
	st, err := src.slotStatus(ctx, e.conn)
	if err != nil || st != (slotState{exists: true, confirmed: uint64(lsn)}) {
		t.Fatalf("slotStatus of a new slot = %+v, %v; want confirmed %s", st, err, confirmed)
	}
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestRunFailsFast runs the source, stops it, makes the slot disagree with
// the checkpoint the run left in the store, and checks that the next Run
// refuses to start with the matching error.
func TestRunFailsFast(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		breakSlot func(e *pgEnv)
		want      error
		says      string
	}{
		{"slot advanced elsewhere", advanceSlot, ErrSlotAhead, "ahead of the checkpoint"},
		{"slot recreated", func(e *pgEnv) {
			e.exec("SELECT pg_drop_replication_slot($1)", e.name)
			e.exec("SELECT pg_logical_emit_message(false, 'pgcdc-test', 'move the WAL on')")
			e.exec("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", e.name)
		}, ErrSlotAhead, "ahead of the checkpoint"},
		{"slot dropped", func(e *pgEnv) {
			e.exec("SELECT pg_drop_replication_slot($1)", e.name)
		}, ErrSlotLost, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newPGEnv(t)
			e.exec("CREATE TABLE " + e.name + ".t (id int PRIMARY KEY)")
			store := newMemStore()
			cfg := Config{Tables: []string{e.name + ".t"}, Snapshot: SnapshotNever}
			r := e.start(cfg, store)
			r.waitLog(t, `"msg":"streaming"`, time.Minute)
			if err := r.stop(t); err != nil {
				t.Fatalf("first run: %v", err)
			}
			e.waitInactive()
			tc.breakSlot(e)
			err := e.start(cfg, store).wait(t, time.Minute)
			if !errors.Is(err, tc.want) {
				t.Fatalf("second run = %v, want %v", err, tc.want)
			}
			for _, s := range []string{tc.says, e.name, "new slot name"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not say %q", err, s)
				}
			}
		})
	}
}

// advanceSlot writes WAL and advances e's slot past it, as a consumer other
// than the source would. The server advances a slot only up to the WAL
// flushed, which trails the WAL written (the test server runs with
// synchronous_commit off), so it tries until the slot has moved.
func advanceSlot(e *pgEnv) {
	e.t.Helper()
	ctx := e.t.Context()
	var before, after pglogrepl.LSN
	if err := e.conn.QueryRow(ctx, "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1", e.name).Scan(&before); err != nil {
		e.t.Fatal(err)
	}
	e.exec("SELECT pg_logical_emit_message(false, 'pgcdc-test', 'move the WAL on')")
	for deadline := time.Now().Add(20 * time.Second); after <= before; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("slot %s did not advance past %s", e.name, before)
		}
		if err := e.conn.QueryRow(ctx, "SELECT end_lsn FROM pg_replication_slot_advance($1, pg_current_wal_lsn())", e.name).Scan(&after); err != nil {
			e.t.Fatal(err)
		}
	}
}
