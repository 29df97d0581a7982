package sample

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/infer"
)

// Result is an inferred schema with the declared type of each column when
// the source declares one (PostgreSQL's format_type, or the Debezium
// schema's type), keyed by column name.
type Result struct {
	Schema   infer.Schema
	Declared map[string]string
	// Skipped counts records that were not rows: tombstones, deletes,
	// records that are neither an envelope nor a JSON object (topics only).
	Skipped int64
}

// Table profiles up to n rows (n < 0: all) of table, written schema.table
// or table, through conn.
func Table(ctx context.Context, conn *pgx.Conn, table string, n int, cfg infer.Config) (Result, error) {
	ident := pgx.Identifier(strings.Split(table, "."))
	if len(ident) > 2 || slicesHasEmpty(ident) {
		return Result{}, fmt.Errorf("table %q: want schema.table or table", table)
	}
	q := "SELECT * FROM " + ident.Sanitize()
	if n >= 0 {
		q += fmt.Sprintf(" LIMIT %d", n)
	}
	res := Result{Declared: map[string]string{}}
	rows, err := conn.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`, ident.Sanitize())
	if err != nil {
		return Result{}, fmt.Errorf("table %s: columns: %w", table, err)
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return Result{}, fmt.Errorf("table %s: columns: %w", table, err)
		}
		res.Declared[name] = typ
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("table %s: columns: %w", table, err)
	}
	// text format for every result column: values reach inference as text
	rr := conn.PgConn().ExecParams(ctx, q, nil, nil, nil, []int16{0})
	fds := rr.FieldDescriptions()
	header := make([]string, len(fds))
	for i, fd := range fds {
		header[i] = fd.Name
	}
	p := infer.NewProfiler(header, cfg)
	vals := make([]string, len(fds))
	null := make([]bool, len(fds))
	line := 0
	for rr.NextRow() {
		line++
		for i, v := range rr.Values() {
			null[i] = v == nil
			vals[i] = string(v)
		}
		p.Observe(vals, null, line, nil)
	}
	if _, err := rr.Close(); err != nil {
		return Result{}, fmt.Errorf("table %s: read rows: %w", table, err)
	}
	res.Schema = p.Schema()
	return res, nil
}

func slicesHasEmpty(s []string) bool {
	for _, x := range s {
		if x == "" {
			return true
		}
	}
	return false
}

// Topic profiles up to n records (n < 0: all there are) from the start of
// topic, read with a client built from opts. It stops at the end of every
// partition as it was when the read began.
func Topic(ctx context.Context, opts []kgo.Opt, topic string, n int, cfg infer.Config) (Result, error) {
	cl, err := kgo.NewClient(append(opts[:len(opts):len(opts)],
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		return Result{}, fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return Result{}, fmt.Errorf("topic %s: end offsets: %w", topic, err)
	}
	if err := ends.Error(); err != nil {
		return Result{}, fmt.Errorf("topic %s: end offsets: %w", topic, err)
	}
	left := map[int32]int64{} // partitions not yet read to their end
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			left[o.Partition] = o.Offset
		}
	})
	if _, ok := ends[topic]; !ok {
		return Result{}, fmt.Errorf("topic %s does not exist", topic)
	}
	r := newRecordReader(cfg)
	for len(left) > 0 && (n < 0 || r.rows < int64(n)) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return Result{}, fmt.Errorf("topic %s: read: %w", topic, err)
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			ferr = errors.Join(ferr, fmt.Errorf("topic %s partition %d: %w", t, p, err))
		})
		if ferr != nil {
			return Result{}, ferr
		}
		fs.EachRecord(func(rec *kgo.Record) {
			end, ok := left[rec.Partition]
			if !ok || (n >= 0 && r.rows >= int64(n)) {
				return
			}
			if rec.Offset+1 >= end {
				delete(left, rec.Partition)
			}
			if rec.Offset < end {
				r.add(rec.Value)
			}
		})
	}
	return r.result(), nil
}

// recordReader turns records into rows for a profiler whose columns it
// learns as they appear.
type recordReader struct {
	p        *infer.Profiler
	dec      *envelope.Decoder
	index    map[string]int
	names    []string
	declared map[string]string
	vals     []string
	null     []bool
	rows     int64
	skipped  int64
}

func newRecordReader(cfg infer.Config) *recordReader {
	return &recordReader{p: infer.NewProfiler(nil, cfg), dec: envelope.NewDecoder(), index: map[string]int{}, declared: map[string]string{}}
}

func (r *recordReader) col(name string) int {
	i, ok := r.index[name]
	if !ok {
		i = len(r.names)
		r.index[name] = i
		r.names = append(r.names, name)
		r.vals = append(r.vals, "")
		r.null = append(r.null, true)
	}
	return i
}

func (r *recordReader) reset() {
	for i := range r.null {
		r.null[i], r.vals[i] = true, ""
	}
}

// add reads one record value: a Debezium envelope (its after state) or a
// JSON object. Other records are counted in skipped.
func (r *recordReader) add(value []byte) {
	if len(bytes.TrimSpace(value)) == 0 {
		r.skipped++ // tombstone
		return
	}
	r.reset()
	if ev, err := r.dec.Decode(value, nil); err == nil {
		if ev.After == nil || ev.Schema == nil {
			r.skipped++
			return
		}
		for i, f := range ev.Schema.Fields {
			c := r.col(f.Name)
			r.declared[f.Name] = f.Type.String()
			if v := ev.After[i]; !v.IsNull() && !v.IsUnchanged() {
				r.vals[c], r.null[c] = v.String(), false
			}
		}
		r.observe()
		return
	}
	obj, ok := decodeObject(value)
	if !ok {
		r.skipped++
		return
	}
	// a schemaless Debezium envelope: the row is its after state
	if after, ok := member(obj, "after"); ok {
		if _, hasOp := member(obj, "op"); hasOp {
			a, ok := decodeObject(after)
			if !ok {
				r.skipped++ // a delete: no after state
				return
			}
			obj = a
		}
	}
	for _, m := range obj {
		c := r.col(m.key)
		if s, ok := jsonText(m.val); ok {
			r.vals[c], r.null[c] = s, false
		}
	}
	r.observe()
}

func (r *recordReader) observe() {
	r.rows++
	r.p.Observe(r.vals, r.null, int(r.rows), r.names)
}

func (r *recordReader) result() Result {
	s := r.p.Schema()
	return Result{Schema: s, Declared: r.declared, Skipped: r.skipped}
}

// jsonMember is one member of a JSON object, its value as raw JSON.
type jsonMember struct {
	key string
	val json.RawMessage
}

// decodeObject decodes a JSON object into its members in document order
// (columns keep the order of the first record that has them); ok is false
// when b is not one JSON object.
func decodeObject(b []byte) ([]jsonMember, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var out []jsonMember
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, jsonMember{k, v})
	}
	if t, err := d.Token(); err != nil || t != json.Delim('}') {
		return nil, false
	}
	if _, err := d.Token(); err == nil {
		return nil, false // trailing data after the object
	}
	return out, true
}

func member(obj []jsonMember, key string) (json.RawMessage, bool) {
	for _, m := range obj {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// jsonText writes a JSON member as the text inference reads: strings
// unquoted, numbers and booleans as written, objects and arrays as compact
// JSON; ok is false for null.
func jsonText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", false
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return string(raw), true
		}
		return s, true
	case raw[0] == '{' || raw[0] == '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return string(raw), true
		}
		return b.String(), true
	}
	return string(raw), true
}
