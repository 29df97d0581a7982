package pgsink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/heliosdb/helios-etl/schemas"
)

// SchemaError is a source schema the target table cannot take as it is: a
// column missing or too narrow while Evolve is off, a change no widening
// covers, or a key that does not match. The sink stops on it rather than
// load data that is not what the source holds.
type SchemaError struct {
	Table  string // schema.table at the target
	Column string // empty for table-level problems
	Change string // what the source needs, in words
}

func (e *SchemaError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("pgsink: table %s: %s", e.Table, e.Change)
	}
	return fmt.Sprintf("pgsink: table %s, column %s: %s", e.Table, e.Column, e.Change)
}

// loadTable reads a target table's columns and key from the catalog; nil
// when the table does not exist.
func (s *Sink) loadTable(ctx context.Context, tx pgx.Tx, name string) (*table, error) {
	if t, ok := s.mu.tables[name]; ok {
		return t, nil
	}
	t := &table{name: name, quoted: qualified(s.cfg.Schema, name), display: s.cfg.Schema + "." + name, cols: make(map[string]string)}
	rows, err := tx.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod),
	coalesce(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0)
FROM pg_attribute a
LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`, t.quoted)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", t.display, err)
	}
	var col, typ string
	var keyPos int
	keyAt := map[int]string{}
	_, err = pgx.ForEachRow(rows, []any{&col, &typ, &keyPos}, func() error {
		t.cols[col] = typ
		if keyPos > 0 {
			keyAt[keyPos] = col
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", t.display, err)
	}
	if len(t.cols) == 0 {
		return nil, nil
	}
	for i := 1; i <= len(keyAt); i++ {
		t.key = append(t.key, keyAt[i])
	}
	s.mu.tables[name] = t
	return t, nil
}

// shapeOf maps a source schema onto its target table, creating the table
// or evolving it as the configuration allows.
func (s *Sink) shapeOf(ctx context.Context, tx pgx.Tx, sch *schemas.Schema) (*shape, error) {
	if sh, ok := s.mu.shapes[sch]; ok {
		return sh, nil
	}
	name := targetName(sch)
	display := s.cfg.Schema + "." + name
	if len(sch.Key) == 0 {
		return nil, &SchemaError{Table: display, Change: fmt.Sprintf("source %s has no primary key; the sink applies changes by key", sch.Name)}
	}
	want := make([]string, len(sch.Fields))
	for i, f := range sch.Fields {
		typ, err := pgType(f.Type)
		if err != nil {
			return nil, &SchemaError{Table: display, Column: f.Name, Change: err.Error()}
		}
		want[i] = typ
	}
	t, err := s.loadTable(ctx, tx, name)
	if err != nil {
		return nil, err
	}
	if t == nil {
		if !s.cfg.CreateTables {
			return nil, &SchemaError{Table: display, Change: "does not exist (create it, or enable create_tables)"}
		}
		if err := s.createTable(ctx, tx, sch, want); err != nil {
			return nil, err
		}
		if t, err = s.loadTable(ctx, tx, name); err != nil {
			return nil, err
		}
		if t == nil {
			return nil, fmt.Errorf("table %s missing right after CREATE TABLE", display)
		}
	}
	keyNames := make([]string, len(sch.Key))
	for i, k := range sch.Key {
		keyNames[i] = sch.Fields[k].Name
	}
	if !sameSet(keyNames, t.key) {
		return nil, &SchemaError{Table: display, Change: fmt.Sprintf("primary key (%s) differs from the source's key (%s)",
			strings.Join(t.key, ", "), strings.Join(keyNames, ", "))}
	}
	var problems []error
	for i, f := range sch.Fields {
		have, ok := t.cols[f.Name]
		switch {
		case !ok && s.cfg.Evolve:
			sql := fmt.Sprintf("ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s", t.quoted, ident(f.Name), want[i])
			if _, err := tx.Exec(ctx, sql); err != nil {
				return nil, fmt.Errorf("add column %s to %s: %w", f.Name, display, err)
			}
			s.log.Info("added column", "table", display, "column", f.Name, "type", want[i], "source_version", sch.Version)
			t.cols[f.Name] = want[i]
		case !ok:
			problems = append(problems, &SchemaError{Table: display, Column: f.Name,
				Change: fmt.Sprintf("is new at the source (%s, schema version %d) and missing at the target; enable evolve or add it", want[i], sch.Version)})
		case fits(have, want[i]):
		case s.cfg.Evolve && widened(have, want[i]) != "":
			w := widened(have, want[i])
			sql := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s", t.quoted, ident(f.Name), w)
			if _, err := tx.Exec(ctx, sql); err != nil {
				return nil, fmt.Errorf("widen column %s of %s to %s: %w", f.Name, display, w, err)
			}
			s.log.Info("widened column", "table", display, "column", f.Name, "from", have, "to", w, "source_version", sch.Version)
			t.cols[f.Name] = w
		case s.cfg.Evolve:
			problems = append(problems, &SchemaError{Table: display, Column: f.Name,
				Change: fmt.Sprintf("changed at the source to %s, which the target's %s cannot hold and no widening covers; migrate it by hand", want[i], have)})
		default:
			problems = append(problems, &SchemaError{Table: display, Column: f.Name,
				Change: fmt.Sprintf("changed at the source to %s, which the target's %s cannot hold; enable evolve to widen it", want[i], have)})
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	sh := &shape{t: t}
	for i, f := range sch.Fields {
		sh.cols = append(sh.cols, column{field: i, quoted: ident(f.Name), cast: t.cols[f.Name]})
	}
	sh.key = append(sh.key, sch.Key...) // cols are in field order
	s.mu.shapes[sch] = sh
	return sh, nil
}

func (s *Sink) createTable(ctx context.Context, tx pgx.Tx, sch *schemas.Schema, types []string) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "CREATE TABLE IF NOT EXISTS %s (", qualified(s.cfg.Schema, targetName(sch)))
	for i, f := range sch.Fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ident(f.Name) + " " + types[i])
		if slices.Contains(sch.Key, i) {
			sb.WriteString(" NOT NULL")
		}
	}
	sb.WriteString(", PRIMARY KEY (")
	for i, k := range sch.Key {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ident(sch.Fields[k].Name))
	}
	sb.WriteString("))")
	if _, err := tx.Exec(ctx, sb.String()); err != nil {
		return fmt.Errorf("create table %s.%s: %w", s.cfg.Schema, targetName(sch), err)
	}
	s.log.Info("created table", "table", s.cfg.Schema+"."+targetName(sch), "source_version", sch.Version)
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
