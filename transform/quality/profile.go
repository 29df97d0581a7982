package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

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
	// SinglePass reads the input once: the first Buffer rows (default
	// 20000) are kept, learned and then checked; the rest are checked
	// against those fences and learned as they stream (see
	// [anomaly.Detector.Observe]), with fences refreshed after 100,000
	// rows and then each time the rows learned have doubled
	// ([anomaly.Config.RefreshDoubling]). For inputs up to Buffer rows the result is the two-pass one.
	SinglePass bool `toml:"single_pass"`
	Buffer     int  `toml:"buffer"`
}

func (c Config) withDefaults() Config {
	if c.MaxAnomalies == 0 {
		c.MaxAnomalies = 100000
	}
	if c.Buffer == 0 {
		c.Buffer = 20000
	}
	if c.SinglePass && c.Anomaly.Refresh == 0 {
		c.Anomaly.Refresh = 100000
		c.Anomaly.RefreshDoubling = true
	}
	return c
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := c.Anomaly.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Buffer < 0 {
		errs = append(errs, fmt.Errorf("buffer %d: must not be negative", c.Buffer))
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
	emit := func(f anomaly.Finding) {
		if len(rep.Anomalies) < cfg.MaxAnomalies {
			rep.Anomalies = append(rep.Anomalies, f)
			return
		}
		rep.Truncated = true
	}
	if cfg.SinglePass {
		if err := singlePass(ctx, open, det, cfg.Buffer, emit, rep); err != nil {
			return nil, fmt.Errorf("profile %s: %w", name, err)
		}
		return finish(rep, det), nil
	}
	// Pass 1: learn.
	if err := scan(ctx, open, func(r *file.Reader, row *file.Row) {
		det.Learn(r.Header(), row.Values, row.Null)
	}, nil); err != nil {
		return nil, fmt.Errorf("profile %s: learn: %w", name, err)
	}
	det.Freeze()
	// Pass 2: check.
	if err := scan(ctx, open, func(r *file.Reader, row *file.Row) {
		det.Check(int64(row.Index), r.Header(), row.Values, row.Null, emit)
	}, func(*file.RowError) { rep.RowErrors++ }); err != nil {
		return nil, fmt.Errorf("profile %s: check: %w", name, err)
	}
	return finish(rep, det), nil
}

func finish(rep *Report, det *anomaly.Detector) *Report {
	learned, _ := det.Rows()
	rep.Rows = int64(learned) + rep.RowErrors
	var total anomaly.Counts
	for _, fs := range det.Fields() {
		rep.Fields = append(rep.Fields, FieldReport{FieldSummary: fs, Score: ScoreOf(fs.Counts)})
		add(&total, fs.Counts)
	}
	rep.Score = ScoreOf(total)
	return rep
}

// singlePass learns the first buffer rows, keeping copies, then freezes,
// checks them, and streams the rest through the detector.
func singlePass(ctx context.Context, open Opener, det *anomaly.Detector, buffer int, emit func(anomaly.Finding), rep *Report) error {
	type held struct {
		index  int64
		values []string
		nulls  []bool
	}
	var buf []held
	var header []string
	flush := func() {
		det.Freeze()
		for _, h := range buf {
			det.Check(h.index, header, h.values, h.nulls, emit)
		}
		buf = nil
	}
	frozen := false
	err := scan(ctx, open, func(r *file.Reader, row *file.Row) {
		header = r.Header()
		if frozen {
			det.Observe(int64(row.Index), header, row.Values, row.Null, emit)
			return
		}
		det.Learn(header, row.Values, row.Null)
		buf = append(buf, held{int64(row.Index), slices.Clone(row.Values), slices.Clone(row.Null)})
		if len(buf) >= buffer {
			flush()
			frozen = true
		}
	}, func(*file.RowError) { rep.RowErrors++ })
	if err != nil {
		return err
	}
	if !frozen {
		flush()
	}
	return nil
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
