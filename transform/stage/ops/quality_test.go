package ops_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

var people = &schemas.Schema{Name: "public.people", Version: 1, Key: []int{0}, Fields: []schemas.Field{
	{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "email", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
	{Name: "amount", Type: schemas.Type{Kind: schemas.KindInt64}},
	{Name: "price_cents", Type: schemas.Type{Kind: schemas.KindString}},
}}

// clock is the processing time of the tests.
var clock = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// person makes a record; email "" is null; age is how old its event time
// is at the test clock (0: no event time).
func person(id int64, email string, amount int64, cents string, age time.Duration) *stage.Record {
	e := schemas.String(email)
	if email == "" {
		e = schemas.Null()
	}
	ev := &schemas.Event{Op: schemas.OpCreate, Schema: people, After: []schemas.Value{schemas.Int64(id), e, schemas.Int64(amount), schemas.String(cents)}}
	if age > 0 {
		ev.Source.CommitMicros = clock.Add(-age).UnixMicro()
	}
	return &stage.Record{Event: ev, Source: stage.Source{Topic: "people", Offset: id}}
}

// tenPeople are 10 records: 2 null emails, 1 invalid email, 1 negative
// amount, 1 price that is not cents, 3 late (1h) records.
func tenPeople() []*stage.Record {
	var recs []*stage.Record
	for i := range int64(10) {
		email, amount, cents, age := fmt.Sprintf("p%d@example.com", i), int64(10+i), fmt.Sprint(100*i+5), time.Second
		switch i {
		case 1, 2:
			email = ""
		case 3:
			email = "not-an-email"
		}
		if i == 4 {
			amount = -5
		}
		if i == 5 {
			cents = "12x"
		}
		if i >= 7 {
			age = time.Hour
		}
		recs = append(recs, person(i, email, amount, cents, age))
	}
	return recs
}

// scores gathers the gauge etl_quality_score as "field/kind" → value,
// and the counters as "name{field,kind}" → value.
func scores(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			switch mf.GetName() {
			case "etl_quality_score":
				out[l["field"]+"/"+l["kind"]] = m.GetGauge().GetValue()
			case "etl_quality_breaches_total":
				out["breach{"+l["field"]+","+l["kind"]+","+l["action"]+"}"] = m.GetCounter().GetValue()
			default:
				out[mf.GetName()+"{"+l["field"]+","+l["kind"]+"}"] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// hasScores tells whether a window has closed: a score gauge is set.
func hasScores(m map[string]float64) bool {
	for k := range m {
		if strings.Contains(k, "/") {
			return true
		}
	}
	return false
}

func newQuality(t *testing.T, cfg ops.QualityConfig) (*ops.Quality, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := quality.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Pipeline, cfg.Metrics = "people", m
	cfg.Now = func() time.Time { return clock }
	if cfg.WindowRecords == 0 && cfg.WindowTime == 0 {
		cfg.WindowRecords = 10
	}
	q, err := ops.NewQuality(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return q, reg
}

func TestQualityScores(t *testing.T) {
	t.Parallel()
	base := ops.QualityConfig{
		Required: []string{"email"}, Formats: []string{"email=email"}, Checks: []string{"amount >= 0"},
		Clean: []string{"price_cents=coerce:cents_to_decimal"}, MaxLag: time.Minute,
	}
	tests := []struct {
		name       string
		thresholds []string
		// want are metric values; failed the offsets quarantined.
		want   map[string]float64
		failed []int64
		err    string
	}{
		{
			name: "scores",
			want: map[string]float64{
				"email/completeness": 0.8, "email/validity": 1 - 1.0/8, "amount/consistency": 0.9,
				"price_cents/validity": 0.9, "id/overall": 1, "*/timeliness": 0.7,
				"*/completeness": 1 - 2.0/40, "*/validity": 1 - 2.0/38, "*/consistency": 1 - 1.0/38,
				"etl_validation_errors_total{email,null}": 2, "etl_validation_errors_total{email,format}": 1,
				"etl_validation_errors_total{amount,rule}": 1, "etl_validation_errors_total{price_cents,coerce}": 1,
				"etl_validation_errors_total{*,late}": 3,
			},
			failed: []int64{5}, // a price that cannot be coerced is always quarantined
		},
		{
			name:       "alert",
			thresholds: []string{"* timeliness 0.9 alert", "email completeness 0.5 alert"},
			want:       map[string]float64{"breach{*,timeliness,alert}": 1, "breach{email,completeness,alert}": 0},
			failed:     []int64{5},
		},
		{
			name:       "quarantine late and invalid emails",
			thresholds: []string{"* timeliness 0.99 quarantine", "email validity 0.99 quarantine"},
			want:       map[string]float64{"*/timeliness": 0.7, "breach{*,timeliness,quarantine}": 1},
			failed:     []int64{3, 5, 7, 8, 9},
		},
		{
			name:       "quarantine any bad cell",
			thresholds: []string{"* overall 0.5 quarantine"},
			failed:     []int64{1, 2, 3, 4, 5, 7, 8, 9},
		},
		{
			name:       "fail",
			thresholds: []string{"amount consistency 0.95 fail"},
			err:        "window 1 of /0 (10 records from 2026-03-01T12:00:00Z): field amount consistency score 0.9000 is below the threshold 0.9500 (action fail)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			cfg.Thresholds = tt.thresholds
			q, reg := newQuality(t, cfg)
			b := stage.NewTestBatch(tenPeople())
			err := q.Apply(context.Background(), b)
			if tt.err != "" {
				if err == nil || !errors.Is(err, stage.ErrFatal) || !errors.Is(err, ops.ErrThreshold) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Apply = %v; want a fatal threshold error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := scores(t, reg)
			for k, v := range tt.want {
				if d := got[k] - v; d > 1e-9 || d < -1e-9 {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			errs := b.Failed()
			var failed []int64
			for _, r := range tenPeople() {
				for _, e := range b.Emitted() {
					if e.Source.Offset == r.Source.Offset {
						goto next
					}
				}
				failed = append(failed, r.Source.Offset)
			next:
			}
			if fmt.Sprint(failed) != fmt.Sprint(tt.failed) || len(errs) != len(tt.failed) {
				t.Errorf("quarantined offsets %v (%d reasons: %v), want %v", failed, len(errs), errs, tt.failed)
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), "quality: ") {
					t.Errorf("reason %q does not say quality", e)
				}
			}
		})
	}
}

// TestQualityCoerceWritesBack checks that coerced values reach the event
// with the conversion's type, and the quarantine reason of one that cannot.
func TestQualityCoerceWritesBack(t *testing.T) {
	t.Parallel()
	q, _ := newQuality(t, ops.QualityConfig{Clean: []string{"price_cents=trim,coerce:cents_to_decimal"}})
	b := stage.NewTestBatch([]*stage.Record{person(1, "a@b.co", 1, " 1234 ", 0), person(2, "a@b.co", 1, "12x", 0)})
	if err := q.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(b.Emitted()) != 1 || len(b.Failed()) != 1 {
		t.Fatalf("emitted %d, failed %v", len(b.Emitted()), b.Failed())
	}
	ev := b.Emitted()[0].Event
	if k := ev.Schema.Fields[3].Type.Kind; k != schemas.KindDecimal || ev.After[3].String() != "12.34" {
		t.Errorf("price_cents = %s (%s), want 12.34 (decimal)", ev.After[3], k)
	}
	if people.Fields[3].Type.Kind != schemas.KindString {
		t.Error("the input schema was changed")
	}
	want := `quality: price_cents: clean: invalid value: coerce cents -> decimal: "12x" as integer cents: value does not fit the conversion`
	if got := b.Failed()[0].Error(); got != want {
		t.Errorf("reason %q\nwant %q", got, want)
	}
}

// TestQualityWindowSurvivesForget splits a window over batches, with the
// state committed in between and the partition forgotten (as after a
// rebalance): the window closes with the scores of all its records.
func TestQualityWindowSurvivesForget(t *testing.T) {
	t.Parallel()
	db, err := state.Open(t.TempDir(), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := db.Partition("q", "people", 0)
	q, reg := newQuality(t, ops.QualityConfig{Required: []string{"email"}, WindowRecords: 10})
	recs := tenPeople()
	for _, part := range [][]*stage.Record{recs[:4], recs[4:7], recs[7:]} {
		b := stage.NewTestStateBatch(store, "people", 0, part)
		if err := q.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if _, err := b.CommitState(); err != nil {
			t.Fatal(err)
		}
		q.Forget("people", 0)
		if got := scores(t, reg); hasScores(got) && part[0].Source.Offset < 7 {
			t.Fatalf("a window closed early: %v", got)
		}
	}
	if got := scores(t, reg)["email/completeness"]; got != 0.8 {
		t.Errorf("email completeness %v after a window split over 3 batches, want 0.8", got)
	}
	// An uncommitted batch is forgotten: its records do not count.
	b := stage.NewTestStateBatch(store, "people", 0, []*stage.Record{person(20, "", 1, "1", 0)})
	if err := q.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	q.Forget("people", 0)
	var w quality.StreamWindow
	v, err := stage.NewTestStateBatch(store, "people", 0, nil).State().Get([]byte("quality/window"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.UnmarshalBinary(v); err != nil {
		t.Fatal(err)
	}
	if w.Seq != 2 || w.Records != 0 {
		t.Errorf("saved window %d with %d records, want window 2 with none", w.Seq, w.Records)
	}
}

// TestQualityTimeWindow closes windows by processing time.
func TestQualityTimeWindow(t *testing.T) {
	t.Parallel()
	now := clock
	reg := prometheus.NewRegistry()
	m, err := quality.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ops.NewQuality(ops.QualityConfig{Pipeline: "people", Metrics: m, WindowTime: time.Minute, Required: []string{"email"},
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(recs ...*stage.Record) {
		if err := q.Apply(context.Background(), stage.NewTestBatch(recs)); err != nil {
			t.Fatal(err)
		}
	}
	apply(person(1, "", 1, "1", 0), person(2, "a@b.co", 1, "1", 0))
	now = now.Add(59 * time.Second)
	apply(person(3, "a@b.co", 1, "1", 0), person(4, "a@b.co", 1, "1", 0))
	if hasScores(scores(t, reg)) {
		t.Fatal("the window closed before its minute")
	}
	now = now.Add(time.Second)
	apply(person(5, "", 1, "1", 0))
	if got := scores(t, reg)["email/completeness"]; got != 0.75 {
		t.Errorf("email completeness of the first minute %v, want 0.75", got)
	}
}

func TestQualityConfigErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []ops.QualityConfig{
		{Formats: []string{"email=shouty"}},
		{Formats: []string{"=email"}},
		{Checks: []string{"amount"}},
		{Checks: []string{"op != d"}},
		{Clean: []string{"x=coerce:nope"}},
		{Thresholds: []string{"* overall 2 fail"}},
		{Thresholds: []string{"email timeliness 0.9 fail"}},
		{Thresholds: []string{"* overall 0.9 explode"}},
		{WindowRecords: -1},
	} {
		if _, err := ops.NewQuality(cfg); err == nil {
			t.Errorf("NewQuality(%+v) = nil error", cfg)
		}
	}
	if _, err := ops.Parse("quality 3"); err == nil {
		t.Error(`Parse("quality 3") = nil error`)
	}
}

// TestQualityDedupInState runs the quality transform's deduplication over
// a partition state in Pebble, batch after batch as a stage does: a key
// repeated within a batch or across batches is dropped and counted, a
// batch that is not committed (then forgotten, as on an abort or a revoke)
// leaves no key behind, the window of 3 keys evicts the oldest, and a new
// transform over the reopened store (a restarted process) answers alike.
func TestQualityDedupInState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	cfg := ops.QualityConfig{DedupKey: []string{"id"}, DedupWindow: 3, WindowRecords: 1000}
	q, reg := newQuality(t, cfg)
	ids := func(recs []*stage.Record) string {
		var s []string
		for _, r := range recs {
			s = append(s, r.Event.After[0].String())
		}
		return strings.Join(s, ",")
	}
	batch := func(commit bool, want string, in ...int64) {
		t.Helper()
		var recs []*stage.Record
		for _, id := range in {
			recs = append(recs, person(id, "a@b.co", 1, "1", 0))
		}
		b := stage.NewTestStateBatch(db.Partition("q", "people", 0), "people", 0, recs)
		if err := q.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if got := ids(b.Emitted()); got != want {
			t.Errorf("batch %v emitted %s, want %s", in, got, want)
		}
		if len(b.Failed()) > 0 {
			t.Errorf("batch %v failed %v", in, b.Failed())
		}
		if commit {
			if _, err := b.CommitState(); err != nil {
				t.Fatal(err)
			}
			return
		}
		q.Forget("people", 0)
	}
	batch(true, "1,2", 1, 2, 1)  // within the batch
	batch(true, "3", 2, 3, 3, 1) // across batches and within
	batch(false, "4", 4)         // not committed, then forgotten
	batch(true, "4", 4)          // 4 evicts 1: the window is 2, 3, 4
	batch(true, "1", 1, 3, 4)    // 1 evicts 2
	if got := scores(t, reg)["etl_validation_errors_total{id,duplicate}"]; got != 6 {
		t.Errorf("etl_validation_errors_total{field=id,kind=duplicate} = %v, want 6", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = state.Open(dir, state.Options{}); err != nil {
		t.Fatal(err)
	}
	q, _ = newQuality(t, cfg)
	batch(true, "2,5", 3, 4, 1, 2, 5) // 2 evicts 3, 5 evicts 4
	batch(true, "3", 5, 2, 3)         // 3 evicts 1
	batch(true, "1", 1)
	// A revoke: another instance takes the partition and sees 6; the
	// partition comes back, forgotten, and is reloaded from the state.
	first := q
	q, _ = newQuality(t, cfg)
	batch(true, "6", 6, 3)
	first.Forget("people", 0)
	q = first
	batch(true, "", 6, 3, 1)
}

// TestQualityDedupQuarantine sends duplicates to the dead-letter topic
// with their reason when a uniqueness threshold quarantines, and imputes a
// null from the statistics of the values seen.
func TestQualityDedupQuarantine(t *testing.T) {
	t.Parallel()
	q, _ := newQuality(t, ops.QualityConfig{DedupKey: []string{"id", "amount"}, Clean: []string{"email=null:mode"},
		Thresholds: []string{"id uniqueness 1 quarantine"}})
	b := stage.NewTestBatch([]*stage.Record{person(1, "a@b.co", 5, "1", 0), person(2, "c@d.co", 5, "1", 0),
		person(2, "a@b.co", 6, "1", 0), person(1, "", 5, "1", 0), person(3, "", 5, "1", 0)})
	if err := q.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	want := "quality: id uniqueness: duplicate key id,amount"
	if f := b.Failed(); len(f) != 1 || f[0].Error() != want {
		t.Errorf("failed %v, want one %q", f, want)
	}
	out := b.Emitted()
	if len(out) != 4 || out[3].Event.After[1].String() != "a@b.co" {
		t.Errorf("emitted %d records, the last with email %v; want 4, the last imputed a@b.co", len(out), out[len(out)-1].Event.After[1])
	}
}
