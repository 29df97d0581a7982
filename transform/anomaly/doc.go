// Package anomaly learns, per field of a table, what normal values look like
// and flags the ones that are not: unexpected nulls, invalid formats,
// duplicates of unique keys, out-of-range values and statistical outliers,
// per field and (with an isolation forest) per row.
//
// It is unsupervised and streaming: a [Detector] learns from the data itself
// with bounded sketches (a reservoir sample for quantiles, a k-minimum-values
// sketch for distinct counts, Welford moments), so its memory does not grow
// with the number of rows, except for the 64-bit hashes of unique keys kept
// to find duplicates (see [KeySet]). Everything it learns serializes
// ([Detector.MarshalBinary]) so that a stage's detector survives restarts in
// the state store ([Store]).
//
// # Two passes or online
//
// For a file, [Detector.Learn] every row, [Detector.Freeze], then
// [Detector.Check] every row: the whole file is learnt before anything is
// judged (`quality profile --passes 2`). For a stream, [Detector.Observe]
// checks a row against the current fences and then learns it; nothing is
// flagged during the warm-up (Config.WarmUp rows), and the fences are
// recomputed every Config.Refresh rows (or, with Config.RefreshDoubling, each
// time the rows learned double, as the one-pass file profile does). The
// reservoir is uniform
// over the whole history, so slow drift is followed slowly. Keys seen during
// the warm-up are not remembered for duplicates.
//
// # What is flagged
//
// One finding per (row, field) at most, the most specific kind in this
// order:
//
//   - unexpected_null: a null in a required field, one whose learned null
//     rate is at most 0.2% + 1.6%·sensitivity (1% by default). Legitimately
//     nullable fields (20-40% nulls) are never flagged; fields can also be
//     declared nullable.
//   - invalid_format: a value whose format (see [Classify]: int, float,
//     bool, date, datetime, email, phone, uuid, text) does not fit the
//     field's dominant format, when that format covers at least
//     99% − 8%·sensitivity of the non-null values (95% by default). Free
//     text is never judged; ints fit float fields, dates fit datetime fields
//     and bare digits fit phone fields.
//   - duplicate: a repeat of a value of a unique key. Keys are declared, or
//     inferred: required, at least 95% distinct, and key-like by name (id,
//     *_id, *Id, uuid, guid, key, *_key, *_no, *_number, *_code) or by value
//     (UUIDs). Floats, dates and booleans are never inferred keys. The first
//     occurrence is normal, the later ones are flagged.
//   - out_of_range: outside configured bounds; a negative value in a field
//     learned non-negative (negatives at most as rare as the null threshold;
//     in a symmetric field also either implausible under the fitted normal,
//     expected share below 0.01%, or four times rarer than it predicts, so a
//     field that merely runs near zero may go negative);
//     a date outside the learned span (1st to 99th percentile, widened each
//     side by 5% + 50%·(1 − sensitivity) of the span, 30% by default). A
//     date field that trends (event times: the medians of successive blocks
//     of 32 dates go up at least 3 times and 4 times as often as down) has
//     an upper fence that follows the latest accepted date by the same
//     margin, so a stream's fences do not lag its events.
//   - outlier: beyond the fences of a numeric field, or a row isolated by
//     the isolation forest.
//
// # Heavy tails and fences
//
// A numeric field whose quantile skewness (q95 + q05 − 2·q50)/(q95 − q05)
// exceeds 0.2 and that is non-negative is compared in log space, or in
// asinh(x/c) space when it has 2% or more zeros (c is 1 for integer fields,
// the first quartile of positive values otherwise). Log-normal amounts and
// over-dispersed counts are then close to normal. In that space the fences
// are, with k = 3 + 4·(1 − sensitivity) (5 by default):
//
//   - mad (default): median ± k·1.4826·MAD (a robust z-score);
//   - zscore: mean ± k·stddev;
//   - iqr: Q1 − m·IQR and Q3 + m·IQR with m = 1.5 + 3·(1 − sensitivity) (3
//     by default, Tukey's far-out fence).
//
// Whatever the method, a fence is never closer to the median than the
// 1st/99th percentile plus (k/5) times its distance to the median, which
// keeps zero-inflated and heavier-than-log tails from flooding; and an
// integer field never flags a value within 3 of its median. Zeros in a
// log-scaled field are not outliers.
//
// The isolation forest (128 trees of 256 rows, deterministic seed) learns
// from the sampled rows whose numeric fields are all within their fences, in
// units of each field's robust z. A row is scored only when Σz² over those
// fields exceeds the χ² quantile at the normal quantile 2.5 + 2.4·(1 −
// sensitivity) (3.7 by default); it is an outlier when its score is at least
// 0.62 + 0.16·(1 − sensitivity) (0.70 by default) and none of its fields was
// already flagged, and it is reported on its most deviant field. The forest
// cannot isolate a value beyond the range of its sample along one axis; that
// case is the per-field fences' job.
//
// # Concurrency
//
// A [Detector] is not safe for concurrent use; a stage keeps one per
// partition.
package anomaly
