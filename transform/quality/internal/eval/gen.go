package eval

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/heliosdb/helios-etl/schemas"
)

// Label is one injected anomaly: the 0-based data row, the field and the
// kind (as named in reports).
type Label struct {
	Row   int
	Field string
	Kind  string
}

// Dataset is a generated table with its labels.
type Dataset struct {
	Name   string
	Split  string // "tuning" or "heldout"
	Format string // "csv" or "jsonl"
	Header []string
	// Rows hold the values; a nil pointer is a null.
	Rows   [][]*string
	Labels []Label
	// Heavy names the heavy-tailed columns, for the false-positive count.
	Heavy []string

	numeric map[string]bool
}

// column generates one field: its normal values, its legitimate null rate
// and the anomalies it may carry.
type column struct {
	name    string
	null    float64
	heavy   bool
	gen     func(r *rand.Rand, i int) string
	inject  []injection
	numeric bool // written as a JSON number in JSON Lines
}

type injection struct {
	kind string
	n    int // how many
	gen  func(r *rand.Rand, i int, col []*string) *string
}

type domain struct {
	name, split, format string
	rows                int
	cols                []column
	// joint anomalies change several fields of a row at once; each is
	// labelled on the field it names.
	joint []joint
}

type joint struct {
	n     int
	field string
	apply func(r *rand.Rand, set func(field, v string))
}

// Splits are decided before any tuning: the detector was tuned on the
// tuning datasets only; the held-out ones are for reporting.
func domains() []domain {
	return []domain{orders(), sensors(), payments(), people(), shipments(), sessions()}
}

// Generate builds every dataset deterministically from seed.
func Generate(seed uint64) []Dataset {
	var out []Dataset
	for k, d := range domains() {
		out = append(out, d.generate(seed+uint64(k)*7919))
	}
	return out
}

func (d domain) generate(seed uint64) Dataset { return d.build(seed, true) }

// Clean generates the dataset without its injected anomalies (the same
// legitimate values, nulls and heavy tails), to count false positives.
func (ds Dataset) Clean(seed uint64) Dataset {
	for k, d := range domains() {
		if d.name == ds.Name {
			return d.build(seed+uint64(k)*7919, false)
		}
	}
	return Dataset{}
}

func (d domain) build(seed uint64, inject bool) Dataset {
	r := rand.New(rand.NewPCG(seed, seed^0xda3e39cb94b95bdb))
	ds := Dataset{Name: d.name, Split: d.split, Format: d.format}
	cols := make([][]*string, len(d.cols))
	for c, col := range d.cols {
		ds.Header = append(ds.Header, col.name)
		if col.heavy {
			ds.Heavy = append(ds.Heavy, col.name)
		}
		cols[c] = make([]*string, d.rows)
		for i := range d.rows {
			if col.null > 0 && r.Float64() < col.null {
				continue
			}
			v := col.gen(r, i)
			cols[c][i] = &v
		}
	}
	// Inject anomalies at distinct (row, field) cells, never in the first
	// rows (a duplicate needs an earlier original).
	used := map[[2]int]bool{}
	for c, col := range d.cols {
		if !inject {
			break
		}
		for _, inj := range col.inject {
			for range inj.n {
				var i int
				for {
					i = 20 + r.IntN(d.rows-20)
					if !used[[2]int{i, c}] && (inj.kind != "unexpected_null" || cols[c][i] != nil) {
						break
					}
				}
				used[[2]int{i, c}] = true
				cols[c][i] = inj.gen(r, i, cols[c])
				ds.Labels = append(ds.Labels, Label{Row: i, Field: col.name, Kind: inj.kind})
			}
		}
	}
	for _, j := range d.joint {
		if !inject {
			break
		}
		for range j.n {
			var i int
			for {
				i = 20 + r.IntN(d.rows-20)
				free := true
				for c := range d.cols {
					free = free && !used[[2]int{i, c}]
				}
				if free {
					break
				}
			}
			for c := range d.cols {
				used[[2]int{i, c}] = true
			}
			j.apply(r, func(field, v string) {
				c := slices.IndexFunc(d.cols, func(col column) bool { return col.name == field })
				cols[c][i] = ptr(v)
			})
			ds.Labels = append(ds.Labels, Label{Row: i, Field: j.field, Kind: "outlier"})
		}
	}
	slices.SortFunc(ds.Labels, func(a, b Label) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return slices.Index(ds.Header, a.Field) - slices.Index(ds.Header, b.Field)
	})
	ds.Rows = make([][]*string, d.rows)
	for i := range d.rows {
		row := make([]*string, len(cols))
		for c := range cols {
			row[c] = cols[c][i]
		}
		ds.Rows[i] = row
	}
	numeric := map[string]bool{}
	for _, col := range d.cols {
		numeric[col.name] = col.numeric
	}
	ds.numeric = numeric
	return ds
}

// WriteData writes the table as CSV (empty for null) or JSON Lines (null,
// numbers as JSON numbers when they parse).
func (ds *Dataset) WriteData(w io.Writer) error {
	if ds.Format == "csv" {
		cw := csv.NewWriter(w)
		if err := cw.Write(ds.Header); err != nil {
			return err
		}
		rec := make([]string, len(ds.Header))
		for _, row := range ds.Rows {
			for c, v := range row {
				rec[c] = ""
				if v != nil {
					rec[c] = *v
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	for _, row := range ds.Rows {
		buf := []byte{'{'}
		for c, v := range row {
			if c > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendQuote(buf, ds.Header[c])
			buf = append(buf, ':')
			switch {
			case v == nil:
				buf = append(buf, "null"...)
			case ds.numeric[ds.Header[c]] && json.Valid([]byte(*v)) && isNumber(*v):
				buf = append(buf, *v...)
			default:
				b, _ := json.Marshal(*v)
				buf = append(buf, b...)
			}
		}
		buf = append(buf, '}', '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s != "" && s[0] != '+' && s[0] != '.'
}

// WriteLabels writes the labels as CSV: row,field,kind.
func (ds *Dataset) WriteLabels(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"row", "field", "kind"})
	for _, l := range ds.Labels {
		_ = cw.Write([]string{strconv.Itoa(l.Row), l.Field, l.Kind})
	}
	cw.Flush()
	return cw.Error()
}

// ---- value helpers ----

func ptr(s string) *string { return &s }

func f2(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

func lognormal(r *rand.Rand, mu, sigma float64) float64 { return math.Exp(mu + sigma*r.NormFloat64()) }

// negbin draws a negative binomial count with the given mean and shape k
// (a gamma-Poisson mixture): over-dispersed, heavy-tailed counts.
func negbin(r *rand.Rand, mean, k float64) int {
	return poisson(r, gamma(r, k)*mean/k)
}

func poisson(r *rand.Rand, lambda float64) int {
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// gamma draws Gamma(k, 1) (Marsaglia and Tsang).
func gamma(r *rand.Rand, k float64) float64 {
	if k < 1 {
		return gamma(r, k+1) * math.Pow(r.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if math.Log(r.Float64()) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func date(day int) string {
	t := epochPlus(day)
	return fmt.Sprintf("%04d-%02d-%02d", t[0], t[1], t[2])
}

func datetime(day int, sec int) string {
	return fmt.Sprintf("%sT%02d:%02d:%02dZ", date(day), sec/3600, sec/60%60, sec%60)
}

// epochPlus converts days since 1970-01-01 to a civil date.
func epochPlus(days int) [3]int {
	y, m, d := schemas.Civil(int64(days))
	return [3]int{int(y), m, d}
}

func dayOf(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// ---- injections shared by the domains ----

func nullInj(n int) injection {
	return injection{"unexpected_null", n, func(*rand.Rand, int, []*string) *string { return nil }}
}

func dupInj(n int) injection {
	return injection{"duplicate", n, func(r *rand.Rand, i int, col []*string) *string {
		for {
			j := r.IntN(i)
			if col[j] != nil {
				return ptr(*col[j])
			}
		}
	}}
}

func badInj(n int, bad ...string) injection {
	return injection{"invalid_format", n, func(r *rand.Rand, _ int, _ []*string) *string { return ptr(pick(r, bad)) }}
}

func valInj(kind string, n int, f func(r *rand.Rand) string) injection {
	return injection{kind, n, func(r *rand.Rand, _ int, _ []*string) *string { return ptr(f(r)) }}
}

var countries = []string{"US", "US", "US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "BR", "MX", "CA", "JP", "IN", "AU"}
var firstNames = []string{"ana", "ben", "carla", "dev", "eve", "farid", "gita", "hugo", "ines", "jon", "kai", "lena", "mo", "nora", "omar", "pia"}
var lastNames = []string{"smith", "garcia", "müller", "rossi", "chen", "okafor", "silva", "kowalski", "nguyen", "dubois", "tanaka", "haddad"}
var domainsMail = []string{"example.com", "mail.example.org", "corp.example.net", "example.co.uk"}

func email(r *rand.Rand, i int) string {
	last := strings.ReplaceAll(pick(r, lastNames), "ü", "ue")
	return fmt.Sprintf("%s.%s%d@%s", pick(r, firstNames), last, i, pick(r, domainsMail))
}

var badEmails = []string{"john.doe@", "jane at example.com", "@example.com", "bob@@example.com", "no-email", "ann@example"}
