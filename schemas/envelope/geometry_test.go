package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

// geomMessage is a flattened row with one geometry field of the given
// Debezium type and payload.
func geomMessage(name, payload string) []byte {
	return []byte(`{"schema":{"type":"struct","name":"s.p.t.Value","fields":[{"type":"struct","optional":true,"name":"` + name +
		`","field":"g","fields":[{"type":"bytes","field":"wkb"},{"type":"int32","optional":true,"field":"srid"}]}]},"payload":{"g":` + payload + `}}`)
}

func TestGeometry(t *testing.T) {
	t.Parallel()
	le := []byte{1, 1, 0, 0, 0}
	le = binary.LittleEndian.AppendUint64(le, math.Float64bits(1))
	le = binary.LittleEndian.AppendUint64(le, math.Float64bits(2))
	be := []byte{0, 0, 0, 0, 1}
	be = binary.BigEndian.AppendUint64(be, math.Float64bits(1))
	be = binary.BigEndian.AppendUint64(be, math.Float64bits(2))
	leSRID := append([]byte{1, 1, 0, 0, 0x20, 0xe6, 0x10, 0, 0}, le[5:]...)
	beSRID := append([]byte{0, 0x20, 0, 0, 1, 0, 0, 0x10, 0xe6}, be[5:]...)
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name, typ, payload string
		want               []byte
		err                string
	}{
		{"wkb without srid", nameGeometry, `{"wkb":"` + b64(le) + `","srid":null}`, le, ""},
		{"little-endian with srid", nameGeometry, `{"wkb":"` + b64(le) + `","srid":4326}`, leSRID, ""},
		{"big-endian with srid", nameGeography, `{"srid":4326,"wkb":"` + b64(be) + `"}`, beSRID, ""},
		{"ewkb kept", nameGeometry, `{"wkb":"` + b64(leSRID) + `","srid":4326}`, leSRID, ""},
		{"point from x and y", namePoint, `{"x":1,"y":2,"wkb":null,"srid":4326}`, leSRID, ""},
		{"null", nameGeometry, `null`, nil, ""},
		{"bad byte order", nameGeometry, `{"wkb":"` + b64([]byte{7, 1, 0, 0, 0}) + `","srid":1}`, nil, "byte order"},
		{"short wkb", nameGeometry, `{"wkb":"AQ==","srid":1}`, nil, "too short"},
		{"no wkb", nameGeometry, `{"srid":1}`, nil, "without wkb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ev, err := NewDecoder().Decode(geomMessage(tc.typ, tc.payload), nil)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ev.After[0]
			if tc.want == nil {
				if !got.IsNull() {
					t.Errorf("got %v, want NULL", got)
				}
				return
			}
			if got.Kind() != schemas.KindBytes || !bytes.Equal(got.Bytes(), tc.want) {
				t.Errorf("got %x, want %x", got.Bytes(), tc.want)
			}
		})
	}
}

func TestMongoDBEnvelope(t *testing.T) {
	t.Parallel()
	msg := []byte(`{"schema":{"type":"struct","name":"m.db.c.Envelope","fields":[{"type":"string","optional":true,"name":"io.debezium.data.Json","field":"after"},{"type":"string","field":"op"}]},` +
		`"payload":{"after":"{\"_id\": 1}","op":"r"}}`)
	ev, err := NewDecoder().Decode(msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Op != schemas.OpRead || ev.Schema.Name != "db.c" || len(ev.After) != len(MongoDBFields) || ev.After[0].Str() != `{"_id": 1}` || !ev.After[1].IsNull() {
		t.Errorf("decoded %v %s %v", ev.Op, ev.Schema.Name, ev.After)
	}
}

// TestHugeScale checks that a decimal scale past MaxScale is an error, not
// an exponentiation that never ends (found by fuzzing the Avro decoder).
func TestHugeScale(t *testing.T) {
	t.Parallel()
	msgs := []string{
		`{"schema":{"type":"struct","name":"s.p.t.Value","fields":[{"type":"struct","optional":true,"name":"io.debezium.data.VariableScaleDecimal","field":"n","fields":[{"type":"int32","field":"scale"},{"type":"bytes","field":"value"}]}]},"payload":{"n":{"scale":-2000000000,"value":"AQ=="}}}`,
		`{"schema":{"type":"struct","name":"s.p.t.Value","fields":[{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"-2000000000"},"field":"n"}]},"payload":{"n":"AQ=="}}`,
	}
	for _, m := range msgs {
		if _, err := NewDecoder().Decode([]byte(m), nil); err == nil || !strings.Contains(err.Error(), "scale") {
			t.Errorf("error %v, want a scale error", err)
		}
	}
}
