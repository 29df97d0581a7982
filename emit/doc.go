// Package emit is where change events leave helios-etl: the [Sink] contract
// the load targets implement, the [Record] they receive (an event with the
// Kafka position it was read from), a [Decoder] that turns CDC topic records
// into Records, and a small consumer loop ([Consumer]) that drives a Sink
// from Kafka until the consumer-group stage runtime takes that role.
//
// The targets live in subpackages: [github.com/heliosdb/helios-etl/emit/pgsink]
// applies changes to PostgreSQL tables exactly once, and
// [github.com/heliosdb/helios-etl/emit/kafkasink] writes JSON or Avro topics.
//
// # Delivery
//
// A Sink's Write either applies a whole batch or returns an error and
// applies nothing the caller can observe as committed. A sink that stores
// the consumed offsets with the data (pgsink) implements [Resumer], and the
// Consumer then starts every assigned partition at the position the sink
// reports, whatever the group's committed offsets say.
//
// # Context
//
// Every blocking call takes a context that bounds that call only.
// [Consumer.Run] returns when its context ends, after the batch in flight
// has been written or abandoned as a whole.
//
// # Concurrency
//
// A Decoder is not safe for concurrent use. Sinks say in their own
// documentation whether Write may be called concurrently; the Consumer
// calls it from one goroutine.
//
// # Metrics
//
// The Consumer registers, on the injected registerer:
//
//	etl_sink_records_total{sink,outcome}  records consumed: outcome=applied, dlq, skipped (tombstones)
//	etl_sink_dlq_total{sink,reason}       records sent to the dead-letter topic, by reason
//
// Sinks register their own metrics (see their packages).
package emit
