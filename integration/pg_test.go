package integration

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// connectPG opens an ordinary (non-replication) connection, closed when t finishes.
func connectPG(ctx context.Context, t testing.TB, dsn string) *pgconn.PgConn {
	t.Helper()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to postgres: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// execPG runs sql (one or more statements, no parameters) and fails t on error.
func execPG(ctx context.Context, t testing.TB, conn *pgconn.PgConn, sql string) {
	t.Helper()
	if _, err := conn.Exec(ctx, sql).ReadAll(); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

// replicationDSN returns dsn with replication=database, which opens a logical
// replication (walsender) connection to the DSN's database.
func replicationDSN(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", envPGDSN, err)
	}
	q := u.Query()
	q.Set("replication", "database")
	u.RawQuery = q.Encode()
	return u.String()
}

// TestPostgresLogicalReplication opens a replication connection, creates a
// temporary pgoutput slot for a publication, inserts a row and checks that
// Begin, Relation, Insert and Commit arrive with the inserted values.
func TestPostgresLogicalReplication(t *testing.T) {
	t.Parallel()
	dsn := pgDSN(t)
	ctx := testContext(t, 60*time.Second)

	sqlConn := connectPG(ctx, t, dsn)
	table := uniqueName("helios_it_orders")
	pub := table + "_pub"
	execPG(ctx, t, sqlConn, fmt.Sprintf(
		`CREATE TABLE %s (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(10,2), note text);
		 CREATE PUBLICATION %s FOR TABLE %s`, table, pub, table))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := sqlConn.Exec(ctx, fmt.Sprintf("DROP PUBLICATION IF EXISTS %s; DROP TABLE IF EXISTS %s", pub, table)).ReadAll(); err != nil {
			t.Logf("drop %s and %s: %v", pub, table, err)
		}
	})

	repl, err := pgconn.Connect(ctx, replicationDSN(t, dsn))
	if err != nil {
		t.Fatalf("open replication connection: %v", err)
	}
	// Closing the connection also drops the temporary slot.
	t.Cleanup(func() { _ = repl.Close(context.Background()) })

	sys, err := pglogrepl.IdentifySystem(ctx, repl)
	if err != nil {
		t.Fatalf("IDENTIFY_SYSTEM: %v", err)
	}
	if sys.DBName == "" || sys.XLogPos == 0 {
		t.Fatalf("IDENTIFY_SYSTEM returned %+v: want a database name and a WAL position", sys)
	}
	t.Logf("system %s, timeline %d, xlogpos %s, db %s", sys.SystemID, sys.Timeline, sys.XLogPos, sys.DBName)

	slot := table + "_slot"
	if _, err := pglogrepl.CreateReplicationSlot(ctx, repl, slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{Temporary: true}); err != nil {
		t.Fatalf("create temporary pgoutput slot %s: %v", slot, err)
	}
	if err := pglogrepl.StartReplication(ctx, repl, slot, sys.XLogPos, pglogrepl.StartReplicationOptions{
		PluginArgs: []string{"proto_version '1'", fmt.Sprintf("publication_names '%s'", pub)},
	}); err != nil {
		t.Fatalf("START_REPLICATION on %s: %v", slot, err)
	}

	execPG(ctx, t, sqlConn, fmt.Sprintf(`INSERT INTO %s VALUES (42, 'Zoë O''Hara', 1234.50, NULL)`, table))

	msgs := receiveTransaction(ctx, t, repl, sys.XLogPos)

	begin, ok := msgs[0].(*pglogrepl.BeginMessage)
	if !ok {
		t.Fatalf("first message is %T, want *pglogrepl.BeginMessage", msgs[0])
	}
	rel, ok := msgs[1].(*pglogrepl.RelationMessage)
	if !ok {
		t.Fatalf("second message is %T, want *pglogrepl.RelationMessage", msgs[1])
	}
	ins, ok := msgs[2].(*pglogrepl.InsertMessage)
	if !ok {
		t.Fatalf("third message is %T, want *pglogrepl.InsertMessage", msgs[2])
	}
	commit, ok := msgs[3].(*pglogrepl.CommitMessage)
	if !ok {
		t.Fatalf("fourth message is %T, want *pglogrepl.CommitMessage", msgs[3])
	}

	if rel.Namespace != "public" || rel.RelationName != table {
		t.Errorf("relation is %s.%s, want public.%s", rel.Namespace, rel.RelationName, table)
	}
	wantCols := []string{"id", "customer", "amount", "note"}
	if len(rel.Columns) != len(wantCols) {
		t.Fatalf("relation has %d columns, want %d", len(rel.Columns), len(wantCols))
	}
	for i, c := range rel.Columns {
		if c.Name != wantCols[i] {
			t.Errorf("column %d is %q, want %q", i, c.Name, wantCols[i])
		}
	}
	if ins.RelationID != rel.RelationID {
		t.Errorf("insert names relation %d, want %d", ins.RelationID, rel.RelationID)
	}
	wantVals := []struct {
		kind byte
		text string
	}{
		{'t', "42"}, {'t', "Zoë O'Hara"}, {'t', "1234.50"}, {'n', ""},
	}
	if len(ins.Tuple.Columns) != len(wantVals) {
		t.Fatalf("insert has %d columns, want %d", len(ins.Tuple.Columns), len(wantVals))
	}
	for i, w := range wantVals {
		c := ins.Tuple.Columns[i]
		if c.DataType != w.kind || string(c.Data) != w.text {
			t.Errorf("column %s: got kind %q value %q, want kind %q value %q", wantCols[i], c.DataType, c.Data, w.kind, w.text)
		}
	}
	if begin.FinalLSN != commit.CommitLSN {
		t.Errorf("begin final LSN %s != commit LSN %s", begin.FinalLSN, commit.CommitLSN)
	}
	if commit.TransactionEndLSN <= commit.CommitLSN || commit.CommitLSN < sys.XLogPos {
		t.Errorf("commit LSN %s, end LSN %s: want start %s <= commit < end", commit.CommitLSN, commit.TransactionEndLSN, sys.XLogPos)
	}
	if begin.Xid == 0 {
		t.Error("begin has transaction id 0")
	}
	if time.Since(commit.CommitTime) > time.Minute || commit.CommitTime.After(time.Now().Add(time.Minute)) {
		t.Errorf("commit time %s is not close to now", commit.CommitTime)
	}

	// Acknowledge the transaction as flushed, as a real consumer would once its
	// output is durable.
	if err := pglogrepl.SendStandbyStatusUpdate(ctx, repl, pglogrepl.StandbyStatusUpdate{
		WALWritePosition: commit.TransactionEndLSN,
		WALFlushPosition: commit.TransactionEndLSN,
		WALApplyPosition: commit.TransactionEndLSN,
	}); err != nil {
		t.Fatalf("standby status update: %v", err)
	}
}

// receiveTransaction reads the replication stream until a Commit arrives and
// returns the decoded pgoutput messages of that transaction in order. It answers
// keepalives that ask for a reply.
func receiveTransaction(ctx context.Context, t testing.TB, conn *pgconn.PgConn, pos pglogrepl.LSN) []pglogrepl.Message {
	t.Helper()
	var msgs []pglogrepl.Message
	for {
		recvCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		raw, err := conn.ReceiveMessage(recvCtx)
		cancel()
		if err != nil {
			if pgconn.Timeout(err) && ctx.Err() == nil {
				continue
			}
			t.Fatalf("receive replication message after %d messages: %v", len(msgs), err)
		}
		var cd *pgproto3.CopyData
		switch m := raw.(type) {
		case *pgproto3.CopyData:
			cd = m
		case *pgproto3.ErrorResponse:
			t.Fatalf("replication stream error: %v", pgconn.ErrorResponseToPgError(m))
		default:
			t.Fatalf("unexpected replication message %T", raw)
		}
		switch cd.Data[0] {
		case pglogrepl.PrimaryKeepaliveMessageByteID:
			ka, err := pglogrepl.ParsePrimaryKeepaliveMessage(cd.Data[1:])
			if err != nil {
				t.Fatalf("parse keepalive: %v", err)
			}
			if ka.ReplyRequested {
				// Nothing is handled durably yet: report pos (the start) as flushed.
				err := pglogrepl.SendStandbyStatusUpdate(ctx, conn, pglogrepl.StandbyStatusUpdate{
					WALWritePosition: max(pos, ka.ServerWALEnd), WALFlushPosition: pos, WALApplyPosition: pos,
				})
				if err != nil {
					t.Fatalf("standby status update: %v", err)
				}
			}
		case pglogrepl.XLogDataByteID:
			xld, err := pglogrepl.ParseXLogData(cd.Data[1:])
			if err != nil {
				t.Fatalf("parse XLogData: %v", err)
			}
			m, err := pglogrepl.Parse(xld.WALData)
			if err != nil {
				t.Fatalf("parse pgoutput message: %v", err)
			}
			msgs = append(msgs, m)
			if _, ok := m.(*pglogrepl.CommitMessage); ok {
				if len(msgs) != 4 {
					t.Fatalf("transaction has %d messages (%s), want Begin, Relation, Insert, Commit", len(msgs), msgTypes(msgs))
				}
				return msgs
			}
		default:
			t.Fatalf("unknown replication message byte %q", cd.Data[0])
		}
	}
}

func msgTypes(msgs []pglogrepl.Message) string {
	s := ""
	for i, m := range msgs {
		if i > 0 {
			s += ", "
		}
		s += m.Type().String()
	}
	return s
}
