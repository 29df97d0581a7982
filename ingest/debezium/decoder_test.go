package debezium

import (
	"errors"
	"strings"
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tx := `{"status":"BEGIN","id":"571:53195832","event_count":null,"data_collections":null,"ts_ms":1}`
	ddl := `{"source":{},"databaseName":"inventory","ddl":"CREATE TABLE t (id INT)","tableChanges":[]}`
	change := `{"before":null,"after":{"id":1},"op":"c"}`
	tests := []struct {
		name, topic, value string
		cfg                Config
		want               Kind
	}{
		{"heartbeat", "__debezium-heartbeat.shop", `{"ts_ms":1}`, Config{}, KindHeartbeat},
		{"heartbeat custom prefix", "hb.shop", `{"ts_ms":1}`, Config{HeartbeatPrefix: "hb."}, KindHeartbeat},
		{"transaction topic", "shop.transaction", tx, Config{}, KindTransaction},
		{"transaction wrapped", "shop.transaction", `{"schema":{"type":"struct"},"payload":` + tx + `}`, Config{}, KindTransaction},
		{"table named transaction", "shop.public.transaction", change, Config{}, KindChange},
		{"change on a two-part topic", "shop.transaction", change, Config{}, KindChange},
		{"configured transaction topic", "txs", tx, Config{TransactionTopics: []string{"txs"}}, KindTransaction},
		{"schema change topic", "shop", ddl, Config{}, KindSchemaChange},
		{"configured schema change topic", "a.b.c", ddl, Config{SchemaChangeTopics: []string{"a.b.c"}}, KindSchemaChange},
		{"helios-etl schema change", "shop.schema-changes", `{"table":"public.t","version":2,"lsn":1,"key":["id"],"fields":[{"name":"id","type":"int32","nullable":false}]}`, Config{}, KindSchemaChange},
		{"change", "shop.public.orders", change, Config{}, KindChange},
		{"tombstone", "shop.public.orders", "", Config{}, KindTombstone},
		{"not json on a metadata topic", "shop", "{", Config{}, KindChange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := NewDecoder(tc.cfg).Classify(Record{Topic: tc.topic, Value: []byte(tc.value)})
			if got != tc.want {
				t.Errorf("Classify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	schemaOnly := `{"schema":{"type":"struct","fields":[{"type":"struct","optional":true,"field":"after","fields":[{"type":"int32","optional":false,"field":"id"}]},{"type":"string","field":"op"}]},"payload":`
	tests := []struct {
		name, topic, key, value string
		part                    string
		is                      error
		contains                string
	}{
		{"not json", "s.p.t", "", "{", "value", nil, "offset"},
		{"unknown op", "s.p.t", "", schemaOnly + `{"after":{"id":1},"op":"x"}}`, "value", nil, `unknown op code "x"`},
		{"wrong type", "s.p.t", "", schemaOnly + `{"after":{"id":"one"},"op":"c"}}`, "value", nil, "payload.after.id"},
		{"out of range", "s.p.t", "", schemaOnly + `{"after":{"id":4294967296},"op":"c"}}`, "value", nil, "out of range"},
		{"no schema and no hint", "s.p.t", "", `{"after":{"id":1},"op":"c"}`, "value", envelope.ErrNoSchema, ""},
		{"bad key", "s.p.t", `{"schema":{"type":"struct","fields":[{"type":"int32","field":"id"}]},"payload":{"id":true}}`,
			schemaOnly + `{"after":{"id":1},"op":"c"}}`, "key", nil, "key.id"},
		{"bad transaction", "s.transaction", "", `{"status":"MIDDLE","id":"1"}`, "value", nil, `status "MIDDLE"`},
		{"bad schema change", "s", "", `{"ddl":1}`, "value", nil, "schema change"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := NewDecoder(Config{TransactionTopics: []string{"s.transaction"}, SchemaChangeTopics: []string{"s"}})
			_, err := d.Decode(Record{Topic: tc.topic, Partition: 3, Offset: 42, Key: []byte(tc.key), Value: []byte(tc.value)})
			re, ok := errors.AsType[*RecordError](err)
			if !ok {
				t.Fatalf("error %v (%T), want a *RecordError", err, err)
			}
			if re.Topic != tc.topic || re.Partition != 3 || re.Offset != 42 || re.Part != tc.part {
				t.Errorf("error names %s/%d@%d %s, want %s/3@42 %s", re.Topic, re.Partition, re.Offset, re.Part, tc.topic, tc.part)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
}

// TestTombstoneInWrapper checks a {"schema":…,"payload":null} value: the
// tombstone JsonConverter writes for a null value with schemas.enable=true.
func TestTombstoneInWrapper(t *testing.T) {
	t.Parallel()
	r := loadGolden(t, "pg/07_tombstone.json")
	r.Value = []byte(`{"schema":null,"payload":null}`)
	m, err := NewDecoder(Config{}).Decode(r)
	if err != nil || m.Kind != KindTombstone || len(m.Key) != 1 || !schemas.Equal(m.Key[0], schemas.Int64(3)) {
		t.Errorf("Decode = %v key %v, %v; want a tombstone of id 3", m.Kind, m.Key, err)
	}
}

// TestSchemaKeyCached checks that events of one table share one keyed
// schema, so that downstream per-schema caches keep working.
func TestSchemaKeyCached(t *testing.T) {
	t.Parallel()
	d := NewDecoder(Config{})
	a, err := d.Decode(loadGolden(t, "pg/01_insert_full.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Decode(loadGolden(t, "pg/04_update_toast.json"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Event.Schema != b.Event.Schema {
		t.Errorf("two events of one table have different schema pointers")
	}
}

func TestHeliosSchemaChange(t *testing.T) {
	t.Parallel()
	m, err := NewDecoder(Config{}).Decode(Record{Topic: "shop.schema-changes", Key: []byte("public.t"),
		Value: []byte(`{"table":"public.t","version":2,"lsn":1,"key":["id"],"fields":[{"name":"id","type":"int32","nullable":false}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	sc := m.SchemaChange
	if m.Kind != KindSchemaChange || sc.Schema != "public" || len(sc.TableChanges) != 1 || sc.TableChanges[0].Type != "ALTER" || sc.TableChanges[0].ID != "public.t" {
		t.Errorf("decoded %v %+v", m.Kind, sc)
	}
}
