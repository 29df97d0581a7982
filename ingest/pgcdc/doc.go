// Package pgcdc captures changes from PostgreSQL logical replication
// (pgoutput) and produces them to Kafka, one topic per table, as Debezium
// JSON envelopes, without losing any.
//
// # Delivery
//
// Events are produced as they are decoded; a transaction is done when its
// commit has been seen and Kafka has acknowledged every one of its
// records. The slot's confirmed flush LSN (sent in standby status updates)
// and the checkpoint kept in state only ever move to the end LSN of the
// newest transaction that is done together with all transactions before
// it. After a crash, replication restarts from that LSN: transactions that
// were partly produced are sent again, with the same LSN in the record
// headers, so consumers can drop the duplicates. When nothing is in flight,
// keepalives and the source's own heartbeats (non-transactional logical
// messages written every HeartbeatInterval) move the confirmed LSN forward,
// so a slot whose tables are idle never holds WAL back.
//
// # Topics and keys
//
// Table schema.table goes to topic <prefix>.<schema>.<table>, created with
// the configured partitions and replication factor if missing. The key is
// the primary key (Debezium's key struct), so all changes of a row land in
// one partition, in commit order. A table without a primary key has null
// keys: its changes spread over partitions and keep no per-row order (give
// it one partition, or a primary key). Headers: helios.lsn, helios.txid,
// helios.schema_version. As Debezium does by default
// (tombstones.on.delete), each delete of a row with a key is followed by a
// tombstone, a record with the key and a null value, so that log compaction
// can drop the key ([Config].NoTombstones turns them off).
//
// # Failing fast
//
// [Source.Run] refuses to stream when changes would be missing from Kafka
// and says how to recover: [ErrWalLevel] when the server's wal_level is not
// logical, [ErrSlotLost] when the slot lost WAL it had not sent
// (wal_status = lost) or was dropped after changes were captured from it,
// and [ErrSlotAhead] when the slot confirmed more than the checkpoint
// (another consumer advanced it, or it was recreated).
//
// # Snapshot modes
//
// [SnapshotInitial] reads the tables in the slot's exported snapshot, then
// streams from the slot's consistent point; [SnapshotNever] only streams.
// [SnapshotInitialOnly] reads the tables, then drops the slot (needed only
// for its snapshot: kept, it would hold WAL back) and its checkpoint, and
// Run returns nil; the next run takes a new snapshot.
//
// # Replica identity
//
// With REPLICA IDENTITY DEFAULT, an update carries no before image (unless
// the key changed, when before holds the old key columns) and a delete's
// before image holds only the key columns; other columns are NULL. With
// REPLICA IDENTITY FULL, before holds the whole old row. Unchanged TOASTed
// columns arrive as [schemas.Unchanged], never NULL.
//
// # Generated columns
//
// PostgreSQL 15's pgoutput does not send generated columns, so they are not
// captured, in the snapshot either: the row schema leaves them out and
// consumers compute them again.
//
// # Metrics
//
//	etl_cdc_lag_seconds          gauge: now - commit time of the newest confirmed transaction
//	etl_cdc_lag_bytes            gauge: server WAL end - confirmed LSN
//	etl_cdc_confirmed_lsn        gauge: the confirmed LSN
//	etl_rows_processed_total     counter {stage="cdc", table}: change events produced
//	etl_snapshot_rows_total      counter {table}: snapshot rows produced
//	etl_cdc_transactions_total   counter: committed transactions seen
package pgcdc
