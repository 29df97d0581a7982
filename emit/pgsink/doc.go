// Package pgsink applies change events to PostgreSQL tables with pgx,
// exactly once: the consumed Kafka offsets are written in the same
// transaction as the data. It implements [emit.Sink] and [emit.Resumer].
//
// # Applying a batch
//
// [Sink.Write] runs one transaction per batch:
//
//  1. Lock the batch's partitions in the offsets table (created if missing,
//     locked in a fixed order) and skip every record below the stored next
//     offset: those were applied already (a redelivery after a crash, or a
//     batch two instances hold during a rebalance).
//  2. Per target table, collapse the changes to the last one per primary
//     key — a delete included. An update that carries unchanged (TOASTed,
//     unsent) values takes them from an earlier change of the same key in
//     the batch; if there is none, the column is left out of that row's
//     upsert, so the target keeps its value: rows are grouped by their set
//     of unchanged columns, one upsert per group. An update that changes
//     the key deletes the old key. A truncate, or a new schema version of
//     the table, applies what was collected first.
//  3. Deletes: one DELETE … USING unnest($1::text[], …) by key. Upserts: one
//     INSERT … SELECT … ON CONFLICT (key) DO UPDATE, from unnested text arrays
//     for small sets, or, from CopyThreshold rows on, from a temporary
//     staging table with the target's column types filled by COPY (text
//     format). Rows whose first change in the batch is an insert should not
//     exist at the target: from CopyThreshold on they are copied straight
//     into it under a savepoint, and only if a key exists after all (a
//     change the at-least-once CDC source delivered twice) does the
//     savepoint roll back and the merge take them. Values travel as exact text (decimals as their digits,
//     timestamps to the microsecond with BC years and ±infinity, intervals
//     with months, days and microseconds apart, arrays as literals) and
//     are cast to the target column's type, never through a float.
//  4. Advance each partition's next offset to its last record + 1, and
//     commit.
//
// A crash at any point rolls back the whole transaction; on restart the
// consumer seeks to the stored offsets ([Sink.NextOffsets], wired through
// [emit.ResumeFrom]) and nothing is lost or applied twice. Because the
// skip in step 1 happens under the row lock, several instances of one sink
// (same Config.Name, one consumer group) are safe too.
//
// Order: changes of one key arrive in one partition (the key picks it), so
// they apply in order. A truncate has no key: with several partitions per
// topic it is ordered only with the changes of its own partition.
//
// # Tables and types
//
// Target tables are named after the source table, in Config.Schema. With
// CreateTables a missing table is created (key columns NOT NULL, the
// source key as primary key). Types map exactly:
//
//	bool boolean, int16 smallint, int32 integer, int64 bigint, float32 real,
//	float64 double precision, decimal(p,s) numeric(p,s), decimal numeric,
//	string and enum text, bytes bytea, uuid uuid, json jsonb (json when the
//	source column is json), date date, time time, timetz timetz,
//	timestamp timestamp, timestamptz timestamptz, interval interval,
//	array<T> T[] (money arrives as a decimal and lands in numeric).
//
// A source column the target lacks is added with Evolve; a type the target
// column cannot hold is widened with Evolve when a widening exists
// (smallint → integer → bigint → numeric, real → double precision,
// numeric(p,s) → numeric with enough integer and fraction digits). Columns
// the source dropped stay at the target and keep their values. Without
// Evolve, or when no widening covers the change, Write returns a
// [*SchemaError] naming the table, the column and the change.
//
// # Errors
//
// A value the target rejects (SQLSTATE classes 22 and 23) fails the batch
// with an [emit.BadRecordError]; the consumer narrows it down to one record
// and sends that to its dead-letter topic. Other errors (connection, schema)
// fail the batch as they are; nothing of it is committed.
//
// # Concurrency
//
// A Sink is safe for concurrent use; writes are serialized.
//
// # Metrics
//
// With [WithRegisterer], labelled sink=<Config.Name>:
//
//	etl_sink_rows_applied_total{table,op}   change events applied, by target table and op
//	etl_sink_rows_written_total{table,kind} rows upserted or deleted after collapsing (kind=upsert, delete)
//	etl_sink_duplicates_skipped_total       records skipped as applied already
//	etl_sink_apply_seconds                  histogram: time to apply one batch, commit included
//	etl_sink_batch_records                  histogram: records per batch
//	etl_sink_apply_errors_total             batches rolled back
//	etl_sink_direct_copy_fallbacks_total    inserted rows whose direct COPY met an existing key (merged instead)
package pgsink
