// Package stage runs consume-transform-produce steps: a stage is a Kafka
// consumer group that reads input topics, runs a chain of [Transform] over
// batches of records, and writes an output topic, with per-partition state
// in Pebble mirrored to a compacted changelog topic and a dead-letter
// topic for the records that fail.
//
// [New] checks a [Config] and returns a [Stage]; [Stage.Run] runs it until
// its context is done. Transforms are small: a [Batch] holds the records
// of one input partition in offset order; a transform emits, drops or
// fails each record, and reads and writes the partition's [State].
//
// # Exactly once
//
// In [ExactlyOnce] mode (the default) a stage uses franz-go's
// GroupTransactSession with one transactional producer per instance
// (transactional ID <prefix>-<name>-<instance>) and KIP-447 fencing by
// group generation. One batch is one transaction: its output records, its
// dead letters, its changelog records and its input offsets commit
// together or not at all, and consumers that read the output with
// read_committed see each input record's outputs exactly once. The client
// uses BlockRebalanceOnPoll and the cooperative-sticky balancer: a
// rebalance waits until the batch in hand is committed (or aborted), so a
// partition never moves in the middle of a transaction; if the group
// rebalances anyway (this member was kicked out), the session aborts and
// rewinds to the committed offsets. [AtLeastOnce] mode produces, flushes,
// applies the state and then commits the offsets; a crash in between
// replays records, and the state of replayed records is counted again.
//
// # State and changelog
//
// [Batch.State] is the partition's key-value state: Pebble (package
// state) under an in-memory overlay of the writes of the current batch.
// The final value of each key written in a batch goes to the changelog
// topic (<name>-changelog, compacted, one partition per input partition,
// key = input topic, 0x00, user key; a nil value deletes) inside the
// batch's transaction. Only after the transaction commits is the overlay
// written to Pebble, unsynced, with the changelog offset it reached
// ([state.Batch.SetChangelogOffset]).
//
// The changelog is the source of truth. If the process dies after the
// Kafka commit and before (or during) the Pebble write, the local state is
// behind the changelog, never ahead: before a partition's first batch
// after any assignment, and after any abort whose outcome is uncertain,
// the stage first waits for the changelog partition to have no open
// transaction (its last stable offset equals its high-water mark: a
// transaction a crashed owner left open is aborted by the broker after the
// transaction timeout), then applies the changelog from the local
// changelog offset + 1 ([state.CatchUp]). A store with no offset, or one
// whose offset is at or past the log's end or before its start (the topic
// was recreated or truncated), is dropped and restored from the start
// ([state.Restore]). Restoration runs while the rebalance is held, so it
// must fit in the group's rebalance timeout. A revoked partition's local
// state is kept: if it comes back, only the changelog written since is
// applied.
//
// A [Transform] that keeps partition data in memory between batches
// implements [PartitionCache]: the stage tells it to forget a partition
// when the partition is revoked or lost, when a transaction aborts and
// before a failed batch is retried record by record.
//
// # Failures
//
// A record that does not decode, or that a transform fails with
// [Batch.Fail], goes to the dead-letter topic (<name>.dlq) with the
// headers [HeaderDLQError], [HeaderDLQStage], [HeaderSourceTopic],
// [HeaderSourcePartition], [HeaderSourceOffset], [HeaderDLQTime] and
// [HeaderDLQAttempt], in the same transaction. A transform that returns
// an error or panics on a batch is run again on each of its records alone,
// at most [Live].MaxAttempts times per record; a record that still fails is
// dead-lettered, so a poison pill never loops. An error wrapping
// [ErrFatal], a produce failure or a failed commit aborts the transaction
// and makes Run return the error.
//
// # Flow control
//
// A batch ends at [Live].BatchSize records, [Live].BatchBytes bytes, or
// [Live].BatchTimeout after its first record. A partition that reaches
// [Live].MaxInflightBytes within a batch is paused until the batch is
// committed, and the fetch size per partition is bounded by the same
// value, so memory stays bounded.
//
// # Context and shutdown
//
// Run's context bounds the stage's life. Once it is done, Run stops
// polling, finishes and commits the batch in hand within
// [Config].DrainTimeout (after which the work's context is canceled and
// the transaction aborts), leaves the group and returns nil.
// [Stage.Reload] swaps the [Live] settings between batches (SIGHUP in the
// command).
//
// # Concurrency
//
// Run processes batches on the calling goroutine; franz-go's client owns
// its own goroutines and Run closes the client before it returns.
// Transforms are never called concurrently.
//
// # Metrics
//
// Registered on [Deps].Registerer, each with a constant stage label:
//
//	etl_rows_processed_total               counter    input records committed
//	etl_rows_output_total                  counter    records written to the output topic
//	etl_dlq_records_total                  counter    dead letters
//	etl_transform_retries_total            counter    records tried again after a failure
//	etl_transactions_committed_total       counter    batches committed
//	etl_transaction_aborts_total           counter    transactions aborted
//	etl_batch_processing_duration_seconds  histogram  transforms to commit, per batch
//	etl_throughput_rows_per_second         gauge      committed input records per second
//	etl_consumer_lag{topic,partition}      gauge      records behind the high-water mark
//	etl_state_restore_duration_seconds     histogram  restoration of one partition
//	etl_state_restored_records_total       counter    changelog records applied by restoration
//
// and franz-go's client metrics from the kprom plugin, named etl_kafka_*.
package stage
