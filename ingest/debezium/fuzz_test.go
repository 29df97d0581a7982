package debezium

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds records to a Decoder: it must not panic, every error
// must be a *RecordError naming the record, and a change must have an
// operation and a row schema.
func FuzzDecode(f *testing.F) {
	topics := []string{"dbz.public.every", "dbz.transaction", "dbz", "__debezium-heartbeat.dbz"}
	for _, dir := range []string{"pg", "crafted"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, file := range files {
			r := loadGolden(f, filepath.Join(dir, filepath.Base(file)))
			f.Add(uint8(0), r.Key, r.Value)
			f.Add(uint8(1), r.Key, r.Value)
			f.Add(uint8(2), r.Key, r.Value)
		}
	}
	f.Add(uint8(0), []byte(nil), []byte(`{"schema":null,"payload":null}`))
	f.Fuzz(func(t *testing.T, topic uint8, key, value []byte) {
		r := Record{Topic: topics[int(topic)%len(topics)], Partition: 1, Offset: 2, Key: key, Value: value}
		m, err := NewDecoder(Config{}).Decode(r)
		if err != nil {
			re, ok := errors.AsType[*RecordError](err)
			if !ok || re.Topic != r.Topic || re.Offset != 2 {
				t.Fatalf("error %v (%T) does not name the record", err, err)
			}
			return
		}
		if m.Kind == KindChange && (m.Event.Op == 0 || m.Event.Schema == nil) {
			t.Fatalf("change without op or schema: %+v", m.Event)
		}
		if m.Kind == KindChange {
			if n := len(m.Event.Schema.Fields); (m.Event.Before != nil && len(m.Event.Before) != n) || (m.Event.After != nil && len(m.Event.After) != n) {
				t.Fatalf("row length differs from the schema's %d fields", n)
			}
		}
	})
}

// FuzzMetadata feeds the transaction and schema change decoders: no
// panics, and what decodes has the fields the decoder promises.
func FuzzMetadata(f *testing.F) {
	for _, name := range []string{"pg/tx_begin.json", "pg/tx_end.json", "crafted/mysql_schema_change.json"} {
		if _, err := os.Stat(filepath.Join("testdata", name)); err == nil {
			f.Add(loadGolden(f, name).Value)
		}
	}
	f.Add([]byte(`{"status":"END","id":"1","event_count":1,"data_collections":[{"data_collection":"a","event_count":1}],"ts_ms":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if tx, err := DecodeTransaction(data); err == nil && (tx.ID == "" || (tx.Status != "BEGIN" && tx.Status != "END")) {
			t.Fatalf("decoded an invalid transaction: %+v", tx)
		}
		if sc, err := DecodeSchemaChange(data); err == nil && sc.DDL == "" && len(sc.TableChanges) == 0 {
			t.Fatalf("decoded an empty schema change: %+v", sc)
		}
		_ = sniff(data)
	})
}

// FuzzAvro feeds Confluent wire-format records to a Decoder with a fixed
// registry: no panics, errors name the record, and rows fit the schema.
func FuzzAvro(f *testing.F) {
	f.Add(wire(f, avroValueSchema, 1, avroEvent("c", nil, avroRow())), wire(f, avroKeySchema, 2, map[string]any{"id": int64(7)}))
	f.Add(wire(f, avroTxSchema, 3, map[string]any{"status": "BEGIN", "id": "1:2", "event_count": nil, "data_collections": nil, "ts_ms": int64(1)}), []byte(nil))
	f.Add([]byte{0, 0, 0, 0, 1, 0x80}, []byte{0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f})
	reg := &fakeRegistry{schemas: map[int]string{1: avroValueSchema, 2: avroKeySchema, 3: avroTxSchema}}
	f.Fuzz(func(t *testing.T, value, key []byte) {
		m, err := NewDecoder(Config{Registry: reg}).Decode(Record{Topic: "shop.public.items", Offset: 3, Key: key, Value: value})
		if err != nil {
			if re, ok := errors.AsType[*RecordError](err); !ok || re.Offset != 3 {
				t.Fatalf("error %v (%T) does not name the record", err, err)
			}
			return
		}
		if m.Kind == KindChange {
			n := len(m.Event.Schema.Fields)
			if (m.Event.Before != nil && len(m.Event.Before) != n) || (m.Event.After != nil && len(m.Event.After) != n) {
				t.Fatalf("row length differs from the schema's %d fields", n)
			}
		}
	})
}
