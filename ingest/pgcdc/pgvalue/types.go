package pgvalue

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heliosdb/helios-etl/schemas"
)

// TypeInfo is what a [Catalog] knows about one pg_type row.
type TypeInfo struct {
	// OID is the type's OID.
	OID uint32
	// Name is pg_type.typname ("mood", "_mood", "posint").
	Name string
	// Kind is pg_type.typtype: 'b' base, 'c' composite, 'd' domain,
	// 'e' enum, 'p' pseudo, 'r' range, 'm' multirange.
	Kind byte
	// Category is pg_type.typcategory; 'A' marks an array type.
	Category byte
	// Elem is pg_type.typelem: the element type of an array.
	Elem uint32
	// Delim is pg_type.typdelim of the element type of an array (',' for
	// nearly every type, ';' for box); zero means ','.
	Delim byte
	// Base is pg_type.typbasetype: the type a domain is defined over.
	Base uint32
	// BaseTypmod is pg_type.typtypmod: the type modifier of a domain's base
	// type (-1 for none).
	BaseTypmod int32
	// EnumLabels are the labels of an enum, in pg_enum.enumsortorder.
	EnumLabels []string
}

// Catalog resolves the types that are not built into PostgreSQL: enums,
// domains, composite and range types, extension types and arrays of them.
// [NewCatalog] is the implementation backed by a live connection; tests use a
// map.
type Catalog interface {
	// LookupType returns the pg_type row of oid. It returns an error wrapping
	// [ErrUnknownType] when there is no such type.
	LookupType(ctx context.Context, oid uint32) (TypeInfo, error)
}

var (
	// ErrUnknownType is returned (wrapped) for a type OID that is neither
	// built in nor known to the [Catalog] (or when there is no Catalog).
	ErrUnknownType = errors.New("pgvalue: unknown type")
	// ErrUnsupportedType is returned (wrapped) for a type that cannot be a
	// column's type, such as a pseudo-type, or a chain of domains and
	// arrays too deep to be real.
	ErrUnsupportedType = errors.New("pgvalue: unsupported type")
)

// maxTypeDepth bounds the nesting of domains and arrays while resolving a
// type, in case a broken catalog describes a cycle.
const maxTypeDepth = 16

// OIDs of built-in types that pgx does not name.
const (
	moneyOID         = 790
	moneyArrayOID    = 791
	regprocOID       = 24
	int2vectorOID    = 22
	oidvectorOID     = 30
	jsonpathOID      = pgtype.JSONPathOID
	pgLSNOID         = 3220
	pgLSNArrayOID    = 3221
	txidSnapshotOID  = 2970
	regclassOID      = 2205
	regtypeOID       = 2206
	tsqueryOID       = 3615
	tsqueryArrayOID  = 3645
	xid8OID          = pgtype.XID8OID
	int2vectorArrOID = 1006
)

// conv selects the text parser of a type.
type conv uint8

const (
	convString conv = iota
	convBool
	convInt16
	convInt32
	convInt64
	convFloat32
	convFloat64
	convNumeric
	convMoney
	convBytes
	convUUID
	convJSON
	convDate
	convTime
	convTimeTZ
	convTimestamp
	convTimestampTZ
	convInterval
	convEnum
	convArray
)

// builtin describes a built-in scalar type. Arrays of built-in types are
// found through builtinArrays.
type builtin struct {
	name string
	conv conv
}

var builtins = map[uint32]builtin{
	pgtype.BoolOID:        {"bool", convBool},
	pgtype.Int2OID:        {"int2", convInt16},
	pgtype.Int4OID:        {"int4", convInt32},
	pgtype.Int8OID:        {"int8", convInt64},
	pgtype.Float4OID:      {"float4", convFloat32},
	pgtype.Float8OID:      {"float8", convFloat64},
	pgtype.NumericOID:     {"numeric", convNumeric},
	moneyOID:              {"money", convMoney},
	pgtype.TextOID:        {"text", convString},
	pgtype.VarcharOID:     {"varchar", convString},
	pgtype.BPCharOID:      {"bpchar", convString},
	pgtype.NameOID:        {"name", convString},
	pgtype.QCharOID:       {"char", convString},
	pgtype.ByteaOID:       {"bytea", convBytes},
	pgtype.UUIDOID:        {"uuid", convUUID},
	pgtype.JSONOID:        {"json", convJSON},
	pgtype.JSONBOID:       {"jsonb", convJSON},
	pgtype.DateOID:        {"date", convDate},
	pgtype.TimeOID:        {"time", convTime},
	pgtype.TimetzOID:      {"timetz", convTimeTZ},
	pgtype.TimestampOID:   {"timestamp", convTimestamp},
	pgtype.TimestamptzOID: {"timestamptz", convTimestampTZ},
	pgtype.IntervalOID:    {"interval", convInterval},

	// Types kept as their text.
	pgtype.OIDOID:            {"oid", convString},
	pgtype.XIDOID:            {"xid", convString},
	pgtype.CIDOID:            {"cid", convString},
	pgtype.TIDOID:            {"tid", convString},
	xid8OID:                  {"xid8", convString},
	regprocOID:               {"regproc", convString},
	regclassOID:              {"regclass", convString},
	regtypeOID:               {"regtype", convString},
	int2vectorOID:            {"int2vector", convString},
	oidvectorOID:             {"oidvector", convString},
	pgtype.XMLOID:            {"xml", convString},
	jsonpathOID:              {"jsonpath", convString},
	pgtype.InetOID:           {"inet", convString},
	pgtype.CIDROID:           {"cidr", convString},
	pgtype.MacaddrOID:        {"macaddr", convString},
	pgtype.Macaddr8OID:       {"macaddr8", convString},
	pgtype.BitOID:            {"bit", convString},
	pgtype.VarbitOID:         {"varbit", convString},
	pgtype.TSVectorOID:       {"tsvector", convString},
	tsqueryOID:               {"tsquery", convString},
	pgLSNOID:                 {"pg_lsn", convString},
	txidSnapshotOID:          {"txid_snapshot", convString},
	pgtype.PointOID:          {"point", convString},
	pgtype.LsegOID:           {"lseg", convString},
	pgtype.PathOID:           {"path", convString},
	pgtype.BoxOID:            {"box", convString},
	pgtype.PolygonOID:        {"polygon", convString},
	pgtype.LineOID:           {"line", convString},
	pgtype.CircleOID:         {"circle", convString},
	pgtype.Int4rangeOID:      {"int4range", convString},
	pgtype.Int8rangeOID:      {"int8range", convString},
	pgtype.NumrangeOID:       {"numrange", convString},
	pgtype.TsrangeOID:        {"tsrange", convString},
	pgtype.TstzrangeOID:      {"tstzrange", convString},
	pgtype.DaterangeOID:      {"daterange", convString},
	pgtype.Int4multirangeOID: {"int4multirange", convString},
	pgtype.Int8multirangeOID: {"int8multirange", convString},
	pgtype.NummultirangeOID:  {"nummultirange", convString},
	pgtype.TsmultirangeOID:   {"tsmultirange", convString},
	pgtype.TstzmultirangeOID: {"tstzmultirange", convString},
	pgtype.DatemultirangeOID: {"datemultirange", convString},
	pgtype.ACLItemOID:        {"aclitem", convString},
	pgtype.RecordOID:         {"record", convString},
}

// builtinArrays maps a built-in array type to its element type.
var builtinArrays = map[uint32]uint32{
	pgtype.BoolArrayOID:        pgtype.BoolOID,
	pgtype.Int2ArrayOID:        pgtype.Int2OID,
	pgtype.Int4ArrayOID:        pgtype.Int4OID,
	pgtype.Int8ArrayOID:        pgtype.Int8OID,
	pgtype.Float4ArrayOID:      pgtype.Float4OID,
	pgtype.Float8ArrayOID:      pgtype.Float8OID,
	pgtype.NumericArrayOID:     pgtype.NumericOID,
	moneyArrayOID:              moneyOID,
	pgtype.TextArrayOID:        pgtype.TextOID,
	pgtype.VarcharArrayOID:     pgtype.VarcharOID,
	pgtype.BPCharArrayOID:      pgtype.BPCharOID,
	pgtype.NameArrayOID:        pgtype.NameOID,
	pgtype.QCharArrayOID:       pgtype.QCharOID,
	pgtype.ByteaArrayOID:       pgtype.ByteaOID,
	pgtype.UUIDArrayOID:        pgtype.UUIDOID,
	pgtype.JSONArrayOID:        pgtype.JSONOID,
	pgtype.JSONBArrayOID:       pgtype.JSONBOID,
	pgtype.DateArrayOID:        pgtype.DateOID,
	pgtype.TimeArrayOID:        pgtype.TimeOID,
	pgtype.TimetzArrayOID:      pgtype.TimetzOID,
	pgtype.TimestampArrayOID:   pgtype.TimestampOID,
	pgtype.TimestamptzArrayOID: pgtype.TimestamptzOID,
	pgtype.IntervalArrayOID:    pgtype.IntervalOID,
	pgtype.OIDArrayOID:         pgtype.OIDOID,
	pgtype.XIDArrayOID:         pgtype.XIDOID,
	pgtype.CIDArrayOID:         pgtype.CIDOID,
	pgtype.TIDArrayOID:         pgtype.TIDOID,
	pgtype.XMLArrayOID:         pgtype.XMLOID,
	pgtype.JSONPathArrayOID:    jsonpathOID,
	pgtype.InetArrayOID:        pgtype.InetOID,
	pgtype.CIDRArrayOID:        pgtype.CIDROID,
	pgtype.MacaddrArrayOID:     pgtype.MacaddrOID,
	pgtype.BitArrayOID:         pgtype.BitOID,
	pgtype.VarbitArrayOID:      pgtype.VarbitOID,
	pgtype.TSVectorArrayOID:    pgtype.TSVectorOID,
	tsqueryArrayOID:            tsqueryOID,
	pgLSNArrayOID:              pgLSNOID,
	pgtype.PointArrayOID:       pgtype.PointOID,
	pgtype.LsegArrayOID:        pgtype.LsegOID,
	pgtype.PathArrayOID:        pgtype.PathOID,
	pgtype.BoxArrayOID:         pgtype.BoxOID,
	pgtype.PolygonArrayOID:     pgtype.PolygonOID,
	pgtype.LineArrayOID:        pgtype.LineOID,
	pgtype.CircleArrayOID:      pgtype.CircleOID,
	pgtype.Int4rangeArrayOID:   pgtype.Int4rangeOID,
	pgtype.Int8rangeArrayOID:   pgtype.Int8rangeOID,
	pgtype.NumrangeArrayOID:    pgtype.NumrangeOID,
	pgtype.TsrangeArrayOID:     pgtype.TsrangeOID,
	pgtype.TstzrangeArrayOID:   pgtype.TstzrangeOID,
	pgtype.DaterangeArrayOID:   pgtype.DaterangeOID,
	pgtype.ACLItemArrayOID:     pgtype.ACLItemOID,
	pgtype.RecordArrayOID:      pgtype.RecordOID,
	int2vectorArrOID:           int2vectorOID,
}

// kinds maps a scalar conversion to its schemas kind.
var kinds = [...]schemas.Kind{
	convString:      schemas.KindString,
	convBool:        schemas.KindBool,
	convInt16:       schemas.KindInt16,
	convInt32:       schemas.KindInt32,
	convInt64:       schemas.KindInt64,
	convFloat32:     schemas.KindFloat32,
	convFloat64:     schemas.KindFloat64,
	convNumeric:     schemas.KindDecimal,
	convMoney:       schemas.KindDecimal,
	convBytes:       schemas.KindBytes,
	convUUID:        schemas.KindUUID,
	convJSON:        schemas.KindJSON,
	convDate:        schemas.KindDate,
	convTime:        schemas.KindTime,
	convTimeTZ:      schemas.KindTimeTZ,
	convTimestamp:   schemas.KindTimestamp,
	convTimestampTZ: schemas.KindTimestampTZ,
	convInterval:    schemas.KindInterval,
	convEnum:        schemas.KindEnum,
	convArray:       schemas.KindArray,
}

// TypeOf returns the change-event type of a column of type oid with type
// modifier typmod (both as in a pgoutput Relation message; -1 is "no
// modifier"). Built-in types need no catalog; other types are looked up in
// cat, which may be nil when only built-in types are expected. It is
// [NewDecoder] without the decoder.
func TypeOf(ctx context.Context, oid uint32, typmod int32, cat Catalog) (schemas.Type, error) {
	d, err := NewDecoder(ctx, oid, typmod, cat)
	if err != nil {
		return schemas.Type{}, err
	}
	return d.typ, nil
}

// NewDecoder resolves a column's type (see [TypeOf]) and returns the
// [Decoder] of its text-format values. A Decoder is immutable and may be
// shared by goroutines. ctx bounds the catalog lookups only.
func NewDecoder(ctx context.Context, oid uint32, typmod int32, cat Catalog) (*Decoder, error) {
	return resolve(ctx, oid, typmod, cat, 0)
}

func resolve(ctx context.Context, oid uint32, typmod int32, cat Catalog, depth int) (*Decoder, error) {
	if depth > maxTypeDepth {
		return nil, fmt.Errorf("%w: type %d nests domains or arrays more than %d deep", ErrUnsupportedType, oid, maxTypeDepth)
	}
	if b, ok := builtins[oid]; ok {
		return scalarDecoder(b.name, b.conv, typmod), nil
	}
	if elem, ok := builtinArrays[oid]; ok {
		ed, err := resolve(ctx, elem, typmod, cat, depth+1)
		if err != nil {
			return nil, err
		}
		delim := byte(',')
		if elem == pgtype.BoxOID {
			delim = ';'
		}
		return arrayDecoder("_"+ed.name, ed, delim), nil
	}
	if cat == nil {
		return nil, fmt.Errorf("%w: oid %d is not built in and there is no catalog", ErrUnknownType, oid)
	}
	ti, err := cat.LookupType(ctx, oid)
	if err != nil {
		return nil, fmt.Errorf("look up type %d: %w", oid, err)
	}
	switch {
	case ti.Kind == 'd':
		bt := ti.BaseTypmod
		if typmod >= 0 {
			bt = typmod
		}
		bd, err := resolve(ctx, ti.Base, bt, cat, depth+1)
		if err != nil {
			return nil, fmt.Errorf("domain %s: %w", ti.Name, err)
		}
		d := *bd
		d.name = ti.Name
		d.typ.Source = ti.Name
		return &d, nil
	case ti.Category == 'A' && ti.Elem != 0:
		// The element of a domain over an array type, or of an array of
		// domains, carries the array's typmod (varchar(10)[]).
		ed, err := resolve(ctx, ti.Elem, typmod, cat, depth+1)
		if err != nil {
			return nil, fmt.Errorf("array %s: %w", ti.Name, err)
		}
		delim := ti.Delim
		if delim == 0 {
			delim = ','
		}
		return arrayDecoder(ti.Name, ed, delim), nil
	case ti.Kind == 'e':
		syms := make([]string, len(ti.EnumLabels))
		copy(syms, ti.EnumLabels)
		return &Decoder{
			typ:  schemas.Type{Kind: schemas.KindEnum, Symbols: syms, Source: ti.Name},
			conv: convEnum,
			name: ti.Name,
		}, nil
	case ti.Kind == 'p':
		return nil, fmt.Errorf("%w: %s is a pseudo-type", ErrUnsupportedType, ti.Name)
	}
	// Composite, range, multirange and unknown base types (extensions such
	// as citext, hstore or PostGIS types) are kept as their text.
	return scalarDecoder(ti.Name, convString, typmod), nil
}

func arrayDecoder(name string, elem *Decoder, delim byte) *Decoder {
	et := elem.typ
	return &Decoder{
		typ:   schemas.Type{Kind: schemas.KindArray, Elem: &et, Source: name},
		conv:  convArray,
		name:  name,
		elem:  elem,
		delim: delim,
	}
}

// Numeric type modifiers (PostgreSQL's utils/adt/numeric.c).
const varHdrSz = 4

// NumericTypmod returns the precision and scale encoded in a numeric type
// modifier; ok is false for unconstrained numeric (typmod -1). PostgreSQL 15
// and later allow a negative scale and a scale above the precision.
func NumericTypmod(typmod int32) (precision, scale int32, ok bool) {
	if typmod < varHdrSz {
		return 0, 0, false
	}
	t := typmod - varHdrSz
	return (t >> 16) & 0xffff, ((t & 0x7ff) ^ 1024) - 1024, true
}

func scalarDecoder(name string, c conv, typmod int32) *Decoder {
	t := schemas.Type{Kind: kinds[c], Source: name}
	switch c {
	case convNumeric:
		p, s, ok := NumericTypmod(typmod)
		switch {
		case !ok:
			t.Scale = schemas.VariableScale
		case s < 0:
			// numeric(2,-3) holds integers up to 99000: five digits, no
			// fraction. PostgreSQL prints them without a point.
			t.Precision, t.Scale = p-s, 0
		case s > p:
			// numeric(3,5) holds 0.00xyz: five digits, all of them
			// fractional.
			t.Precision, t.Scale = s, s
		default:
			t.Precision, t.Scale = p, s
		}
	case convMoney:
		// money is an int64 count of cents (lc_monetary=C has two
		// fractional digits): at most 19 digits.
		t.Precision, t.Scale = 19, 2
	case convTime, convTimeTZ, convTimestamp, convTimestampTZ:
		if typmod >= 0 {
			t.Precision = typmod
		}
	case convInterval:
		// The low 16 bits are the fractional-second precision, 0xffff when
		// unconstrained; the high bits restrict the fields (YEAR TO MONTH).
		if p := typmod & 0xffff; typmod >= 0 && p != 0xffff {
			t.Precision = p
		}
	}
	return &Decoder{typ: t, conv: c, name: name}
}
