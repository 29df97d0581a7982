package quality

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// jsonReport is the JSON contract of `helios-etl quality profile --format
// json`; other tools parse it, so its keys do not change.
type jsonReport struct {
	Rows      int64         `json:"rows"`
	Score     jsonScore     `json:"score"`
	Anomalies []jsonAnomaly `json:"anomalies"`
}

type jsonScore struct {
	Overall      float64 `json:"overall"`
	Completeness float64 `json:"completeness"`
	Validity     float64 `json:"validity"`
	Uniqueness   float64 `json:"uniqueness"`
	Consistency  float64 `json:"consistency"`
}

type jsonAnomaly struct {
	Row    int64  `json:"row"`
	Field  string `json:"field"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// WriteJSON writes the report in the JSON contract:
//
//	{"rows": N, "score": {"overall": .., "completeness": .., "validity": ..,
//	 "uniqueness": .., "consistency": ..}, "anomalies": [{"row": 12,
//	 "field": "age", "kind": "outlier", "detail": "..."}, ...]}
//
// row is the 0-based index of the data row (the header excluded) and kind is
// one of unexpected_null, invalid_format, out_of_range, duplicate, outlier.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{
		Rows: r.Rows,
		Score: jsonScore{
			Overall: round(r.Score.Overall), Completeness: round(r.Score.Completeness),
			Validity: round(r.Score.Validity), Uniqueness: round(r.Score.Uniqueness),
			Consistency: round(r.Score.Consistency),
		},
		Anomalies: make([]jsonAnomaly, len(r.Anomalies)),
	}
	for i, a := range r.Anomalies {
		out.Anomalies[i] = jsonAnomaly{Row: a.Row, Field: a.Field, Kind: a.Kind.String(), Detail: a.Detail}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteText writes a summary for a person: the scores, a line per field and
// the first anomalies.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows", r.Input, r.Rows)
	if r.RowErrors > 0 {
		fmt.Fprintf(&b, " (%d unreadable)", r.RowErrors)
	}
	fmt.Fprintf(&b, ", %d anomalies\n\n", len(r.Anomalies))
	s := r.Score
	fmt.Fprintf(&b, "score  overall %s   completeness %s   validity %s   uniqueness %s   consistency %s\n\n",
		pct(s.Overall), pct(s.Completeness), pct(s.Validity), pct(s.Uniqueness), pct(s.Consistency))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tFORMAT\tNULLS\tROLE\tRANGE\tSCORE\tANOMALIES")
	for _, f := range r.Fields {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Name, formatText(f.FieldSummary), pct(f.NullRate),
			role(f.FieldSummary), rangeText(f.FieldSummary), pct(f.Score.Overall), kindCounts(f.Counts))
	}
	tw.Flush()
	if len(r.Anomalies) > 0 {
		b.WriteString("\nfirst anomalies:\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for i, a := range r.Anomalies {
			if i == 25 {
				fmt.Fprintf(tw, "...\t%d more (use --format json or html)\n", len(r.Anomalies)-25)
				break
			}
			fmt.Fprintf(tw, "row %d\t%s\t%s\t%s\n", a.Row, a.Field, a.Kind, a.Detail)
		}
		tw.Flush()
	}
	if r.Truncated {
		b.WriteString("\n(more anomalies were found than kept; the scores count them all)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

func formatText(f anomaly.FieldSummary) string {
	if f.Rows == f.Nulls {
		return "empty"
	}
	s := fmt.Sprintf("%s %.1f%%", f.Format, 100*f.Share)
	if f.Numeric && f.Transform != "identity" {
		s += " (" + f.Transform + ")"
	}
	return s
}

func role(f anomaly.FieldSummary) string {
	switch {
	case f.Key:
		return "unique key"
	case f.Required:
		return "required"
	}
	return "nullable"
}

func rangeText(f anomaly.FieldSummary) string {
	switch {
	case f.Numeric && !math.IsInf(f.Lo, 0):
		return fmt.Sprintf("%.4g..%.4g", f.Lo, f.Hi)
	case f.Date:
		return f.DateLo + ".." + f.DateHi
	}
	return "-"
}

func kindCounts(c anomaly.Counts) string {
	var parts []string
	for _, k := range anomaly.Kinds() {
		if n := c.ByKind[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}
