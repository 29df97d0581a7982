package pgcdc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pglogrepl"

	"github.com/heliosdb/helios-etl/schemas"
)

// The change messages (insert, update, delete) are parsed here rather than
// by pglogrepl, straight from the message bytes into values: pglogrepl
// allocates a column struct and a copy of every value first, which is most
// of the decoding cost at 100k rows/s.

var errShort = errors.New("message too short")

// changeMsg is a parsed insert, update or delete.
type changeMsg struct {
	op     schemas.Op
	relID  uint32
	before []schemas.Value
	after  []schemas.Value
}

// parseChange parses an 'I', 'U' or 'D' message (protocol 1, or protocol 2
// outside a stream).
func (s *Source) parseChange(data []byte, lsn uint64) (changeMsg, error) {
	var m changeMsg
	if len(data) < 6 {
		return m, fmt.Errorf("pgcdc: change at %s: %w", pglogrepl.LSN(lsn), errShort)
	}
	m.relID = binary.BigEndian.Uint32(data[1:5])
	rel, err := s.rel(m.relID, lsn)
	if err != nil {
		return m, err
	}
	p := data[5:]
	switch data[0] {
	case 'I':
		m.op = schemas.OpCreate
		if p[0] != 'N' {
			return m, fmt.Errorf("pgcdc: insert into %s at %s: tuple marker %q, want 'N'", rel.table, pglogrepl.LSN(lsn), p[0])
		}
		m.after, _, err = s.parseTuple(rel, p[1:], lsn)
	case 'U':
		m.op = schemas.OpUpdate
		if p[0] == 'K' || p[0] == 'O' {
			if m.before, p, err = s.parseTuple(rel, p[1:], lsn); err != nil {
				return m, err
			}
			if len(p) == 0 {
				return m, fmt.Errorf("pgcdc: update of %s at %s: %w", rel.table, pglogrepl.LSN(lsn), errShort)
			}
		}
		if p[0] != 'N' {
			return m, fmt.Errorf("pgcdc: update of %s at %s: tuple marker %q, want 'N'", rel.table, pglogrepl.LSN(lsn), p[0])
		}
		m.after, _, err = s.parseTuple(rel, p[1:], lsn)
	case 'D':
		m.op = schemas.OpDelete
		if p[0] != 'K' && p[0] != 'O' {
			return m, fmt.Errorf("pgcdc: delete from %s at %s: tuple marker %q, want 'K' or 'O'", rel.table, pglogrepl.LSN(lsn), p[0])
		}
		m.before, _, err = s.parseTuple(rel, p[1:], lsn)
	default:
		return m, fmt.Errorf("pgcdc: message %q at %s is not a change", data[0], pglogrepl.LSN(lsn))
	}
	return m, err
}

// parseTuple reads a TupleData and returns the row and the bytes after it.
func (s *Source) parseTuple(rel *relation, p []byte, lsn uint64) ([]schemas.Value, []byte, error) {
	if len(p) < 2 {
		return nil, nil, fmt.Errorf("pgcdc: %s at %s: %w", rel.table, pglogrepl.LSN(lsn), errShort)
	}
	n := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if n != len(rel.values) {
		return nil, nil, fmt.Errorf("pgcdc: %s at %s: tuple has %d columns, relation has %d", rel.table, pglogrepl.LSN(lsn), n, len(rel.values))
	}
	row := make([]schemas.Value, n)
	for i := 0; i < n; i++ {
		if len(p) < 1 {
			return nil, nil, fmt.Errorf("pgcdc: %s at %s: %w", rel.table, pglogrepl.LSN(lsn), errShort)
		}
		kind := p[0]
		p = p[1:]
		switch kind {
		case pglogrepl.TupleDataTypeNull:
			// the zero Value is NULL
		case pglogrepl.TupleDataTypeToast:
			row[i] = schemas.Unchanged()
		case pglogrepl.TupleDataTypeText:
			if len(p) < 4 {
				return nil, nil, fmt.Errorf("pgcdc: %s at %s: %w", rel.table, pglogrepl.LSN(lsn), errShort)
			}
			l := int(binary.BigEndian.Uint32(p))
			p = p[4:]
			if l < 0 || l > len(p) {
				return nil, nil, fmt.Errorf("pgcdc: %s.%s at %s: value length %d beyond the message", rel.table, rel.schema.Fields[i].Name, pglogrepl.LSN(lsn), l)
			}
			v, err := rel.values[i](p[:l])
			if err != nil {
				return nil, nil, fmt.Errorf("pgcdc: %s.%s at %s: %w", rel.table, rel.schema.Fields[i].Name, pglogrepl.LSN(lsn), err)
			}
			row[i] = v
			p = p[l:]
		default:
			return nil, nil, fmt.Errorf("pgcdc: %s.%s at %s: unexpected tuple data type %q", rel.table, rel.schema.Fields[i].Name, pglogrepl.LSN(lsn), kind)
		}
	}
	return row, p, nil
}
