package kafkasink

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/emit/kafkasink/fakeregistry"
	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// TestStageTransform drives the sink as a stage transform: records in,
// Avro records out; an incompatible version fails its record (quarantine)
// or the stage (fail).
func TestStageTransform(t *testing.T) {
	t.Parallel()
	in := func(off int64, s *schemas.Schema, row ...schemas.Value) *stage.Record {
		// An encoder per record: the subtests run in parallel and an
		// Encoder is not safe for concurrent use.
		enc := envelope.NewEncoder(envelope.Options{Schemas: true})
		ev := schemas.Event{Op: schemas.OpCreate, Schema: s, After: row}
		v, err := enc.AppendValue(nil, &ev)
		if err != nil {
			t.Fatal(err)
		}
		k, _, _ := enc.AppendKey(nil, &ev)
		return &stage.Record{Key: k, Value: v, Source: stage.Source{Topic: "src", Offset: off}}
	}
	v1, v3 := smallSchema(1), smallSchema(3)
	v3.Fields[1].Type = typ(schemas.KindString)
	for _, policy := range []string{PolicyQuarantine, PolicyFail} {
		t.Run(policy, func(t *testing.T) {
			t.Parallel()
			reg := fakeregistry.New()
			defer reg.Close()
			cl, err := sr.NewClient(sr.URLs(reg.URL()))
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(Config{Format: FormatAvro, OnIncompatible: policy, DLQTopic: "unused"}, nil, cl, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr := s.Transform("out")
			b := stage.NewTestBatch([]*stage.Record{in(0, v1, schemas.Int64(1), schemas.Int(schemas.KindInt32, 2)), {Value: []byte("not json")}})
			if err := tr.Apply(t.Context(), b); err != nil {
				t.Fatal(err)
			}
			if out := b.Emitted(); len(out) != 1 || schemaID(t, out[0].Value) == 0 || out[0].Event != nil || len(b.Failed()) != 1 {
				t.Fatalf("emitted %d, failed %v", len(out), b.Failed())
			}
			b = stage.NewTestBatch([]*stage.Record{in(1, v3, schemas.Int64(2), schemas.String("x"))})
			err = tr.Apply(t.Context(), b)
			switch policy {
			case PolicyQuarantine:
				var ie *IncompatibleError
				if err != nil || len(b.Failed()) != 1 || !errors.As(b.Failed()[0], &ie) {
					t.Fatalf("err %v, failed %v; want the record failed with an IncompatibleError", err, b.Failed())
				}
			case PolicyFail:
				if !errors.Is(err, stage.ErrFatal) {
					t.Fatalf("err %v, want stage.ErrFatal", err)
				}
			}
		})
	}
}
