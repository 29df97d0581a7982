package envelope

import (
	"testing"

	"github.com/heliosdb/helios-etl/schemas"
)

func FuzzDecode(f *testing.F) {
	s := allTypes()
	for _, withSchema := range []bool{true, false} {
		enc := NewEncoder(Options{Schemas: withSchema})
		for _, ev := range events(s) {
			data, err := enc.AppendValue(nil, &ev)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, withSchema)
		}
	}
	f.Add([]byte(`{"after":{"id":1},"op":"c"}`), false)
	f.Add([]byte(`[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]`), false)
	f.Add(geomMessage(namePoint, `{"x":1,"y":2,"wkb":null,"srid":4326}`), true)
	f.Add(geomMessage(nameGeometry, `{"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAABA","srid":4326}`), true)
	f.Add([]byte(`{"schema":{"type":"struct","name":"m.db.c.Envelope","fields":[{"type":"string","optional":true,"name":"io.debezium.data.Json","field":"after"},{"type":"string","field":"op"}]},`+
		`"payload":{"after":"{\"_id\": 1}","patch":"{}","updateDescription":{"a":[1]},"op":"u"}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, withSchema bool) {
		var hint *schemas.Schema
		if !withSchema {
			hint = s
		}
		dec := NewDecoder()
		ev, err := dec.Decode(data, hint)
		if err != nil {
			return
		}
		// Whatever decodes must encode, and decode again to the same event.
		enc := NewEncoder(Options{Schemas: true})
		out, err := enc.AppendValue(nil, &ev)
		if err != nil {
			return // e.g. a value that does not fit the declared kind
		}
		again, err := NewDecoder().Decode(out, nil)
		if err != nil {
			t.Fatalf("re-decode: %v\nfirst: %s\nsecond: %s", err, data, out)
		}
		if again.Op != ev.Op || !schemas.EqualRows(again.Before, ev.Before) || !schemas.EqualRows(again.After, ev.After) {
			t.Fatalf("not stable:\n%s\n%s", data, out)
		}
		_, _, _ = dec.DecodeKey(data, hint)
	})
}
