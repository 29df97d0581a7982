package quality

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/heliosdb/helios-etl/transform/anomaly"
)

// WriteHTML writes a self-contained HTML report: no script, no external
// style sheet, font or image; the charts are inline SVG. Per field it shows
// the distribution (in the space the detector compares values, with the
// outlier fences), the null rate and the anomalies by kind.
func (r *Report) WriteHTML(w io.Writer) error {
	return htmlTemplate.Execute(w, r.htmlView())
}

var kindColors = map[anomaly.Kind]string{
	anomaly.UnexpectedNull: "#b55d9e", anomaly.InvalidFormat: "#d9822b", anomaly.Duplicate: "#3d7dca",
	anomaly.OutOfRange: "#c23b3b", anomaly.Outlier: "#7a5cc4",
}

type htmlView struct {
	Input     string
	Rows      int64
	RowErrors int64
	Scores    []scoreBar
	Fields    []htmlField
	Kinds     []kindCount
	Anomalies []htmlAnomaly
	More      int
}

type scoreBar struct {
	Name  string
	Value float64
	Pct   string
	Width float64
	Color string
}

type kindCount struct {
	Kind  string
	N     uint64
	Color string
}

type htmlField struct {
	Name, Format, Role, Nulls, Range, Score string
	Chart, NullBar                          template.HTML
	Kinds                                   []kindCount
	Note                                    string
}

type htmlAnomaly struct {
	Row                 int64
	Field, Kind, Detail string
	Color               string
}

func scoreColor(v float64) string {
	switch {
	case v >= 0.99:
		return "#2e9e5b"
	case v >= 0.95:
		return "#c9a227"
	}
	return "#c23b3b"
}

func (r *Report) htmlView() htmlView {
	v := htmlView{Input: r.Input, Rows: r.Rows, RowErrors: r.RowErrors}
	s := r.Score
	for _, d := range []struct {
		n string
		x float64
	}{{"overall", s.Overall}, {"completeness", s.Completeness}, {"validity", s.Validity}, {"uniqueness", s.Uniqueness}, {"consistency", s.Consistency}} {
		v.Scores = append(v.Scores, scoreBar{Name: d.n, Value: d.x, Pct: pct(d.x), Width: 100 * d.x, Color: scoreColor(d.x)})
	}
	var total anomaly.Counts
	for _, f := range r.Fields {
		add(&total, f.Counts)
		hf := htmlField{
			Name: f.Name, Format: formatText(f.FieldSummary), Role: role(f.FieldSummary),
			Nulls: pct(f.NullRate), Range: rangeText(f.FieldSummary), Score: pct(f.Score.Overall),
			NullBar: nullBar(f), Kinds: kindList(f.Counts),
		}
		switch {
		case f.Numeric && len(f.Hist) > 0:
			hf.Chart = histogram(f)
			if f.Transform != "identity" {
				hf.Note = "skewed: compared on a " + f.Transform + " scale"
			}
		case f.Date:
			hf.Note = "learned dates " + f.DateLo + " to " + f.DateHi
			if len(f.Hist) > 0 {
				hf.Chart = histogram(f)
			}
		case len(f.Top) > 0:
			hf.Chart = topValues(f)
			if f.Distinct > 0 {
				hf.Note = fmt.Sprintf("about %.0f distinct values", f.Distinct)
			}
		case f.Distinct > 0:
			hf.Note = fmt.Sprintf("about %.0f distinct values", f.Distinct)
		}
		v.Fields = append(v.Fields, hf)
	}
	v.Kinds = kindList(total)
	for i, a := range r.Anomalies {
		if i == 1000 {
			v.More = len(r.Anomalies) - 1000
			break
		}
		v.Anomalies = append(v.Anomalies, htmlAnomaly{Row: a.Row, Field: a.Field, Kind: a.Kind.String(), Detail: a.Detail, Color: kindColors[a.Kind]})
	}
	return v
}

func kindList(c anomaly.Counts) []kindCount {
	var out []kindCount
	for _, k := range anomaly.Kinds() {
		if n := c.ByKind[k]; n > 0 {
			out = append(out, kindCount{Kind: k.String(), N: n, Color: kindColors[k]})
		}
	}
	return out
}

// histogram draws the sampled distribution as an SVG bar chart with the
// outlier fences as dashed lines when they fall inside it.
func histogram(f FieldReport) template.HTML {
	const w, h, pad = 320.0, 90.0, 16.0
	bins := f.Hist
	// Bars are counts of a sample of at most a few thousand values.
	label, lo, hi := num, f.Lo, f.Hi
	if f.Date {
		label, lo, hi = func(x float64) string { return anomaly.DayText(x) }, f.DayLo, f.DayHi
	}
	maxN := 1
	for _, b := range bins {
		maxN = max(maxN, b.N)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="distribution of %s">`, w, h+pad, w, h+pad, template.HTMLEscapeString(f.Name))
	bw := w / float64(len(bins))
	for i, b := range bins {
		bh := (h - 4) * float64(b.N) / float64(maxN)
		if b.N > 0 {
			bh = max(bh, 1.5) // a lone value stays visible
		}
		fill := "#5b8def"
		if b.Hi <= lo || b.Lo >= hi {
			fill = "#c23b3b" // beyond a fence
		}
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s to %s: %d</title></rect>`,
			float64(i)*bw+0.5, h-bh, max(bw-1, 0.5), bh, fill, label(b.Lo), label(b.Hi), b.N)
	}
	// The chart's axis is linear in the transformed space; place the fences
	// by interpolating within the bin that holds them.
	pos := func(x float64) (float64, bool) {
		for i, b := range bins {
			if x >= b.Lo && x < b.Hi {
				return (float64(i) + (x-b.Lo)/(b.Hi-b.Lo)) * bw, true
			}
		}
		return 0, false
	}
	for _, fence := range []float64{lo, hi} {
		if math.IsInf(fence, 0) {
			continue
		}
		if x, ok := pos(fence); ok {
			fmt.Fprintf(&sb, `<line x1="%.1f" y1="0" x2="%.1f" y2="%g" stroke="#c23b3b" stroke-dasharray="4 3"><title>fence %s</title></line>`, x, x, h, label(fence))
		}
	}
	fmt.Fprintf(&sb, `<line x1="0" y1="%g" x2="%g" y2="%g" stroke="#888"/>`, h, w, h)
	fmt.Fprintf(&sb, `<text x="0" y="%g" font-size="10" fill="#555">%s</text>`, h+13, label(bins[0].Lo))
	fmt.Fprintf(&sb, `<text x="%g" y="%g" font-size="10" fill="#555" text-anchor="end">%s</text>`, w, h+13, label(bins[len(bins)-1].Hi))
	if f.Numeric && f.Transform != "identity" {
		fmt.Fprintf(&sb, `<text x="%g" y="%g" font-size="10" fill="#555" text-anchor="middle">%s scale</text>`, w/2, h+13, f.Transform)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// topValues draws the most frequent values of a text field as bars.
func topValues(f FieldReport) template.HTML {
	const w, row = 320.0, 14.0
	var sb strings.Builder
	h := row * float64(len(f.Top))
	fmt.Fprintf(&sb, `<svg viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="frequent values of %s">`, w, h, w, h, template.HTMLEscapeString(f.Name))
	for i, t := range f.Top {
		y := float64(i) * row
		v := t.Value
		if len(v) > 18 {
			v = v[:16] + "…"
		}
		fmt.Fprintf(&sb, `<text x="0" y="%.1f" font-size="10" fill="#333">%s</text>`, y+10, template.HTMLEscapeString(v))
		fmt.Fprintf(&sb, `<rect x="110" y="%.1f" width="%.1f" height="%g" fill="#5b8def"><title>%s: %.1f%%</title></rect>`,
			y+2, max(1, 170*t.Share), row-4, template.HTMLEscapeString(t.Value), 100*t.Share)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="10" fill="#555">%.1f%%</text>`, 114+170*t.Share, y+10, 100*t.Share)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// nullBar draws the share of nulls, red when they are unexpected.
func nullBar(f FieldReport) template.HTML {
	const w = 320.0
	color := "#9aa5b1"
	if f.Required && f.Nulls > 0 {
		color = "#b55d9e"
	}
	x := w * f.NullRate
	if f.Nulls > 0 {
		x = max(x, 2)
	}
	return template.HTML(fmt.Sprintf(`<svg viewBox="0 0 %g 10" width="%g" height="10" role="img" aria-label="nulls"><rect width="%g" height="10" fill="#e8ecf0"/><rect width="%.1f" height="10" fill="%s"><title>%d nulls</title></rect></svg>`,
		w, w, w, x, color, f.Nulls))
}

func num(x float64) string { return template.HTMLEscapeString(fmt.Sprintf("%.4g", x)) }

var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data quality: {{.Input}}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2933;background:#f7f9fb}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#52606d;margin-bottom:16px}
.scores{display:grid;grid-template-columns:110px 1fr 70px;gap:6px 10px;max-width:560px;align-items:center}
.bar{background:#e4e7eb;height:12px;border-radius:6px;overflow:hidden}.bar>div{height:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(350px,1fr));gap:14px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:12px}
.card h3{margin:0 0 2px;font-size:15px}.meta{color:#52606d;font-size:12px;margin-bottom:6px}
.tag{display:inline-block;border-radius:10px;padding:0 8px;margin:2px 4px 2px 0;color:#fff;font-size:12px}
.none{color:#2e9e5b;font-size:12px}.note{color:#52606d;font-size:12px}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
</style></head><body>
<h1>Data quality: {{.Input}}</h1>
<div class="sub">{{.Rows}} rows{{if .RowErrors}} ({{.RowErrors}} unreadable){{end}} · {{len .Anomalies}}{{if .More}}+{{end}} anomalies
{{range .Kinds}} <span class="tag" style="background:{{.Color}}">{{.Kind}} {{.N}}</span>{{end}}</div>
<div class="scores">{{range .Scores}}<div>{{.Name}}</div><div class="bar"><div style="width:{{printf "%.2f" .Width}}%;background:{{.Color}}"></div></div><div>{{.Pct}}</div>{{end}}</div>
<h2>Fields</h2>
<div class="grid">{{range .Fields}}<div class="card">
<h3>{{.Name}}</h3><div class="meta">{{.Format}} · {{.Role}} · nulls {{.Nulls}} · score {{.Score}}{{if ne .Range "-"}} · range {{.Range}}{{end}}</div>
{{if .Chart}}{{.Chart}}{{end}}
<div class="note">nulls</div>{{.NullBar}}
<div>{{range .Kinds}}<span class="tag" style="background:{{.Color}}">{{.Kind}} {{.N}}</span>{{else}}<span class="none">no anomalies</span>{{end}}</div>
{{if .Note}}<div class="note">{{.Note}}</div>{{end}}
</div>{{end}}</div>
<h2>Anomalies</h2>
{{if .Anomalies}}<table><tr><th>row</th><th>field</th><th>kind</th><th>detail</th></tr>
{{range .Anomalies}}<tr><td>{{.Row}}</td><td>{{.Field}}</td><td><span class="tag" style="background:{{.Color}}">{{.Kind}}</span></td><td>{{.Detail}}</td></tr>
{{end}}</table>{{if .More}}<p>{{.More}} more in the JSON report.</p>{{end}}{{else}}<p>None found.</p>{{end}}
</body></html>
`))
