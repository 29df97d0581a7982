package pgcdc

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pglogrepl"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
)

// column is a table column as pgoutput or the catalog describes it.
type column struct {
	name   string
	oid    uint32
	typmod int32
}

// relation handles a pgoutput relation message: it (re)builds the table's
// schema and, when the shape changed since the last version this slot saw,
// gives it a new version and produces a schema-change record.
func (s *Source) relation(ctx context.Context, m *pglogrepl.RelationMessage, lsn uint64) error {
	cols := make([]column, len(m.Columns))
	for i, c := range m.Columns {
		cols[i] = column{name: c.Name, oid: c.DataType, typmod: c.TypeModifier}
	}
	rel, changed, err := s.buildRelation(ctx, m.RelationID, m.Namespace, m.RelationName, cols)
	if err != nil {
		return err
	}
	s.rels[m.RelationID] = rel
	if changed {
		return s.emitSchemaChange(ctx, rel, lsn)
	}
	return nil
}

// buildRelation makes the schema of a table and its value converters, and
// assigns its version from the fingerprints stored for this slot.
func (s *Source) buildRelation(ctx context.Context, relID uint32, nsp, name string, cols []column) (*relation, bool, error) {
	table := nsp + "." + name
	info, err := s.cat.table(ctx, relID)
	if err != nil {
		return nil, false, err
	}
	sch := &schemas.Schema{Name: table}
	rel := &relation{schema: sch, table: table, nsp: nsp, name: name,
		topic: s.cfg.TopicPrefix + "." + nsp + "." + name}
	for _, c := range cols {
		typ, fn, err := s.deps.Types.Column(ctx, c.oid, c.typmod)
		if err != nil {
			return nil, false, fmt.Errorf("pgcdc: %s.%s: %w", table, c.name, err)
		}
		sch.Fields = append(sch.Fields, schemas.Field{Name: c.name, Type: typ, Nullable: !info.notNull[c.name]})
		rel.values = append(rel.values, fn)
	}
	for _, k := range info.primaryKey {
		if i := sch.FieldIndex(k); i >= 0 {
			sch.Key = append(sch.Key, i)
		}
	}
	if err := sch.Validate(); err != nil {
		return nil, false, fmt.Errorf("pgcdc: %w", err)
	}
	// Versions: a fingerprint of the shape, kept per table for the slot.
	fp := fingerprint(sch)
	key := "pgcdc/" + s.cfg.Slot + "/schema/" + table
	stored, err := s.deps.Store.Get(key)
	if err != nil {
		return nil, false, fmt.Errorf("pgcdc: read schema version of %s: %w", table, err)
	}
	version, changed := int32(1), true
	if len(stored) == 12 {
		version = int32(binary.BigEndian.Uint32(stored))
		if binary.BigEndian.Uint64(stored[4:]) == fp {
			changed = false
		} else {
			version++
		}
	}
	sch.Version = version
	if changed {
		var b [12]byte
		binary.BigEndian.PutUint32(b[:], uint32(version))
		binary.BigEndian.PutUint64(b[4:], fp)
		if err := s.deps.Store.Put(key, b[:]); err != nil {
			return nil, false, fmt.Errorf("pgcdc: save schema version of %s: %w", table, err)
		}
	}
	if err := s.deps.Topics.Ensure(ctx, rel.topic, s.cfg.Partitions, s.cfg.ReplicationFactor); err != nil {
		return nil, false, err
	}
	return rel, changed, nil
}

func fingerprint(s *schemas.Schema) uint64 {
	h := fnv.New64a()
	for _, f := range s.Fields {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%v\x01", f.Name, f.Type, f.Type.Source, f.Type.Precision, f.Nullable)
	}
	fmt.Fprintf(h, "%v", s.Key)
	return h.Sum64()
}

// SchemaChange is the value of a record on the <prefix>.schema-changes
// topic, produced when a table's shape changes.
type SchemaChange struct {
	Table   string              `json:"table"`
	Version int32               `json:"version"`
	LSN     uint64              `json:"lsn"`
	Key     []string            `json:"key"`
	Fields  []SchemaChangeField `json:"fields"`
}

// SchemaChangeField is one column of a [SchemaChange].
type SchemaChangeField struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Source   string `json:"source,omitempty"`
	Nullable bool   `json:"nullable"`
}

func (s *Source) emitSchemaChange(ctx context.Context, rel *relation, lsn uint64) error {
	sc := SchemaChange{Table: rel.table, Version: rel.schema.Version, LSN: lsn, Key: []string{}}
	for _, k := range rel.schema.Key {
		sc.Key = append(sc.Key, rel.schema.Fields[k].Name)
	}
	for _, f := range rel.schema.Fields {
		sc.Fields = append(sc.Fields, SchemaChangeField{Name: f.Name, Type: f.Type.String(), Source: f.Type.Source, Nullable: f.Nullable})
	}
	value, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("pgcdc: encode schema change of %s: %w", rel.table, err)
	}
	topic := s.cfg.TopicPrefix + ".schema-changes"
	if err := s.deps.Topics.Ensure(ctx, topic, 1, s.cfg.ReplicationFactor); err != nil {
		return err
	}
	s.log.Info("schema version", "table", rel.table, "version", rel.schema.Version, "columns", strings.Join(fieldNames(rel.schema), ","))
	tx := s.cur
	if tx == nil {
		return nil // outside a transaction nothing can be confirmed by it; it is sent again with the next relation message
	}
	s.tracker.add(tx)
	s.deps.Producer.Produce(ctx, &kgo.Record{Topic: topic, Key: []byte(rel.table), Value: value},
		func(_ *kgo.Record, err error) { s.tracker.ack(tx, err) })
	return nil
}

func fieldNames(s *schemas.Schema) []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}
