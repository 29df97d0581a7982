package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"

	"github.com/heliosdb/helios-etl/schemas"
)

// ErrTombstone is returned for an empty message: Kafka's tombstone that
// follows a delete so that compaction can drop the key.
var ErrTombstone = errors.New("envelope: tombstone")

// ErrNoSchema is returned for a payload-only message decoded without a
// schema hint.
var ErrNoSchema = errors.New("envelope: message has no schema section and no schema was given")

// DecodeError is a message that could not be decoded: Path names the
// field ("payload.after.amount") and Offset the byte where it failed.
type DecodeError struct {
	Path   string
	Offset int
	Err    error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("envelope: %s at offset %d: %v", e.Path, e.Offset, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decoder reads Debezium JSON envelopes. Schemas found in messages are
// cached by their text, so a stream of messages with the same schema parses
// it once.
type Decoder struct {
	seed  maphash.Seed
	cache map[uint64]*decSchema
	hints map[*schemas.Schema]*decSchema
	// last is the schema of the previous message, tried first.
	last *decSchema
	// keyHints maps a row schema to the decoder of its key.
	keyHints map[*schemas.Schema]*decSchema
}

// decSchema is a parsed value schema: the row schema and how to read it.
type decSchema struct {
	flat   bool // the schema is a flattened row, not an envelope
	mongo  bool // MongoDB's envelope: documents as JSON text (see [MongoDBFields])
	schema *schemas.Schema
	fields []fieldCodec
	text   []byte // the schema section it came from, to rule out hash collisions
}

// maxCachedSchemas bounds the decoder's cache; past it the cache is reset.
const maxCachedSchemas = 4096

// NewDecoder returns a decoder.
func NewDecoder() *Decoder {
	return &Decoder{seed: maphash.MakeSeed(), cache: make(map[uint64]*decSchema), hints: make(map[*schemas.Schema]*decSchema),
		keyHints: make(map[*schemas.Schema]*decSchema)}
}

// Decode reads a value message. hint is the row schema to use when the
// message has no schema section; it may be nil when every message carries
// one. The returned event's rows are new and owned by the caller.
func (d *Decoder) Decode(data []byte, hint *schemas.Schema) (schemas.Event, error) {
	var ev schemas.Event
	s := &scanner{b: data}
	if s.peek() == 0 {
		return ev, ErrTombstone
	}
	// One pass over the shapes JsonConverter writes: {"schema":…,"payload":…}
	// with the schema first, or the payload alone.
	var ds *decSchema
	var schemaText, payload []byte
	seen := false // a payload key was met
	wrapper := false
	path := "message"
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "schema":
			wrapper = true
			if last := d.last; last != nil && bytes.HasPrefix(s.b[s.i:], last.text) {
				// The same schema as the previous message: skip the parse.
				schemaText, ds = s.b[s.i:s.i+len(last.text)], last
				s.i += len(last.text)
				return nil
			}
			var err error
			if schemaText, err = s.span(); err != nil {
				return err
			}
			if string(schemaText) != "null" {
				if ds, err = d.parseSchema(schemaText); err != nil {
					path = "schema"
					return err
				}
			}
			return nil
		case "payload":
			wrapper, seen = true, true
			if ds == nil && hint == nil {
				var err error
				payload, err = s.span() // the schema may follow
				return err
			}
			if ds == nil {
				ds = d.fromHint(hint)
			}
			if s.literal("null") {
				return ErrTombstone
			}
			start := s.i
			if ds.flat || (schemaText == nil || string(schemaText) == "null") && !isEnvelope(s.b[start:]) {
				return decodeFlat(&ev, s, ds, &path)
			}
			return decodePayload(&ev, s, ds, &path)
		}
		if wrapper {
			return s.skip() // an unknown key beside schema and payload
		}
		return errNotWrapper
	})
	switch {
	case errors.Is(err, ErrTombstone):
		return ev, ErrTombstone
	case errors.Is(err, errNotWrapper):
		return d.decodeBare(data, hint)
	case err != nil:
		return ev, &DecodeError{Path: path, Offset: s.i, Err: err}
	case s.peek() != 0:
		return ev, &DecodeError{Path: "message", Offset: s.i, Err: errors.New("trailing data after the message")}
	case !seen:
		return ev, &DecodeError{Path: "message", Err: errors.New("schema section without a payload")}
	case payload != nil:
		// The payload came before the schema, or there was no schema.
		if string(payload) == "null" {
			return ev, ErrTombstone
		}
		if ds == nil {
			return ev, ErrNoSchema
		}
		ps := &scanner{b: payload}
		if ds.flat {
			err = decodeFlat(&ev, ps, ds, &path)
		} else {
			err = decodePayload(&ev, ps, ds, &path)
		}
		if err != nil {
			return ev, &DecodeError{Path: path, Offset: ps.i, Err: err}
		}
	}
	return ev, nil
}

var quotedPlaceholder = []byte(`"` + Placeholder + `"`)

var errNotWrapper = errors.New("not a schema/payload wrapper")

// decodeBare reads a message that is the payload itself: an envelope, or a
// flattened row.
func (d *Decoder) decodeBare(data []byte, hint *schemas.Schema) (schemas.Event, error) {
	var ev schemas.Event
	if hint == nil {
		return ev, ErrNoSchema
	}
	ds := d.fromHint(hint)
	s := &scanner{b: data}
	path := "payload"
	var err error
	if isEnvelope(data) {
		err = decodePayload(&ev, s, ds, &path)
	} else {
		err = decodeFlat(&ev, s, ds, &path)
	}
	if err != nil {
		return ev, &DecodeError{Path: path, Offset: s.i, Err: err}
	}
	if s.peek() != 0 {
		return ev, &DecodeError{Path: "message", Offset: s.i, Err: errors.New("trailing data after the message")}
	}
	return ev, nil
}

// decodeFlat reads a flattened row (ExtractNewRecordState) at s.
func decodeFlat(ev *schemas.Event, s *scanner, ds *decSchema, path *string) error {
	ev.Schema = ds.schema
	*path = "payload"
	row, err := decodeRow(s, ds, path)
	if err != nil {
		return err
	}
	ev.After, ev.Op = row, flatOp(ds.schema, row)
	if ev.Op == schemas.OpDelete {
		ev.Before, ev.After = row, nil
	}
	return nil
}

func offsetOf(err error) int {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se.Offset
	}
	return 0
}

func (d *Decoder) fromHint(s *schemas.Schema) *decSchema {
	if ds, ok := d.hints[s]; ok {
		return ds
	}
	ds := &decSchema{schema: s}
	for _, f := range s.Fields {
		ds.fields = append(ds.fields, codecFor(f.Name, f.Type))
	}
	if len(d.hints) >= maxCachedSchemas {
		clear(d.hints)
	}
	d.hints[s] = ds
	return ds
}

func (d *Decoder) parseSchema(text []byte) (*decSchema, error) {
	h := maphash.Bytes(d.seed, text)
	if ds, ok := d.cache[h]; ok && bytes.Equal(ds.text, text) {
		d.last = ds
		return ds, nil
	}
	var env connectSchema
	if err := json.Unmarshal(text, &env); err != nil {
		return nil, fmt.Errorf("not a Connect schema: %w", err)
	}
	if env.Type != "struct" {
		return nil, fmt.Errorf("envelope schema has type %q, want struct", env.Type)
	}
	var row *connectSchema
	for i := range env.Fields {
		if f := &env.Fields[i]; f.Field == "after" || (f.Field == "before" && row == nil) {
			row = f
		}
	}
	ds := &decSchema{text: append([]byte(nil), text...)}
	if row != nil && row.Type == "string" {
		// MongoDB: before and after are the documents' extended JSON text.
		ds.mongo, ds.schema = true, mongoSchema(tableName(env.Name), env.Version)
		for _, f := range ds.schema.Fields {
			ds.fields = append(ds.fields, codecFor(f.Name, f.Type))
		}
		d.remember(h, ds)
		return ds, nil
	}
	if row == nil {
		// A flattened record (ExtractNewRecordState): the struct is the row.
		row, ds.flat = &env, true
	}
	sch := &schemas.Schema{Name: tableName(row.Name), Version: row.Version}
	for i := range row.Fields {
		fc, err := typeFromConnect(&row.Fields[i])
		if err != nil {
			return nil, err
		}
		if fc.name == "" {
			return nil, fmt.Errorf("field %d of %s has no name", i, row.Name)
		}
		ds.fields = append(ds.fields, fc)
		sch.Fields = append(sch.Fields, schemas.Field{Name: fc.name, Type: fc.typ, Nullable: row.Fields[i].Optional})
	}
	ds.schema = sch
	d.remember(h, ds)
	return ds, nil
}

func (d *Decoder) remember(h uint64, ds *decSchema) {
	if len(d.cache) >= maxCachedSchemas {
		clear(d.cache)
	}
	d.cache[h] = ds
	d.last = ds
}

// tableName turns "prefix.schema.table.Value" into "schema.table".
func tableName(connectName string) string {
	parts := bytes.Split([]byte(connectName), []byte{'.'})
	if n := len(parts); n >= 3 && (string(parts[n-1]) == "Value" || string(parts[n-1]) == "Envelope") {
		return string(parts[n-3]) + "." + string(parts[n-2])
	}
	return connectName
}

func decodePayload(ev *schemas.Event, s *scanner, ds *decSchema, pathp *string) error {
	ev.Schema = ds.schema
	path := "payload"
	defer func() { *pathp = path }()
	var tsUs, tsMs int64
	haveUs, haveMs := false, false
	err := s.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "before":
			path = "payload.before"
			if ds.mongo {
				ev.Before, err = mongoDocument(s, ev.Before)
			} else {
				ev.Before, err = decodeRow(s, ds, &path)
			}
		case "after":
			path = "payload.after"
			if ds.mongo {
				ev.After, err = mongoDocument(s, ev.After)
			} else {
				ev.After, err = decodeRow(s, ds, &path)
			}
		case "patch", "filter", "updateDescription":
			if !ds.mongo {
				return s.skip()
			}
			path = "payload." + string(key)
			ev.After, err = mongoExtra(s, ev.After, string(key))
		case "source":
			path = "payload.source"
			err = decodeSource(s, &ev.Source)
		case "op":
			path = "payload.op"
			var code []byte
			if code, err = s.rawString(); err == nil {
				ev.Op, err = schemas.ParseOpCode(string(code))
			}
		case "ts_us":
			path = "payload.ts_us"
			if !s.literal("null") {
				tsUs, err = s.int()
				haveUs = true
			}
		case "ts_ms":
			path = "payload.ts_ms"
			if !s.literal("null") {
				tsMs, err = s.int()
				haveMs = true
			}
		default:
			err = s.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case haveUs:
		ev.TsMicros = tsUs
	case haveMs:
		ev.TsMicros = tsMs * 1000
	}
	if ev.Op == schemas.OpInvalid {
		path = "payload.op"
		return errors.New("missing op")
	}
	return nil
}

// isEnvelope reports whether a payload object is an envelope rather than a
// flattened row, from its first key: Debezium's envelopes begin with
// "before" (or "after", "op", "source" when written by other tools).
func isEnvelope(payload []byte) bool {
	s := &scanner{b: payload}
	if s.expect('{') != nil {
		return false
	}
	key, err := s.rawString()
	if err != nil {
		return false
	}
	switch string(key) {
	case "before", "after", "op", "source":
		return true
	}
	return false
}

// flatOp tells the operation of a flattened row (ExtractNewRecordState):
// its "__op" field when it has one, a delete when "__deleted" is "true",
// else a create (the row is an upsert).
func flatOp(s *schemas.Schema, row []schemas.Value) schemas.Op {
	if i := s.FieldIndex("__deleted"); i >= 0 && (row[i].Str() == "true" || row[i].Bool()) {
		return schemas.OpDelete
	}
	if i := s.FieldIndex("__op"); i >= 0 {
		if op, err := schemas.ParseOpCode(row[i].Str()); err == nil {
			return op
		}
	}
	return schemas.OpCreate
}

func decodeRow(s *scanner, ds *decSchema, path *string) ([]schemas.Value, error) {
	if s.literal("null") {
		return nil, nil
	}
	row := make([]schemas.Value, len(ds.fields))
	next := 0
	base := *path
	err := s.object(func(key []byte) error {
		idx := -1
		if next < len(ds.fields) && ds.fields[next].name == string(key) {
			idx = next
		} else {
			for i := range ds.fields {
				if ds.fields[i].name == string(key) {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			return fmt.Errorf("unknown field %q", key)
		}
		next = idx + 1
		v, err := decodeValue(s, &ds.fields[idx])
		if err != nil {
			*path = base + "." + ds.fields[idx].name
			return err
		}
		row[idx] = v
		return nil
	})
	return row, err
}

func decodeValue(s *scanner, fc *fieldCodec) (schemas.Value, error) {
	if s.literal("null") {
		return schemas.Null(), nil
	}
	k := fc.typ.Kind
	if s.peek() == '"' && bytes.HasPrefix(s.b[s.i:], quotedPlaceholder) {
		s.i += len(quotedPlaceholder)
		return schemas.Unchanged(), nil
	}
	switch k {
	case schemas.KindBool:
		switch {
		case s.literal("true"):
			return schemas.Bool(true), nil
		case s.literal("false"):
			return schemas.Bool(false), nil
		}
		return schemas.Value{}, s.fail("want true or false")
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		n, err := s.int()
		if err != nil {
			return schemas.Value{}, err
		}
		if (k == schemas.KindInt16 && (n < math.MinInt16 || n > math.MaxInt16)) || (k == schemas.KindInt32 && (n < math.MinInt32 || n > math.MaxInt32)) {
			return schemas.Value{}, fmt.Errorf("%d out of range for %s", n, k)
		}
		return schemas.Int(k, n), nil
	case schemas.KindFloat32, schemas.KindFloat64:
		bits := 64
		if k == schemas.KindFloat32 {
			bits = 32
		}
		f, err := s.float(bits)
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.Float(k, f), nil
	case schemas.KindDecimal:
		return decodeDecimal(s, fc)
	case schemas.KindString, schemas.KindEnum:
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		if string(b) == Placeholder {
			return schemas.Unchanged(), nil
		}
		if k == schemas.KindEnum {
			return schemas.Enum(string(b)), nil
		}
		return schemas.String(string(b)), nil
	case schemas.KindJSON:
		if fc.unit == unitStruct {
			raw, err := s.span()
			if err != nil {
				return schemas.Value{}, err
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return schemas.Value{}, err
			}
			return schemas.JSON(buf.String()), nil
		}
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		if string(b) == Placeholder {
			return schemas.Unchanged(), nil
		}
		return schemas.JSON(string(b)), nil
	case schemas.KindBytes:
		if fc.unit == unitGeometry {
			return decodeGeometry(s)
		}
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		if string(b) == placeholderB64 {
			return schemas.Unchanged(), nil
		}
		raw, err := base64.StdEncoding.AppendDecode(nil, b)
		if err != nil {
			return schemas.Value{}, fmt.Errorf("bad base64: %w", err)
		}
		return schemas.Bytes(raw), nil
	case schemas.KindUUID:
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		if string(b) == Placeholder {
			return schemas.Unchanged(), nil
		}
		u, err := schemas.ParseUUID(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.UUID(u), nil
	case schemas.KindDate:
		n, err := s.int()
		if err != nil {
			return schemas.Value{}, err
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return schemas.Value{}, fmt.Errorf("date %d out of range", n)
		}
		return schemas.Date(int32(n)), nil
	case schemas.KindTime, schemas.KindTimestamp:
		n, err := s.int()
		if err != nil {
			return schemas.Value{}, err
		}
		us := scaleToMicros(n, fc.unit)
		if k == schemas.KindTime {
			return schemas.Time(us), nil
		}
		return schemas.Timestamp(us), nil
	case schemas.KindTimeTZ:
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		us, off, err := schemas.ParseTimeTZ(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.TimeTZ(us, off), nil
	case schemas.KindTimestampTZ:
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		us, _, err := schemas.ParseTimestamp(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.TimestampTZ(us), nil
	case schemas.KindInterval:
		if fc.unit == unitDuration {
			n, err := s.int()
			if err != nil {
				return schemas.Value{}, err
			}
			return schemas.IntervalValue(schemas.Interval{Micros: n}), nil
		}
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		iv, err := schemas.ParseInterval(string(b))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.IntervalValue(iv), nil
	case schemas.KindArray:
		if fc.elem == nil {
			return schemas.Value{}, errors.New("array field without element type")
		}
		var elems []schemas.Value
		err := s.array(func() error {
			elem := fc.elem
			if s.peek() == '[' && elem.typ.Kind != schemas.KindArray {
				elem = fc // a multi-dimensional array
			}
			v, err := decodeValue(s, elem)
			elems = append(elems, v)
			return err
		})
		if err != nil {
			return schemas.Value{}, err
		}
		if elems == nil {
			elems = []schemas.Value{}
		}
		return schemas.Array(elems), nil
	}
	return schemas.Value{}, fmt.Errorf("cannot decode kind %s", k)
}

func scaleToMicros(n int64, u unit) int64 {
	switch u {
	case unitMillis:
		if n == math.MaxInt64 || n == math.MinInt64 {
			return n
		}
		return n * 1000
	case unitNanos:
		if n == math.MaxInt64 || n == math.MinInt64 {
			return n
		}
		return floorDiv(n, 1000)
	}
	return n
}

func specialFloat(b []byte) (float64, bool) {
	switch string(b) {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	return 0, false
}

func decodeDecimal(s *scanner, fc *fieldCodec) (schemas.Value, error) {
	scale := fc.typ.Scale
	switch c := s.peek(); {
	case c == '{':
		// VariableScaleDecimal {scale, value}.
		var raw []byte
		var sc int64
		haveValue := false
		err := s.object(func(key []byte) error {
			var err error
			switch string(key) {
			case "scale":
				sc, err = s.int()
			case "value":
				raw, err = s.rawString()
				haveValue = true
			default:
				err = s.skip()
			}
			return err
		})
		if err != nil {
			return schemas.Value{}, err
		}
		if !haveValue || sc < -MaxScale || sc > MaxScale {
			return schemas.Value{}, errors.New("VariableScaleDecimal without value or with a bad scale")
		}
		return decimalText(raw, int32(sc))
	case c == '"':
		b, err := s.rawString()
		if err != nil {
			return schemas.Value{}, err
		}
		return decimalText(b, scale)
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := s.number()
		if err != nil {
			return schemas.Value{}, err
		}
		d, err := schemas.ParseDecimal(string(n))
		if err != nil {
			return schemas.Value{}, err
		}
		return schemas.DecimalValue(d), nil
	}
	return schemas.Value{}, s.fail("want a decimal")
}

// decimalText reads base64 two's complement, or a special's name.
func decimalText(b []byte, scale int32) (schemas.Value, error) {
	switch string(b) {
	case "NaN":
		return schemas.DecimalValue(schemas.DecimalNaN()), nil
	case "Infinity":
		return schemas.DecimalValue(schemas.DecimalInf(1)), nil
	case "-Infinity":
		return schemas.DecimalValue(schemas.DecimalInf(-1)), nil
	case placeholderB64:
		return schemas.Unchanged(), nil
	}
	var buf [48]byte
	raw, err := base64.StdEncoding.AppendDecode(buf[:0], b)
	if err != nil {
		return schemas.Value{}, fmt.Errorf("bad base64 decimal %q: %w", b, err)
	}
	return schemas.DecimalValue(schemas.DecimalFromTwosComplement(raw, scale)), nil
}

func decodeSource(s *scanner, src *schemas.Source) error {
	if s.literal("null") {
		return nil
	}
	var tsMs, tsUs int64
	haveUs := false
	err := s.object(func(key []byte) error {
		if s.literal("null") {
			return nil
		}
		var err error
		switch string(key) {
		case "version":
			src.Version, err = s.str()
		case "connector":
			src.Connector, err = s.str()
		case "name":
			src.Name, err = s.str()
		case "db":
			src.Database, err = s.str()
		case "schema":
			src.Schema, err = s.str()
		case "table", "collection":
			src.Table, err = s.str()
		case "sequence":
			src.Sequence, err = s.str()
		case "snapshot":
			var v string
			if v, err = s.str(); err == nil {
				src.Snapshot, err = schemas.ParseSnapshot(v)
			}
		case "txId":
			src.TxID, err = s.int()
		case "lsn":
			var n int64
			n, err = s.int()
			src.LSN = uint64(n)
		case "ts_ms":
			tsMs, err = s.int()
		case "ts_us":
			tsUs, err = s.int()
			haveUs = true
		default:
			err = s.skip()
		}
		if err != nil {
			return fmt.Errorf("source.%s: %w", key, err)
		}
		return nil
	})
	if haveUs {
		src.CommitMicros = tsUs
	} else {
		src.CommitMicros = tsMs * 1000
	}
	return err
}

// DecodeKey reads a key message: a struct of the primary-key columns, with
// or without a schema section. hint is the row schema (its Key columns
// give the key's types) for keys without a schema section. A null or empty
// key, as Debezium writes for tables without a primary key, returns a nil
// schema and values.
func (d *Decoder) DecodeKey(data []byte, hint *schemas.Schema) (*schemas.Schema, []schemas.Value, error) {
	s := &scanner{b: data}
	if s.peek() == 0 || s.literal("null") {
		return nil, nil, nil
	}
	var schemaText, payload []byte
	wrapped := false
	err := s.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "schema":
			schemaText, err = s.span()
			wrapped = true
		case "payload":
			payload, err = s.span()
			wrapped = true
		default:
			err = s.skip()
		}
		return err
	})
	if err != nil {
		return nil, nil, &DecodeError{Path: "key", Offset: offsetOf(err), Err: err}
	}
	if !wrapped || payload == nil {
		payload = data
	}
	var ds *decSchema
	switch {
	case len(schemaText) > 0 && string(schemaText) != "null":
		if ds, err = d.parseSchema(schemaText); err != nil {
			return nil, nil, &DecodeError{Path: "key.schema", Err: err}
		}
	case hint != nil:
		var ok bool
		if ds, ok = d.keyHints[hint]; !ok {
			ds = d.fromHint(keySchema(hint))
			if len(d.keyHints) >= maxCachedSchemas {
				clear(d.keyHints)
			}
			d.keyHints[hint] = ds
		}
	default:
		return nil, nil, ErrNoSchema
	}
	ks := &scanner{b: payload}
	path := "key"
	row, err := decodeRow(ks, ds, &path)
	if err != nil {
		return nil, nil, &DecodeError{Path: path, Offset: ks.i, Err: err}
	}
	return ds.schema, row, nil
}

// keySchema is the schema of a row schema's key columns.
func keySchema(s *schemas.Schema) *schemas.Schema {
	ks := &schemas.Schema{Name: s.Name, Version: s.Version}
	for i, k := range s.Key {
		ks.Fields = append(ks.Fields, s.Fields[k])
		ks.Key = append(ks.Key, i)
	}
	return ks
}
