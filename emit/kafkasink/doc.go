// Package kafkasink writes change events to Kafka topics: as Debezium JSON
// envelopes ([FormatJSON]), as flat JSON rows ([FormatJSONFlat]), or as Avro
// in the Confluent wire format with schemas in a Confluent-compatible
// registry ([FormatAvro]). It implements [emit.Sink].
//
// # Avro mapping
//
// The value of every change is one record, named after the table (namespace
// helios.<schema>): the row's columns (the after image; the before image for
// a delete) and metadata fields. Key columns are plain types; every other
// column is a union ["null", T] with default null, because a delete's before
// image holds only the key.
//
//	bool                 boolean
//	int16, int32         int
//	int64                long
//	float32, float64     float, double
//	decimal(p,s)         bytes, logicalType decimal, precision p, scale s (NaN and ±Infinity are rejected: a bad record)
//	decimal (no scale)   string: the exact decimal text, "NaN" and "Infinity" included ("helios.type": "decimal")
//	string, json         string (json marked "helios.type": "json")
//	bytes                bytes
//	uuid                 string, logicalType uuid
//	date                 int, logicalType date (±infinity as the extreme ints)
//	time                 long, logicalType time-micros
//	timestamp            long, logicalType local-timestamp-micros (±infinity as the extreme longs)
//	timestamptz          long, logicalType timestamp-micros (ditto)
//	timetz, interval     string: "10:15:30+05:30", ISO 8601 "P1Y2M-3DT4H" ("helios.type" says which)
//	enum                 enum <column>_enum when every label is an Avro name, else string
//	array                array of ["null", element]
//
// Metadata fields: __op (c, u, d, r), __deleted (boolean), __lsn (["null",
// "long"]), __source_ts_us (timestamp-micros of the source commit) and
// __unchanged: the names of the columns the source did not send (unchanged
// TOASTed values), whose fields are null — a consumer must keep its value
// for them, not write null. The key is a record of the key columns
// (subject <topic>-key). Truncate events have no Avro form.
//
// # Schema registry
//
// Subjects follow the topic-name strategy: <topic>-value and <topic>-key.
// Before a new schema version is registered it is checked against the
// subject's latest version (POST /compatibility/subjects/{s}/versions/latest);
// a new subject first gets the configured compatibility level (BACKWARD by
// default, PUT /config/{s}). An incompatible version follows
// [Config].OnIncompatible: [PolicyFail] returns an [*IncompatibleError]
// naming the subject, the source schema version and the registry's reasons;
// [PolicyQuarantine] sends the records of that version to the dead-letter
// topic as JSON envelopes with the reason in headers, and goes on.
//
// # Delivery
//
// As an [emit.Sink] (helios-etl sink kafka): at least once. Write returns
// after Kafka acknowledged every record, and the caller commits consumer
// offsets after it. As a stage transform ([Sink.Transform]) in an
// exactly-once stage of package transform/stage: exactly once, the output
// committing in the stage's Kafka transaction with the input offsets (one
// output topic per stage).
//
// # Concurrency
//
// A Sink is safe for concurrent use; writes are serialized.
//
// # Metrics
//
//	etl_kafkasink_records_total{format,dlq}       records produced
//	etl_kafkasink_schemas_registered_total        schema versions registered
//	etl_kafkasink_schemas_incompatible_total      versions the registry refused
//	etl_kafkasink_quarantined_total               records sent to the DLQ for an incompatible schema
package kafkasink
