// Package checkpoint records, durably, how far helios-etl's sources and
// sinks have got: the acknowledged LSN of each PostgreSQL replication slot,
// the progress of initial table snapshots per table and per chunk, and Kafka
// consumed offsets for sinks that keep their offsets locally.
//
// A [Ledger] keeps them in the "checkpoint" namespace of a [state.DB]. Every
// Save call commits a synced batch (an fsync of pebble's write-ahead log)
// before it returns, so a checkpoint that was saved survives power loss.
// That costs one fsync per call: on the development VM a Save took about
// 1 to 1.3 ms (750 to 1,000 saves per second from one goroutine) against
// 3 to 5 µs in memory; expect 0.5 to 3 ms on local SSDs and more on network
// disks (BenchmarkSave). Save checkpoints at batch
// boundaries, after the data they cover is acknowledged downstream, not per
// row. [Ledger.PutOffset] adds an offset to a caller's batch, so a sink can
// commit its data and its offset atomically in one synced commit.
//
// # Key layout
//
// Inside the namespace, keys start with one byte naming the kind, followed
// by uvarint-length-prefixed strings and big-endian integers:
//
//	'l' len(slot) slot                              LSN, 8 bytes big-endian
//	't' len(table) table                            snapshot table progress
//	'c' len(table) table chunk(8 bytes)             snapshot chunk progress
//	'o' len(group) group len(topic) topic part(4)   offset, 8 bytes big-endian
//
// Progress values start with a format version byte (1).
//
// # Concurrency
//
// A Ledger is safe for concurrent use. SaveLSN's check that an LSN only
// moves forward holds within one Ledger: use one Ledger per DB.
package checkpoint
