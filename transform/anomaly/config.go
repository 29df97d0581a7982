package anomaly

import (
	"errors"
	"fmt"
	"math"
)

// Method is the statistic used to fence the values of a numeric field.
type Method string

// The outlier methods. Every method works on the field's transformed values
// (see the package doc on heavy tails).
const (
	// MAD fences at median ± k·1.4826·MAD, the robust z-score (default).
	MAD Method = "mad"
	// ZScore fences at mean ± k·stddev of the sample.
	ZScore Method = "zscore"
	// IQR fences at Q1 − m·IQR and Q3 + m·IQR (Tukey), with quartiles from
	// the quantile sample.
	IQR Method = "iqr"
)

// Bounds are configured limits of a numeric field; nil means unbounded.
type Bounds struct {
	Min *float64 `toml:"min"`
	Max *float64 `toml:"max"`
}

// Config tunes a [Detector]. The zero value (after defaults) detects every
// kind with sensitivity 0.5, the MAD method and the isolation forest on.
type Config struct {
	// Sensitivity in [0, 1]: higher flags more. See the package doc for how
	// it maps to each threshold. Default 0.5 (a nil pointer).
	Sensitivity *float64 `toml:"sensitivity"`
	// Method for per-field outliers: mad (default), zscore or iqr.
	Method Method `toml:"method"`
	// IsolationForest turns on whole-row outliers on the numeric fields.
	// Default true (a nil pointer).
	IsolationForest *bool `toml:"isolation_forest"`
	// Bounds are configured limits per field name; a value outside them is
	// out_of_range whatever was learned.
	Bounds map[string]Bounds `toml:"bounds"`
	// Keys are fields declared unique; when empty, keys are inferred.
	Keys []string `toml:"keys"`
	// Nullable are fields declared nullable: their nulls are never flagged.
	Nullable []string `toml:"nullable"`
	// SampleSize is the number of values kept per field for quantiles
	// (default 4096); Trees and TreeSample size the isolation forest
	// (default 128 trees of 256 rows).
	SampleSize int `toml:"sample_size"`
	Trees      int `toml:"trees"`
	TreeSample int `toml:"tree_sample"`
	// Seed makes learning reproducible (default 1).
	Seed uint64 `toml:"seed"`
	// WarmUp is the number of rows a streaming detector learns before it
	// flags anything (default 1000); Refresh is how often, in rows, it
	// recomputes its fences afterwards (default 10000).
	WarmUp  int `toml:"warm_up"`
	Refresh int `toml:"refresh"`
	// RefreshDoubling makes the interval between refreshes grow with what
	// was learned: at least Refresh rows, and at least as many rows as had
	// been learned at the last refresh. The sample the fences come from is
	// uniform over every row seen, so on stationary data a refresh before
	// it has half turned over changes little; a file profile reads one
	// stationary table. Streams keep a fixed interval.
	RefreshDoubling bool `toml:"refresh_doubling"`
	// KeyWindow bounds the keys remembered for duplicates (see [KeySet]);
	// 0 remembers every key, which suits files but not endless streams.
	KeyWindow int `toml:"key_window"`
}

func (c Config) withDefaults() Config {
	if c.Sensitivity == nil {
		s := 0.5
		c.Sensitivity = &s
	}
	if c.Method == "" {
		c.Method = MAD
	}
	if c.IsolationForest == nil {
		t := true
		c.IsolationForest = &t
	}
	if c.SampleSize == 0 {
		c.SampleSize = 4096
	}
	if c.Trees == 0 {
		c.Trees = 128
	}
	if c.TreeSample == 0 {
		c.TreeSample = 256
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.WarmUp == 0 {
		c.WarmUp = 1000
	}
	if c.Refresh == 0 {
		c.Refresh = 10000
	}
	return c
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if s := c.Sensitivity; s != nil && (math.IsNaN(*s) || *s < 0 || *s > 1) {
		errs = append(errs, fmt.Errorf("sensitivity %v: want 0 to 1", *s))
	}
	switch c.Method {
	case "", MAD, ZScore, IQR:
	default:
		errs = append(errs, fmt.Errorf("method %q: want mad, zscore or iqr", c.Method))
	}
	for name, b := range c.Bounds {
		if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
			errs = append(errs, fmt.Errorf("bounds of %q: min %v > max %v", name, *b.Min, *b.Max))
		}
	}
	if c.SampleSize < 0 || c.SampleSize == 1 {
		errs = append(errs, fmt.Errorf("sample_size %d: want at least 2", c.SampleSize))
	}
	if c.Trees < 0 || c.TreeSample < 0 || c.TreeSample == 1 {
		errs = append(errs, errors.New("trees and tree_sample must be positive (tree_sample at least 2)"))
	}
	if c.WarmUp < 0 || c.Refresh < 0 || c.KeyWindow < 0 {
		errs = append(errs, errors.New("warm_up, refresh and key_window must not be negative"))
	}
	return errors.Join(errs...)
}

// thresholds are the numbers derived from the sensitivity s (see the
// package doc, which documents this mapping).
type thresholds struct {
	nullRateMax    float64 // a field is required when its null rate is at most this
	formatShareMin float64 // a dominant format must cover this share to judge formats
	k              float64 // MAD and z-score fence, in (robust) standard deviations
	iqrM           float64 // IQR fence multiplier
	dateMargin     float64 // date fences: share of the p1-p99 span added each side
	forestScore    float64 // isolation-forest score above which a row is an outlier
	forestZ        float64 // rows are scored only when their Σz² is beyond this normal quantile of χ²
}

func thresholdsFor(s float64) thresholds {
	return thresholds{
		nullRateMax:    0.002 + 0.016*s,
		formatShareMin: 0.99 - 0.08*s,
		k:              3 + 4*(1-s),
		iqrM:           1.5 + 3*(1-s),
		dateMargin:     0.05 + 0.5*(1-s),
		forestScore:    0.62 + 0.16*(1-s),
		forestZ:        2.5 + 2.4*(1-s),
	}
}

// chi2Quantile approximates the quantile of a χ² distribution with d
// degrees of freedom at the standard-normal quantile z (Wilson–Hilferty).
func chi2Quantile(d int, z float64) float64 {
	k := float64(d)
	a := 2 / (9 * k)
	c := 1 - a + z*math.Sqrt(a)
	return k * c * c * c
}

// minRows is how many values a field needs before any judgement.
const minRows = 30
