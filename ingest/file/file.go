package file

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is the layout of an input file.
type Format uint8

// The formats a [Reader] understands.
const (
	CSV Format = iota + 1
	JSONL
)

// String returns the format's name as used on the command line.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	}
	return "unknown"
}

// FormatOf tells the format from a file name's extension: .csv and .tsv are
// CSV, .jsonl, .ndjson and .json are JSON Lines.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return CSV, nil
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	}
	return 0, fmt.Errorf("%s: unknown file format (want .csv, .tsv, .jsonl or .ndjson)", path)
}

// Row is one data row. Its slices belong to the [Reader] and are overwritten
// by the next call to [Reader.Next]; copy what must outlive it.
type Row struct {
	// Index is the 0-based position of the row among the data rows.
	Index int
	// Line is the 1-based line of the file where the row starts.
	Line int
	// Values holds the row's fields in header order, as text.
	Values []string
	// Null tells, per field, whether the value is null (see the package doc).
	Null []bool
}

// RowError is a row that could not be read. The stream goes on after it.
type RowError struct {
	File  string
	Line  int
	Index int
	Err   error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%d: row %d: %v", e.File, e.Line, e.Index, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Reader reads rows from a CSV or JSON Lines stream.
type Reader struct {
	name   string
	format Format
	closer io.Closer

	header []string
	row    Row
	index  int

	// CSV
	csv *csvScanner

	// JSONL
	lines   *bufio.Reader
	line    int
	columns map[string]int
}

// Open opens a file and reads its header (for CSV, the first record; for
// JSON Lines, the keys are learnt as rows arrive). The format comes from the
// extension (see [FormatOf]).
func Open(path string) (*Reader, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	comma := byte(',')
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		comma = '\t'
	}
	r, err := newReader(f, format, path, comma)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader reads rows of the given format from r; name is used in errors.
// CSV input is comma-separated.
func NewReader(r io.Reader, format Format, name string) (*Reader, error) {
	return newReader(r, format, name, ',')
}

func newReader(r io.Reader, format Format, name string, comma byte) (*Reader, error) {
	rd := &Reader{name: name, format: format}
	switch format {
	case CSV:
		rd.csv = newCSVScanner(r, comma, csvBlock)
		header, _, err := rd.csv.next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty file: want a header row", name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: read header: %w", name, err)
		}
		rd.header = make([]string, len(header))
		for i, h := range header {
			rd.header[i] = strings.Clone(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		}
		rd.row.Values = make([]string, len(header))
		rd.row.Null = make([]bool, len(header))
	case JSONL:
		rd.lines = bufio.NewReaderSize(r, 1<<16)
		rd.columns = make(map[string]int)
	default:
		return nil, fmt.Errorf("%s: unknown format %d", name, format)
	}
	return rd, nil
}

// Header returns the column names. For JSON Lines it grows as new keys
// appear; a column that appears late is null in the rows before it.
func (r *Reader) Header() []string { return r.header }

// Name returns the name used in errors (the path for [Open]).
func (r *Reader) Name() string { return r.name }

// Next returns the next row, [io.EOF] at the end, a [*RowError] for a row
// that could not be read (call Next again to go on), or another error that
// ends the stream.
func (r *Reader) Next() (*Row, error) {
	if r.format == CSV {
		return r.nextCSV()
	}
	return r.nextJSONL()
}

// Close closes the underlying file when the reader was made by [Open].
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

func (r *Reader) nextCSV() (*Row, error) {
	rec, line, err := r.csv.next()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			idx := r.index
			r.index++
			return nil, &RowError{File: r.name, Line: pe.StartLine, Index: idx, Err: pe.Err}
		}
		return nil, fmt.Errorf("%s: %w", r.name, err)
	}
	idx := r.index
	r.index++
	if len(rec) != len(r.header) {
		return nil, &RowError{File: r.name, Line: line, Index: idx,
			Err: fmt.Errorf("has %d fields, header has %d", len(rec), len(r.header))}
	}
	r.row.Index, r.row.Line = idx, line
	for i, v := range rec {
		r.row.Values[i] = v
		r.row.Null[i] = v == ""
	}
	return &r.row, nil
}

func (r *Reader) nextJSONL() (*Row, error) {
	for {
		raw, err := r.lines.ReadBytes('\n')
		if len(raw) == 0 && err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%s:%d: %w", r.name, r.line+1, err)
		}
		r.line++
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		idx := r.index
		r.index++
		for i := range r.row.Null {
			r.row.Values[i], r.row.Null[i] = "", true
		}
		if err := r.object(raw); err != nil {
			return nil, &RowError{File: r.name, Line: r.line, Index: idx, Err: err}
		}
		r.row.Index, r.row.Line = idx, r.line
		return &r.row, nil
	}
}

// object fills the row from one JSON object, keeping its keys in the order
// they stand so that the header is the order of first appearance.
func (r *Reader) object(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not a JSON object: starts with %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("not a JSON object: %w", err)
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
		col, ok := r.columns[k]
		if !ok {
			col = len(r.header)
			r.columns[k] = col
			r.header = append(r.header, k)
			r.row.Values = append(r.row.Values, "")
			r.row.Null = append(r.row.Null, true)
		}
		s, null, err := jsonText(v)
		if err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
		r.row.Values[col], r.row.Null[col] = s, null
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// jsonText turns a JSON value into the text a CSV file would hold.
func jsonText(v json.RawMessage) (s string, null bool, err error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", true, nil
	}
	switch v[0] {
	case '"':
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false, err
		}
		return s, false, nil
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			return "", false, err
		}
		return b.String(), false, nil
	default: // number, true or false: already validated by the decoder
		return string(v), false, nil
	}
}
