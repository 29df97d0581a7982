package envelope

import (
	"bytes"
	"encoding/json"

	"github.com/heliosdb/helios-etl/schemas"
)

// MongoDBFields are the fields of the row schema a MongoDB change event
// decodes to: Debezium's MongoDB connector writes documents as extended
// JSON text, not as Connect structs, so a row is the document and the
// update's extra fields, all JSON:
//
//	document            the "after" (or "before") document
//	patch               the update's patch, from connectors before 1.x ("patch")
//	filter              the update's filter, from connectors before 1.x ("filter")
//	update_description  the change stream's updateDescription struct, as JSON text
//
// An update that carries only a patch or an update description (no full
// document) has [schemas.Unchanged] as its document.
var MongoDBFields = []string{"document", "patch", "filter", "update_description"}

func mongoSchema(name string, version int32) *schemas.Schema {
	s := &schemas.Schema{Name: name, Version: version}
	for _, f := range MongoDBFields {
		s.Fields = append(s.Fields, schemas.Field{Name: f, Type: schemas.Type{Kind: schemas.KindJSON, Source: "mongodb"}, Nullable: true})
	}
	return s
}

// mongoRow returns row, or a new MongoDB row whose document is unchanged.
func mongoRow(row []schemas.Value) []schemas.Value {
	if row != nil {
		return row
	}
	row = make([]schemas.Value, len(MongoDBFields))
	row[0] = schemas.Unchanged()
	return row
}

// mongoDocument reads a document's JSON text (or null) into row.
func mongoDocument(s *scanner, row []schemas.Value) ([]schemas.Value, error) {
	if s.literal("null") {
		return row, nil
	}
	b, err := s.rawString()
	if err != nil {
		return nil, err
	}
	row = mongoRow(row)
	row[0] = schemas.JSON(string(b))
	return row, nil
}

// mongoExtra reads patch, filter or updateDescription into the after row.
func mongoExtra(s *scanner, row []schemas.Value, key string) ([]schemas.Value, error) {
	if s.literal("null") {
		return row, nil
	}
	var v schemas.Value
	if s.peek() == '"' {
		b, err := s.rawString()
		if err != nil {
			return nil, err
		}
		v = schemas.JSON(string(b))
	} else {
		raw, err := s.span()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		v = schemas.JSON(buf.String())
	}
	row = mongoRow(row)
	switch key {
	case "patch":
		row[1] = v
	case "filter":
		row[2] = v
	default:
		row[3] = v
	}
	return row, nil
}
