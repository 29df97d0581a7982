// Package pgvalue turns PostgreSQL column types and pgoutput text-format
// values into the change-event model ([schemas.Type], [schemas.Value]).
//
// The CDC engine resolves each column of a pgoutput Relation message (type
// OID and type modifier) once, with [NewDecoder] or [TypeOf], and then
// decodes every tuple column of that relation with [Decoder.DecodeColumn] or
// [Decoder.Decode]:
//
//	dec, err := pgvalue.NewDecoder(ctx, col.DataType, col.TypeModifier, catalog)
//	...
//	v, err := dec.DecodeColumn(tupleCol.DataType, tupleCol.Data)
//
// # Types
//
// Built-in types resolve without a catalog: int2/int4/int8, float4/float8,
// bool, numeric(p,s) (decimal with that precision and scale; unconstrained
// numeric has [schemas.VariableScale]), money (decimal(19,2)), text, varchar,
// bpchar, name and "char" (string), bytea, uuid, json and jsonb (JSON),
// date, time(p), timetz(p), timestamp(p), timestamptz(p), interval, and
// arrays of all of them. Types the model has no kind for (inet, cidr,
// macaddr, xml, bit, varbit, tsvector, oid, geometric and range types, …)
// are strings holding PostgreSQL's text. [schemas.Type.Source] is always the
// pg_type name: "int4", "varchar", "_int4" for int4[], the enum's or the
// domain's own name.
//
// Other types are resolved through a [Catalog] ([NewCatalog] queries pg_type
// once per OID and caches): enums ([schemas.KindEnum], symbols in
// enumsortorder), domains (their base type, with the domain's type modifier,
// and Source set to the domain's name), arrays of user types, and composite,
// range and extension types, which are strings holding PostgreSQL's text
// (a composite's "(1,abc)" is not JSON).
//
// Type modifiers: numeric(p,s) with a negative scale (PostgreSQL 15) holds
// integers and becomes decimal(p-s,0); a scale above the precision becomes
// decimal(s,s). The length of varchar(n), bpchar(n) and bit(n) is not kept.
// For time and timestamp types the precision is the modifier, 0 when
// unconstrained, so time(0) and time look alike.
//
// # Text format
//
// Decoders read the text PostgreSQL writes under the session settings of
// [RuntimeParams], which the caller must set on the replication connection
// (pgconn's Config.RuntimeParams); pgoutput formats values with the
// walsender's settings. Notable forms: infinite dates and timestamps become
// [schemas.DateInfinity] and friends; BC years become astronomical years
// ("0044-03-15 BC" is year -43); timestamptz is normalized to UTC whatever
// its offset; time keeps "24:00:00"; numeric NaN and ±Infinity are decimal
// specials. Timestamps after year 294246 do not fit the model's
// microseconds since 1970 and are [ErrRange] errors.
//
// Arrays become [schemas.Array] values whose elements are decoded by the
// element type's decoder. PostgreSQL array types do not fix a number of
// dimensions, so a multidimensional value ("{{1,2},{3,4}}") becomes an array
// of arrays whose innermost elements have the element type; explicit lower
// bounds ("[0:1]={1,2}") are dropped.
//
// # Errors
//
// Bad text is a [*DecodeError] naming the type and (the first 64 bytes of)
// the value, wrapping [ErrSyntax], [ErrRange], [ErrFormat] (a session
// setting is wrong, or the tuple is binary) or [ErrStaleType] (an enum label
// added after the type was resolved). Decoding never panics.
//
// # Allocation
//
// Decoding a scalar allocates nothing except the text of strings, JSON and
// bytea values and the digits of numerics longer than 18 digits. Enum
// values reuse the type's symbol strings. Arrays allocate their element
// slices.
package pgvalue
