// Package envelope encodes and decodes change events in Debezium's JSON
// envelope, as Kafka Connect's JsonConverter writes it: with the "schema"
// section (schemas.enable=true) or without it (the payload alone), and
// Debezium's key shape (a struct of the primary-key columns).
//
// # Value mapping
//
// Types are written as Debezium's PostgreSQL connector writes them with
// decimal.handling.mode=precise, time.precision.mode=adaptive_time_microseconds,
// interval.handling.mode=string and binary.handling.mode=bytes:
//
//	bool                boolean
//	int16/int32/int64   int16/int32/int64
//	float32/float64     float/double; NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity" (as Jackson writes them)
//	decimal(p,s)        bytes, org.apache.kafka.connect.data.Decimal: base64 of the big-endian two's complement unscaled value
//	decimal (no scale)  struct io.debezium.data.VariableScaleDecimal {scale int32, value bytes}
//	string              string
//	bytes               bytes (base64)
//	uuid                string io.debezium.data.Uuid
//	json                string io.debezium.data.Json (the JSON text)
//	date                int32 io.debezium.time.Date (days since the epoch)
//	time                int64 io.debezium.time.MicroTime
//	timetz              string io.debezium.time.ZonedTime ("10:15:30+02:00"; Debezium itself writes UTC)
//	timestamp           int64 io.debezium.time.MicroTimestamp
//	timestamptz         string io.debezium.time.ZonedTimestamp ("2024-01-02T03:04:05.123456Z")
//	interval            string io.debezium.time.Interval (ISO 8601, exact months/days/micros)
//	enum                string io.debezium.data.Enum, parameters.allowed = "a,b,c"
//	array               array of the element mapping; a multi-dimensional array (PostgreSQL's
//	                    array types do not count dimensions) nests arrays of the same type
//
// The decoder also reads the other representations Debezium produces:
// io.debezium.time.{Time,NanoTime,Timestamp,NanoTimestamp,MicroDuration,Year},
// org.apache.kafka.connect.data.{Date,Time,Timestamp}, io.debezium.data.{EnumSet,Bits,Xml};
// io.debezium.data.geometry.{Geometry,Geography,Point} as bytes holding the
// WKB, made extended WKB (PostGIS's EWKB, the SRID inside) when the struct
// has an SRID, and with the source type "geometry", "geography" or "point";
// a struct it does not know becomes a JSON value holding the struct's text.
//
// MongoDB's envelope, whose before and after are the documents' extended
// JSON text, decodes to a row of the [MongoDBFields]: the document, and an
// update's patch, filter (connectors before 1.x) or updateDescription.
//
// # Special values
//
// NaN and ±Infinity decimals are written as the strings "NaN", "Infinity"
// and "-Infinity" in place of the base64 bytes (Debezium writes null). The
// encoder never writes a finite decimal whose base64 text is one of those
// strings or the placeholder's: it adds a sign-extension byte, which changes
// the text but not the value, so decoding is exact. The unchanged marker
// is written as Debezium's "__debezium_unavailable_value" placeholder: as
// that string for string-like and numeric fields, and as the base64 of its
// bytes for binary and decimal fields.
//
// # Decoding without a schema section
//
// Payload-only messages carry no types, so [Decoder.Decode] then needs the
// row schema as a hint. A decimal field's JSON string is read as base64
// (precise mode) and a JSON number as exact decimal text.
//
// # Concurrency
//
// An [Encoder] or [Decoder] caches per-schema work and is not safe for
// concurrent use: use one per goroutine.
package envelope
