package debezium

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// Registry gives the Avro schemas of the Confluent wire format: the schema
// text registered under an id. A franz-go sr.Client fits with a one-line
// adapter (SchemaByID(ctx, id) → Schema.Schema).
type Registry interface {
	Schema(ctx context.Context, id int) (string, error)
}

// ErrNoRegistry is returned for an Avro record when Config.Registry is nil.
var ErrNoRegistry = errors.New("debezium: Avro record (Confluent wire format) and no schema registry configured")

// isAvro reports whether a message is in the Confluent wire format: a zero
// magic byte and a 4-byte schema id (JSON never starts with a zero byte).
func isAvro(b []byte) bool { return len(b) >= 5 && b[0] == 0 }

type avroKind uint8

const (
	avNull avroKind = iota
	avBool
	avInt
	avLong
	avFloat
	avDouble
	avBytes
	avString
	avRecord
	avEnum
	avArray
	avMap
	avUnion
	avFixed
)

// avroNode is a parsed Avro schema.
type avroNode struct {
	kind        avroKind
	name        string // full name of a record, enum or fixed
	fields      []avroField
	items       *avroNode // array items or map values
	branches    []*avroNode
	symbols     []string
	size        int
	connectName string
	connectType string
	params      map[string]string
	logical     string
	scale       int
}

type avroField struct {
	name string
	node *avroNode
}

// parseAvro parses an Avro schema's JSON text.
func parseAvro(text string) (*avroNode, error) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, fmt.Errorf("avro schema: %w", err)
	}
	p := avroParser{named: map[string]*avroNode{}}
	return p.node(v, "", 0)
}

type avroParser struct{ named map[string]*avroNode }

func (p *avroParser) node(v any, ns string, depth int) (*avroNode, error) {
	if depth > 64 {
		return nil, errors.New("avro schema nests too deep")
	}
	switch t := v.(type) {
	case string:
		return p.primitive(t, ns)
	case []any:
		n := &avroNode{kind: avUnion}
		for _, b := range t {
			bn, err := p.node(b, ns, depth+1)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, bn)
		}
		return n, nil
	case map[string]any:
		typ, _ := t["type"].(string)
		if inner, ok := t["type"].(map[string]any); ok && typ == "" {
			return p.node(inner, ns, depth+1)
		}
		if inner, ok := t["type"].([]any); ok {
			return p.node(inner, ns, depth+1)
		}
		var n *avroNode
		switch typ {
		case "record", "error", "enum", "fixed":
			n = &avroNode{}
			name, _ := t["name"].(string)
			if space, ok := t["namespace"].(string); ok && !strings.Contains(name, ".") {
				ns = space
			}
			if !strings.Contains(name, ".") && ns != "" {
				name = ns + "." + name
			}
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				ns = name[:i]
			}
			n.name = name
			p.named[name] = n
			switch typ {
			case "enum":
				n.kind = avEnum
				syms, _ := t["symbols"].([]any)
				for _, s := range syms {
					str, _ := s.(string)
					n.symbols = append(n.symbols, str)
				}
			case "fixed":
				n.kind = avFixed
				size, _ := t["size"].(float64)
				if size < 0 || size > 1<<20 {
					return nil, fmt.Errorf("fixed %s: bad size %v", name, size)
				}
				n.size = int(size)
			default:
				n.kind = avRecord
				fields, _ := t["fields"].([]any)
				for _, f := range fields {
					fm, _ := f.(map[string]any)
					fname, _ := fm["name"].(string)
					fn, err := p.node(fm["type"], ns, depth+1)
					if err != nil {
						return nil, fmt.Errorf("field %s.%s: %w", name, fname, err)
					}
					n.fields = append(n.fields, avroField{name: fname, node: fn})
				}
			}
		case "array", "map":
			n = &avroNode{kind: avArray}
			key := "items"
			if typ == "map" {
				n.kind, key = avMap, "values"
			}
			items, err := p.node(t[key], ns, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = items
		default:
			prim, err := p.primitive(typ, ns)
			if err != nil {
				return nil, err
			}
			c := *prim // annotations must not change a shared primitive
			n = &c
		}
		n.connectName, _ = t["connect.name"].(string)
		n.connectType, _ = t["connect.type"].(string)
		n.logical, _ = t["logicalType"].(string)
		if s, ok := t["scale"].(float64); ok {
			n.scale = int(s)
		}
		if ps, ok := t["connect.parameters"].(map[string]any); ok {
			n.params = map[string]string{}
			for k, v := range ps {
				n.params[k], _ = v.(string)
			}
		}
		return n, nil
	}
	return nil, fmt.Errorf("avro schema: unexpected %T", v)
}

var avroPrimitives = map[string]avroKind{"null": avNull, "boolean": avBool, "int": avInt, "long": avLong,
	"float": avFloat, "double": avDouble, "bytes": avBytes, "string": avString}

func (p *avroParser) primitive(name, ns string) (*avroNode, error) {
	if k, ok := avroPrimitives[name]; ok {
		return &avroNode{kind: k}, nil
	}
	if n, ok := p.named[name]; ok {
		return n, nil
	}
	if n, ok := p.named[ns+"."+name]; ok {
		return n, nil
	}
	return nil, fmt.Errorf("avro schema: unknown type %q", name)
}

// nonNull returns the non-null branch of an optional union ["null", T],
// or n itself.
func nonNull(n *avroNode) *avroNode {
	if n.kind != avUnion {
		return n
	}
	var other *avroNode
	for _, b := range n.branches {
		if b.kind != avNull {
			if other != nil {
				return n
			}
			other = b
		}
	}
	if other == nil {
		return n
	}
	return other
}

// avroSem is how a column's Avro value maps to a model value.
type avroSem uint8

const (
	semPlain avroSem = iota
	semMillis
	semMicros
	semNanos
	semDecimal
	semVarDecimal
	semISO
	semDuration
	semGeometry
	semJSONText // an unknown record or map, rendered as JSON text
)

type avroCol struct {
	name string
	node *avroNode // as declared, maybe a union
	typ  schemas.Type
	sem  avroSem
	elem *avroCol
}

// avroColumn maps a field's Avro schema to a model type.
func avroColumn(name string, declared *avroNode) (avroCol, error) {
	c := avroCol{name: name, node: declared}
	n := nonNull(declared)
	t := &c.typ
	switch n.connectName {
	case "org.apache.kafka.connect.data.Decimal":
		t.Kind, c.sem = schemas.KindDecimal, semDecimal
		scale := n.scale
		if s, err := strconv.Atoi(n.params["scale"]); err == nil {
			scale = s
		}
		if scale < -envelope.MaxScale || scale > envelope.MaxScale {
			return c, fmt.Errorf("field %q: decimal scale %d out of range", name, scale)
		}
		t.Scale = int32(scale)
		if p, err := strconv.Atoi(n.params["connect.decimal.precision"]); err == nil {
			t.Precision = int32(p)
		}
	case "io.debezium.data.VariableScaleDecimal":
		t.Kind, t.Scale, c.sem = schemas.KindDecimal, schemas.VariableScale, semVarDecimal
	case "io.debezium.data.Uuid":
		t.Kind = schemas.KindUUID
	case "io.debezium.data.Json":
		t.Kind = schemas.KindJSON
	case "io.debezium.data.Enum":
		t.Kind = schemas.KindEnum
		if a := n.params["allowed"]; a != "" {
			t.Symbols = strings.Split(a, ",")
		}
	case "io.debezium.data.EnumSet":
		t.Kind, t.Source = schemas.KindString, "enumset"
	case "io.debezium.data.Xml":
		t.Kind, t.Source = schemas.KindString, "xml"
	case "io.debezium.data.Bits":
		t.Kind, t.Source = schemas.KindBytes, "bits"
	case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
		t.Kind = schemas.KindDate
	case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time":
		t.Kind, c.sem = schemas.KindTime, semMillis
	case "io.debezium.time.MicroTime":
		t.Kind, c.sem = schemas.KindTime, semMicros
	case "io.debezium.time.NanoTime":
		t.Kind, c.sem = schemas.KindTime, semNanos
	case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
		t.Kind, c.sem = schemas.KindTimestamp, semMillis
	case "io.debezium.time.MicroTimestamp":
		t.Kind, c.sem = schemas.KindTimestamp, semMicros
	case "io.debezium.time.NanoTimestamp":
		t.Kind, c.sem = schemas.KindTimestamp, semNanos
	case "io.debezium.time.ZonedTimestamp":
		t.Kind, c.sem = schemas.KindTimestampTZ, semISO
	case "io.debezium.time.ZonedTime":
		t.Kind, c.sem = schemas.KindTimeTZ, semISO
	case "io.debezium.time.Interval":
		t.Kind, c.sem = schemas.KindInterval, semISO
	case "io.debezium.time.MicroDuration":
		t.Kind, c.sem = schemas.KindInterval, semDuration
	case "io.debezium.time.Year":
		t.Kind, t.Source = schemas.KindInt32, "year"
	case "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Geography", "io.debezium.data.geometry.Point":
		t.Kind, c.sem = schemas.KindBytes, semGeometry
		t.Source = strings.ToLower(n.connectName[strings.LastIndexByte(n.connectName, '.')+1:])
	default:
		switch n.kind {
		case avBool:
			t.Kind = schemas.KindBool
		case avInt:
			t.Kind = schemas.KindInt32
			if n.connectType == "int8" || n.connectType == "int16" {
				t.Kind = schemas.KindInt16
			}
		case avLong:
			t.Kind = schemas.KindInt64
		case avFloat:
			t.Kind = schemas.KindFloat32
		case avDouble:
			t.Kind = schemas.KindFloat64
		case avString, avEnum:
			t.Kind = schemas.KindString
			if n.logical == "uuid" {
				t.Kind = schemas.KindUUID
			}
		case avBytes, avFixed:
			t.Kind = schemas.KindBytes
			if n.logical == "decimal" {
				if n.scale < 0 || n.scale > envelope.MaxScale {
					return c, fmt.Errorf("field %q: decimal scale %d out of range", name, n.scale)
				}
				t.Kind, c.sem, t.Scale = schemas.KindDecimal, semDecimal, int32(n.scale)
			}
		case avArray:
			e, err := avroColumn("", n.items)
			if err != nil {
				return c, err
			}
			t.Kind, t.Elem, c.elem = schemas.KindArray, &e.typ, &e
		case avRecord, avMap, avUnion:
			t.Kind, c.sem, t.Source = schemas.KindJSON, semJSONText, n.connectName
		default:
			return c, fmt.Errorf("field %q: unsupported Avro type", name)
		}
	}
	return c, nil
}

// avroEnvelope is the decoding plan of one registered value schema.
type avroEnvelope struct {
	flat   bool // an ExtractNewRecordState row, not an envelope
	mongo  bool // MongoDB: documents as JSON strings
	top    *avroNode
	row    *avroNode // the row record
	cols   []avroCol
	schema *schemas.Schema
}

func newAvroEnvelope(text string) (*avroEnvelope, error) {
	top, err := parseAvro(text)
	if err != nil {
		return nil, err
	}
	if top.kind != avRecord {
		return nil, errors.New("avro value schema is not a record")
	}
	e := &avroEnvelope{top: top}
	for _, f := range top.fields {
		if f.name == "after" || (f.name == "before" && e.row == nil) {
			e.row = nonNull(f.node)
		}
	}
	switch {
	case e.row == nil:
		e.row, e.flat = top, true
	case e.row.kind == avString:
		e.mongo = true
		e.schema = &schemas.Schema{Name: tableOf(top.name)}
		for _, name := range envelope.MongoDBFields {
			e.schema.Fields = append(e.schema.Fields, schemas.Field{Name: name, Type: schemas.Type{Kind: schemas.KindJSON, Source: "mongodb"}, Nullable: true})
		}
		return e, nil
	case e.row.kind != avRecord:
		return nil, errors.New("avro envelope: before/after is not a record")
	}
	e.schema = &schemas.Schema{Name: tableOf(e.row.name)}
	for _, f := range e.row.fields {
		c, err := avroColumn(f.name, f.node)
		if err != nil {
			return nil, err
		}
		e.cols = append(e.cols, c)
		e.schema.Fields = append(e.schema.Fields, schemas.Field{Name: f.name, Type: c.typ, Nullable: f.node.kind == avUnion})
	}
	return e, nil
}

// tableOf turns the Avro full name "prefix.schema.table.Value" (or
// ".Envelope", ".Key") into "schema.table".
func tableOf(name string) string {
	parts := strings.Split(name, ".")
	if n := len(parts); n >= 3 {
		switch parts[n-1] {
		case "Value", "Envelope", "Key":
			return parts[n-3] + "." + parts[n-2]
		}
	}
	return name
}

// avroReader reads Avro binary data.
type avroReader struct {
	b []byte
	i int
}

var errAvroShort = errors.New("avro: unexpected end of data")

func (r *avroReader) long() (int64, error) {
	u, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		return 0, errAvroShort
	}
	r.i += n
	return int64(u>>1) ^ -int64(u&1), nil
}

func (r *avroReader) bytes() ([]byte, error) {
	n, err := r.long()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > int64(len(r.b)-r.i) {
		return nil, fmt.Errorf("avro: length %d past the end of data", n)
	}
	b := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return b, nil
}

func (r *avroReader) fixed(n int) ([]byte, error) {
	if n > len(r.b)-r.i {
		return nil, errAvroShort
	}
	b := r.b[r.i : r.i+n]
	r.i += n
	return b, nil
}

// branch resolves a union: the branch to read.
func (r *avroReader) branch(n *avroNode) (*avroNode, error) {
	for n.kind == avUnion {
		i, err := r.long()
		if err != nil {
			return nil, err
		}
		if i < 0 || i >= int64(len(n.branches)) {
			return nil, fmt.Errorf("avro: union branch %d of %d", i, len(n.branches))
		}
		n = n.branches[i]
	}
	return n, nil
}

// blocks iterates the items of an array or map.
func (r *avroReader) blocks(fn func() error) error {
	for {
		count, err := r.long()
		if err != nil {
			return err
		}
		if count == 0 {
			return nil
		}
		if count < 0 {
			count = -count
			if _, err := r.long(); err != nil { // the block's size in bytes
				return err
			}
		}
		if count > int64(len(r.b)-r.i) {
			return fmt.Errorf("avro: block of %d items past the end of data", count)
		}
		for range count {
			if err := fn(); err != nil {
				return err
			}
		}
	}
}

// skip consumes a value of n.
func (r *avroReader) skip(n *avroNode, depth int) error {
	_, err := r.appendJSON(nil, n, depth)
	return err
}

// appendJSON reads a value of n and appends it as JSON.
func (r *avroReader) appendJSON(dst []byte, n *avroNode, depth int) ([]byte, error) {
	if depth > 64 {
		return dst, errors.New("avro: nesting too deep")
	}
	n, err := r.branch(n)
	if err != nil {
		return dst, err
	}
	switch n.kind {
	case avNull:
		return append(dst, "null"...), nil
	case avBool:
		b, err := r.fixed(1)
		if err != nil {
			return dst, err
		}
		return strconv.AppendBool(dst, b[0] != 0), nil
	case avInt, avLong:
		v, err := r.long()
		return strconv.AppendInt(dst, v, 10), err
	case avFloat:
		b, err := r.fixed(4)
		if err != nil {
			return dst, err
		}
		return appendJSONFloat(dst, float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 32), nil
	case avDouble:
		b, err := r.fixed(8)
		if err != nil {
			return dst, err
		}
		return appendJSONFloat(dst, math.Float64frombits(binary.LittleEndian.Uint64(b)), 64), nil
	case avBytes, avString, avFixed:
		var b []byte
		if n.kind == avFixed {
			b, err = r.fixed(n.size)
		} else {
			b, err = r.bytes()
		}
		if err != nil {
			return dst, err
		}
		q, _ := json.Marshal(string(b))
		return append(dst, q...), nil
	case avEnum:
		i, err := r.long()
		if err != nil {
			return dst, err
		}
		if i < 0 || i >= int64(len(n.symbols)) {
			return dst, fmt.Errorf("avro: enum index %d of %d", i, len(n.symbols))
		}
		q, _ := json.Marshal(n.symbols[i])
		return append(dst, q...), nil
	case avArray:
		dst = append(dst, '[')
		first := true
		err := r.blocks(func() error {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			var err error
			dst, err = r.appendJSON(dst, n.items, depth+1)
			return err
		})
		return append(dst, ']'), err
	case avMap:
		dst = append(dst, '{')
		first := true
		err := r.blocks(func() error {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			k, err := r.bytes()
			if err != nil {
				return err
			}
			q, _ := json.Marshal(string(k))
			dst = append(append(dst, q...), ':')
			dst, err = r.appendJSON(dst, n.items, depth+1)
			return err
		})
		return append(dst, '}'), err
	case avRecord:
		dst = append(dst, '{')
		for i, f := range n.fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			q, _ := json.Marshal(f.name)
			dst = append(append(dst, q...), ':')
			if dst, err = r.appendJSON(dst, f.node, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return dst, fmt.Errorf("avro: cannot read kind %d", n.kind)
}

func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// value reads one column value.
func (r *avroReader) value(c *avroCol, declared *avroNode) (schemas.Value, error) {
	n, err := r.branch(declared)
	if err != nil {
		return schemas.Value{}, err
	}
	k := c.typ.Kind
	switch n.kind {
	case avNull:
		return schemas.Null(), nil
	case avString, avBytes:
		b, err := r.bytes()
		if err != nil {
			return schemas.Value{}, err
		}
		if string(b) == envelope.Placeholder {
			return schemas.Unchanged(), nil
		}
		return textValue(c, b)
	case avFixed:
		b, err := r.fixed(n.size)
		if err != nil {
			return schemas.Value{}, err
		}
		return textValue(c, b)
	case avBool:
		b, err := r.fixed(1)
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.Bool(b[0] != 0), nil
	case avFloat, avDouble:
		if n.kind == avFloat {
			b, err := r.fixed(4)
			if err != nil {
				return schemas.Value{}, err
			}
			return schemas.Float(k, float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))), nil
		}
		b, err := r.fixed(8)
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.Float(k, math.Float64frombits(binary.LittleEndian.Uint64(b))), nil
	case avInt, avLong:
		v, err := r.long()
		if err != nil {
			return schemas.Value{}, err
		}
		return intValue(c, v)
	case avEnum:
		i, err := r.long()
		if err != nil {
			return schemas.Value{}, err
		}
		if i < 0 || i >= int64(len(n.symbols)) {
			return schemas.Value{}, fmt.Errorf("avro: enum index %d of %d", i, len(n.symbols))
		}
		if k == schemas.KindEnum {
			return schemas.Enum(n.symbols[i]), nil
		}
		return schemas.String(n.symbols[i]), nil
	case avArray:
		if c.elem == nil {
			break
		}
		elems := []schemas.Value{}
		err := r.blocks(func() error {
			v, err := r.value(c.elem, c.elem.node)
			elems = append(elems, v)
			return err
		})
		return schemas.Array(elems), err
	case avRecord:
		switch c.sem {
		case semVarDecimal:
			return r.varDecimal(n)
		case semGeometry:
			return r.geometry(n)
		}
	}
	if c.sem == semJSONText {
		b, err := r.appendJSON(nil, n, 0)
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.JSON(string(b)), nil
	}
	return schemas.Value{}, fmt.Errorf("avro: field %q: value does not fit %v", c.name, c.typ)
}

func textValue(c *avroCol, b []byte) (schemas.Value, error) {
	switch c.typ.Kind {
	case schemas.KindString:
		return schemas.String(string(b)), nil
	case schemas.KindJSON:
		return schemas.JSON(string(b)), nil
	case schemas.KindEnum:
		return schemas.Enum(string(b)), nil
	case schemas.KindBytes:
		return schemas.Bytes(b), nil
	case schemas.KindDecimal:
		return schemas.DecimalValue(schemas.DecimalFromTwosComplement(b, c.typ.Scale)), nil
	case schemas.KindUUID:
		u, err := schemas.ParseUUID(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.UUID(u), nil
	case schemas.KindTimeTZ:
		us, off, err := schemas.ParseTimeTZ(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.TimeTZ(us, off), nil
	case schemas.KindTimestampTZ:
		us, _, err := schemas.ParseTimestamp(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.TimestampTZ(us), nil
	case schemas.KindInterval:
		iv, err := schemas.ParseInterval(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.IntervalValue(iv), nil
	}
	return schemas.Value{}, fmt.Errorf("avro: field %q: text for %v", c.name, c.typ)
}

func intValue(c *avroCol, v int64) (schemas.Value, error) {
	scale := func() int64 {
		if v == math.MaxInt64 || v == math.MinInt64 {
			return v
		}
		switch c.sem {
		case semMillis:
			return v * 1000
		case semNanos:
			q := v / 1000
			if v%1000 < 0 {
				q--
			}
			return q
		}
		return v
	}
	switch k := c.typ.Kind; k {
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		if (k == schemas.KindInt16 && (v < math.MinInt16 || v > math.MaxInt16)) || (k == schemas.KindInt32 && (v < math.MinInt32 || v > math.MaxInt32)) {
			return schemas.Value{}, fmt.Errorf("avro: field %q: %d out of range for %s", c.name, v, k)
		}
		return schemas.Int(k, v), nil
	case schemas.KindDate:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return schemas.Value{}, fmt.Errorf("avro: field %q: date %d out of range", c.name, v)
		}
		return schemas.Date(int32(v)), nil
	case schemas.KindTime:
		return schemas.Time(scale()), nil
	case schemas.KindTimestamp:
		return schemas.Timestamp(scale()), nil
	case schemas.KindInterval:
		return schemas.IntervalValue(schemas.Interval{Micros: v}), nil
	}
	return schemas.Value{}, fmt.Errorf("avro: field %q: integer for %v", c.name, c.typ)
}

func (r *avroReader) varDecimal(n *avroNode) (schemas.Value, error) {
	var scale int64
	var raw []byte
	for _, f := range n.fields {
		fn, err := r.branch(f.node)
		if err != nil {
			return schemas.Value{}, err
		}
		switch {
		case f.name == "scale" && (fn.kind == avInt || fn.kind == avLong):
			scale, err = r.long()
		case f.name == "value" && fn.kind == avBytes:
			raw, err = r.bytes()
		default:
			err = r.skip(fn, 0)
		}
		if err != nil {
			return schemas.Value{}, err
		}
	}
	if scale < -envelope.MaxScale || scale > envelope.MaxScale {
		return schemas.Value{}, fmt.Errorf("avro: VariableScaleDecimal scale %d out of range", scale)
	}
	return schemas.DecimalValue(schemas.DecimalFromTwosComplement(raw, int32(scale))), nil
}

func (r *avroReader) geometry(n *avroNode) (schemas.Value, error) {
	var wkb []byte
	var srid int64
	var x, y float64
	haveSRID, haveX, haveY := false, false, false
	for _, f := range n.fields {
		fn, err := r.branch(f.node)
		if err != nil {
			return schemas.Value{}, err
		}
		switch {
		case fn.kind == avNull:
		case f.name == "wkb" && fn.kind == avBytes:
			wkb, err = r.bytes()
		case f.name == "srid" && (fn.kind == avInt || fn.kind == avLong):
			srid, err = r.long()
			haveSRID = true
		case (f.name == "x" || f.name == "y") && fn.kind == avDouble:
			var b []byte
			if b, err = r.fixed(8); err == nil {
				v := math.Float64frombits(binary.LittleEndian.Uint64(b))
				if f.name == "x" {
					x, haveX = v, true
				} else {
					y, haveY = v, true
				}
			}
		default:
			err = r.skip(fn, 0)
		}
		if err != nil {
			return schemas.Value{}, err
		}
	}
	if srid < math.MinInt32 || srid > math.MaxInt32 {
		return schemas.Value{}, fmt.Errorf("avro: srid %d out of range", srid)
	}
	if wkb == nil && !(haveX && haveY) {
		return schemas.Value{}, errors.New("avro: geometry without wkb")
	}
	b, err := envelope.GeometryEWKB(wkb, x, y, int32(srid), haveSRID)
	if err != nil {
		return schemas.Value{}, err
	}
	return schemas.Bytes(b), nil
}

// row reads a row record.
func (r *avroReader) row(e *avroEnvelope, declared *avroNode) ([]schemas.Value, error) {
	n, err := r.branch(declared)
	if err != nil || n.kind == avNull {
		return nil, err
	}
	if n != e.row {
		return nil, errors.New("avro: row of another record type")
	}
	row := make([]schemas.Value, len(e.cols))
	for i := range e.cols {
		if row[i], err = r.value(&e.cols[i], e.cols[i].node); err != nil {
			return nil, fmt.Errorf("%s: %w", e.cols[i].name, err)
		}
	}
	return row, nil
}

// scalar reads a string or integer of a source block; other values are
// skipped.
func (r *avroReader) scalar(n *avroNode) (s string, i int64, err error) {
	if n, err = r.branch(n); err != nil {
		return "", 0, err
	}
	switch n.kind {
	case avString:
		b, err := r.bytes()
		return string(b), 0, err
	case avInt, avLong:
		i, err = r.long()
		return "", i, err
	case avEnum:
		i, err = r.long()
		if err == nil && i >= 0 && i < int64(len(n.symbols)) {
			return n.symbols[i], 0, nil
		}
		return "", 0, err
	}
	return "", 0, r.skip(n, 0)
}

func (r *avroReader) source(n *avroNode, src *schemas.Source) error {
	n, err := r.branch(n)
	if err != nil || n.kind != avRecord {
		if err == nil && n.kind != avNull {
			err = r.skip(n, 0)
		}
		return err
	}
	var tsMs, tsUs int64
	for _, f := range n.fields {
		s, i, err := r.scalar(f.node)
		if err != nil {
			return fmt.Errorf("source.%s: %w", f.name, err)
		}
		switch f.name {
		case "version":
			src.Version = s
		case "connector":
			src.Connector = s
		case "name":
			src.Name = s
		case "db":
			src.Database = s
		case "schema":
			src.Schema = s
		case "table", "collection":
			src.Table = s
		case "sequence":
			src.Sequence = s
		case "snapshot":
			if s != "" {
				src.Snapshot, _ = schemas.ParseSnapshot(s)
			}
		case "txId":
			src.TxID = i
		case "lsn":
			src.LSN = uint64(i)
		case "ts_ms":
			tsMs = i
		case "ts_us":
			tsUs = i
		}
	}
	src.CommitMicros = tsMs * 1000
	if tsUs != 0 {
		src.CommitMicros = tsUs
	}
	return nil
}

// decode reads a value message body (after the wire-format header).
func (e *avroEnvelope) decode(data []byte) (schemas.Event, error) {
	r := &avroReader{b: data}
	ev := schemas.Event{Schema: e.schema}
	var err error
	if e.flat {
		if ev.After, err = r.row(e, e.top); err != nil {
			return ev, err
		}
		ev.Op = schemas.OpCreate
		if i := e.schema.FieldIndex("__deleted"); i >= 0 && ev.After[i].Str() == "true" {
			ev.Op, ev.Before, ev.After = schemas.OpDelete, ev.After, nil
		} else if i := e.schema.FieldIndex("__op"); i >= 0 {
			if op, err := schemas.ParseOpCode(ev.After[i].Str()); err == nil {
				ev.Op = op
			}
		}
		return ev, r.end()
	}
	var tsMs, tsUs int64
	for _, f := range e.top.fields {
		switch f.name {
		case "before", "after":
			var row []schemas.Value
			if e.mongo {
				row, err = r.mongo(f.node, nil, 0)
			} else {
				row, err = r.row(e, f.node)
			}
			if f.name == "before" {
				ev.Before = row
			} else if row != nil {
				if ev.After != nil { // patch or updateDescription came first
					row[1], row[2], row[3] = ev.After[1], ev.After[2], ev.After[3]
				}
				ev.After = row
			}
		case "patch", "filter", "updateDescription":
			if e.mongo {
				slot := map[string]int{"patch": 1, "filter": 2, "updateDescription": 3}[f.name]
				ev.After, err = r.mongo(f.node, ev.After, slot)
				break
			}
			err = r.skip(f.node, 0)
		case "source":
			err = r.source(f.node, &ev.Source)
		case "op":
			var s string
			if s, _, err = r.scalar(f.node); err == nil {
				ev.Op, err = schemas.ParseOpCode(s)
			}
		case "ts_ms":
			_, tsMs, err = r.scalar(f.node)
		case "ts_us":
			_, tsUs, err = r.scalar(f.node)
		default:
			err = r.skip(f.node, 0)
		}
		if err != nil {
			return ev, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	ev.TsMicros = tsMs * 1000
	if tsUs != 0 {
		ev.TsMicros = tsUs
	}
	if ev.Op == schemas.OpInvalid {
		return ev, errors.New("avro envelope without op")
	}
	return ev, r.end()
}

func (r *avroReader) end() error {
	if r.i != len(r.b) {
		return fmt.Errorf("avro: %d bytes after the record", len(r.b)-r.i)
	}
	return nil
}

// mongo reads a MongoDB document (slot 0) or extra (slots 1-3) into row.
func (r *avroReader) mongo(n *avroNode, row []schemas.Value, slot int) ([]schemas.Value, error) {
	n, err := r.branch(n)
	if err != nil || n.kind == avNull {
		return row, err
	}
	var text []byte
	if n.kind == avString {
		text, err = r.bytes()
	} else {
		text, err = r.appendJSON(nil, n, 0)
	}
	if err != nil {
		return nil, err
	}
	if row == nil {
		row = make([]schemas.Value, len(envelope.MongoDBFields))
		row[0] = schemas.Unchanged()
	}
	row[slot] = schemas.JSON(string(text))
	return row, nil
}

// avroPlan returns the decoding plan of a registered schema id, asking
// the registry on a miss.
func (d *Decoder) avroPlan(ctx context.Context, id int, key bool) (*avroEnvelope, error) {
	cache := d.avroValues
	if key {
		cache = d.avroKeys
	}
	if e, ok := cache[id]; ok {
		return e, nil
	}
	if d.cfg.Registry == nil {
		return nil, ErrNoRegistry
	}
	text, err := d.cfg.Registry.Schema(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	e, err := newAvroEnvelope(text)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	if key {
		// A key is a struct of the key columns, even one named "after".
		if e.top.kind != avRecord || e.mongo {
			return nil, fmt.Errorf("schema id %d: key schema is not a record", id)
		}
		if !e.flat {
			k, err := newAvroEnvelope(`{"type":"record","name":"Key","fields":[]}`)
			if err != nil {
				return nil, err
			}
			k.top, k.row = e.top, e.top
			e = k
		}
	}
	if len(cache) >= 4096 {
		clear(cache)
	}
	cache[id] = e
	return e, nil
}

// schemaID reads the id of a Confluent wire-format message.
func schemaID(b []byte) int { return int(binary.BigEndian.Uint32(b[1:5])) }

// decodeAvroKey decodes a Confluent wire-format key.
func (d *Decoder) decodeAvroKey(ctx context.Context, key []byte) (*schemas.Schema, []schemas.Value, error) {
	e, err := d.avroPlan(ctx, schemaID(key), true)
	if err != nil {
		return nil, nil, err
	}
	ev, err := e.decode(key[5:])
	return e.schema, ev.After, err
}

// decodeAvro decodes a record whose value is in the Confluent wire format.
func (d *Decoder) decodeAvro(ctx context.Context, r Record) (Message, string, error) {
	m := Message{Kind: KindChange}
	e, err := d.avroPlan(ctx, schemaID(r.Value), false)
	if err != nil {
		return m, "value", err
	}
	if name := e.top.name; strings.HasSuffix(name, "TransactionMetadataValue") || strings.HasSuffix(name, "SchemaChangeValue") {
		// Metadata: read as JSON and decode as the JSON converter's.
		rd := &avroReader{b: r.Value[5:]}
		text, err := rd.appendJSON(nil, e.top, 0)
		if err == nil {
			err = rd.end()
		}
		if err != nil {
			return m, "value", err
		}
		if strings.HasSuffix(name, "TransactionMetadataValue") {
			m.Kind = KindTransaction
			m.Transaction, err = DecodeTransaction(text)
		} else {
			m.Kind = KindSchemaChange
			m.SchemaChange, err = DecodeSchemaChange(text)
		}
		return m, "value", err
	}
	if m.Event, err = e.decode(r.Value[5:]); err != nil {
		return m, "value", err
	}
	if isAvro(r.Key) {
		if m.KeySchema, m.Key, err = d.decodeAvroKey(ctx, r.Key); err != nil {
			return m, "key", err
		}
		if len(m.Event.Schema.Key) == 0 {
			m.Event.Schema = d.withKey(m.Event.Schema, m.KeySchema)
		}
	}
	return m, "", nil
}
