package ops

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/transform/anomaly"
	"github.com/heliosdb/helios-etl/transform/mask"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// HeaderCount is the header [Count] sets: the record's running count for
// its key, in decimal.
const HeaderCount = "helios.count"

// errNoEvent is the dead-letter reason of a raw record given to an
// event transform.
var errNoEvent = errors.New("record is not a decoded change event (use the envelope format)")

// Options are what transforms get beyond their one-line specification:
// the quality transform's configuration and the mask transform's key.
type Options struct {
	Quality QualityConfig
	// MaskKey is the HMAC key of the mask transform's hash method
	// (security.mask_key); mask refuses hash without one.
	MaskKey []byte
}

// Parse builds a transform from its one-line specification with the zero
// [Options]; see the package documentation.
func Parse(spec string) (stage.Transform, error) { return Options{}.Parse(spec) }

// Parse builds a transform from its one-line specification; see the
// package documentation.
func (o Options) Parse(spec string) (stage.Transform, error) {
	name, arg, _ := strings.Cut(strings.TrimSpace(spec), " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "project":
		fields := splitList(arg)
		if len(fields) == 0 {
			return nil, fmt.Errorf("ops: %q: project needs fields: project id,name", spec)
		}
		return NewProject(fields...), nil
	case "rename":
		m := map[string]string{}
		for _, p := range splitList(arg) {
			from, to, ok := strings.Cut(p, "=")
			if !ok || from == "" || to == "" {
				return nil, fmt.Errorf("ops: %q: rename takes old=new pairs: rename name=full_name", spec)
			}
			m[strings.TrimSpace(from)] = strings.TrimSpace(to)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("ops: %q: rename takes old=new pairs: rename name=full_name", spec)
		}
		return NewRename(m), nil
	case "filter":
		f, err := ParseFilter(arg)
		if err != nil {
			return nil, fmt.Errorf("ops: %q: %w", spec, err)
		}
		return f, nil
	case "require":
		fields := splitList(arg)
		if len(fields) == 0 {
			return nil, fmt.Errorf("ops: %q: require needs fields: require id,email", spec)
		}
		return Require(fields), nil
	case "count":
		if arg != "" {
			return nil, fmt.Errorf("ops: %q: count takes no argument", spec)
		}
		return Count{}, nil
	case "quality":
		if arg != "" {
			return nil, fmt.Errorf("ops: %q: quality takes no argument (its settings are the [quality] table)", spec)
		}
		q, err := NewQuality(o.Quality)
		if err != nil {
			return nil, fmt.Errorf("ops: %q: %w", spec, err)
		}
		return q, nil
	case "mask":
		rules, err := mask.ParseRules(arg)
		if err == nil {
			var m *Mask
			if m, err = NewMask(rules, o.MaskKey); err == nil {
				return m, nil
			}
		}
		return nil, fmt.Errorf("ops: %q: %w", spec, err)
	case "quarantine":
		q, err := parseQuarantine(arg)
		if err != nil {
			return nil, fmt.Errorf("ops: %q: %w", spec, err)
		}
		return q, nil
	}
	return nil, fmt.Errorf("ops: unknown transform %q (project, rename, filter, require, mask, count, quarantine, quality)", name)
}

// parseQuarantine reads "[sensitivity] [checkpoint=N]".
func parseQuarantine(arg string) (*Quarantine, error) {
	var cfg anomaly.Config
	every := 0
	for _, w := range strings.Fields(arg) {
		if n, ok := strings.CutPrefix(w, "checkpoint="); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 1 {
				return nil, fmt.Errorf("checkpoint=%s: want a number of batches, 1 or more: quarantine 0.5 checkpoint=10", n)
			}
			every = v
			continue
		}
		s, err := strconv.ParseFloat(w, 64)
		if err != nil || s < 0 || s > 1 || cfg.Sensitivity != nil {
			return nil, fmt.Errorf("quarantine takes an optional sensitivity from 0 to 1 and checkpoint=N: quarantine 0.5 checkpoint=10")
		}
		cfg.Sensitivity = &s
	}
	return NewQuarantine(cfg, every)
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Project keeps only the named fields of each event, in the given order;
// fields the event does not have are skipped. Create it with [NewProject].
type Project struct {
	fields []string
	cache  map[*schemas.Schema]projected
}

type projected struct {
	schema *schemas.Schema
	idx    []int
}

// NewProject returns a projection on fields.
func NewProject(fields ...string) *Project {
	return &Project{fields: fields, cache: map[*schemas.Schema]projected{}}
}

// Apply implements [stage.Transform].
func (p *Project) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		if r.Event == nil || r.Event.Schema == nil {
			b.Fail(r, errNoEvent)
			continue
		}
		pr, ok := p.cache[r.Event.Schema]
		if !ok {
			pr = project(r.Event.Schema, p.fields)
			p.cache[r.Event.Schema] = pr
		}
		ev := *r.Event
		ev.Schema = pr.schema
		ev.Before = pick(ev.Before, pr.idx)
		ev.After = pick(ev.After, pr.idx)
		r.Event = &ev
		b.Emit(r)
	}
	return nil
}

func project(s *schemas.Schema, fields []string) projected {
	ns := &schemas.Schema{Name: s.Name, Version: s.Version}
	var idx []int
	pos := map[int]int{}
	for _, f := range fields {
		i := s.FieldIndex(f)
		if i < 0 {
			continue
		}
		pos[i] = len(idx)
		idx = append(idx, i)
		ns.Fields = append(ns.Fields, s.Fields[i])
	}
	for _, k := range s.Key {
		if j, ok := pos[k]; ok {
			ns.Key = append(ns.Key, j)
		}
	}
	return projected{schema: ns, idx: idx}
}

func pick(row []schemas.Value, idx []int) []schemas.Value {
	if row == nil {
		return nil
	}
	out := make([]schemas.Value, len(idx))
	for j, i := range idx {
		if i < len(row) {
			out[j] = row[i]
		}
	}
	return out
}

// Rename renames fields of each event. Create it with [NewRename].
type Rename struct {
	names map[string]string
	cache map[*schemas.Schema]*schemas.Schema
}

// NewRename returns a renaming from old to new names.
func NewRename(names map[string]string) *Rename {
	return &Rename{names: names, cache: map[*schemas.Schema]*schemas.Schema{}}
}

// Apply implements [stage.Transform].
func (rn *Rename) Apply(_ context.Context, b *stage.Batch) error {
	for _, r := range b.Records() {
		if r.Event == nil || r.Event.Schema == nil {
			b.Fail(r, errNoEvent)
			continue
		}
		ns, ok := rn.cache[r.Event.Schema]
		if !ok {
			s := *r.Event.Schema
			s.Fields = append([]schemas.Field(nil), s.Fields...)
			for i := range s.Fields {
				if to, ok := rn.names[s.Fields[i].Name]; ok {
					s.Fields[i].Name = to
				}
			}
			ns = &s
			if err := ns.Validate(); err != nil {
				b.Fail(r, fmt.Errorf("rename: %w", err))
				continue
			}
			rn.cache[r.Event.Schema] = ns
		}
		ev := *r.Event
		ev.Schema = ns
		r.Event = &ev
		b.Emit(r)
	}
	return nil
}

// Require dead-letters events in which one of the fields is missing or
// null; the others pass.
type Require []string

// Apply implements [stage.Transform].
func (q Require) Apply(_ context.Context, b *stage.Batch) error {
next:
	for _, r := range b.Records() {
		if r.Event == nil || r.Event.Schema == nil {
			b.Fail(r, errNoEvent)
			continue
		}
		row := r.Event.Row()
		for _, f := range q {
			i := r.Event.Schema.FieldIndex(f)
			if i < 0 || i >= len(row) || row[i].IsNull() {
				b.Fail(r, fmt.Errorf("require: field %q is missing or null", f))
				continue next
			}
		}
		b.Emit(r)
	}
	return nil
}

// Count keeps, in partition state, how many records each key has had, and
// sets the [HeaderCount] header of each record to its running count. The
// stage's state makes the count exact under exactly-once delivery, across
// rebalances and crashes.
type Count struct{}

// Apply implements [stage.Transform].
func (Count) Apply(_ context.Context, b *stage.Batch) error {
	st := b.State()
	if st == nil {
		return fmt.Errorf("count: %w: the stage has no state", stage.ErrFatal)
	}
	for _, r := range b.Records() {
		k := append([]byte("count/"), r.Key...)
		var n uint64
		v, err := st.Get(k)
		switch {
		case err == nil && len(v) == 8:
			n = binary.BigEndian.Uint64(v)
		case err == nil:
			return fmt.Errorf("count: key %q: bad state value of %d bytes", r.Key, len(v))
		case !errors.Is(err, stage.ErrNotFound):
			return fmt.Errorf("count: %w", err)
		}
		n++
		if err := st.Put(k, binary.BigEndian.AppendUint64(nil, n)); err != nil {
			return fmt.Errorf("count: %w", err)
		}
		r.SetHeader(HeaderCount, strconv.AppendUint(nil, n, 10))
		b.Emit(r)
	}
	return nil
}

var (
	_ stage.Transform = (*Project)(nil)
	_ stage.Transform = (*Rename)(nil)
	_ stage.Transform = Require(nil)
	_ stage.Transform = Count{}
	_ stage.Transform = (*Filter)(nil)
)
