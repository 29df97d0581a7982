// Package state keeps helios-etl's local state in one Pebble database per
// process: checkpoints of the CDC source (see package checkpoint), and the
// per-partition state of consumer-group stages, mirrored to compacted Kafka
// changelog topics so a partition can be rebuilt on another instance.
//
// [Open] returns a [DB]. Users share it through [Store] values, each a key
// space of its own: [DB.Namespace] for a component's state, and
// [DB.Partition] for one stage's state for one input topic partition. A
// Store offers Get, Put, Delete and prefix Scan; a [Batch] commits writes to
// any stores of the DB atomically, synced or not. [DB.DropPartition] deletes
// a partition's state when the partition moves away.
//
// # Key layout
//
// Every database key is
//
//	tag | components | sub | rest
//
// where tag is 0x01 for a namespace and 0x02 for a partition, components
// are, for a namespace, len(name) name, and for a partition, len(stage) stage
// len(topic) topic partition, with each len a uvarint and partition a 4-byte
// big-endian uint32 of the int32. sub is 0x00 for user data, in which case
// rest is the user key, or 0x01 for the store's metadata, in which case rest
// is the metadata name (today only "changelog-offset", an 8-byte big-endian
// offset). A uvarint is self-delimiting, so the prefix of one store is never
// a prefix of another's, whatever bytes the names hold: namespace "a" with
// user key "bc" and namespace "ab" with key "c" are different keys. The
// tag's byte leaves room for other key spaces; [EncodeKey] and [DecodeKey]
// expose the layout for tools.
//
// # Values and lifetimes
//
// [Store.Get] returns a copy of the value, safe to keep. The slices passed
// to a [Store.Scan] callback and returned by [Batch.Writes] alias pebble's
// buffers and are valid only during the callback or until [Batch.Close].
//
// # Durability
//
// [Store.Put] and [Store.Delete] are not synced: they reach the operating
// system's buffers, survive a crash of the process, and may be lost on power
// loss. [Batch.Commit] with sync returns only after an fsync of the
// write-ahead log; checkpoints always sync. Pebble recovers the log in order,
// so after any crash the database holds a prefix of the committed batches.
// A synced commit costs an fsync of the log. On the 2-core development VM's
// virtual disk a synced batch of 10 writes took 0.2 ms when the machine was
// quiet (5,000 commits/s from one goroutine) and 0.65 to 5 ms when it was
// loaded, against 9 to 30 µs unsynced; expect 0.5 to 3 ms on many SSDs and
// more on network disks (BenchmarkBatchCommit). Concurrent synced commits
// share fsyncs (pebble's group commit), so throughput grows with
// concurrency: 2,000 to 20,000 commits/s from 8 goroutines on the same VM
// (BenchmarkBatchCommitParallel).
//
// # Failures
//
// Pebble treats a failed write or sync of its write-ahead log during a
// commit as unrecoverable (it cannot undo the memtable update). This package
// turns that into an error wrapping [ErrFailed] and the cause, returned by
// the failing call, and fails the DB closed: every later call returns the
// same error, and the process should exit and reopen the database, whose
// recovery replays the log up to the last good write. Fatal errors pebble
// meets in its own background work (a failed MANIFEST write during a flush or
// compaction) panic in pebble's goroutine, after being logged to
// Options.Logger, and stop the process: fail-stop is the only safe answer
// to a failed fsync.
//
// # Changelogs
//
// The stage runtime mirrors each committed [Batch] to the partition's
// compacted changelog topic: [Batch.Writes] lists the (key, value or
// tombstone) writes the batch holds for a store. [Restore] rebuilds a
// partition store from its changelog, in bounded batches, and records the
// offset it reached as the store's changelog offset; [CatchUp] resumes from
// that offset; [Batch.SetChangelogOffset] records it during normal operation
// once the Kafka transaction is committed. The offset is dropped with the
// store, so a dropped store is always restored from the start.
//
// # Concurrency
//
// A DB and its Stores are safe for concurrent use; a Batch is not. No
// goroutine is started by this package; pebble's own background work stops
// in [DB.Close], which also waits for calls in flight (a Scan whose callback
// blocks delays Close). After Close every call returns [ErrClosed].
//
// # Metrics
//
// [NewCollector] returns a prometheus.Collector for the caller to register
// on its own registry. It exports, from pebble's DB.Metrics:
//
//	etl_state_disk_bytes                 gauge    bytes on disk (tables, WAL, manifest)
//	etl_state_memtable_bytes             gauge    bytes in memtables
//	etl_state_memtables                  gauge    memtables, flushing ones included
//	etl_state_compactions_total          counter  compactions completed
//	etl_state_compaction_debt_bytes      gauge    estimated bytes left to compact
//	etl_state_flushes_total              counter  memtable flushes completed
//	etl_state_flushes_in_progress        gauge    memtable flushes running
//	etl_state_read_amplification         gauge    sorted runs a read may consult
//	etl_state_l0_sublevels               gauge    L0 sublevels (write stalls grow with it)
//	etl_state_wal_bytes_written_total    counter  bytes written to the WAL
//	etl_state_wal_files                  gauge    live WAL files
//	etl_state_sstables                   gauge    live sstables
//	etl_state_sstable_bytes              gauge    bytes of live sstables
//	etl_state_block_cache_bytes          gauge    bytes in the block cache
//	etl_state_block_cache_hits_total     counter  block cache hits
//	etl_state_block_cache_misses_total   counter  block cache misses
//	etl_state_tombstones                 gauge    approximate tombstones in live tables
//	etl_state_open_snapshots             gauge    open snapshots (iterators)
package state
