// Package schemas is the change-event model every stage of helios-etl shares:
// row schemas, typed values and change events.
//
// A [Schema] is immutable and shared by pointer between all the events of one
// table version; a row is a []Value aligned with the schema's fields. Values
// are a small tagged union ([Value]) so that decoding, transforming and
// encoding a row allocates nothing per field for scalar types, and no
// map[string]any is built per row.
//
// # Exact types
//
// Decimals are arbitrary precision ([Decimal]: an unscaled integer and a
// scale, with NaN and ±Infinity), never floats. Timestamps are microseconds
// since the Unix epoch (UTC for [KindTimestampTZ], wall-clock for
// [KindTimestamp]) with ±infinity; times are microseconds since midnight, with
// a zone offset for [KindTimeTZ]; dates are days since the epoch; intervals
// keep months, days and microseconds apart as PostgreSQL does. UUIDs are 16
// bytes, JSON is its text, arrays hold values of one element type.
//
// # Null and unchanged
//
// [Null] is SQL NULL. [Unchanged] is a different thing: the source did not
// send the value (an unchanged TOASTed column in PostgreSQL, Debezium's
// __debezium_unavailable_value). A sink must keep the column's current
// value, never write NULL for it.
package schemas
