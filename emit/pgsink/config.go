package pgsink

import (
	"errors"
	"fmt"
	"regexp"
)

// Config says where and how a [Sink] applies changes.
type Config struct {
	// Name identifies the sink in the offsets table; two sinks with the
	// same name share positions (instances of one scaled-out sink do).
	Name string
	// Schema is the target schema; tables are named after the source
	// table. Default "public".
	Schema string
	// OffsetsTable is the table, in Schema, that holds the consumed
	// positions. Default "helios_sink_offsets".
	OffsetsTable string
	// CreateTables creates a missing target table from the change's schema.
	CreateTables bool
	// Evolve adds missing columns and widens column types (int4 → int8,
	// numeric(10,2) → numeric(12,2)) when the source's schema changes.
	Evolve bool
	// CopyThreshold is the number of upserts of one table and shape in a
	// batch from which they go through COPY into a staging table and one
	// merge, instead of one INSERT … ON CONFLICT over unnested arrays.
	// Default 2000.
	CopyThreshold int
}

func (c Config) withDefaults() Config {
	if c.Schema == "" {
		c.Schema = "public"
	}
	if c.OffsetsTable == "" {
		c.OffsetsTable = "helios_sink_offsets"
	}
	if c.CopyThreshold == 0 {
		c.CopyThreshold = 2000
	}
	return c
}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,62}$`)

// Validate returns every problem of c (after defaults), joined.
func (c Config) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("name: must not be empty"))
	}
	for _, k := range []struct{ key, v string }{{"schema", c.Schema}, {"offsets_table", c.OffsetsTable}} {
		if !nameRE.MatchString(k.v) {
			errs = append(errs, fmt.Errorf("%s: %q is not a plain identifier (letters, digits, _ and $, at most 63 bytes)", k.key, k.v))
		}
	}
	if c.CopyThreshold < 1 {
		errs = append(errs, fmt.Errorf("copy_threshold: %d, want at least 1", c.CopyThreshold))
	}
	return errors.Join(errs...)
}
