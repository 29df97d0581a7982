package pgcdc

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// TestProtocol1LargeTransaction streams with pgoutput protocol 1 (no
// streaming of in-progress transactions; the command has no switch for it,
// only bench cdc --protocol and this Config field) and a 64kB
// logical_decoding_work_mem, so that the server spills one large
// transaction to its disk and sends it only after the commit. Every row
// must arrive once, in order, in one transaction; the server's slot
// statistics show it spilled and streamed nothing.
func TestProtocol1LargeTransaction(t *testing.T) {
	t.Parallel()
	e := newPGEnv(t)
	const rows = 20000
	e.exec(fmt.Sprintf("CREATE TABLE %s.big (id int PRIMARY KEY, v text NOT NULL)", e.name))
	r := e.start(Config{Tables: []string{e.name + ".big"}, Snapshot: SnapshotNever, Protocol: 1, DecodingWorkMem: "64kB"}, newMemStore())
	r.waitLog(t, `"msg":"streaming"`, time.Minute)
	r.waitLog(t, `"protocol":1`, time.Second)
	// About 1.3 MB of changes, twenty times the work memory.
	e.exec(fmt.Sprintf("INSERT INTO %s.big SELECT g, md5(g::text) FROM generate_series(1, %d) g", e.name, rows))
	e.exec(fmt.Sprintf("INSERT INTO %s.big VALUES (%d, 'last')", e.name, rows+1))

	recs, err := e.consume(e.name+"."+e.name+".big", 2*time.Minute, func(r []*kgo.Record) bool { return len(r) >= rows+1 })
	if err != nil {
		t.Fatalf("%v\n%s", err, r.log.String())
	}
	hint := &schemas.Schema{Name: "big", Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt32}},
		{Name: "v", Type: schemas.Type{Kind: schemas.KindString}},
	}}
	d := envelope.NewDecoder()
	txid := recordHeader(recs[0], HeaderTxID)
	var lastLSN uint64
	for i, rec := range recs[:rows] {
		ev, err := d.Decode(rec.Value, hint)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Op != schemas.OpCreate || ev.After[0].Int() != int64(i+1) || ev.After[1].Str() != md5Hex(i+1) {
			t.Fatalf("record %d: %v %v, want create of row %d", i, ev.Op, ev.After, i+1)
		}
		lsn, err := strconv.ParseUint(recordHeader(rec, HeaderLSN), 10, 64)
		if err != nil || lsn <= lastLSN {
			t.Fatalf("record %d: LSN %s after %d (%v): not in commit order", i, recordHeader(rec, HeaderLSN), lastLSN, err)
		}
		lastLSN = lsn
		if got := recordHeader(rec, HeaderTxID); got != txid {
			t.Fatalf("record %d in transaction %s, record 0 in %s", i, got, txid)
		}
	}
	if got := recordHeader(recs[rows], HeaderTxID); got == txid {
		t.Errorf("the next transaction's row has the big transaction's id %s", got)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	var spilled, streamed int64
	if err := e.conn.QueryRow(t.Context(), "SELECT spill_txns, stream_txns FROM pg_stat_replication_slots WHERE slot_name = $1", e.name).
		Scan(&spilled, &streamed); err != nil {
		t.Fatal(err)
	}
	if spilled < 1 || streamed != 0 {
		t.Errorf("slot statistics: %d spilled and %d streamed transactions, want the big one spilled and none streamed", spilled, streamed)
	}
	t.Logf("protocol 1: %d rows of one transaction in order; server spilled %d transaction(s), streamed %d", rows, spilled, streamed)
}

// md5Hex is PostgreSQL's md5(n::text).
func md5Hex(n int) string {
	sum := md5.Sum([]byte(strconv.Itoa(n)))
	return hex.EncodeToString(sum[:])
}
