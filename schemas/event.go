package schemas

import "fmt"

// Op is what happened to a row.
type Op uint8

// The operations of a change event. The zero Op is invalid.
const (
	OpInvalid  Op = iota
	OpCreate      // a row was inserted
	OpUpdate      // a row was updated
	OpDelete      // a row was deleted
	OpRead        // a row was read by a snapshot
	OpTruncate    // a table was truncated; the event has no rows
)

// Code returns Debezium's one-letter code of the operation: c, u, d, r, t.
func (o Op) Code() string {
	switch o {
	case OpCreate:
		return "c"
	case OpUpdate:
		return "u"
	case OpDelete:
		return "d"
	case OpRead:
		return "r"
	case OpTruncate:
		return "t"
	}
	return "?"
}

// String returns the operation's name.
func (o Op) String() string {
	switch o {
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	case OpRead:
		return "read"
	case OpTruncate:
		return "truncate"
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// ParseOpCode is the inverse of [Op.Code].
func ParseOpCode(code string) (Op, error) {
	switch code {
	case "c":
		return OpCreate, nil
	case "u":
		return OpUpdate, nil
	case "d":
		return OpDelete, nil
	case "r":
		return OpRead, nil
	case "t":
		return OpTruncate, nil
	}
	return OpInvalid, fmt.Errorf("unknown op code %q (want c, u, d, r or t)", code)
}

// Snapshot tells whether an event came from a snapshot, and where in it.
type Snapshot uint8

// The snapshot marks, as in Debezium's source.snapshot field.
const (
	SnapshotFalse Snapshot = iota // streamed, not from a snapshot
	SnapshotTrue                  // a row of a snapshot
	SnapshotFirst                 // the first row of a snapshot
	SnapshotLast                  // the last row of a snapshot
	SnapshotFirstInDataCollection
	SnapshotLastInDataCollection
	SnapshotIncremental
)

var snapshotNames = [...]string{"false", "true", "first", "last", "first_in_data_collection", "last_in_data_collection", "incremental"}

// String returns Debezium's name of the mark.
func (s Snapshot) String() string {
	if int(s) < len(snapshotNames) {
		return snapshotNames[s]
	}
	return "false"
}

// ParseSnapshot is the inverse of [Snapshot.String].
func ParseSnapshot(s string) (Snapshot, error) {
	for i, n := range snapshotNames {
		if n == s {
			return Snapshot(i), nil
		}
	}
	return SnapshotFalse, fmt.Errorf("unknown snapshot mark %q", s)
}

// Source is where and when a change happened.
type Source struct {
	// Connector names the kind of source: "postgresql", "mysql", "mongodb".
	Connector string
	// Version is the producing software's version.
	Version string
	// Name is the logical name of the source (Debezium's topic.prefix).
	Name     string
	Database string
	Schema   string
	Table    string
	// LSN is the WAL position of the change (PostgreSQL), 0 when unknown.
	LSN uint64
	// TxID is the source transaction id, 0 when unknown.
	TxID int64
	// CommitMicros is the commit time in microseconds since the Unix epoch.
	CommitMicros int64
	// Snapshot marks snapshot reads.
	Snapshot Snapshot
	// Sequence is Debezium's source.sequence, kept as its JSON text when
	// decoded; empty otherwise.
	Sequence string
}

// Event is one change to one row (or, for a truncate, to one table).
// Before and After are aligned with Schema.Fields; a nil slice means the
// image is absent. Events are values; their rows may be shared and must not
// be changed once an event is emitted.
type Event struct {
	Op     Op
	Schema *Schema
	Before []Value
	After  []Value
	Source Source
	// TsMicros is when helios-etl (or Debezium) processed the change.
	TsMicros int64
}

// Row returns the image that identifies the row: After, or Before for a
// delete.
func (e *Event) Row() []Value {
	if e.After != nil {
		return e.After
	}
	return e.Before
}

// KeyValues appends the primary-key values of the event's row to dst. It
// returns dst unchanged when the schema has no key or the event no row.
func (e *Event) KeyValues(dst []Value) []Value {
	row := e.Row()
	if row == nil || e.Schema == nil {
		return dst
	}
	for _, k := range e.Schema.Key {
		if k < len(row) {
			dst = append(dst, row[k])
		}
	}
	return dst
}
