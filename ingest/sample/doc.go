// Package sample reads a sample of rows from a PostgreSQL table or a Kafka
// topic and profiles it with [infer], so that schemas can be inferred from a
// table or a topic as well as from a file.
//
// [Table] reads the first N rows of a table (SELECT * ... LIMIT N) with
// every value in PostgreSQL's text format, so that inference sees the
// values as text, just as it does in files; the columns' declared types
// (format_type) are returned beside the inferred ones as extra evidence.
//
// [Topic] reads up to N records from the start of every partition of a
// topic, without a consumer group (no offsets are committed). A record is
// a Debezium change event (JSON envelope with or without its schema
// section, see [envelope]), whose after state is the row, or a plain JSON
// object, whose keys are the columns. Deletes (no after state), tombstones
// and records that are neither are counted and skipped. Declared types are
// taken from the envelope's schema when it has one.
//
// # Context
//
// Both functions take a context that bounds the whole read.
//
// # Concurrency
//
// The functions start no goroutine of their own beyond the Kafka client's,
// which they close before returning.
package sample
