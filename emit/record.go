package emit

import (
	"context"

	"github.com/heliosdb/helios-etl/schemas"
)

// Record is one change event with the Kafka position it was read from.
//
// A Record whose Event.Op is [schemas.OpInvalid] carries only its
// position: a tombstone, or a record that went to the dead-letter topic.
// A sink that tracks positions records its offset and applies nothing.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Event     schemas.Event
}

// Position reports whether r carries only its position (see [Record]).
func (r *Record) Position() bool { return r.Event.Op == schemas.OpInvalid }

// Sink loads batches of change events into a target. Write applies the
// batch, in order, or returns an error; records of one partition arrive in
// offset order. The batch and its events must not be kept after Write
// returns.
type Sink interface {
	Write(ctx context.Context, batch []Record) error
}

// Resumer is implemented by sinks that store consumed positions with the
// data. NextOffsets returns, per topic and partition, the offset of the
// next record the sink needs; partitions it has never written are absent.
type Resumer interface {
	NextOffsets(ctx context.Context) (map[string]map[int32]int64, error)
}

// BadRecordError marks a record the sink cannot apply however often it is
// retried (a value the target rejects, a type that does not fit). The
// Consumer sends it to the dead-letter topic and goes on.
type BadRecordError struct {
	Err error
}

func (e *BadRecordError) Error() string { return e.Err.Error() }

func (e *BadRecordError) Unwrap() error { return e.Err }
