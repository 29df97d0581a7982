package kafkasink

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
)

// The metadata fields of an Avro value record, beside the row's columns.
const (
	FieldOp        = "__op"      // c, u, d, r
	FieldDeleted   = "__deleted" // true for a delete; the row is then the before image
	FieldLSN       = "__lsn"     // the source position, null when unknown
	FieldTsMicros  = "__source_ts_us"
	FieldUnchanged = "__unchanged" // names of columns whose value the source did not send
)

// avroCodec writes the rows of one schema version as Avro binary.
type avroCodec struct {
	valueSchema string
	keySchema   string
	fields      []avroField // every column
	key         []avroField // the key columns
}

type avroField struct {
	name     string // the Avro field name
	col      string // the column name
	index    int    // in the row
	nullable bool
	enc      func(dst []byte, v schemas.Value) ([]byte, error)
}

// avroName turns s into a valid Avro name: letters, digits and _, not
// starting with a digit.
func avroName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

func validAvroName(s string) bool { return s != "" && avroName(s) == s }

// newAvroCodec generates the Avro value and key schemas of s (see the
// package documentation for the mapping) and their encoders.
func newAvroCodec(s *schemas.Schema) (*avroCodec, error) {
	table, ns := s.Name, "helios"
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		ns, table = "helios."+avroName(table[:i]), table[i+1:]
	}
	c := &avroCodec{}
	g := &avroGen{names: map[string]bool{}}
	isKey := make(map[int]bool, len(s.Key))
	for _, k := range s.Key {
		isKey[k] = true
	}
	var fields, keyFields []map[string]any
	for i, f := range s.Fields {
		t, enc, err := g.typeOf(f.Type, avroName(f.Name))
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		af := avroField{name: avroName(f.Name), col: f.Name, index: i, enc: enc}
		if isKey[i] {
			keyFields = append(keyFields, map[string]any{"name": af.name, "type": t})
			kf := af
			c.key = append(c.key, kf)
		}
		// Every column but the key is nullable: a delete's before image
		// holds only the key.
		def := map[string]any{"name": af.name, "type": t}
		if !isKey[i] {
			def["type"] = []any{"null", t}
			def["default"] = nil
			af.nullable = true
		}
		fields = append(fields, def)
		c.fields = append(c.fields, af)
	}
	fields = append(fields,
		map[string]any{"name": FieldOp, "type": "string"},
		map[string]any{"name": FieldDeleted, "type": "boolean", "default": false},
		map[string]any{"name": FieldLSN, "type": []any{"null", "long"}, "default": nil},
		map[string]any{"name": FieldTsMicros, "type": map[string]any{"type": "long", "logicalType": "timestamp-micros"}},
		map[string]any{"name": FieldUnchanged, "type": map[string]any{"type": "array", "items": "string"}, "default": []any{}},
	)
	v, err := json.Marshal(map[string]any{"type": "record", "name": avroName(table), "namespace": ns, "fields": fields})
	if err != nil {
		return nil, err
	}
	c.valueSchema = string(v)
	if len(keyFields) > 0 {
		k, err := json.Marshal(map[string]any{"type": "record", "name": avroName(table) + "_key", "namespace": ns, "fields": keyFields})
		if err != nil {
			return nil, err
		}
		c.keySchema = string(k)
	}
	return c, nil
}

type avroGen struct {
	names map[string]bool // named types defined so far
}

func (g *avroGen) uniqueName(base string) string {
	n := base
	for i := 2; g.names[n]; i++ {
		n = fmt.Sprintf("%s_%d", base, i)
	}
	g.names[n] = true
	return n
}

type encFunc = func(dst []byte, v schemas.Value) ([]byte, error)

// typeOf returns the Avro type of t and its encoder.
func (g *avroGen) typeOf(t schemas.Type, field string) (any, encFunc, error) {
	logical := func(typ, lt string) map[string]any { return map[string]any{"type": typ, "logicalType": lt} }
	switch t.Kind {
	case schemas.KindBool:
		return "boolean", func(dst []byte, v schemas.Value) ([]byte, error) {
			if v.Bool() {
				return append(dst, 1), nil
			}
			return append(dst, 0), nil
		}, nil
	case schemas.KindInt16, schemas.KindInt32:
		return "int", encLong, nil
	case schemas.KindInt64:
		return "long", encLong, nil
	case schemas.KindFloat32:
		return "float", func(dst []byte, v schemas.Value) ([]byte, error) {
			return binary.LittleEndian.AppendUint32(dst, math.Float32bits(float32(v.Float()))), nil
		}, nil
	case schemas.KindFloat64:
		return "double", func(dst []byte, v schemas.Value) ([]byte, error) {
			return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.Float())), nil
		}, nil
	case schemas.KindDecimal:
		if t.Scale == schemas.VariableScale || t.Precision <= 0 {
			// No fixed scale: the exact decimal text ("NaN" and
			// "Infinity" included), as a string.
			return map[string]any{"type": "string", "helios.type": "decimal"}, func(dst []byte, v schemas.Value) ([]byte, error) {
				return encString(dst, string(v.Decimal().Append(nil))), nil
			}, nil
		}
		scale := t.Scale
		return map[string]any{"type": "bytes", "logicalType": "decimal", "precision": t.Precision, "scale": t.Scale},
			func(dst []byte, v schemas.Value) ([]byte, error) {
				d := v.Decimal()
				if !d.IsFinite() {
					return dst, fmt.Errorf("decimal %s has no Avro decimal form", d)
				}
				if d.Scale() != scale {
					var err error
					if d, err = rescale(d, scale); err != nil {
						return dst, err
					}
				}
				b := d.AppendTwosComplement(nil)
				return append(appendLong(dst, int64(len(b))), b...), nil
			}, nil
	case schemas.KindString, schemas.KindJSON, schemas.KindInterval, schemas.KindTimeTZ:
		typ := any("string")
		if t.Kind != schemas.KindString {
			typ = map[string]any{"type": "string", "helios.type": t.Kind.String()}
		}
		return typ, func(dst []byte, v schemas.Value) ([]byte, error) {
			switch v.Kind() {
			case schemas.KindInterval:
				return encString(dst, v.Interval().String()), nil
			case schemas.KindTimeTZ:
				return encString(dst, string(schemas.AppendTimeTZ(nil, v.Micros(), v.ZoneOffset()))), nil
			}
			return encString(dst, v.Str()), nil
		}, nil
	case schemas.KindBytes:
		return "bytes", func(dst []byte, v schemas.Value) ([]byte, error) { return encString(dst, v.Str()), nil }, nil
	case schemas.KindUUID:
		return logical("string", "uuid"), func(dst []byte, v schemas.Value) ([]byte, error) {
			u := v.UUID()
			return encString(dst, string(schemas.AppendUUID(nil, u))), nil
		}, nil
	case schemas.KindDate:
		// ±infinity are the extreme ints.
		return logical("int", "date"), func(dst []byte, v schemas.Value) ([]byte, error) { return appendLong(dst, int64(v.Days())), nil }, nil
	case schemas.KindTime:
		return logical("long", "time-micros"), func(dst []byte, v schemas.Value) ([]byte, error) { return appendLong(dst, v.Micros()), nil }, nil
	case schemas.KindTimestamp:
		// ±infinity are the extreme longs.
		return logical("long", "local-timestamp-micros"), func(dst []byte, v schemas.Value) ([]byte, error) { return appendLong(dst, v.Micros()), nil }, nil
	case schemas.KindTimestampTZ:
		return logical("long", "timestamp-micros"), func(dst []byte, v schemas.Value) ([]byte, error) { return appendLong(dst, v.Micros()), nil }, nil
	case schemas.KindEnum:
		ok := len(t.Symbols) > 0
		for _, s := range t.Symbols {
			ok = ok && validAvroName(s)
		}
		if !ok {
			// Labels Avro cannot name ("very happy") land as strings.
			return map[string]any{"type": "string", "helios.type": "enum"}, func(dst []byte, v schemas.Value) ([]byte, error) { return encString(dst, v.Str()), nil }, nil
		}
		index := make(map[string]int64, len(t.Symbols))
		for i, s := range t.Symbols {
			index[s] = int64(i)
		}
		return map[string]any{"type": "enum", "name": g.uniqueName(field + "_enum"), "symbols": t.Symbols},
			func(dst []byte, v schemas.Value) ([]byte, error) {
				i, ok := index[v.Str()]
				if !ok {
					return dst, fmt.Errorf("enum label %q is not one of %v", v.Str(), t.Symbols)
				}
				return appendLong(dst, i), nil
			}, nil
	case schemas.KindArray:
		if t.Elem == nil {
			return nil, nil, fmt.Errorf("array without element type")
		}
		items, enc, err := g.typeOf(*t.Elem, field+"_item")
		if err != nil {
			return nil, nil, err
		}
		return map[string]any{"type": "array", "items": []any{"null", items}}, func(dst []byte, v schemas.Value) ([]byte, error) {
			elems := v.Elems()
			if len(elems) > 0 {
				dst = appendLong(dst, int64(len(elems)))
				for _, e := range elems {
					if e.IsNull() || e.IsUnchanged() {
						dst = append(dst, 0)
						continue
					}
					dst = append(dst, 2) // union branch 1
					var err error
					if dst, err = enc(dst, e); err != nil {
						return dst, err
					}
				}
			}
			return append(dst, 0), nil
		}, nil
	}
	return nil, nil, fmt.Errorf("no Avro type for %v", t)
}

var bigTen = big.NewInt(10)

func encLong(dst []byte, v schemas.Value) ([]byte, error) { return appendLong(dst, v.Int()), nil }

// appendLong appends an Avro int or long: zig-zag, then a varint.
func appendLong(dst []byte, n int64) []byte {
	return binary.AppendUvarint(dst, uint64(n<<1)^uint64(n>>63))
}

func encString(dst []byte, s string) []byte {
	return append(appendLong(dst, int64(len(s))), s...)
}

// rescale returns d with the given scale, or an error when that would
// drop non-zero digits.
func rescale(d schemas.Decimal, scale int32) (schemas.Decimal, error) {
	u := d.Unscaled()
	for s := d.Scale(); s < scale; s++ {
		u.Mul(u, bigTen)
	}
	var r big.Int
	for s := d.Scale(); s > scale; s-- {
		if u.QuoRem(u, bigTen, &r); r.Sign() != 0 {
			return d, fmt.Errorf("decimal %s does not fit scale %d", d, scale)
		}
	}
	return schemas.NewDecimalBig(u, scale), nil
}

// appendValue appends the Avro binary of ev's value record.
func (c *avroCodec) appendValue(dst []byte, ev *schemas.Event) ([]byte, error) {
	row := ev.After
	deleted := ev.Op == schemas.OpDelete
	if deleted || row == nil {
		row = ev.Before
	}
	var unchanged []string
	for i := range c.fields {
		f := &c.fields[i]
		var v schemas.Value
		if f.index < len(row) {
			v = row[f.index]
		}
		if v.IsUnchanged() {
			unchanged = append(unchanged, f.col)
		}
		if v.IsNull() || v.IsUnchanged() {
			if !f.nullable {
				return dst, fmt.Errorf("key column %s is null", f.col)
			}
			dst = append(dst, 0)
			continue
		}
		if f.nullable {
			dst = append(dst, 2)
		}
		var err error
		if dst, err = f.enc(dst, v); err != nil {
			return dst, fmt.Errorf("column %s: %w", f.col, err)
		}
	}
	dst = encString(dst, ev.Op.Code())
	if deleted {
		dst = append(dst, 1)
	} else {
		dst = append(dst, 0)
	}
	if ev.Source.LSN != 0 {
		dst = appendLong(append(dst, 2), int64(ev.Source.LSN))
	} else {
		dst = append(dst, 0)
	}
	dst = appendLong(dst, ev.Source.CommitMicros)
	if len(unchanged) > 0 {
		dst = appendLong(dst, int64(len(unchanged)))
		for _, u := range unchanged {
			dst = encString(dst, u)
		}
	}
	return append(dst, 0), nil
}

// appendKey appends the Avro binary of ev's key record.
func (c *avroCodec) appendKey(dst []byte, ev *schemas.Event) ([]byte, error) {
	row := ev.Row()
	for i := range c.key {
		f := &c.key[i]
		if f.index >= len(row) || row[f.index].IsNull() || row[f.index].IsUnchanged() {
			return dst, fmt.Errorf("key column %s is missing", f.col)
		}
		var err error
		if dst, err = f.enc(dst, row[f.index]); err != nil {
			return dst, fmt.Errorf("key column %s: %w", f.col, err)
		}
	}
	return dst, nil
}

// appendWire appends the Confluent wire-format header: magic byte 0 and
// the 4-byte big-endian schema id.
func appendWire(dst []byte, id int) []byte {
	return binary.BigEndian.AppendUint32(append(dst, 0), uint32(id))
}
