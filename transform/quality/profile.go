package quality

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/heliosdb/helios-etl/ingest/file"
	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// Config tunes a file profile.
type Config struct {
	// Anomaly configures the detectors.
	Anomaly anomaly.Config `toml:"anomaly"`
	// MaxAnomalies bounds the findings kept in the report (default 100000);
	// beyond it they are still counted in the scores.
	MaxAnomalies int `toml:"max_anomalies"`
}

func (c Config) withDefaults() Config {
	if c.MaxAnomalies == 0 {
		c.MaxAnomalies = 100000
	}
	return c
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := c.Anomaly.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.MaxAnomalies < 0 {
		errs = append(errs, fmt.Errorf("max_anomalies %d: must not be negative", c.MaxAnomalies))
	}
	return errors.Join(errs...)
}

// Report is the result of profiling a table.
type Report struct {
	Input string
	// Rows is the number of data rows read (bad rows included);
	// RowErrors counts the rows that could not be read.
	Rows      int64
	RowErrors int64
	Score     Score
	// Anomalies are the findings in row order, at most one per (row, field).
	Anomalies []anomaly.Finding
	// Truncated tells that more anomalies were found than kept.
	Truncated bool
	Fields    []FieldReport
}

// FieldReport is what was learned and found for one field.
type FieldReport struct {
	anomaly.FieldSummary
	Score Score
}

// Opener opens the input afresh; [Profile] calls it once per pass.
type Opener func() (*file.Reader, error)

// ProfileFile profiles the file at path; see [Profile].
func ProfileFile(ctx context.Context, path string, cfg Config) (*Report, error) {
	return Profile(ctx, path, func() (*file.Reader, error) { return file.Open(path) }, cfg)
}

// Profile reads the input twice: the first pass learns each field's
// distribution (null rate, formats, quantile sample, distinct values), the
// second flags the values that do not fit and counts what the scores need.
// Memory does not grow with the number of rows, except for the hashes of
// unique keys kept to find duplicates (16 bytes per row per key field) and
// the findings kept for the report (at most MaxAnomalies). ctx bounds the
// whole call; it is checked every 4096 rows.
func Profile(ctx context.Context, name string, open Opener, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("quality config: %w", err)
	}
	cfg = cfg.withDefaults()
	det, err := anomaly.New(cfg.Anomaly)
	if err != nil {
		return nil, err
	}
	rep := &Report{Input: name}
	// Pass 1: learn.
	if err := scan(ctx, open, func(r *file.Reader, row *file.Row) {
		det.Learn(r.Header(), row.Values, row.Null)
	}, nil); err != nil {
		return nil, fmt.Errorf("profile %s: learn: %w", name, err)
	}
	det.Freeze()
	// Pass 2: check.
	emit := func(f anomaly.Finding) {
		if len(rep.Anomalies) < cfg.MaxAnomalies {
			rep.Anomalies = append(rep.Anomalies, f)
			return
		}
		rep.Truncated = true
	}
	if err := scan(ctx, open, func(r *file.Reader, row *file.Row) {
		det.Check(int64(row.Index), r.Header(), row.Values, row.Null, emit)
	}, func(*file.RowError) { rep.RowErrors++ }); err != nil {
		return nil, fmt.Errorf("profile %s: check: %w", name, err)
	}
	learned, _ := det.Rows()
	rep.Rows = int64(learned) + rep.RowErrors
	var total anomaly.Counts
	for _, fs := range det.Fields() {
		rep.Fields = append(rep.Fields, FieldReport{FieldSummary: fs, Score: ScoreOf(fs.Counts)})
		add(&total, fs.Counts)
	}
	rep.Score = ScoreOf(total)
	return rep, nil
}

func scan(ctx context.Context, open Opener, f func(*file.Reader, *file.Row), bad func(*file.RowError)) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if re, ok := errors.AsType[*file.RowError](err); ok {
			if bad != nil {
				bad(re)
			}
			continue
		}
		if err != nil {
			return err
		}
		f(r, row)
	}
}
