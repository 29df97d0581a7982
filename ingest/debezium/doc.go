// Package debezium reads the topics Debezium writes into helios-etl's
// change-event model ([schemas.Event]): data change events, tombstones,
// transaction metadata, schema change events and heartbeats.
//
// A [Decoder] classifies each Kafka [Record] by its topic and, where the
// topic name is ambiguous, by the shape of its value ([Decoder.Classify]),
// then decodes it into a [Message]. Data change events are read by
// [envelope.Decoder] in one pass over the message: Kafka Connect's
// JsonConverter with schemas.enable=true (the schema section is parsed once
// per distinct schema and cached) or false ([Config.Hint] then gives the
// row schema), full envelopes (ops c, u, d, r, t) and rows flattened by
// ExtractNewRecordState ("__op"/"__deleted" give the operation). Debezium's
// semantic types map to the model as the envelope package documents,
// geometry included (EWKB bytes); __debezium_unavailable_value becomes
// [schemas.Unchanged].
//
// # Avro
//
// Records in the Confluent wire format (a zero byte, a 4-byte schema id,
// the Avro binary body), as Confluent's AvroConverter writes them, are
// decoded when [Config.Registry] is set: each schema id is fetched once
// ([Decoder.DecodeContext] bounds the lookup) and turned into a decoding
// plan, and every record is then read in one pass over its bytes. The
// semantic types are told by the "connect.name" and "connect.parameters"
// of the Avro schema, so they decode to the same values as with the JSON
// converter; transaction metadata and schema change records are told by
// their schema names. Avro was tested against messages encoded by an
// independent implementation (goavro) from schemas written as the
// AvroConverter writes them, not yet against a live schema registry.
//
// # Topics
//
//	__debezium-heartbeat.*          KindHeartbeat, not decoded ([Config.HeartbeatPrefix])
//	<prefix>.transaction            KindTransaction when the payload has status and id ([DecodeTransaction])
//	<prefix> (fewer than 3 parts)   KindSchemaChange when the payload has ddl or tableChanges ([DecodeSchemaChange])
//	anything else                   KindChange, or KindTombstone for an empty value or a null payload
//
// [Config.TransactionTopics] and [Config.SchemaChangeTopics] name the
// metadata topics outright when Debezium's topic names were changed.
//
// # Connectors
//
// The PostgreSQL and MySQL connectors write the same envelope; their source
// blocks differ (MySQL has file, pos, gtid; the decoder keeps db, table,
// txId/lsn where present, and skips the rest). The MongoDB connector writes
// documents as extended JSON text; they decode to the row of
// [envelope.MongoDBFields] (document, patch, filter, update_description).
// The record key fills Message.Key and names the key columns of the event's
// schema (Schema.Key), since the value envelope does not say which columns
// form the key.
//
// # Errors
//
// Every error of [Decoder.Decode] is a [*RecordError] naming the topic,
// partition, offset and the part (key or value) that failed, wrapping the
// cause ([envelope.DecodeError] with the JSON path and byte offset for
// change events). Callers send such records to the dead-letter topic with
// the error's text as the reason and go on with the next record: the stage
// runtime does so with format "debezium" (package transform/stage), and
// helios-etl debezium decode reports them on stderr.
//
// # Debezium and helios-etl's CDC
//
// integration.TestDebeziumConformance runs one workload through the real
// Debezium PostgreSQL connector and through helios-etl's own CDC and
// requires the same events from both, field by field, except for these
// documented differences:
//
//   - source metadata: version, name (topic prefix), sequence, ts_ns,
//     xmin, origin differ; connector, db, schema, table, txId, lsn and the
//     commit time (source.ts_us) are the same;
//   - the envelope's ts_ms/ts_us (processing time) and the transaction
//     block (helios-etl writes null; Debezium writes it with
//     provide.transaction.metadata=true);
//   - type metadata: helios-etl names each column's source type
//     (__debezium.source.column.type), Debezium only with
//     column.propagate.source.type; Connect schema names use each one's
//     topic prefix;
//   - timetz: Debezium converts to UTC ("04:30:00.5Z"), helios-etl keeps the
//     offset ("10:00:00.5+05:30"): the same instant of the day;
//   - numeric without scale: Debezium drops trailing zeros (scale 49 where
//     PostgreSQL has 50 digits), helios-etl keeps PostgreSQL's scale: equal
//     numerically;
//   - numeric NaN: Debezium writes null, helios-etl "NaN";
//   - bit(n): Debezium writes io.debezium.data.Bits (the bits as a
//     little-endian number), helios-etl the bit string "1010101010";
//   - transaction metadata: helios-etl's CDC writes no transaction topic;
//   - schema changes: Debezium's PostgreSQL connector writes no schema
//     change topic; helios-etl's CDC writes its own
//     "<prefix>.schema-changes" records, which [DecodeSchemaChange] reads.
//
// Both follow each delete with a tombstone (Debezium's
// tombstones.on.delete=true); helios-etl's CDC did not before this
// conformance test found it.
//
// # Performance
//
// BenchmarkDecode and BenchmarkDecodeAvro decode whole records (value and
// key) on one core of the shared 2-core development VM (load 5, so the
// figures spread by up to 2x between runs; compare with benchstat):
//
//	10-column update (orders), schema section      104k-146k records/s   808 B/op   13 allocs/op
//	10-column update (orders), payload only        100k-200k records/s   808 B/op   13 allocs/op
//	31-column row of every type + 8 kB text, real  26k-34k records/s     11.7 kB/op 55 allocs/op
//	  Debezium message (01_insert_full.json), schema section
//	the same, payload only                         24k-39k records/s     11.7 kB/op 55 allocs/op
//	24-column update, Avro (Confluent wire format) 81k-122k records/s    2.0 kB/op  27 allocs/op
//
// The schema section costs little: it is parsed once per distinct schema
// and recognised afterwards by a prefix comparison; allocations are the
// row, the key, and one per string, bytes or array value kept.
//
// # Concurrency
//
// A [Decoder] caches schemas and is not safe for concurrent use; use one
// per goroutine.
package debezium
