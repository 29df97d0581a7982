package envelope

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
)

// Semantic type names of Debezium and Kafka Connect.
const (
	nameDecimal        = "org.apache.kafka.connect.data.Decimal"
	nameConnectDate    = "org.apache.kafka.connect.data.Date"
	nameConnectTime    = "org.apache.kafka.connect.data.Time"
	nameConnectTS      = "org.apache.kafka.connect.data.Timestamp"
	nameVarDecimal     = "io.debezium.data.VariableScaleDecimal"
	nameUUID           = "io.debezium.data.Uuid"
	nameJSON           = "io.debezium.data.Json"
	nameEnum           = "io.debezium.data.Enum"
	nameEnumSet        = "io.debezium.data.EnumSet"
	nameBits           = "io.debezium.data.Bits"
	nameXML            = "io.debezium.data.Xml"
	nameDate           = "io.debezium.time.Date"
	nameTime           = "io.debezium.time.Time"
	nameMicroTime      = "io.debezium.time.MicroTime"
	nameNanoTime       = "io.debezium.time.NanoTime"
	nameTimestamp      = "io.debezium.time.Timestamp"
	nameMicroTimestamp = "io.debezium.time.MicroTimestamp"
	nameNanoTimestamp  = "io.debezium.time.NanoTimestamp"
	nameZonedTimestamp = "io.debezium.time.ZonedTimestamp"
	nameZonedTime      = "io.debezium.time.ZonedTime"
	nameYear           = "io.debezium.time.Year"
	nameMicroDuration  = "io.debezium.time.MicroDuration"
	nameInterval       = "io.debezium.time.Interval"
	nameGeometry       = "io.debezium.data.geometry.Geometry"
	nameGeography      = "io.debezium.data.geometry.Geography"
	namePoint          = "io.debezium.data.geometry.Point"

	paramSourceType  = "__debezium.source.column.type"
	paramSourceScale = "__debezium.source.column.scale"
)

// MaxScale bounds the decimal scales the decoder accepts, in both
// directions: PostgreSQL's numeric has at most 16383 digits after the
// point, and a hostile scale of billions would make exact arithmetic on
// the value take forever.
const MaxScale = 16384

// Placeholder is the text Debezium writes for a value it did not receive
// (unavailable.value.placeholder); it decodes to [schemas.Unchanged].
const Placeholder = "__debezium_unavailable_value"

// connectSchema is a Kafka Connect JSON schema, as JsonConverter writes it.
type connectSchema struct {
	Type       string            `json:"type"`
	Optional   bool              `json:"optional"`
	Name       string            `json:"name,omitempty"`
	Version    int32             `json:"version,omitempty"`
	Field      string            `json:"field,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
	Fields     []connectSchema   `json:"fields,omitempty"`
	Items      *connectSchema    `json:"items,omitempty"`
}

// unit is how a field's value is written, beyond its kind.
type unit uint8

const (
	unitNone     unit = iota
	unitMillis        // int32/int64 milliseconds
	unitMicros        // int64 microseconds
	unitNanos         // int64 nanoseconds
	unitVarDec        // VariableScaleDecimal struct
	unitStruct        // unknown struct, kept as JSON text
	unitISO           // ISO text (ZonedTime, ZonedTimestamp, Interval)
	unitDuration      // MicroDuration: int64 microseconds
	unitGeometry      // Geometry, Geography, Point struct {wkb, srid[, x, y]}
)

// fieldCodec is how one field (or array element) is read and written.
type fieldCodec struct {
	name  string
	typ   schemas.Type
	unit  unit
	elem  *fieldCodec
	quote []byte // `"name":`
}

// typeFromConnect maps a Connect schema to a helios type and the unit its
// values are written in.
func typeFromConnect(cs *connectSchema) (fieldCodec, error) {
	fc := fieldCodec{name: cs.Field}
	t := &fc.typ
	t.Source = cs.Parameters[paramSourceType]
	if sc, ok := cs.Parameters[paramSourceScale]; ok && cs.Name != nameDecimal {
		if n, err := strconv.ParseInt(sc, 10, 32); err == nil {
			t.Precision = int32(n)
		}
	}
	switch cs.Name {
	case nameDecimal:
		t.Kind = schemas.KindDecimal
		s, err := strconv.ParseInt(cs.Parameters["scale"], 10, 32)
		if err != nil {
			return fc, fmt.Errorf("field %q: %s without a valid scale parameter", cs.Field, nameDecimal)
		}
		if s < -MaxScale || s > MaxScale {
			return fc, fmt.Errorf("field %q: decimal scale %d out of range", cs.Field, s)
		}
		t.Scale = int32(s)
		if p, ok := cs.Parameters["connect.decimal.precision"]; ok {
			n, err := strconv.ParseInt(p, 10, 32)
			if err != nil {
				return fc, fmt.Errorf("field %q: bad connect.decimal.precision %q", cs.Field, p)
			}
			t.Precision = int32(n)
		}
		return fc, nil
	case nameVarDecimal:
		t.Kind, t.Scale, fc.unit = schemas.KindDecimal, schemas.VariableScale, unitVarDec
		return fc, nil
	case nameUUID:
		t.Kind = schemas.KindUUID
	case nameJSON:
		t.Kind = schemas.KindJSON
	case nameEnum:
		t.Kind = schemas.KindEnum
		if a := cs.Parameters["allowed"]; a != "" {
			t.Symbols = strings.Split(a, ",")
		}
	case nameEnumSet:
		t.Kind = schemas.KindString
		if t.Source == "" {
			t.Source = "enumset"
		}
	case nameXML:
		t.Kind = schemas.KindString
		if t.Source == "" {
			t.Source = "xml"
		}
	case nameBits:
		t.Kind = schemas.KindBytes
		if t.Source == "" {
			t.Source = "bits"
		}
	case nameDate, nameConnectDate:
		t.Kind = schemas.KindDate
	case nameTime, nameConnectTime:
		t.Kind, fc.unit = schemas.KindTime, unitMillis
	case nameMicroTime:
		t.Kind, fc.unit = schemas.KindTime, unitMicros
	case nameNanoTime:
		t.Kind, fc.unit = schemas.KindTime, unitNanos
	case nameTimestamp, nameConnectTS:
		t.Kind, fc.unit = schemas.KindTimestamp, unitMillis
	case nameMicroTimestamp:
		t.Kind, fc.unit = schemas.KindTimestamp, unitMicros
	case nameNanoTimestamp:
		t.Kind, fc.unit = schemas.KindTimestamp, unitNanos
	case nameZonedTimestamp:
		t.Kind, fc.unit = schemas.KindTimestampTZ, unitISO
	case nameZonedTime:
		t.Kind, fc.unit = schemas.KindTimeTZ, unitISO
	case nameInterval:
		t.Kind, fc.unit = schemas.KindInterval, unitISO
	case nameMicroDuration:
		t.Kind, fc.unit = schemas.KindInterval, unitDuration
	case nameGeometry, nameGeography, namePoint:
		t.Kind, fc.unit = schemas.KindBytes, unitGeometry
		if t.Source == "" {
			t.Source = strings.ToLower(cs.Name[strings.LastIndexByte(cs.Name, '.')+1:])
		}
	case nameYear:
		t.Kind = schemas.KindInt32
		if t.Source == "" {
			t.Source = "year"
		}
	default:
		switch cs.Type {
		case "boolean":
			t.Kind = schemas.KindBool
		case "int8", "int16":
			t.Kind = schemas.KindInt16
		case "int32":
			t.Kind = schemas.KindInt32
		case "int64":
			t.Kind = schemas.KindInt64
		case "float":
			t.Kind = schemas.KindFloat32
		case "double":
			t.Kind = schemas.KindFloat64
		case "string":
			t.Kind = schemas.KindString
		case "bytes":
			t.Kind = schemas.KindBytes
		case "array":
			if cs.Items == nil {
				return fc, fmt.Errorf("field %q: array without items", cs.Field)
			}
			elem, err := typeFromConnect(cs.Items)
			if err != nil {
				return fc, fmt.Errorf("field %q: %w", cs.Field, err)
			}
			t.Kind, t.Elem, fc.elem = schemas.KindArray, &elem.typ, &elem
		case "struct", "map":
			t.Kind, fc.unit = schemas.KindJSON, unitStruct
			if t.Source == "" {
				t.Source = cs.Name
			}
		default:
			return fc, fmt.Errorf("field %q: unknown Connect type %q", cs.Field, cs.Type)
		}
	}
	if cs.Type == "" {
		return fc, fmt.Errorf("field %q: schema without a type", cs.Field)
	}
	return fc, nil
}

// codecFor builds the codec of a field of a helios type, as the encoder
// writes it.
func codecFor(name string, t schemas.Type) fieldCodec {
	fc := fieldCodec{name: name, typ: t}
	switch t.Kind {
	case schemas.KindDecimal:
		if t.Scale == schemas.VariableScale {
			fc.unit = unitVarDec
		}
	case schemas.KindTime, schemas.KindTimestamp:
		fc.unit = unitMicros
	case schemas.KindTimeTZ, schemas.KindTimestampTZ, schemas.KindInterval:
		fc.unit = unitISO
	case schemas.KindArray:
		if t.Elem != nil {
			e := codecFor("", *t.Elem)
			fc.elem = &e
		}
	}
	q, _ := json.Marshal(name)
	fc.quote = append(q, ':')
	return fc
}

// connectFor is the Connect schema the encoder declares for a helios type.
func connectFor(t schemas.Type, optional bool, field string) connectSchema {
	cs := connectSchema{Optional: optional, Field: field}
	param := func(k, v string) {
		if cs.Parameters == nil {
			cs.Parameters = map[string]string{}
		}
		cs.Parameters[k] = v
	}
	named := func(typ, name string) { cs.Type, cs.Name, cs.Version = typ, name, 1 }
	switch t.Kind {
	case schemas.KindBool:
		cs.Type = "boolean"
	case schemas.KindInt16, schemas.KindInt32, schemas.KindInt64:
		cs.Type = t.Kind.String()
	case schemas.KindFloat32:
		cs.Type = "float"
	case schemas.KindFloat64:
		cs.Type = "double"
	case schemas.KindDecimal:
		if t.Scale == schemas.VariableScale {
			named("struct", nameVarDecimal)
			cs.Fields = []connectSchema{{Type: "int32", Field: "scale"}, {Type: "bytes", Field: "value"}}
		} else {
			named("bytes", nameDecimal)
			param("scale", strconv.Itoa(int(t.Scale)))
			if t.Precision > 0 {
				param("connect.decimal.precision", strconv.Itoa(int(t.Precision)))
			}
		}
	case schemas.KindString:
		cs.Type = "string"
	case schemas.KindBytes:
		cs.Type = "bytes"
	case schemas.KindUUID:
		named("string", nameUUID)
	case schemas.KindJSON:
		named("string", nameJSON)
	case schemas.KindEnum:
		named("string", nameEnum)
		param("allowed", strings.Join(t.Symbols, ","))
	case schemas.KindDate:
		named("int32", nameDate)
	case schemas.KindTime:
		named("int64", nameMicroTime)
	case schemas.KindTimeTZ:
		named("string", nameZonedTime)
	case schemas.KindTimestamp:
		named("int64", nameMicroTimestamp)
	case schemas.KindTimestampTZ:
		named("string", nameZonedTimestamp)
	case schemas.KindInterval:
		named("string", nameInterval)
	case schemas.KindArray:
		cs.Type = "array"
		if t.Elem != nil {
			items := connectFor(*t.Elem, true, "")
			cs.Items = &items
		}
	}
	if t.Source != "" {
		param(paramSourceType, t.Source)
	}
	if t.Precision > 0 && t.Kind != schemas.KindDecimal {
		param(paramSourceScale, strconv.Itoa(int(t.Precision)))
	}
	return cs
}
