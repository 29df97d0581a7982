package pgsink

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/heliosdb/helios-etl/schemas"
)

// table is what the sink knows of a target table.
type table struct {
	name    string            // bare table name
	quoted  string            // "schema"."table"
	display string            // schema.table, for errors
	cols    map[string]string // column → format_type
	key     []string          // primary-key columns, empty when none
}

// shape maps one source schema version onto its target table.
type shape struct {
	t    *table
	cols []column // the schema's fields, in order
	key  []int    // indexes into cols of the key columns
}

type column struct {
	field  int
	quoted string
	cast   string // the target column's type
}

// applier applies the events of one transaction. Per table it collects a
// pending set of changes collapsed to the last change per key; a truncate
// or a new schema version of the table flushes it first.
type applier struct {
	s       *Sink
	tx      pgx.Tx
	pending map[string]*pending
	counts  []opCount
	written map[[2]string]int
	staged  map[string]bool // staging tables used in this transaction
	buf     []byte
}

type opCount struct {
	table string
	op    schemas.Op
	n     int
}

type pending struct {
	sh      *shape
	entries map[string]*entry
	order   []*entry
}

type entry struct {
	del bool
	row []schemas.Value // the after image; the before image for a delete
	// fresh: the key's first change in the batch is an insert, so the
	// target should not have the row (unless a change was delivered twice
	// upstream: see upsert).
	fresh bool
}

func (a *applier) count(table string, op schemas.Op) {
	if n := len(a.counts); n > 0 && a.counts[n-1].table == table && a.counts[n-1].op == op {
		a.counts[n-1].n++
		return
	}
	a.counts = append(a.counts, opCount{table, op, 1})
}

func targetName(s *schemas.Schema) string {
	name := s.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

func (a *applier) add(ctx context.Context, ev *schemas.Event) error {
	if ev.Schema == nil {
		return fmt.Errorf("%s event without a schema", ev.Op)
	}
	name := targetName(ev.Schema)
	if ev.Op == schemas.OpTruncate {
		if err := a.flush(ctx, name); err != nil {
			return err
		}
		t, err := a.s.loadTable(ctx, a.tx, name)
		if err != nil {
			return err
		}
		if t != nil {
			if _, err := a.tx.Exec(ctx, "TRUNCATE "+t.quoted); err != nil {
				return fmt.Errorf("truncate %s: %w", t.display, err)
			}
		}
		a.count(name, ev.Op)
		return nil
	}
	p := a.pending[name]
	if p == nil || p.sh != a.s.mu.shapes[ev.Schema] {
		if err := a.flush(ctx, name); err != nil {
			return err
		}
		sh, err := a.s.shapeOf(ctx, a.tx, ev.Schema)
		if err != nil {
			return err
		}
		p = &pending{sh: sh, entries: make(map[string]*entry)}
		a.pending[name] = p
	}
	var err error
	switch ev.Op {
	case schemas.OpCreate, schemas.OpRead, schemas.OpUpdate:
		if ev.After == nil {
			return fmt.Errorf("%s event of %s without an after image", ev.Op, ev.Schema.Name)
		}
		if ev.Op == schemas.OpUpdate && ev.Before != nil {
			// A key change: the old key's row goes away.
			oldKey, err := a.keyOf(p.sh, ev.Schema, ev.Before)
			if err == nil && oldKey != "" {
				newKey, err := a.keyOf(p.sh, ev.Schema, ev.After)
				if err != nil {
					return err
				}
				if oldKey != newKey {
					p.set(oldKey, true, false, ev.Before)
				}
			}
		}
		key, err := a.keyOf(p.sh, ev.Schema, ev.After)
		if err != nil {
			return err
		}
		p.set(key, false, ev.Op == schemas.OpCreate, ev.After)
	case schemas.OpDelete:
		row := ev.Before
		if row == nil {
			row = ev.After
		}
		key, kerr := a.keyOf(p.sh, ev.Schema, row)
		if kerr != nil {
			return kerr
		}
		p.set(key, true, false, row)
	default:
		err = fmt.Errorf("unknown operation %v", ev.Op)
	}
	if err == nil {
		a.count(name, ev.Op)
	}
	return err
}

// set records the last change of a key. An update that leaves columns
// unchanged takes their values from an earlier change of the same key in
// the batch, when there is one. insert says the change is an insert.
func (p *pending) set(key string, del, insert bool, row []schemas.Value) {
	e := p.entries[key]
	if e == nil {
		e = &entry{fresh: insert}
		p.entries[key] = e
		p.order = append(p.order, e)
	} else if !del && !e.del && hasUnchanged(row) {
		merged := slices.Clone(row)
		for i, v := range merged {
			if v.IsUnchanged() && i < len(e.row) {
				merged[i] = e.row[i]
			}
		}
		row = merged
	}
	e.del, e.row = del, row
}

func hasUnchanged(row []schemas.Value) bool {
	for _, v := range row {
		if v.IsUnchanged() {
			return true
		}
	}
	return false
}

// keyOf renders the key columns of row as one string.
func (a *applier) keyOf(sh *shape, s *schemas.Schema, row []schemas.Value) (string, error) {
	b := a.buf[:0]
	for _, k := range sh.key {
		f := sh.cols[k].field
		if f >= len(row) || row[f].IsNull() || row[f].IsUnchanged() {
			return "", fmt.Errorf("%s: key column %s is missing from the change", s.Name, s.Fields[f].Name)
		}
		var err error
		if b, err = appendText(b, row[f]); err != nil {
			return "", err
		}
		b = append(b, 0)
	}
	a.buf = b
	return string(b), nil
}

func (a *applier) flushAll(ctx context.Context) error {
	names := make([]string, 0, len(a.pending))
	for n := range a.pending {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := a.flush(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// flush applies a table's pending changes: one DELETE for the keys whose
// last change is a delete, and one upsert per set of unchanged columns.
func (a *applier) flush(ctx context.Context, name string) error {
	p := a.pending[name]
	if p == nil {
		return nil
	}
	delete(a.pending, name)
	sh := p.sh
	var dels [][]schemas.Value
	groups := make(map[string][][]schemas.Value)
	var groupOrder []string
	var mask []byte
	for _, e := range p.order {
		if e.del {
			dels = append(dels, e.row)
			continue
		}
		mask = mask[:0]
		for _, c := range sh.cols {
			if c.field < len(e.row) && e.row[c.field].IsUnchanged() {
				mask = append(mask, '1')
			} else {
				mask = append(mask, '0')
			}
		}
		if e.fresh {
			mask = append(mask, 'f')
		}
		m := string(mask)
		if _, ok := groups[m]; !ok {
			groupOrder = append(groupOrder, m)
		}
		groups[m] = append(groups[m], e.row)
	}
	if len(dels) > 0 {
		if err := a.deleteRows(ctx, sh, dels); err != nil {
			return err
		}
		a.written[[2]string{name, "delete"}] += len(dels)
	}
	for _, m := range groupOrder {
		var cols []column
		for i, c := range sh.cols {
			if m[i] == '0' {
				cols = append(cols, c)
			}
		}
		if err := a.upsert(ctx, sh, cols, groups[m], strings.HasSuffix(m, "f")); err != nil {
			return err
		}
		a.written[[2]string{name, "upsert"}] += len(groups[m])
	}
	return nil
}

// texts renders the given columns of rows as text arrays, nil for NULL.
func (a *applier) texts(cols []column, rows [][]schemas.Value) ([][]*string, error) {
	out := make([][]*string, len(cols))
	for i := range out {
		out[i] = make([]*string, len(rows))
	}
	for r, row := range rows {
		for i, c := range cols {
			if c.field >= len(row) || row[c.field].IsNull() {
				continue
			}
			b, err := appendText(a.buf[:0], row[c.field])
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", c.quoted, err)
			}
			a.buf = b
			s := string(b)
			out[i][r] = &s
		}
	}
	return out, nil
}

func (a *applier) deleteRows(ctx context.Context, sh *shape, rows [][]schemas.Value) error {
	keyCols := make([]column, len(sh.key))
	for i, k := range sh.key {
		keyCols[i] = sh.cols[k]
	}
	arrays, err := a.texts(keyCols, rows)
	if err != nil {
		return err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "DELETE FROM %s t USING unnest(", sh.t.quoted)
	args := make([]any, len(keyCols))
	for i := range keyCols {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "$%d::text[]", i+1)
		args[i] = arrays[i]
	}
	sb.WriteString(") AS u(")
	for i := range keyCols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("c" + strconv.Itoa(i))
	}
	sb.WriteString(") WHERE ")
	for i, c := range keyCols {
		if i > 0 {
			sb.WriteString(" AND ")
		}
		fmt.Fprintf(&sb, "t.%s = u.c%d::%s", c.quoted, i, c.cast)
	}
	if _, err := a.tx.Exec(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("delete from %s: %w", sh.t.display, err)
	}
	return nil
}

// upsert inserts or updates rows over cols (the columns that are not
// unchanged). Small sets go through unnest of text arrays, large ones
// through COPY into a staging table of text columns; both cast the text
// to the target's types in SQL, so values arrive exactly as their text.
func (a *applier) upsert(ctx context.Context, sh *shape, cols []column, rows [][]schemas.Value, fresh bool) error {
	var src string
	var args []any
	if fresh && len(rows) >= a.s.cfg.CopyThreshold {
		// Rows inserted at the source: COPY them straight into the
		// target, as a plain COPY would. Should one exist already (a
		// change the CDC source delivered twice), the savepoint undoes
		// the COPY and the merge below applies them.
		done, err := a.copyDirect(ctx, sh, cols, rows)
		if err != nil || done {
			return err
		}
	}
	if len(rows) >= a.s.cfg.CopyThreshold {
		stage, err := a.stage(ctx, cols, rows)
		if err != nil {
			return err
		}
		src = stage + " AS u"
	} else {
		arrays, err := a.texts(cols, rows)
		if err != nil {
			return err
		}
		var sb strings.Builder
		sb.WriteString("unnest(")
		for i := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d::text[]", i+1)
			args = append(args, arrays[i])
		}
		sb.WriteString(") AS u(")
		for i := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("c" + strconv.Itoa(i))
		}
		sb.WriteString(")")
		src = sb.String()
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (", sh.t.quoted)
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(c.quoted)
	}
	sb.WriteString(") SELECT ")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "u.c%d::%s", i, c.cast) // a no-op cast from a staging column
	}
	fmt.Fprintf(&sb, " FROM %s ON CONFLICT (", src)
	for i, k := range sh.key {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(sh.cols[k].quoted)
	}
	sb.WriteString(") DO ")
	set := 0
	for _, c := range cols {
		if slices.ContainsFunc(sh.key, func(k int) bool { return sh.cols[k].quoted == c.quoted }) {
			continue
		}
		if set == 0 {
			sb.WriteString("UPDATE SET ")
		} else {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s = EXCLUDED.%s", c.quoted, c.quoted)
		set++
	}
	if set == 0 {
		sb.WriteString("NOTHING")
	}
	if _, err := a.tx.Exec(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("upsert into %s: %w", sh.t.display, err)
	}
	return nil
}

// stage copies the rows into a temporary table whose columns c0…cN have
// the target columns' types, with COPY in text format (values parsed by the
// server as a plain COPY parses them), and returns its name. One staging
// table exists per column list and types; it lives as long as the
// connection and is emptied at commit.
func (a *applier) stage(ctx context.Context, cols []column, rows [][]schemas.Value) (string, error) {
	h := fnv.New64a()
	for _, c := range cols {
		h.Write([]byte(c.cast))
		h.Write([]byte{0})
	}
	name := "helios_stage_" + strconv.FormatUint(h.Sum64(), 36)
	if a.staged[name] {
		if _, err := a.tx.Exec(ctx, "TRUNCATE "+name); err != nil {
			return "", fmt.Errorf("empty staging table: %w", err)
		}
	} else {
		var sb strings.Builder
		fmt.Fprintf(&sb, "CREATE TEMP TABLE IF NOT EXISTS %s (", name)
		for i, c := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "c%d %s", i, c.cast)
		}
		sb.WriteString(") ON COMMIT DELETE ROWS")
		if _, err := a.tx.Exec(ctx, sb.String()); err != nil {
			return "", fmt.Errorf("create staging table: %w", err)
		}
		a.staged[name] = true
	}
	if _, err := a.tx.Conn().PgConn().CopyFrom(ctx, a.copyReader(cols, rows), "COPY "+name+" FROM STDIN"); err != nil {
		return "", fmt.Errorf("copy into staging table: %w", err)
	}
	return name, nil
}

// copyDirect copies rows into the target table under a savepoint. It
// returns false, with the savepoint rolled back, when a row's key exists.
func (a *applier) copyDirect(ctx context.Context, sh *shape, cols []column, rows [][]schemas.Value) (bool, error) {
	sp, err := a.tx.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.quoted
	}
	_, err = sp.Conn().PgConn().CopyFrom(ctx, a.copyReader(cols, rows), "COPY "+sh.t.quoted+" ("+strings.Join(names, ", ")+") FROM STDIN")
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return false, fmt.Errorf("roll back to savepoint: %w", rerr)
		}
		a.s.m.directFallbacks.Inc()
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("copy into %s: %w", sh.t.display, err)
	}
	if err := sp.Commit(ctx); err != nil {
		return false, fmt.Errorf("release savepoint: %w", err)
	}
	return true, nil
}

// copyReader renders rows in COPY's text format as they are read, so that
// rendering overlaps with sending and with the server's parsing.
func (a *applier) copyReader(cols []column, rows [][]schemas.Value) io.Reader {
	return &copyText{cols: cols, rows: rows, buf: a.buf}
}

type copyText struct {
	cols []column
	rows [][]schemas.Value
	next int    // the next row to render
	out  []byte // rendered, not yet read
	buf  []byte // one value's text
}

// copyChunk is about how much copyText renders at a time.
const copyChunk = 64 << 10

func (c *copyText) Read(p []byte) (int, error) {
	if len(c.out) == 0 {
		if c.next == len(c.rows) {
			return 0, io.EOF
		}
		c.out = c.out[:0]
		for c.next < len(c.rows) && len(c.out) < copyChunk {
			if err := c.render(c.rows[c.next]); err != nil {
				return 0, err
			}
			c.next++
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

func (c *copyText) render(row []schemas.Value) error {
	for i, col := range c.cols {
		if i > 0 {
			c.out = append(c.out, '\t')
		}
		if col.field >= len(row) || row[col.field].IsNull() {
			c.out = append(c.out, `\N`...)
			continue
		}
		b, err := appendText(c.buf[:0], row[col.field])
		if err != nil {
			return fmt.Errorf("column %s: %w", col.quoted, err)
		}
		c.buf = b
		c.out = appendCopyText(c.out, b)
	}
	c.out = append(c.out, '\n')
	return nil
}

// appendCopyText appends b escaped for COPY's text format.
func appendCopyText(dst, b []byte) []byte {
	for _, c := range b {
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
