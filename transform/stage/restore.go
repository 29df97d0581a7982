package stage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/state"
)

// restoreIdle is how long restoration waits for more changelog records
// before it concludes that the rest of the log up to the end offset was
// compacted away.
const restoreIdle = 5 * time.Second

// changelogKey is the key of a state write on the changelog: the input
// topic, a zero byte (never part of a topic name), and the user key. The
// topic keeps the keys of co-partitioned inputs apart under compaction.
func changelogKey(topic string, k []byte) []byte {
	out := make([]byte, 0, len(topic)+1+len(k))
	out = append(out, topic...)
	out = append(out, 0)
	return append(out, k...)
}

// ensureRestored brings the state of partition k up to date with its
// changelog, once per assignment (and after an uncertain abort).
func (s *Stage) ensureRestored(ctx context.Context, cl *kgo.Client, k tp) error {
	s.mu.Lock()
	ready, owned := s.mu.owned[k]
	s.mu.Unlock()
	if ready {
		return nil
	}
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, s.cfg.RestoreTimeout)
	defer cancel()
	stats, err := s.restore(rctx, cl, k)
	if err != nil {
		return fmt.Errorf("stage %s: restore state of %s/%d: %w", s.cfg.Name, k.topic, k.partition, err)
	}
	d := time.Since(start)
	s.m.restoreDur.Observe(d.Seconds())
	s.m.restored.Add(float64(stats.Applied))
	s.log.Info("state restored", "topic", k.topic, "partition", k.partition, "records", stats.Applied,
		"changelog_offset", stats.Offset, "duration", d)
	if owned {
		s.mu.Lock()
		if _, still := s.mu.owned[k]; still {
			s.mu.owned[k] = true
		}
		s.mu.Unlock()
	}
	return nil
}

// restore applies the changelog to the local store of k: from the store's
// changelog offset if it has one, from the start otherwise (or if the local
// offset is ahead of the log, which means the topic was recreated).
func (s *Stage) restore(ctx context.Context, cl *kgo.Client, k tp) (state.RestoreStats, error) {
	store := s.db.Partition(s.cfg.Name, k.topic, k.partition)
	adm := kadm.NewClient(cl)
	end, logStart, err := s.stableEnd(ctx, adm, k.partition)
	if err != nil {
		return state.RestoreStats{Offset: -1}, err
	}
	have, err := store.ChangelogOffset()
	switch {
	case errors.Is(err, state.ErrNotFound):
		have = -1
	case err != nil:
		return state.RestoreStats{Offset: -1}, err
	}
	full := have < 0
	if have >= end || (have >= 0 && have+1 < logStart) {
		s.log.Warn("local state does not match the changelog; restoring it fully",
			"topic", k.topic, "partition", k.partition, "local_offset", have, "log_start", logStart, "log_end", end)
		if err := store.Drop(); err != nil {
			return state.RestoreStats{Offset: -1}, err
		}
		full, have = true, -1
	}
	from := have + 1
	if full {
		from = logStart
	}
	if from >= end {
		if full {
			// Nothing to restore: still clear and mark the store.
			return state.Restore(ctx, store, func(func(state.Record, error) bool) {}, state.RestoreOptions{})
		}
		return state.RestoreStats{Offset: have}, nil
	}
	records := s.readChangelog(ctx, k, from, end)
	if full {
		return state.Restore(ctx, store, records, state.RestoreOptions{})
	}
	return state.CatchUp(ctx, store, records, state.RestoreOptions{})
}

// stableEnd waits until the changelog partition has no open transaction
// (its last stable offset equals its high-water mark) and returns that end
// offset and the log start offset. An open transaction there belongs to a
// previous owner of the partition: it commits or is aborted (at the latest
// after the transaction timeout), and the state must include the outcome.
func (s *Stage) stableEnd(ctx context.Context, adm *kadm.Client, p int32) (end, logStart int64, err error) {
	topic := s.cfg.ChangelogTopic
	for {
		hwm, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			return 0, 0, fmt.Errorf("list end offsets of %s: %w", topic, err)
		}
		lso, err := adm.ListCommittedOffsets(ctx, topic)
		if err != nil {
			return 0, 0, fmt.Errorf("list stable offsets of %s: %w", topic, err)
		}
		h, ok1 := hwm.Lookup(topic, p)
		l, ok2 := lso.Lookup(topic, p)
		if !ok1 || !ok2 || h.Err != nil || l.Err != nil {
			return 0, 0, fmt.Errorf("changelog %s has no partition %d: %w", topic, p, errors.Join(h.Err, l.Err))
		}
		if l.Offset >= h.Offset {
			starts, err := adm.ListStartOffsets(ctx, topic)
			if err != nil {
				return 0, 0, fmt.Errorf("list start offsets of %s: %w", topic, err)
			}
			st, _ := starts.Lookup(topic, p)
			return h.Offset, st.Offset, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, fmt.Errorf("waiting for open transactions on %s/%d to end (stable %d, end %d): %w", topic, p, l.Offset, h.Offset, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// readChangelog reads the changelog partition from offset from up to end
// (exclusive), read_committed, and yields the writes of k's input topic.
// Control records are kept so that the position past a final commit
// marker is seen.
func (s *Stage) readChangelog(ctx context.Context, k tp, from, end int64) iter.Seq2[state.Record, error] {
	return func(yield func(state.Record, error) bool) {
		opts := append(slices.Clone(s.kopts),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
				s.cfg.ChangelogTopic: {k.partition: kgo.NewOffset().At(from)},
			}),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()),
			kgo.KeepControlRecords(),
		)
		cl, err := kgo.NewClient(opts...)
		if err != nil {
			yield(state.Record{}, fmt.Errorf("changelog client: %w", err))
			return
		}
		defer cl.Close()
		prefix := changelogKey(k.topic, nil)
		for {
			pctx, cancel := context.WithTimeout(ctx, restoreIdle)
			fs := cl.PollFetches(pctx)
			cancel()
			if err := ctx.Err(); err != nil {
				yield(state.Record{}, err)
				return
			}
			if pctx.Err() != nil && fs.NumRecords() == 0 {
				s.log.Warn("changelog ends before its end offset (compacted); restoration stops here",
					"topic", s.cfg.ChangelogTopic, "partition", k.partition, "end", end)
				return
			}
			var ferr error
			fs.EachError(func(t string, p int32, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					ferr = fmt.Errorf("fetch %s/%d: %w", t, p, err)
				}
			})
			if ferr != nil {
				yield(state.Record{}, ferr)
				return
			}
			for r := range fs.RecordsAll() {
				if r.Offset >= end {
					return
				}
				if !r.Attrs.IsControl() && bytes.HasPrefix(r.Key, prefix) {
					if !yield(state.Record{Offset: r.Offset, Key: r.Key[len(prefix):], Value: r.Value}, nil) {
						return
					}
				}
				if r.Offset >= end-1 {
					return
				}
			}
		}
	}
}
