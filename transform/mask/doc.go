// Package mask hides sensitive field values in change events: it replaces
// them with "***" (redact), a keyed HMAC-SHA256 (hash) or their last four
// characters (partial).
//
// A [Rule] names a column in every table ("email") or in one table
// ("public.users.ssn", matched against the event's Source.Schema and
// Source.Table, or its schema's name when the source does not say), and a
// [Method]; [ParseRules] reads the one-line form "email,public.users.ssn:hash".
// [New] builds a [Masker] from rules; it needs a key of at least [MinKeyLen]
// bytes when a rule uses hash, and refuses to work without one.
//
// # Values and types
//
// Every masked field becomes a string: the masked event's schema is a
// copy of the input's in which the masked fields have type string (Source
// "text") and keep their nullability, so encoders and sinks see a schema
// that matches the values. NULL stays NULL and the unchanged marker stays
// unchanged: whether a value is absent is not hidden. Other values are
// masked from their canonical text ([schemas.Value.String]: 42, 2024-01-31,
// \x0102 for bytes):
//
//	redact   "***", whatever the value
//	hash     lower-case hex of HMAC-SHA256(key, text): 64 characters, equal
//	         for equal values in every table and record, so joins and
//	         group-bys on the masked column still work; without the key the
//	         value cannot be recovered or confirmed by guessing
//	partial  "***" followed by the last 4 characters (runes) of the text;
//	         a text of 4 characters or fewer becomes "***"
//
// Both images are masked: After and Before. The record's key is not: a
// masked column that is part of the primary key still shows in the Kafka
// key of the record, so mask key columns with hash upstream or not at all.
//
// # Concurrency
//
// A Masker is not safe for concurrent use (it reuses its HMAC state and
// caches one plan per schema); give each goroutine its own.
package mask
