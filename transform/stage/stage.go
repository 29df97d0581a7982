package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"

	"github.com/heliosdb/helios-etl/ingest/debezium"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/state"
)

// Headers the stage adds. Output records carry the Source* headers; dead
// letters carry the DLQ* headers too, besides the input record's own.
const (
	HeaderSourceTopic     = "helios.source.topic"
	HeaderSourcePartition = "helios.source.partition"
	HeaderSourceOffset    = "helios.source.offset"
	HeaderDLQError        = "helios.dlq.error"
	HeaderDLQStage        = "helios.dlq.stage"
	HeaderDLQTime         = "helios.dlq.time"
	HeaderDLQAttempt      = "helios.dlq.attempt"
)

// Deps are what a stage uses but does not own.
type Deps struct {
	// Kafka are the client options that reach the cluster: seed brokers,
	// TLS, SASL, client ID, compression. The stage adds its own.
	Kafka []kgo.Opt
	// State holds the partition state; nil runs the stage without state
	// ([Batch.State] then returns nil and no changelog is written).
	State *state.DB
	// Logger receives the stage's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the stage's metrics and franz-go's (kprom); nil
	// registers nothing.
	Registerer prometheus.Registerer
}

// Stage is a consumer-group step that reads Inputs, runs a chain of
// [Transform] over batches and writes Output; see the package
// documentation. Create it with [New] and run it with [Stage.Run].
type Stage struct {
	cfg   Config
	chain []Transform
	db    *state.DB
	kopts []kgo.Opt
	log   *slog.Logger
	m     *metrics
	kprom *kprom.Metrics
	live  atomic.Pointer[Live]
	codec *codec // nil with FormatRaw; used by Run's goroutine only

	mu struct {
		sync.Mutex
		owned map[tp]bool // owned partitions: true once the state is restored
	}
}

type tp struct {
	topic     string
	partition int32
}

// New checks cfg (after defaults) and returns a stage. It starts nothing.
func New(cfg Config, chain []Transform, deps Deps) (*Stage, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		return nil, errors.New("stage: no transforms")
	}
	if len(deps.Kafka) == 0 {
		return nil, errors.New("stage: no Kafka client options (seed brokers)")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Stage{
		cfg:   cfg,
		chain: slices.Clone(chain),
		db:    deps.State,
		kopts: slices.Clone(deps.Kafka),
		log:   log.With("stage", cfg.Name),
	}
	m, err := newMetrics(cfg.Name, deps.Registerer)
	if err != nil {
		return nil, err
	}
	s.m = m
	if deps.Registerer != nil {
		s.kprom = kprom.NewMetrics("etl_kafka", kprom.Registerer(deps.Registerer), kprom.WithStaticLabel(prometheus.Labels{"stage": cfg.Name}))
	}
	live := cfg.Live
	s.live.Store(&live)
	switch cfg.Format {
	case FormatEnvelope:
		s.codec = &codec{dec: envelope.NewDecoder(), enc: envelope.NewEncoder(envelope.Options{Schemas: cfg.EnvelopeSchemas})}
	case FormatDebezium:
		s.codec = &codec{dbz: debezium.NewDecoder(debezium.Config{}), enc: envelope.NewEncoder(envelope.Options{Schemas: cfg.EnvelopeSchemas})}
	}
	s.mu.owned = map[tp]bool{}
	return s, nil
}

// Reload replaces the live settings; the next batch uses them.
func (s *Stage) Reload(l Live) error {
	l = l.withDefaults()
	if err := l.Validate(); err != nil {
		return err
	}
	s.live.Store(&l)
	s.log.Info("live settings reloaded", "batch_size", l.BatchSize, "batch_bytes", l.BatchBytes,
		"batch_timeout", l.BatchTimeout, "max_inflight_bytes", l.MaxInflightBytes, "max_attempts", l.MaxAttempts)
	return nil
}

// session is what the loop needs of the consumer: a GroupTransactSession's
// client in exactly-once mode, a plain group client otherwise.
type session struct {
	cl  *kgo.Client
	txn *kgo.GroupTransactSession // nil at least once
}

// Run creates the topics that are missing, joins the group and processes
// batches until ctx is done or a fatal error. Once ctx is done, Run
// finishes the batch in hand (committing it) within DrainTimeout, leaves
// the group and returns nil. Any other return is an error: the open
// transaction was aborted and the stage must be restarted. Call Run once.
func (s *Stage) Run(ctx context.Context) error {
	if err := s.ensureTopics(ctx); err != nil {
		return err
	}
	sess, err := s.connect()
	if err != nil {
		return err
	}
	// work bounds the work on a batch: it outlives ctx by DrainTimeout.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopDrain := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.cfg.DrainTimeout, cancelWork)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stopDrain()

	err = s.loop(ctx, work, sess)
	if sess.txn != nil {
		sess.txn.Close()
	} else {
		sess.cl.Close()
	}
	s.m.forgetAll()
	if err != nil {
		return err
	}
	s.log.Info("stage stopped")
	return nil
}

func (s *Stage) connect() (*session, error) {
	live := s.live.Load()
	opts := append(slices.Clone(s.kopts),
		kgo.ConsumerGroup(s.cfg.Name),
		kgo.ConsumeTopics(s.cfg.Inputs...),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.BlockRebalanceOnPoll(),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxPartitionBytes(int32(min(live.MaxInflightBytes, 1<<30))),
		kgo.RecordPartitioner(partitioner{changelog: s.cfg.ChangelogTopic, other: kgo.StickyKeyPartitioner(nil)}),
		kgo.OnPartitionsAssigned(s.onAssigned),
		kgo.OnPartitionsRevoked(s.onRevoked),
		kgo.OnPartitionsLost(s.onRevoked),
	)
	if s.kprom != nil {
		opts = append(opts, kgo.WithHooks(s.kprom))
	}
	if s.cfg.SessionTimeout > 0 {
		opts = append(opts, kgo.SessionTimeout(s.cfg.SessionTimeout))
	}
	if s.cfg.Mode == ExactlyOnce {
		opts = append(opts,
			kgo.TransactionalID(s.cfg.transactionalID()),
			kgo.TransactionTimeout(s.cfg.TransactionTimeout),
		)
		txn, err := kgo.NewGroupTransactSession(opts...)
		if err != nil {
			return nil, fmt.Errorf("stage %s: transactional client: %w", s.cfg.Name, err)
		}
		return &session{cl: txn.Client(), txn: txn}, nil
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("stage %s: client: %w", s.cfg.Name, err)
	}
	return &session{cl: cl}, nil
}

// onAssigned records new partitions: their state is restored before their
// first batch. It runs in the client's group goroutine, while no batch is
// in progress (BlockRebalanceOnPoll).
func (s *Stage) onAssigned(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, ps := range assigned {
		for _, p := range ps {
			s.mu.owned[tp{t, p}] = false
		}
	}
	s.log.Info("partitions assigned", "partitions", assigned)
}

// onRevoked forgets partitions that moved away. Their local state is kept:
// if they come back, only the changelog written since is applied.
func (s *Stage) onRevoked(_ context.Context, _ *kgo.Client, revoked map[string][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, ps := range revoked {
		for _, p := range ps {
			delete(s.mu.owned, tp{t, p})
			s.m.forget(t, p)
			s.forgetCaches(tp{t, p})
		}
	}
	s.log.Info("partitions revoked", "partitions", revoked)
}

// loop polls and processes batches until ctx is done.
func (s *Stage) loop(ctx, work context.Context, sess *session) error {
	for {
		if ctx.Err() != nil {
			return nil
		}
		batch, paused := s.poll(ctx, sess.cl)
		var err error
		if len(batch) > 0 {
			err = s.process(work, sess, batch)
		}
		if len(paused) > 0 {
			sess.cl.ResumeFetchPartitions(paused)
		}
		sess.cl.AllowRebalance()
		if err != nil {
			return err
		}
		s.m.tick(0)
	}
}

// poll gathers one batch: up to BatchSize records and BatchBytes bytes,
// waiting at most BatchTimeout after the first record. A partition that
// reaches MaxInflightBytes is paused until the batch is done; the paused
// partitions are returned.
func (s *Stage) poll(ctx context.Context, cl *kgo.Client) ([]*kgo.Record, map[string][]int32) {
	live := s.live.Load()
	var (
		recs     []*kgo.Record
		bytes    int
		perPart  = map[tp]int{}
		paused   map[string][]int32
		deadline time.Time
	)
	for len(recs) < live.BatchSize && bytes < live.BatchBytes {
		pctx := ctx
		var cancel context.CancelFunc
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			pctx, cancel = context.WithTimeout(ctx, left)
		} else {
			// Wake up now and then while idle, to keep the gauges fresh.
			pctx, cancel = context.WithTimeout(ctx, time.Second)
		}
		fs := cl.PollRecords(pctx, live.BatchSize-len(recs))
		cancel()
		if fs.IsClientClosed() {
			break
		}
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				s.log.Warn("fetch error", "topic", t, "partition", p, "err", err)
			}
		})
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) == 0 {
				return
			}
			last := p.Records[len(p.Records)-1]
			s.m.lag(p.Topic, p.Partition, p.HighWatermark-last.Offset-1)
			k := tp{p.Topic, p.Partition}
			for _, r := range p.Records {
				n := len(r.Key) + len(r.Value)
				bytes += n
				perPart[k] += n
			}
			recs = append(recs, p.Records...)
			if perPart[k] >= live.MaxInflightBytes {
				if paused == nil {
					paused = map[string][]int32{}
				}
				paused[p.Topic] = append(paused[p.Topic], p.Partition)
			}
		})
		if len(paused) > 0 {
			cl.PauseFetchPartitions(paused)
		}
		if len(recs) > 0 && deadline.IsZero() {
			deadline = time.Now().Add(live.BatchTimeout)
		}
		if len(recs) == 0 && (pctx.Err() != nil || ctx.Err() != nil) {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	return recs, paused
}

// partitionWork is the result of one input partition's share of a batch.
type partitionWork struct {
	key    tp
	base   *State // nil without state
	out    []*Record
	failed []failure
}

// process runs one batch: transforms per partition, then one transaction
// (or one produce-then-commit at least once).
func (s *Stage) process(ctx context.Context, sess *session, recs []*kgo.Record) error {
	start := time.Now()
	groups := map[tp][]*kgo.Record{}
	var order []tp
	for _, r := range recs {
		k := tp{r.Topic, r.Partition}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	if sess.txn != nil {
		if err := sess.txn.Begin(); err != nil {
			return fmt.Errorf("stage %s: begin transaction: %w", s.cfg.Name, err)
		}
	}
	abort := func(cause error) error {
		if sess.txn != nil {
			if _, err := sess.txn.End(ctx, kgo.TryAbort); err != nil {
				cause = errors.Join(cause, fmt.Errorf("abort: %w", err))
			}
			s.m.aborts.Inc()
		}
		s.mustCatchUp(order)
		return cause
	}

	// Produce outputs, dead letters and changelog records of each
	// partition as soon as its transforms are done, so that producing
	// overlaps with the next partition's transforms.
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
		clOffset = map[tp]*atomic.Int64{}
	)
	promise := func(off *atomic.Int64) func(*kgo.Record, error) {
		return func(r *kgo.Record, err error) {
			defer wg.Done()
			if err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("produce to %s: %w", r.Topic, err)
				}
				errMu.Unlock()
				return
			}
			if off != nil {
				for {
					cur := off.Load()
					if r.Offset <= cur || off.CompareAndSwap(cur, r.Offset) {
						break
					}
				}
			}
		}
	}
	produce := func(r *kgo.Record, off *atomic.Int64) {
		wg.Add(1)
		sess.cl.Produce(ctx, r, promise(off))
	}
	works := make([]*partitionWork, 0, len(order))
	var outN int
	for _, k := range order {
		w, err := s.runPartition(ctx, sess.cl, k, groups[k])
		if err != nil {
			// Records of earlier partitions may be in the transaction:
			// the abort discards them.
			abortErr := abort(err)
			wg.Wait()
			return abortErr
		}
		works = append(works, w)
		for _, r := range w.out {
			produce(s.outputRecord(r), nil)
		}
		outN += len(w.out)
		for _, f := range w.failed {
			produce(s.deadLetter(f), nil)
			s.m.dlq.Inc()
			s.log.Warn("dead letter", "topic", f.in.Topic, "partition", f.in.Partition, "offset", f.in.Offset, "attempt", f.attempt, "err", f.err)
		}
		if w.base != nil && len(w.base.order) > 0 {
			off := new(atomic.Int64)
			off.Store(-1)
			clOffset[w.key] = off
			for _, k := range w.base.order {
				wr := w.base.writes[k]
				r := &kgo.Record{Topic: s.cfg.ChangelogTopic, Partition: w.key.partition, Key: changelogKey(w.key.topic, []byte(k))}
				if !wr.del {
					r.Value = wr.v
				}
				produce(r, off)
			}
		}
	}
	if err := sess.cl.Flush(ctx); err != nil {
		err = abort(fmt.Errorf("stage %s: flush: %w", s.cfg.Name, err))
		wg.Wait()
		return err
	}
	wg.Wait()
	if firstErr != nil {
		return abort(fmt.Errorf("stage %s: %w", s.cfg.Name, firstErr))
	}

	if sess.txn != nil {
		committed, err := sess.txn.End(ctx, kgo.TryCommit)
		if err != nil {
			s.m.aborts.Inc()
			s.mustCatchUp(order)
			return fmt.Errorf("stage %s: end transaction: %w", s.cfg.Name, err)
		}
		if !committed {
			// A rebalance (or a fenced commit) aborted it: the client
			// rewound to the committed offsets; the batch runs again.
			s.m.aborts.Inc()
			s.mustCatchUp(order)
			s.log.Info("transaction aborted by a rebalance; the batch will be read again", "records", len(recs))
			return nil
		}
	}
	// The changelog now holds the writes: apply them locally. A crash
	// before this commit is repaired by the catch-up on the next
	// assignment, since the changelog is the source of truth.
	if err := s.commitState(works, clOffset); err != nil {
		return err
	}
	if sess.txn == nil {
		if err := sess.cl.CommitUncommittedOffsets(ctx); err != nil {
			return fmt.Errorf("stage %s: commit offsets: %w", s.cfg.Name, err)
		}
	}
	s.m.commits.Inc()
	s.m.rows.Add(float64(len(recs)))
	s.m.out.Add(float64(outN))
	s.m.duration.Observe(time.Since(start).Seconds())
	s.m.tick(len(recs))
	return nil
}

// commitState writes the committed batch's state to Pebble with the
// changelog offsets it reached.
func (s *Stage) commitState(works []*partitionWork, clOffset map[tp]*atomic.Int64) error {
	if s.db == nil || len(clOffset) == 0 {
		return nil
	}
	b := s.db.NewBatch()
	defer func() { _ = b.Close() }()
	for _, w := range works {
		off, ok := clOffset[w.key]
		if !ok {
			continue
		}
		store := s.db.Partition(s.cfg.Name, w.key.topic, w.key.partition)
		for _, k := range w.base.order {
			wr := w.base.writes[k]
			var err error
			if wr.del {
				err = b.Delete(store, []byte(k))
			} else {
				err = b.Put(store, []byte(k), wr.v)
			}
			if err != nil {
				return fmt.Errorf("stage %s: state: %w", s.cfg.Name, err)
			}
		}
		if o := off.Load(); o >= 0 {
			if err := b.SetChangelogOffset(store, o); err != nil {
				return fmt.Errorf("stage %s: state: %w", s.cfg.Name, err)
			}
		}
	}
	if err := b.Commit(false); err != nil {
		return fmt.Errorf("stage %s: state: %w", s.cfg.Name, err)
	}
	return nil
}

// mustCatchUp marks partitions whose local state may be behind the
// changelog (after an abort whose outcome is unknown).
func (s *Stage) mustCatchUp(keys []tp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if _, ok := s.mu.owned[k]; ok {
			s.mu.owned[k] = false
		}
		s.forgetCaches(k)
	}
}

// forgetCaches tells the transforms that keep partition data in memory
// ([PartitionCache]) to drop what they hold for k.
func (s *Stage) forgetCaches(k tp) {
	for _, t := range s.chain {
		if c, ok := t.(PartitionCache); ok {
			c.Forget(k.topic, k.partition)
		}
	}
}

// runPartition restores the partition's state if needed and runs the chain
// over its records.
func (s *Stage) runPartition(ctx context.Context, cl *kgo.Client, k tp, recs []*kgo.Record) (*partitionWork, error) {
	w := &partitionWork{key: k}
	if s.db != nil {
		if err := s.ensureRestored(ctx, cl, k); err != nil {
			return nil, err
		}
		w.base = newState(s.db.Partition(s.cfg.Name, k.topic, k.partition), nil)
	}
	live := s.live.Load()
	dec := s.codec
	// First the whole batch at once.
	out, failed, err := s.runChain(ctx, k, recs, w.base, 1, dec)
	if err == nil {
		w.out, w.failed = out, failed
		return w, nil
	}
	if errors.Is(err, ErrFatal) {
		return nil, err
	}
	s.log.Warn("transform failed on a batch; trying its records one by one", "topic", k.topic, "partition", k.partition, "records", len(recs), "err", err)
	s.forgetCaches(k)
	// Then record by record, each at most MaxAttempts times.
	for _, r := range recs {
		var lastErr error
		ok := false
		for attempt := 1; attempt <= live.MaxAttempts; attempt++ {
			out, failed, err := s.runChain(ctx, k, []*kgo.Record{r}, w.base, attempt, dec)
			if err == nil {
				w.out = append(w.out, out...)
				w.failed = append(w.failed, failed...)
				ok = true
				break
			}
			if errors.Is(err, ErrFatal) {
				return nil, err
			}
			s.forgetCaches(k)
			lastErr = err
			s.m.retries.Inc()
		}
		if !ok {
			w.failed = append(w.failed, failure{in: r, err: lastErr, attempt: live.MaxAttempts})
		}
	}
	return w, nil
}

// codec decodes and encodes envelopes; nil with FormatRaw.
type codec struct {
	dec *envelope.Decoder
	dbz *debezium.Decoder // FormatDebezium, instead of dec
	enc *envelope.Encoder
}

// decode decodes a record's change event; ok is false for a record to
// skip (a Debezium record that is not a change event).
func (c *codec) decode(r *kgo.Record) (ev schemas.Event, ok bool, err error) {
	if c.dbz == nil {
		ev, err = c.dec.Decode(r.Value, nil)
		if err != nil {
			return ev, false, fmt.Errorf("decode envelope: %w", err)
		}
		return ev, true, nil
	}
	m, err := c.dbz.Decode(debezium.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value})
	if err != nil {
		return ev, false, err
	}
	return m.Event, m.Kind == debezium.KindChange, nil
}

// runChain runs the transforms over recs, with state writes in a child of
// base that is merged only on success. A panic is an error.
func (s *Stage) runChain(ctx context.Context, k tp, recs []*kgo.Record, base *State, attempt int, c *codec) (out []*Record, failed []failure, err error) {
	b := &Batch{topic: k.topic, partition: k.partition}
	if base != nil {
		b.state = newState(base.store, base)
	}
	b.in = make([]*Record, 0, len(recs))
	for _, r := range recs {
		rec := &Record{
			Key: r.Key, Value: r.Value, Headers: slices.Clone(r.Headers), Timestamp: r.Timestamp,
			Source: Source{r.Topic, r.Partition, r.Offset}, Attempt: attempt, in: r,
		}
		if c != nil {
			ev, ok, derr := c.decode(r)
			if derr != nil {
				b.failed = append(b.failed, failure{in: r, err: derr, attempt: attempt})
				continue
			}
			if !ok {
				continue
			}
			rec.Event = &ev
		}
		b.in = append(b.in, rec)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("transform panic: %v\n%s", p, debug.Stack())
		}
	}()
	for i, t := range s.chain {
		b.out = nil
		if err := t.Apply(ctx, b); err != nil {
			return nil, nil, fmt.Errorf("transform %d (%T): %w", i, t, err)
		}
		b.in = b.out
	}
	out = b.in
	if c != nil {
		kept := out[:0]
		for _, r := range out {
			if r.Event != nil {
				v, eerr := c.enc.AppendValue(nil, r.Event)
				if eerr != nil {
					b.failed = append(b.failed, failure{in: r.in, err: fmt.Errorf("encode envelope: %w", eerr), attempt: attempt})
					continue
				}
				r.Value = v
			}
			kept = append(kept, r)
		}
		out = kept
	}
	if b.state != nil {
		b.state.merge()
	}
	return out, b.failed, nil
}

// outputRecord turns a transform's record into a Kafka record with the
// source headers.
func (s *Stage) outputRecord(r *Record) *kgo.Record {
	topic := s.cfg.Output
	hs := append(r.Headers,
		kgo.RecordHeader{Key: HeaderSourceTopic, Value: []byte(r.Source.Topic)},
		kgo.RecordHeader{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(r.Source.Partition), 10)},
		kgo.RecordHeader{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, r.Source.Offset, 10)},
	)
	return &kgo.Record{Topic: topic, Key: r.Key, Value: r.Value, Headers: hs, Timestamp: r.Timestamp}
}

// deadLetter builds the dead-letter record of f: the input record as read,
// with the reason and the source in headers.
func (s *Stage) deadLetter(f failure) *kgo.Record {
	in := f.in
	msg := "unknown error"
	if f.err != nil {
		msg = f.err.Error()
	}
	hs := append(slices.Clone(in.Headers),
		kgo.RecordHeader{Key: HeaderDLQError, Value: []byte(msg)},
		kgo.RecordHeader{Key: HeaderDLQStage, Value: []byte(s.cfg.Name)},
		kgo.RecordHeader{Key: HeaderSourceTopic, Value: []byte(in.Topic)},
		kgo.RecordHeader{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(in.Partition), 10)},
		kgo.RecordHeader{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, in.Offset, 10)},
		kgo.RecordHeader{Key: HeaderDLQTime, Value: time.Now().UTC().AppendFormat(nil, time.RFC3339Nano)},
		kgo.RecordHeader{Key: HeaderDLQAttempt, Value: strconv.AppendInt(nil, int64(max(f.attempt, 1)), 10)},
	)
	return &kgo.Record{Topic: s.cfg.DLQTopic, Key: in.Key, Value: in.Value, Headers: hs, Timestamp: in.Timestamp}
}

// ensureTopics creates the output, dead-letter and changelog topics when
// missing. The changelog is compacted and has as many partitions as the
// largest input.
func (s *Stage) ensureTopics(ctx context.Context) error {
	cl, err := kgo.NewClient(s.kopts...)
	if err != nil {
		return fmt.Errorf("stage %s: admin client: %w", s.cfg.Name, err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	md, err := adm.ListTopics(ctx, append(slices.Clone(s.cfg.Inputs), s.cfg.Output, s.cfg.DLQTopic, s.cfg.ChangelogTopic)...)
	if err != nil {
		return fmt.Errorf("stage %s: list topics: %w", s.cfg.Name, err)
	}
	var maxParts int32
	for _, in := range s.cfg.Inputs {
		d, ok := md[in]
		if !ok || d.Err != nil {
			return fmt.Errorf("stage %s: input topic %s does not exist (create it first)", s.cfg.Name, in)
		}
		maxParts = max(maxParts, int32(len(d.Partitions)))
	}
	create := func(topic string, parts int32, cfgs map[string]*string) error {
		if d, ok := md[topic]; ok && d.Err == nil {
			if topic == s.cfg.ChangelogTopic && int32(len(d.Partitions)) < maxParts {
				return fmt.Errorf("stage %s: changelog topic %s has %d partitions, the inputs need %d", s.cfg.Name, topic, len(d.Partitions), maxParts)
			}
			return nil
		}
		resp, err := adm.CreateTopic(ctx, parts, s.cfg.ReplicationFactor, cfgs, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("stage %s: create topic %s: %w", s.cfg.Name, topic, err)
		}
		return nil
	}
	if err := create(s.cfg.Output, s.cfg.Partitions, nil); err != nil {
		return err
	}
	if err := create(s.cfg.DLQTopic, s.cfg.Partitions, nil); err != nil {
		return err
	}
	if s.db != nil {
		compact := "compact"
		if err := create(s.cfg.ChangelogTopic, maxParts, map[string]*string{"cleanup.policy": &compact}); err != nil {
			return err
		}
	}
	return nil
}

// partitioner sends changelog records to the partition set on the record
// (the input partition) and hashes the others' keys.
type partitioner struct {
	changelog string
	other     kgo.Partitioner
}

func (p partitioner) ForTopic(t string) kgo.TopicPartitioner {
	if t == p.changelog {
		return kgo.ManualPartitioner().ForTopic(t)
	}
	return p.other.ForTopic(t)
}

var _ kgo.Partitioner = partitioner{}
