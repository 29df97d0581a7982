// Package file reads tabular records from CSV and JSON Lines files, one row at
// a time, for the commands and stages that infer schemas, match them and
// profile data quality from files.
//
// A [Reader] yields [Row] values whose slices are reused between calls to
// [Reader.Next]. CSV is split by a scanner of its own that reads as
// encoding/csv does (RFC 4180; a differential fuzz test holds them equal) but
// turns each 256 KiB block into one string and hands out substrings of it,
// so a row costs no allocation; JSON Lines goes through encoding/json. Every row knows its 0-based data index (the
// header excluded) and the 1-based line where it starts, so errors and
// findings can name the exact place.
//
// # Bad input
//
// A row that cannot be read (a CSV record with the wrong number of fields, a
// JSON line that is not an object) is returned as a [*RowError] naming the
// file, line and cause; the reader stays usable and the next call to
// [Reader.Next] goes on with the following row. Errors that end the stream
// (I/O errors, an unreadable header) are returned wrapped and are not
// [*RowError] values.
//
// # Nulls
//
// CSV has no null: an empty field is reported as null. In JSON Lines, a JSON
// null and a missing key are null. Nested JSON values (objects, arrays) are
// returned as their compact JSON text.
package file
