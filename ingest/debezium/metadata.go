package debezium

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Transaction is an event of Debezium's transaction metadata topic
// ("<topic.prefix>.transaction", with provide.transaction.metadata=true):
// the BEGIN and END markers of a source transaction.
type Transaction struct {
	// Status is "BEGIN" or "END".
	Status string `json:"status"`
	// ID is the transaction's id; for PostgreSQL "<txId>:<lsn>".
	ID string `json:"id"`
	// EventCount is the number of change events in the transaction (END
	// only).
	EventCount int64 `json:"event_count"`
	// DataCollections counts the events per table (END only).
	DataCollections []CollectionCount `json:"data_collections"`
	// TsMicros is the event time (Debezium's ts_ms), in microseconds.
	TsMicros int64 `json:"ts_us"`
}

// CollectionCount is the number of events of one table in a transaction.
type CollectionCount struct {
	// DataCollection is the table: "schema.table" or "db.table".
	DataCollection string `json:"data_collection"`
	EventCount     int64  `json:"event_count"`
}

// SchemaChange is an event of the schema change topic ("<topic.prefix>",
// with include.schema.changes=true; the MySQL, SQL Server, Oracle and Db2
// connectors write it, PostgreSQL's does not).
type SchemaChange struct {
	Database string `json:"database"`
	Schema   string `json:"schema"`
	// DDL is the statement, as the source logged it.
	DDL string `json:"ddl"`
	// TableChanges are Debezium's tableChanges: what each table became.
	TableChanges []TableChange `json:"table_changes"`
	// TsMicros is the event time (Debezium's ts_ms), in microseconds.
	TsMicros int64 `json:"ts_us"`
}

// TableChange is one entry of a schema change's tableChanges.
type TableChange struct {
	// Type is CREATE, ALTER or DROP.
	Type string `json:"type"`
	// ID is the table's quoted identifier, for example `"inventory"."orders"`.
	ID string `json:"id"`
	// Table is the table's structure (columns, primary key) as JSON text.
	Table json.RawMessage `json:"table"`
}

// shape is what a message's payload looks like.
type shape uint8

const (
	shapeUnknown shape = iota
	shapeTransaction
	shapeSchemaChange
	shapeHeartbeat
)

// payloadOf returns the payload of a message: the "payload" member of a
// schema/payload wrapper, or the message itself.
func payloadOf(data []byte) (json.RawMessage, error) {
	var w struct {
		Schema  json.RawMessage `json:"schema"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, err
	}
	if w.Payload != nil && w.Schema != nil {
		return w.Payload, nil
	}
	return data, nil
}

// sniff tells a metadata message from a data change by its payload's keys.
func sniff(data []byte) shape {
	p, err := payloadOf(data)
	if err != nil {
		return shapeUnknown
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(p, &keys) != nil {
		return shapeUnknown
	}
	_, hasStatus := keys["status"]
	_, hasID := keys["id"]
	_, hasDDL := keys["ddl"]
	_, hasChanges := keys["tableChanges"]
	_, hasOp := keys["op"]
	_, hasTable := keys["table"]
	_, hasFields := keys["fields"]
	_, hasVersion := keys["version"]
	switch {
	case hasStatus && hasID && !hasOp:
		return shapeTransaction
	case (hasDDL || hasChanges || (hasTable && hasFields && hasVersion)) && !hasOp:
		return shapeSchemaChange
	case len(keys) == 1 && keys["ts_ms"] != nil:
		return shapeHeartbeat
	}
	return shapeUnknown
}

// DecodeTransaction decodes a transaction metadata event, with or without
// a schema section.
func DecodeTransaction(data []byte) (Transaction, error) {
	var tx Transaction
	p, err := payloadOf(data)
	if err != nil {
		return tx, fmt.Errorf("transaction metadata: %w", err)
	}
	var v struct {
		Status          string `json:"status"`
		ID              string `json:"id"`
		EventCount      *int64 `json:"event_count"`
		TsMs            int64  `json:"ts_ms"`
		DataCollections []struct {
			DataCollection string `json:"data_collection"`
			EventCount     int64  `json:"event_count"`
		} `json:"data_collections"`
	}
	if err := json.Unmarshal(p, &v); err != nil {
		return tx, fmt.Errorf("transaction metadata: %w", err)
	}
	switch {
	case v.Status != "BEGIN" && v.Status != "END":
		return tx, fmt.Errorf("transaction metadata: status %q, want BEGIN or END", v.Status)
	case v.ID == "":
		return tx, errors.New("transaction metadata: no id")
	}
	tx = Transaction{Status: v.Status, ID: v.ID, TsMicros: v.TsMs * 1000}
	if v.EventCount != nil {
		tx.EventCount = *v.EventCount
	}
	for _, c := range v.DataCollections {
		tx.DataCollections = append(tx.DataCollections, CollectionCount{DataCollection: c.DataCollection, EventCount: c.EventCount})
	}
	return tx, nil
}

// DecodeSchemaChange decodes a schema change event, with or without a
// schema section. It also reads the records of helios-etl's own
// "<prefix>.schema-changes" topic ({table, version, lsn, key, fields}),
// as one table change: CREATE for version 1, else ALTER, with the record
// as the table's structure.
func DecodeSchemaChange(data []byte) (SchemaChange, error) {
	var sc SchemaChange
	p, err := payloadOf(data)
	if err != nil {
		return sc, fmt.Errorf("schema change: %w", err)
	}
	var v struct {
		DatabaseName string `json:"databaseName"`
		SchemaName   string `json:"schemaName"`
		DDL          string `json:"ddl"`
		TsMs         int64  `json:"ts_ms"`
		TableChanges []struct {
			Type  string          `json:"type"`
			ID    string          `json:"id"`
			Table json.RawMessage `json:"table"`
		} `json:"tableChanges"`
	}
	if err := json.Unmarshal(p, &v); err != nil {
		return sc, fmt.Errorf("schema change: %w", err)
	}
	if v.DDL == "" && len(v.TableChanges) == 0 {
		var h struct {
			Table   string          `json:"table"`
			Version int32           `json:"version"`
			Fields  json.RawMessage `json:"fields"`
		}
		if json.Unmarshal(p, &h) != nil || h.Table == "" || len(h.Fields) == 0 {
			return sc, errors.New("schema change: neither ddl nor tableChanges")
		}
		typ := "ALTER"
		if h.Version == 1 {
			typ = "CREATE"
		}
		schema, _, _ := strings.Cut(h.Table, ".")
		return SchemaChange{Schema: schema, TableChanges: []TableChange{{Type: typ, ID: h.Table, Table: p}}}, nil
	}
	sc = SchemaChange{Database: v.DatabaseName, Schema: v.SchemaName, DDL: v.DDL, TsMicros: v.TsMs * 1000}
	for _, c := range v.TableChanges {
		sc.TableChanges = append(sc.TableChanges, TableChange{Type: c.Type, ID: c.ID, Table: c.Table})
	}
	return sc, nil
}
