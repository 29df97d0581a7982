// Package ops provides the transforms a stage runs: field projection,
// renaming, filtering by operation or by a field comparison, required
// fields, masking of sensitive fields, a per-key counter kept in partition state, the quarantine of
// records with anomalous values, and data-quality scoring with cleaning
// and coercion ([Quality]).
//
// Each is a [stage.Transform]. [Parse] builds one from the one-line
// specification used in the configuration file:
//
//	project id,name,email       keep these fields (envelope format)
//	rename name=full_name       rename fields (envelope format)
//	filter op in c,u,r          keep events whose op is listed
//	filter op != d              keep events whose op differs
//	filter amount >= 100        keep events whose field compares true (==, !=, <, <=, >, >=;
//	                            numbers, strings, true/false, null)
//	require id,email            dead-letter events where a field is missing or null
//	mask email,public.users.ssn:hash,phone:partial
//	                            mask fields in before and after (transform/mask): redact
//	                            (default, "***"), hash (HMAC-SHA256 hex with [Options].MaskKey)
//	                            or partial (last 4 characters); masked fields become strings
//	count                       count records per key in state; header helios.count
//	quarantine [sensitivity] [checkpoint=N]
//	                            dead-letter events with anomalous values (transform/anomaly,
//	                            learnt per partition; the detector stays in memory and is
//	                            saved to partition state every N changed batches, default 10)
//	quality                     score each field per window and act on thresholds (fail,
//	                            alert, quarantine); settings in [Options].Quality, see
//	                            [QualityConfig] and [Quality]
//
// project, rename, filter, require and mask need decoded events (the stage's
// envelope format); a record without an event is dead-lettered by them,
// except for filter on op, which drops it; quarantine passes records
// without an event on unchecked. count works on any record.
//
// # State
//
// quarantine and quality keep per-partition data in memory and implement
// [stage.PartitionCache]: they reload it from the partition state after
// the stage tells them to forget a partition. quality's state keys are
// quality/window, quality/detector and, under quality/clean/, its
// cleaning rules' deduplication keys and imputation statistics.
//
// # Metrics
//
// quality exports, on the [quality.Metrics] of its configuration,
// etl_quality_score, etl_validation_errors_total,
// etl_anomalies_detected_total and etl_quality_breaches_total (see package
// transform/quality).
package ops
