package emit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
)

// Dead-letter record headers: why the record could not be loaded, and
// where it came from.
const (
	HeaderDLQReason    = "helios.dlq.reason"
	HeaderDLQError     = "helios.dlq.error"
	HeaderDLQTopic     = "helios.dlq.topic"
	HeaderDLQPartition = "helios.dlq.partition"
	HeaderDLQOffset    = "helios.dlq.offset"
)

// ConsumerConfig says how a [Consumer] batches records.
type ConsumerConfig struct {
	// Name labels the metrics; it is the sink's name.
	Name string
	// BatchSize is the most records per Write. Default 20000.
	BatchSize int
	// BatchWait is how long to wait for more records once some have
	// arrived, before writing a batch smaller than BatchSize. Default 50ms.
	BatchWait time.Duration
	// WriteTimeout bounds one Write, including the one in flight at
	// shutdown, which is allowed to finish. Default 2m.
	WriteTimeout time.Duration
	// DLQTopic receives records that cannot be decoded or applied, with
	// the HeaderDLQ* headers; empty means such a record stops the
	// consumer with an error.
	DLQTopic string
}

func (c ConsumerConfig) withDefaults() ConsumerConfig {
	if c.BatchSize == 0 {
		c.BatchSize = 20000
	}
	if c.BatchWait == 0 {
		c.BatchWait = 50 * time.Millisecond
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 2 * time.Minute
	}
	return c
}

// Consumer reads records with a franz-go group consumer, decodes them and
// writes them to a Sink in batches. Build the client with
// kgo.BlockRebalanceOnPoll and, for a [Resumer] sink, with
// kgo.AdjustFetchOffsetsFn([ResumeFrom](sink)).
type Consumer struct {
	cl   *kgo.Client
	sink Sink
	dec  *Decoder
	cfg  ConsumerConfig
	log  *slog.Logger

	records *prometheus.CounterVec
	dlq     *prometheus.CounterVec
}

// NewConsumer returns a Consumer of cl's records into sink. It does no I/O.
func NewConsumer(cl *kgo.Client, sink Sink, cfg ConsumerConfig, log *slog.Logger, reg prometheus.Registerer) (*Consumer, error) {
	cfg = cfg.withDefaults()
	if cfg.BatchSize < 1 {
		return nil, fmt.Errorf("emit: batch size %d, want at least 1", cfg.BatchSize)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cl2 := prometheus.Labels{"sink": cfg.Name}
	c := &Consumer{cl: cl, sink: sink, dec: NewDecoder(), cfg: cfg, log: log,
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_sink_records_total", ConstLabels: cl2,
			Help: "Records consumed by the sink, by outcome (applied, dlq, skipped)."}, []string{"outcome"}),
		dlq: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "etl_sink_dlq_total", ConstLabels: cl2,
			Help: "Records sent to the dead-letter topic, by reason (decode, apply)."}, []string{"reason"}),
	}
	if reg != nil {
		for _, col := range []prometheus.Collector{c.records, c.dlq} {
			if err := reg.Register(col); err != nil {
				return nil, fmt.Errorf("emit: register metrics: %w", err)
			}
		}
	}
	return c, nil
}

// ResumeFrom returns the kgo.AdjustFetchOffsetsFn that starts every
// assigned partition at the offset r reports; partitions r has never
// written keep the group's offsets (which never run ahead of the sink's,
// since they are committed after it).
func ResumeFrom(r Resumer) func(context.Context, map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	return func(ctx context.Context, assigned map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
		next, err := r.NextOffsets(ctx)
		if err != nil {
			return nil, fmt.Errorf("emit: read the sink's offsets: %w", err)
		}
		for topic, parts := range assigned {
			for p := range parts {
				if o, ok := next[topic][p]; ok {
					parts[p] = kgo.NewOffset().At(o)
				}
			}
		}
		return assigned, nil
	}
}

// Run consumes until ctx ends or a batch fails for a reason other than a
// bad record. At shutdown the batch in flight is written (bounded by
// WriteTimeout) and Run returns nil.
func (c *Consumer) Run(ctx context.Context) error {
	for {
		raw := c.poll(ctx)
		if len(raw) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			continue
		}
		recs := make([]Record, len(raw))
		for i, r := range raw {
			rec, err := c.dec.Decode(r)
			if err != nil {
				if err := c.deadLetter(ctx, r, "decode", err); err != nil {
					return err
				}
				rec = Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
			} else if rec.Position() {
				c.records.WithLabelValues("skipped").Inc()
			}
			recs[i] = rec
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.WriteTimeout)
		err := c.write(wctx, recs, raw)
		cancel()
		if err != nil {
			return err
		}
		c.cl.MarkCommitRecords(raw...)
		c.cl.AllowRebalance()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// poll returns up to BatchSize records, waiting BatchWait for more once the
// first have arrived.
func (c *Consumer) poll(ctx context.Context) []*kgo.Record {
	fs := c.cl.PollRecords(ctx, c.cfg.BatchSize)
	c.logErrors(ctx, fs)
	recs := fs.Records()
	if len(recs) == 0 || len(recs) >= c.cfg.BatchSize {
		return recs
	}
	deadline := time.Now().Add(c.cfg.BatchWait)
	for len(recs) < c.cfg.BatchSize && ctx.Err() == nil {
		wait := time.Until(deadline)
		if wait <= 0 {
			break
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		fs := c.cl.PollRecords(pctx, c.cfg.BatchSize-len(recs))
		cancel()
		c.logErrors(pctx, fs)
		recs = append(recs, fs.Records()...)
	}
	return recs
}

func (c *Consumer) logErrors(ctx context.Context, fs kgo.Fetches) {
	fs.EachError(func(topic string, p int32, err error) {
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return
		}
		c.log.Warn("fetch error", "topic", topic, "partition", p, "error", err)
	})
}

// write writes recs; when the sink reports a bad record, it halves the
// batch until the record is found, sends it to the dead-letter topic and
// writes its position alone.
func (c *Consumer) write(ctx context.Context, recs []Record, raw []*kgo.Record) error {
	err := c.sink.Write(ctx, recs)
	if err == nil {
		n := 0
		for i := range recs {
			if !recs[i].Position() {
				n++
			}
		}
		c.records.WithLabelValues("applied").Add(float64(n))
		return nil
	}
	var bad *BadRecordError
	if !errors.As(err, &bad) || c.cfg.DLQTopic == "" {
		return err
	}
	if len(recs) == 1 {
		if err := c.deadLetter(ctx, raw[0], "apply", err); err != nil {
			return err
		}
		recs[0].Event = schemas.Event{}
		return c.sink.Write(ctx, recs)
	}
	mid := len(recs) / 2
	if err := c.write(ctx, recs[:mid], raw[:mid]); err != nil {
		return err
	}
	return c.write(ctx, recs[mid:], raw[mid:])
}

func (c *Consumer) deadLetter(ctx context.Context, r *kgo.Record, reason string, cause error) error {
	if c.cfg.DLQTopic == "" {
		return fmt.Errorf("%s/%d@%d: %s: %w (no dead-letter topic configured)", r.Topic, r.Partition, r.Offset, reason, cause)
	}
	d := &kgo.Record{Topic: c.cfg.DLQTopic, Key: r.Key, Value: r.Value, Headers: append(append([]kgo.RecordHeader(nil), r.Headers...),
		kgo.RecordHeader{Key: HeaderDLQReason, Value: []byte(reason)},
		kgo.RecordHeader{Key: HeaderDLQError, Value: []byte(cause.Error())},
		kgo.RecordHeader{Key: HeaderDLQTopic, Value: []byte(r.Topic)},
		kgo.RecordHeader{Key: HeaderDLQPartition, Value: strconv.AppendInt(nil, int64(r.Partition), 10)},
		kgo.RecordHeader{Key: HeaderDLQOffset, Value: strconv.AppendInt(nil, r.Offset, 10)},
	)}
	if err := c.cl.ProduceSync(ctx, d).FirstErr(); err != nil {
		return fmt.Errorf("send %s/%d@%d to dead-letter topic %s: %w", r.Topic, r.Partition, r.Offset, c.cfg.DLQTopic, err)
	}
	c.log.Warn("record sent to the dead-letter topic", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset,
		"reason", reason, "error", cause, "dlq", c.cfg.DLQTopic)
	c.records.WithLabelValues("dlq").Inc()
	c.dlq.WithLabelValues(reason).Inc()
	return nil
}
