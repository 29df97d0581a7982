// Package clean standardizes and repairs record values: pure standardizer
// functions ([Email], [Phone] to E.164, [Date] and [DateTime] to ISO 8601,
// [Country] to ISO 3166-1 alpha-2, [Bool], [Trim], [Lower], [Upper]) and a
// [RuleSet] built from a [Config] that applies them per field (or to every
// field with "*"), handles nulls (drop the record, a constant, or the mean,
// median or mode of the field's values seen so far) and drops records whose
// key repeats within a window.
//
// Every standardizer returns an error wrapping [ErrInvalid] for a value it
// cannot put in standard form; a rule then keeps the value (and reports a
// [Violation]), nulls it, drops the record or quarantines it, as
// configured.
//
// # Coercion
//
// The coerce op ([Coerce]) applies one of a schema mapping's conversions
// (transform/match: cents to decimal, date layouts, boolean words, country
// names to ISO codes, casts ...), with the mapping's own code, and checks the
// result's type. A value it cannot convert is a violation, and by default
// the record is quarantined ([Result].Quarantine) with the reason, never
// passed on or dropped silently. [ParseRule] reads the one-line form used by
// the stage's quality transform: amount=coerce:cents_to_decimal.
//
// # State
//
// The statistics for imputation are bounded (a 2,048-value reservoir and 64
// Misra-Gries counters per field) and the deduplication window is an
// [anomaly.KeySet] of 64-bit key hashes. Both live in memory for now: their
// persistence in the Pebble state store, like the detectors', is to be
// wired when the stage integration lands.
//
// # Concurrency
//
// A [RuleSet] is not safe for concurrent use; the standardizers are.
//
// # Metrics
//
// The package exports no metrics itself; the stage counts violations with
// quality.Metrics.RuleViolation (etl_validation_errors_total, kind rule).
package clean
