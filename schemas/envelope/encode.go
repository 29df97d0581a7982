package envelope

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/heliosdb/helios-etl/schemas"
)

// Options say how messages are written.
type Options struct {
	// Schemas writes the Kafka Connect "schema" section beside the payload
	// (JsonConverter's schemas.enable=true).
	Schemas bool
	// TopicPrefix is Debezium's topic.prefix: it names the Connect schemas
	// ("<prefix>.<schema>.<table>.Value"). Default "helios".
	TopicPrefix string
	// Connector names the source connector in the source block schema
	// ("io.debezium.connector.<connector>.Source"). Default "postgresql".
	Connector string
}

func (o Options) withDefaults() Options {
	if o.TopicPrefix == "" {
		o.TopicPrefix = "helios"
	}
	if o.Connector == "" {
		o.Connector = "postgresql"
	}
	return o
}

// Encoder writes events as Debezium JSON envelopes.
type Encoder struct {
	opts  Options
	cache map[*schemas.Schema]*encSchema
}

// encSchema is the per-schema work done once: field codecs and the
// pre-rendered schema sections.
type encSchema struct {
	fields    []fieldCodec
	keyFields []fieldCodec
	valueJSON []byte // {"schema":…,"payload": (when Options.Schemas)
	keyJSON   []byte
}

// NewEncoder returns an encoder with the given options.
func NewEncoder(opts Options) *Encoder {
	return &Encoder{opts: opts.withDefaults(), cache: make(map[*schemas.Schema]*encSchema)}
}

func (e *Encoder) schema(s *schemas.Schema) (*encSchema, error) {
	if es, ok := e.cache[s]; ok {
		return es, nil
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	es := &encSchema{}
	base := e.opts.TopicPrefix + "." + s.Name
	row := connectSchema{Type: "struct", Optional: true, Name: base + ".Value", Version: s.Version}
	for _, f := range s.Fields {
		es.fields = append(es.fields, codecFor(f.Name, f.Type))
		row.Fields = append(row.Fields, connectFor(f.Type, f.Nullable, f.Name))
	}
	key := connectSchema{Type: "struct", Name: base + ".Key"}
	for _, k := range s.Key {
		f := s.Fields[k]
		es.keyFields = append(es.keyFields, codecFor(f.Name, f.Type))
		key.Fields = append(key.Fields, connectFor(f.Type, false, f.Name))
	}
	before, after := row, row
	before.Field, after.Field = "before", "after"
	env := connectSchema{Type: "struct", Name: base + ".Envelope", Version: 2, Fields: []connectSchema{
		before, after, sourceSchema(e.opts.Connector),
		{Type: "struct", Optional: true, Field: "transaction", Name: "event.block", Version: 1, Fields: []connectSchema{
			{Type: "string", Field: "id"}, {Type: "int64", Field: "total_order"}, {Type: "int64", Field: "data_collection_order"},
		}},
		{Type: "string", Field: "op"},
		{Type: "int64", Optional: true, Field: "ts_ms"},
		{Type: "int64", Optional: true, Field: "ts_us"},
		{Type: "int64", Optional: true, Field: "ts_ns"},
	}}
	if e.opts.Schemas {
		v, err := json.Marshal(env)
		if err != nil {
			return nil, fmt.Errorf("render schema of %s: %w", s.Name, err)
		}
		es.valueJSON = append(append([]byte(`{"schema":`), v...), `,"payload":`...)
		k, err := json.Marshal(key)
		if err != nil {
			return nil, fmt.Errorf("render key schema of %s: %w", s.Name, err)
		}
		es.keyJSON = append(append([]byte(`{"schema":`), k...), `,"payload":`...)
	}
	e.cache[s] = es
	return es, nil
}

func sourceSchema(connector string) connectSchema {
	str := func(f string, opt bool) connectSchema { return connectSchema{Type: "string", Field: f, Optional: opt} }
	i64 := func(f string, opt bool) connectSchema { return connectSchema{Type: "int64", Field: f, Optional: opt} }
	return connectSchema{Type: "struct", Field: "source", Name: "io.debezium.connector." + connector + ".Source", Fields: []connectSchema{
		str("version", false), str("connector", false), str("name", false), i64("ts_ms", false),
		{Type: "string", Optional: true, Name: nameEnum, Version: 1, Field: "snapshot",
			Parameters: map[string]string{"allowed": "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"}},
		str("db", false), str("sequence", true), i64("ts_us", true), i64("ts_ns", true),
		str("schema", false), str("table", false), i64("txId", true), i64("lsn", true), i64("xmin", true),
	}}
}

// AppendValue appends the event's value message to dst.
func (e *Encoder) AppendValue(dst []byte, ev *schemas.Event) ([]byte, error) {
	if ev.Schema == nil {
		return dst, fmt.Errorf("encode %s event: no schema", ev.Op)
	}
	es, err := e.schema(ev.Schema)
	if err != nil {
		return dst, err
	}
	dst = append(dst, es.valueJSON...)
	dst = append(dst, `{"before":`...)
	if dst, err = appendRow(dst, es.fields, ev.Before); err != nil {
		return dst, fmt.Errorf("encode %s before: %w", ev.Schema.Name, err)
	}
	dst = append(dst, `,"after":`...)
	if dst, err = appendRow(dst, es.fields, ev.After); err != nil {
		return dst, fmt.Errorf("encode %s after: %w", ev.Schema.Name, err)
	}
	dst = append(dst, `,"source":`...)
	dst = e.appendSource(dst, &ev.Source)
	dst = append(dst, `,"transaction":null,"op":"`...)
	dst = append(dst, ev.Op.Code()...)
	dst = append(dst, `","ts_ms":`...)
	dst = strconv.AppendInt(dst, floorDiv(ev.TsMicros, 1000), 10)
	dst = append(dst, `,"ts_us":`...)
	dst = strconv.AppendInt(dst, ev.TsMicros, 10)
	dst = append(dst, `,"ts_ns":`...)
	dst = strconv.AppendInt(dst, ev.TsMicros*1000, 10)
	dst = append(dst, '}')
	if e.opts.Schemas {
		dst = append(dst, '}')
	}
	return dst, nil
}

// AppendKey appends the event's key message to dst. It returns dst
// unchanged and ok=false for a table without a primary key, whose
// messages have a null key.
func (e *Encoder) AppendKey(dst []byte, ev *schemas.Event) (out []byte, ok bool, err error) {
	if ev.Schema == nil {
		return dst, false, fmt.Errorf("encode key: no schema")
	}
	es, err := e.schema(ev.Schema)
	if err != nil {
		return dst, false, err
	}
	row := ev.Row()
	if len(es.keyFields) == 0 || row == nil {
		return dst, false, nil
	}
	dst = append(dst, es.keyJSON...)
	dst = append(dst, '{')
	for i, k := range ev.Schema.Key {
		if i > 0 {
			dst = append(dst, ',')
		}
		fc := &es.keyFields[i]
		dst = append(dst, fc.quote...)
		if dst, err = appendValue(dst, fc, row[k]); err != nil {
			return dst, false, fmt.Errorf("encode key field %q: %w", fc.name, err)
		}
	}
	dst = append(dst, '}')
	if e.opts.Schemas {
		dst = append(dst, '}')
	}
	return dst, true, nil
}

func (e *Encoder) appendSource(dst []byte, s *schemas.Source) []byte {
	str := func(dst []byte, k, v string) []byte {
		dst = append(dst, k...)
		return appendString(dst, v)
	}
	dst = str(dst, `{"version":`, s.Version)
	connector := s.Connector
	if connector == "" {
		connector = e.opts.Connector
	}
	dst = str(dst, `,"connector":`, connector)
	name := s.Name
	if name == "" {
		name = e.opts.TopicPrefix
	}
	dst = str(dst, `,"name":`, name)
	dst = append(dst, `,"ts_ms":`...)
	dst = strconv.AppendInt(dst, floorDiv(s.CommitMicros, 1000), 10)
	dst = str(dst, `,"snapshot":`, s.Snapshot.String())
	dst = str(dst, `,"db":`, s.Database)
	dst = append(dst, `,"sequence":`...)
	if s.Sequence == "" {
		dst = append(dst, "null"...)
	} else {
		dst = appendString(dst, s.Sequence)
	}
	dst = append(dst, `,"ts_us":`...)
	dst = strconv.AppendInt(dst, s.CommitMicros, 10)
	dst = append(dst, `,"ts_ns":`...)
	dst = strconv.AppendInt(dst, s.CommitMicros*1000, 10)
	dst = str(dst, `,"schema":`, s.Schema)
	dst = str(dst, `,"table":`, s.Table)
	dst = append(dst, `,"txId":`...)
	dst = strconv.AppendInt(dst, s.TxID, 10)
	dst = append(dst, `,"lsn":`...)
	dst = strconv.AppendUint(dst, s.LSN, 10)
	return append(dst, `,"xmin":null}`...)
}

func appendRow(dst []byte, fields []fieldCodec, row []schemas.Value) ([]byte, error) {
	if row == nil {
		return append(dst, "null"...), nil
	}
	if len(row) != len(fields) {
		return dst, fmt.Errorf("row has %d values, schema has %d fields", len(row), len(fields))
	}
	dst = append(dst, '{')
	var err error
	for i := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		fc := &fields[i]
		dst = append(dst, fc.quote...)
		if dst, err = appendValue(dst, fc, row[i]); err != nil {
			return dst, fmt.Errorf("field %q: %w", fc.name, err)
		}
	}
	return append(dst, '}'), nil
}

var (
	placeholderB64 = base64.StdEncoding.EncodeToString([]byte(Placeholder))
	specialTexts   = [...]string{"NaN", "Infinity", "-Infinity", placeholderB64}
)

func appendValue(dst []byte, fc *fieldCodec, v schemas.Value) ([]byte, error) {
	if v.IsNull() {
		return append(dst, "null"...), nil
	}
	k := fc.typ.Kind
	if v.IsUnchanged() {
		if k == schemas.KindBytes || (k == schemas.KindDecimal && fc.unit != unitVarDec) {
			return appendString(dst, placeholderB64), nil
		}
		if fc.unit == unitVarDec {
			return append(append(append(dst, `{"scale":0,"value":"`...), placeholderB64...), `"}`...), nil
		}
		return appendString(dst, Placeholder), nil
	}
	if v.Kind() != k {
		return dst, fmt.Errorf("value of kind %s in a %s field", v.Kind(), k)
	}
	switch k {
	case schemas.KindBool:
		return strconv.AppendBool(dst, v.Bool()), nil
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case schemas.KindFloat32, schemas.KindFloat64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return append(dst, `"NaN"`...), nil
		case math.IsInf(f, 1):
			return append(dst, `"Infinity"`...), nil
		case math.IsInf(f, -1):
			return append(dst, `"-Infinity"`...), nil
		}
		bits := 64
		if k == schemas.KindFloat32 {
			bits = 32
		}
		return strconv.AppendFloat(dst, f, 'g', -1, bits), nil
	case schemas.KindDecimal:
		return appendDecimal(dst, fc, v.Decimal()), nil
	case schemas.KindString, schemas.KindJSON, schemas.KindEnum:
		return appendString(dst, v.Str()), nil
	case schemas.KindBytes:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, []byte(v.Str()))
		return append(dst, '"'), nil
	case schemas.KindUUID:
		dst = append(dst, '"')
		dst = schemas.AppendUUID(dst, v.UUID())
		return append(dst, '"'), nil
	case schemas.KindDate:
		return strconv.AppendInt(dst, int64(v.Days()), 10), nil
	case schemas.KindTime, schemas.KindTimestamp:
		return strconv.AppendInt(dst, v.Micros(), 10), nil
	case schemas.KindTimeTZ:
		dst = append(dst, '"')
		dst = schemas.AppendTimeTZ(dst, v.Micros(), v.ZoneOffset())
		return append(dst, '"'), nil
	case schemas.KindTimestampTZ:
		dst = append(dst, '"')
		dst = schemas.AppendTimestamp(dst, v.Micros(), true)
		return append(dst, '"'), nil
	case schemas.KindInterval:
		dst = append(dst, '"')
		dst = v.Interval().AppendISO(dst)
		return append(dst, '"'), nil
	case schemas.KindArray:
		if fc.elem == nil {
			return dst, fmt.Errorf("array field without element type")
		}
		dst = append(dst, '[')
		var err error
		for i, el := range v.Elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			elem := fc.elem
			if el.Kind() == schemas.KindArray && elem.typ.Kind != schemas.KindArray {
				elem = fc // a multi-dimensional array: PostgreSQL's types do not count dimensions
			}
			if dst, err = appendValue(dst, elem, el); err != nil {
				return dst, fmt.Errorf("element %d: %w", i, err)
			}
		}
		return append(dst, ']'), nil
	}
	return dst, fmt.Errorf("cannot encode kind %s", k)
}

// appendDecimal writes a decimal as base64 two's complement (or the
// VariableScaleDecimal struct), and specials as their names.
func appendDecimal(dst []byte, fc *fieldCodec, d schemas.Decimal) []byte {
	if !d.IsFinite() {
		dst = append(dst, '"')
		dst = d.Append(dst)
		return append(dst, '"')
	}
	var buf [32]byte
	raw := d.AppendTwosComplement(buf[:0])
	if fc.unit != unitVarDec && d.Scale() != fc.typ.Scale {
		// A fixed-scale column: rescale the unscaled value (exact when the
		// value has no more digits than the column, as PostgreSQL ensures).
		raw = rescale(d, fc.typ.Scale).AppendTwosComplement(buf[:0])
	}
	if fc.unit == unitVarDec {
		dst = append(dst, `{"scale":`...)
		dst = strconv.AppendInt(dst, int64(d.Scale()), 10)
		dst = append(dst, `,"value":`...)
	}
	valStart := len(dst)
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, raw)
	dst = append(dst, '"')
	if text := string(dst[valStart+1 : len(dst)-1]); isSpecialText(text) {
		// Sign-extend by one byte so the text cannot be read as a special.
		ext := make([]byte, 0, len(raw)+1)
		if raw[0]&0x80 != 0 {
			ext = append(ext, 0xff)
		} else {
			ext = append(ext, 0)
		}
		ext = append(ext, raw...)
		dst = append(dst[:valStart], '"')
		dst = base64.StdEncoding.AppendEncode(dst, ext)
		dst = append(dst, '"')
	}
	if fc.unit == unitVarDec {
		dst = append(dst, '}')
	}
	return dst
}

func isSpecialText(s string) bool {
	for _, t := range specialTexts {
		if s == t {
			return true
		}
	}
	return false
}

// rescale returns d with the given scale (multiplying or, when it loses
// only zeros, dividing the unscaled value).
func rescale(d schemas.Decimal, scale int32) schemas.Decimal {
	u := d.Unscaled()
	diff := int64(scale) - int64(d.Scale())
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(absI64(diff)), nil)
	if diff > 0 {
		u.Mul(u, p)
	} else {
		u.Quo(u, p)
	}
	return schemas.NewDecimalBig(u, scale)
}

func absI64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"
