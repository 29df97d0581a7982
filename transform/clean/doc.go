// Package clean standardizes and repairs record values: pure standardizer
// functions ([Email], [Phone] to E.164, [Date] and [DateTime] to ISO 8601,
// [Country] to ISO 3166-1 alpha-2, [Bool], [Trim], [Lower], [Upper]) and a
// [RuleSet] built from a [Config] that applies them per field (or to every
// field with "*"), handles nulls (drop the record, a constant, or the mean,
// median or mode of the field's values seen so far) and drops records whose
// key repeats within a window, in memory or in a [Store] (see State).
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
// Imputation draws on bounded statistics of the imputed fields' non-null
// values (a 2,048-value reservoir for the median, a running mean, 64
// Misra-Gries counters for the mode; imputed values are not counted).
// Deduplication hashes the key fields' values (64-bit xxhash) and drops a
// record whose key is among the last Window new keys (0: every key seen);
// a repeat does not make a key new again. The drop is a [Result] with
// Drop, Duplicate and the reason "duplicate key FIELDS"; the stage's
// quality transform counts it (etl_validation_errors_total, kind
// duplicate) and marks the key's uniqueness, and a uniqueness threshold
// with action quarantine sends it to the dead-letter topic instead.
//
// Without a store, both live in memory ([anomaly.KeySet] for the keys,
// whose window is approximate: between Window/2 and Window keys). After
// [RuleSet.Load] they live in a [Store] (in a stage, the input
// partition's Pebble state, committed in the batch's transaction with the
// offsets and mirrored to the changelog):
//
//   - Every key is its own entry, key hash → sequence number, so a lookup
//     is a point read and a batch writes only its new keys. The window is
//     a ring of sequence → key hash entries: the key that takes sequence s
//     evicts the key of s − Window (both its entries), so the state holds
//     exactly the window. A batch writes about 100 bytes a new key (two
//     entries written and two deleted: the changelog gets as many records),
//     about 25 with an unbounded window (no ring), and nothing for a
//     duplicate. Within a batch, a key seen earlier in the batch is a
//     duplicate: the batch reads its own writes.
//   - Windows up to [MirrorMax] keys are also kept in memory (the ring and
//     a hash → sequence map), which answers without reading the store once
//     Window new keys have passed since the load. Windows up to [RingMax]
//     keep the ring and a Bloom filter in two generations instead (about
//     10.5 bytes a key): a new key the filter has never seen, and the
//     eviction of the key leaving the window, read nothing; a key the
//     filter may hold is read to be sure. Unbounded windows read the store
//     for every key. The memory is what the stage
//     tells the transform to forget on a revoke or an abort, so it never
//     holds what the committed state does not.
//   - The statistics are saved (JSON, a few KiB a field) by [RuleSet.End]
//     once every N batches that changed them, not on every batch: a
//     reload (restart, rebalance, abort) forgets what at most N−1
//     committed batches added to them, and imputes from the last
//     checkpoint until they are learnt again. Imputation is an estimate;
//     the exact keys are what must not be lost.
//   - Changing Window keeps the keys held: after a smaller window, keys
//     beyond it read as unseen at once and their entries are removed when
//     they come again; after a larger one, keys still held count again,
//     those evicted meanwhile do not.
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
