package match

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/heliosdb/helios-etl/transform/infer"
)

func bruteForce(score [][]float64) float64 {
	n, m := len(score), len(score[0])
	best := 0.0
	used := make([]bool, m)
	var rec func(i int, sum float64)
	rec = func(i int, sum float64) {
		if i == n {
			best = max(best, sum)
			return
		}
		rec(i+1, sum) // row i unassigned
		for j := range m {
			if !used[j] {
				used[j] = true
				rec(i+1, sum+score[i][j])
				used[j] = false
			}
		}
	}
	rec(0, 0)
	return best
}

func TestAssignMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	for k := range 300 {
		n, m := 1+r.IntN(6), 1+r.IntN(6)
		score := make([][]float64, n)
		for i := range score {
			score[i] = make([]float64, m)
			for j := range score[i] {
				if r.IntN(3) > 0 {
					score[i][j] = math.Round(r.Float64()*100) / 100
				}
			}
		}
		got := assign(score)
		sum := 0.0
		seen := map[int]bool{}
		for i, j := range got {
			if j < 0 {
				continue
			}
			if seen[j] {
				t.Fatalf("case %d: column %d assigned twice", k, j)
			}
			seen[j] = true
			sum += score[i][j]
		}
		if want := bruteForce(score); math.Abs(sum-want) > 1e-9 {
			t.Fatalf("case %d (%dx%d): assignment total %v, brute force %v\n%v", k, n, m, sum, want, score)
		}
	}
}

func TestConversionsApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		conv Conversion
		in   string
		want string
	}{
		{Conversion{Kind: ConvCentsToDecimal}, "123456", "1234.56"},
		{Conversion{Kind: ConvCentsToDecimal}, "-5", "-0.05"},
		{Conversion{Kind: ConvCentsToDecimal}, "0", "0.00"},
		{Conversion{Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"}, "03/04/2021", "2021-03-04"},
		{Conversion{Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"}, "3/4/2021", "2021-03-04"},
		{Conversion{Kind: ConvDateLayout, From: "DD.MM.YYYY", To: "YYYY-MM-DD"}, "25.12.2021", "2021-12-25"},
		{Conversion{Kind: ConvDateLayout, From: "YYYY-MM-DD", To: "DD-Mon-YYYY"}, "2021-12-25", "25-Dec-2021"},
		{Conversion{Kind: ConvBoolWords, From: "y/n", To: "true/false"}, "Y", "true"},
		{Conversion{Kind: ConvBoolWords, From: "y/n", To: "true/false"}, "n", "false"},
		{Conversion{Kind: ConvBoolWords, From: "true/false", To: "y/n"}, "TRUE", "Y"},
		{Conversion{Kind: ConvCountryToISO, To: "alpha-2"}, "United States", "US"},
		{Conversion{Kind: ConvCountryToISO, To: "alpha-2"}, "germany", "DE"},
		{Conversion{Kind: ConvCountryToISO, To: "alpha-3"}, "France", "FRA"},
		{Conversion{Kind: ConvCountryToISO, To: "alpha-2"}, "UK", "GB"},
		{Conversion{Kind: ConvTimestampToDate}, "2017-06-30T00:00:00.000", "2017-06-30"},
		{Conversion{Kind: ConvDateToTimestamp}, "2017-06-30", "2017-06-30T00:00:00"},
		{Conversion{Kind: ConvNone}, " x ", "x"},
		{Conversion{Kind: ConvSplitName, To: "first"}, "Mary Ann Smith", "Mary"},
		{Conversion{Kind: ConvPhoneFormat, To: "999-999-9999"}, "+1 (555) 123-4567", "555-123-4567"},
		{Conversion{Kind: ConvPhoneFormat, To: "(999) 999-9999"}, "555.123.4567", "(555) 123-4567"},
		{Conversion{Kind: ConvSplitName, To: "last"}, "Mary Ann Smith", "Smith"},
		{Conversion{Kind: ConvCentsToDecimal}, "", ""},
		{Conversion{Kind: ConvEpochToTime, From: epochSeconds, To: "YYYY-MM-DD HH:mm:ss"}, "1680961040", "2023-04-08 13:37:20"},
		{Conversion{Kind: ConvEpochToTime, From: epochMillis, To: isoTimestamp}, "1680961040123", "2023-04-08T13:37:20Z"},
		{Conversion{Kind: ConvEpochToTime, From: epochSeconds, To: "MM/DD/YYYY hh:mm AM"}, "1680961040", "04/08/2023 01:37 PM"},
		{Conversion{Kind: ConvDateLayout, From: compactDate, To: "YYYY-MM-DD"}, "20240115", "2024-01-15"},
		{Conversion{Kind: ConvValueMap, Values: map[string]string{"KNG": "King"}}, "KNG", "King"},
		{Conversion{Kind: ConvPlainNumber}, "$1,234.50", "1234.50"},
		{Conversion{Kind: ConvPlainNumber}, "€1.710", "1.710"},
		{Conversion{Kind: ConvPlainNumber}, "-$5.00", "-5.00"},
	}
	for _, tc := range tests {
		t.Run(tc.conv.String()+"/"+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := tc.conv.Apply(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("Apply(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []struct {
		c Conversion
		v string
	}{
		{Conversion{Kind: ConvCentsToDecimal}, "12.5"},
		{Conversion{Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"}, "31/12/2021"},
		{Conversion{Kind: ConvBoolWords, To: "true/false"}, "maybe"},
		{Conversion{Kind: ConvCountryToISO}, "Atlantis"},
		{Conversion{Kind: "nope"}, "x"},
		{Conversion{Kind: ConvEpochToTime, From: epochSeconds, To: isoTimestamp}, "soon"},
		{Conversion{Kind: ConvEpochToTime, From: epochSeconds, To: "HH:mm"}, "1680961040"},
		{Conversion{Kind: ConvValueMap, Values: map[string]string{"KNG": "King"}}, "QQQ"},
		{Conversion{Kind: ConvPlainNumber}, "$ twelve"},
	} {
		if _, err := bad.c.Apply(bad.v); err == nil {
			t.Errorf("%v.Apply(%q) did not fail", bad.c, bad.v)
		}
	}
}

// schemaOf profiles rows given column by column.
func schemaOf(cols map[string][]string, order ...string) []infer.Field {
	n := len(cols[order[0]])
	p := infer.NewProfiler(order, infer.Config{})
	row := make([]string, len(order))
	for i := range n {
		for j, c := range order {
			row[j] = cols[c][i]
		}
		p.Observe(row, nil, i+2, nil)
	}
	return p.Schema().Fields
}

func TestConversionsDetected(t *testing.T) {
	t.Parallel()
	src := schemaOf(map[string][]string{
		"amt_cents": {"1999", "2500", "10000", "45", "123456", "777"},
		"order_dt":  {"03/14/2024", "12/01/2023", "07/04/2024", "01/31/2024", "11/11/2023", "02/29/2024"},
		"is_gift":   {"Y", "N", "N", "Y", "N", "N"},
		"cntry":     {"France", "Germany", "Japan", "Brazil", "Canada", "Spain"},
	}, "amt_cents", "order_dt", "is_gift", "cntry")
	tgt := schemaOf(map[string][]string{
		"total_amount": {"19.99", "25.00", "100.00", "0.45", "1234.56", "7.77"},
		"order_date":   {"2024-03-14", "2023-12-01", "2024-07-04", "2024-01-31", "2023-11-11", "2024-02-29"},
		"gift":         {"true", "false", "false", "true", "false", "false"},
		"country_code": {"FR", "DE", "JP", "BR", "CA", "ES"},
	}, "total_amount", "order_date", "gift", "country_code")
	res := matchDefault(t, src, tgt)
	want := map[string]Mapping{
		"amt_cents": {Target: "total_amount", Conversion: Conversion{Kind: ConvCentsToDecimal, From: "integer cents", To: "decimal"}},
		"order_dt":  {Target: "order_date", Conversion: Conversion{Kind: ConvDateLayout, From: "MM/DD/YYYY", To: "YYYY-MM-DD"}},
		"is_gift":   {Target: "gift", Conversion: Conversion{Kind: ConvBoolWords, From: "y/n", To: "true/false"}},
		"cntry":     {Target: "country_code", Conversion: Conversion{Kind: ConvCountryToISO, From: "name", To: "alpha-2"}},
	}
	if len(res.Mappings) != len(want) {
		t.Fatalf("mappings %+v", res.Mappings)
	}
	for _, mp := range res.Mappings {
		w := want[mp.Source]
		if mp.Target != w.Target || !reflect.DeepEqual(mp.Conversion, w.Conversion) {
			t.Errorf("%s -> %s %+v; want %s %+v", mp.Source, mp.Target, mp.Conversion, w.Target, w.Conversion)
		}
	}
}

// TestValueFormsDetected checks the value forms read since the 3rd
// held-out round: Unix seconds and YYYYMMDD integers against dates, codes
// against the words they abbreviate, identifiers written with other
// separators, amounts with a currency sign, and an integer identifier in
// the range of Unix times that must stay a number.
func TestValueFormsDetected(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 9))
	const n = 60
	cols := map[string][]string{}
	tcols := map[string][]string{}
	codes := []string{"SGL", "DBL", "TWN", "KNG", "STE"}
	words := map[string]string{"SGL": "Single", "DBL": "Double", "TWN": "Twin", "KNG": "King", "STE": "Suite"}
	for range n {
		ts := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(500*24*3600)) * time.Second)
		cols["c1"] = append(cols["c1"], fmt.Sprint(ts.Unix()))
		tcols["started"] = append(tcols["started"], ts.Format(time.DateTime))
		d := ts.AddDate(0, 0, r.IntN(3))
		cols["c2"] = append(cols["c2"], d.Format("20060102"))
		tcols["settled"] = append(tcols["settled"], d.Format(time.DateOnly))
		c := codes[r.IntN(len(codes))]
		cols["c3"] = append(cols["c3"], c)
		tcols["kind"] = append(tcols["kind"], words[c])
		iban := fmt.Sprintf("DE%02d%016d", r.IntN(100), r.Int64N(1e16))
		cols["c4"] = append(cols["c4"], iban[:4]+" "+iban[4:8]+" "+iban[8:12]+" "+iban[12:16]+" "+iban[16:])
		tcols["iban"] = append(tcols["iban"], iban)
		p := 50 + r.IntN(300)
		cols["c5"] = append(cols["c5"], fmt.Sprintf("$%d.00", p))
		tcols["nightly"] = append(tcols["nightly"], fmt.Sprintf("%d.00", p))
		tcols["total"] = append(tcols["total"], fmt.Sprintf("%d.00", p*(2+r.IntN(6))))
		acct := fmt.Sprint(1_500_000_000 + r.IntN(100_000_000))
		cols["account_no"] = append(cols["account_no"], acct)
		tcols["account_number"] = append(tcols["account_number"], acct)
	}
	src := schemaOf(cols, "c1", "c2", "c3", "c4", "c5", "account_no")
	tgt := schemaOf(tcols, "started", "settled", "kind", "iban", "nightly", "total", "account_number")
	res := matchDefault(t, src, tgt)
	want := map[string]Mapping{
		"c1":         {Target: "started", Conversion: Conversion{Kind: ConvEpochToTime, From: epochSeconds, To: "YYYY-MM-DD HH:mm:ss"}},
		"c2":         {Target: "settled", Conversion: Conversion{Kind: ConvDateLayout, From: compactDate, To: "YYYY-MM-DD"}},
		"c3":         {Target: "kind", Conversion: Conversion{Kind: ConvValueMap, From: "codes", To: "words", Values: words}},
		"c4":         {Target: "iban", Conversion: Conversion{Kind: ConvNone}},
		"c5":         {Target: "nightly", Conversion: Conversion{Kind: ConvPlainNumber, From: "amount with currency sign", To: "number"}},
		"account_no": {Target: "account_number", Conversion: Conversion{Kind: ConvNone}},
	}
	got := map[string]Mapping{}
	for _, mp := range res.Mappings {
		got[mp.Source] = mp
	}
	for s, w := range want {
		mp, ok := got[s]
		if !ok || mp.Target != w.Target || !reflect.DeepEqual(mp.Conversion, w.Conversion) {
			t.Errorf("%s -> %q %+v; want %s %+v", s, mp.Target, mp.Conversion, w.Target, w.Conversion)
		}
	}
	for _, c := range []string{"c1", "c2"} {
		if e := got[c].Evidence; e.Type < 0.9 || e.Overlap <= 0 {
			t.Errorf("%s read as instants: evidence %+v, want a temporal type and shared dates", c, e)
		}
	}
}

func TestSplitNameDetected(t *testing.T) {
	t.Parallel()
	src := schemaOf(map[string][]string{
		"contact": {"Mary Smith", "John Doe", "Linda Garcia", "Wei Chen", "Ana Lopez", "Olga Novak"},
	}, "contact")
	tgt := schemaOf(map[string][]string{
		"surname": {"Smith", "Doe", "Garcia", "Chen", "Lopez", "Novak"},
		"code":    {"A1", "B2", "C3", "D4", "E5", "F6"},
	}, "surname", "code")
	m, _ := New(Config{}, nil)
	res, err := m.Match(context.Background(), src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Mappings) != 1 || res.Mappings[0].Target != "surname" ||
		!reflect.DeepEqual(res.Mappings[0].Conversion, Conversion{Kind: ConvSplitName, From: "full name", To: "last"}) {
		t.Errorf("mappings %+v", res.Mappings)
	}
}

func TestSplitName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"customerID":         {"customer", "id"},
		"XMLFileName":        {"xml", "file", "name"},
		"ship_to-address":    {"ship", "to", "address"},
		"address2":           {"address", "2"},
		"_2014_score":        {"2014", "score"},
		"BRGH_CD":            {"brgh", "cd"},
		"totalAmountInCents": {"total", "amount", "in", "cents"},
	} {
		if got := splitName(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNameSim(t *testing.T) {
	t.Parallel()
	sim := func(a, b string) float64 {
		x, y := prepareName(a), prepareName(b)
		return nameSim(&x, &y)
	}
	for _, tc := range []struct {
		a, b string
		min  float64
	}{
		{"cust_id", "customerId", 0.9}, {"qty", "quantity", 0.9}, {"zip", "postal_code", 0.6},
		{"BRGH_CD", "borough_code", 0.8}, {"EmailAddr", "email_address", 0.9}, {"first_nm", "given_name", 0.85},
		{"order_dt", "OrderDate", 0.9}, {"zipcode", "zip_code", 0.9},
		{"in_stock", "available", 0.8}, {"churned", "is_cancelled", 0.8}, {"client_no", "customer_number", 0.8},
		{"DateOfBirth", "birth_dt", 0.9}, {"unit_cost", "unit_price", 0.8},
		// inflections, abbreviations read from the lexicon, representation
		// terms that count less than the subject, the date suffix "on"
		{"renewals", "times_renewed", 0.65}, {"ret_dt", "returned_on", 0.75}, {"chkout_dt", "borrowed_on", 0.7},
		{"rm_typ", "room_category", 0.8}, {"fine_amt", "overdue_fine", 0.6}, {"patron", "borrower_name", 0.6},
		{"VAL_DT", "value_date", 0.9}, {"DistNum", "districtcode", 0.85},
		// the abbreviation as written, not only its expansion (ref:
		// reference or referral; st: street or state); a plural in more
		// groups than its singular
		{"ref_no", "referral_id", 0.8}, {"spec_cd", "specialty_code", 0.8}, {"st_cd", "state_code", 0.75},
		{"notes", "comments", 0.8},
	} {
		if s := sim(tc.a, tc.b); s < tc.min {
			t.Errorf("nameSim(%q, %q) = %.3f, want >= %.2f", tc.a, tc.b, s, tc.min)
		}
	}
	// contradicting representation terms: the subject alone is not enough
	for _, tc := range [][2]string{{"customer_name", "customer_id"}, {"order_date", "order_total"}, {"unit_price", "unit_count"}} {
		if s := sim(tc[0], tc[1]); s >= 0.5 {
			t.Errorf("nameSim(%q, %q) = %.3f, want < 0.5", tc[0], tc[1], s)
		}
	}
	// a word that implies a representation term conflicts with another
	// term: the price is not the price's date
	if c, s := sim("price", "price_date"), sim("status", "status_date"); c >= s {
		t.Errorf("price/price_date %.3f >= status/status_date %.3f", c, s)
	}
	// a synonym scores below the word itself
	if syn, same := sim("client_id", "customer_id"), sim("customer_key", "customer_id"); syn >= same {
		t.Errorf("synonym %.3f >= exact %.3f", syn, same)
	}
	for _, tc := range [][2]string{{"regulation", "nonregulation"}, {"price", "email"}, {"col_7", "customer"},
		{"shipping", "billing"}, {"start", "end"}, {"admission", "discharge"}, {"tip", "timestamp"},
		{"borrower", "borrowed_on"}, {"rating", "rate"}} {
		if s := sim(tc[0], tc[1]); s > 0.3 {
			t.Errorf("nameSim(%q, %q) = %.3f, want low", tc[0], tc[1], s)
		}
	}
}

// mapStore is a Store in memory.
type mapStore map[string][]byte

func (m mapStore) Get(_ context.Context, k string) ([]byte, error) { return m[k], nil }
func (m mapStore) Put(_ context.Context, k string, v []byte) error {
	m[k] = append([]byte(nil), v...)
	return nil
}

var _ Store = mapStore(nil)

func TestOverridesAndAccepted(t *testing.T) {
	t.Parallel()
	src := schemaOf(map[string][]string{
		"email": {"a@x.io", "b@y.io", "c@z.io"}, "name": {"Ann", "Bob", "Cy"}, "extra": {"1", "2", "3"},
	}, "email", "name", "extra")
	tgt := schemaOf(map[string][]string{
		"email": {"a@x.io", "b@y.io", "c@z.io"}, "full_name": {"Ann", "Bob", "Cy"}, "other": {"q", "r", "s"},
	}, "email", "full_name", "other")
	ctx := context.Background()
	store := mapStore{}
	m, err := New(Config{Overrides: map[string]string{"extra": "other", "email": "-"}}, store)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Match(ctx, src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, mp := range res.Mappings {
		got[mp.Source] = mp.Target + "/" + mp.Origin
	}
	if got["extra"] != "other/override" || got["name"] != "full_name/inferred" || got["email"] != "" {
		t.Errorf("mappings %v", got)
	}
	if !reflect.DeepEqual(res.UnmappedSource, []string{"email"}) || !reflect.DeepEqual(res.UnmappedTarget, []string{"email"}) {
		t.Errorf("unmapped %v %v", res.UnmappedSource, res.UnmappedTarget)
	}
	if err := m.Accept(ctx, src, tgt, res); err != nil {
		t.Fatal(err)
	}
	// a plain matcher on the same store reuses the accepted pairs, and a new
	// override still wins over them
	m2, _ := New(Config{Overrides: map[string]string{"name": "other"}}, store)
	res2, err := m2.Match(ctx, src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	for _, mp := range res2.Mappings {
		got[mp.Source] = mp.Target + "/" + mp.Origin
	}
	if got["name"] != "other/override" || got["extra"] != "" && !strings.HasSuffix(got["extra"], "inferred") {
		t.Errorf("after accept: %v", got)
	}
	if _, err := New(Config{Overrides: map[string]string{"a": "x", "b": "x"}}, nil); err == nil {
		t.Error("two overrides onto one target accepted")
	}
	if _, err := m.Match(ctx, src, tgt[:1]); err == nil {
		t.Error("override onto a missing target column accepted")
	}
	if _, err := New(Config{Threshold: 2}, nil); err == nil {
		t.Error("threshold 2 accepted")
	}
}

// TestOneToOne checks the result contract on random schemas: every column
// once, confidences in [0,1].
func TestOneToOne(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"id", "name", "email", "date", "amount", "city", "code", "status", "qty", "note"}
	for k := range 20 {
		mk := func(n int) []infer.Field {
			cols := map[string][]string{}
			var order []string
			for i := range n {
				name := fmt.Sprintf("%s_%d", words[r.IntN(len(words))], i)
				order = append(order, name)
				for range 8 {
					cols[name] = append(cols[name], fmt.Sprint(r.IntN(20)))
				}
			}
			return schemaOf(cols, order...)
		}
		src, tgt := mk(1+r.IntN(8)), mk(1+r.IntN(8))
		m, _ := New(Config{Threshold: 0.05}, nil)
		res, err := m.Match(context.Background(), src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		seenS, seenT := map[string]int{}, map[string]int{}
		for _, mp := range res.Mappings {
			seenS[mp.Source]++
			seenT[mp.Target]++
			if mp.Confidence < 0 || mp.Confidence > 1 || math.IsNaN(mp.Confidence) {
				t.Fatalf("case %d: confidence %v", k, mp.Confidence)
			}
		}
		for _, s := range res.UnmappedSource {
			seenS[s]++
		}
		for _, s := range res.UnmappedTarget {
			seenT[s]++
		}
		for _, f := range src {
			if seenS[f.Name] != 1 {
				t.Fatalf("case %d: source %s appears %d times", k, f.Name, seenS[f.Name])
			}
		}
		for _, f := range tgt {
			if seenT[f.Name] != 1 {
				t.Fatalf("case %d: target %s appears %d times", k, f.Name, seenT[f.Name])
			}
		}
	}
}
