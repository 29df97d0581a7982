package integration

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// freeAddr returns a free 127.0.0.1 port for a process's metrics.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// qualityStageConfig writes a stage configuration whose metrics are on
// addr, with the [quality] table given.
func qualityStageConfig(t *testing.T, brokers []string, name, addr, stageExtra, qualityTable string) string {
	t.Helper()
	path := stageConfig(t, brokers, name, "a", stageExtra)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `metrics_addr = "127.0.0.1:0"`, fmt.Sprintf("metrics_addr = %q", addr), 1) + "\n[quality]\n" + qualityTable
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var seriesRE = regexp.MustCompile(`^([a-z_]+)\{(.*)\}$`)

// pipelineSeries picks pipeline's series out of a scrape: "name{k=v,...}"
// (labels in the order exposed, which is sorted) with the pipeline label and
// the quotes left out.
func pipelineSeries(all map[string]float64, pipeline string) map[string]float64 {
	out := map[string]float64{}
	for series, v := range all {
		m := seriesRE.FindStringSubmatch(series)
		if m == nil || !strings.Contains(m[2], `pipeline="`+pipeline+`"`) {
			continue
		}
		labels := strings.ReplaceAll(strings.ReplaceAll(m[2], `pipeline="`+pipeline+`",`, ""), `,pipeline="`+pipeline+`"`, "")
		out[m[1]+"{"+strings.ReplaceAll(labels, `"`, "")+"}"] = v
	}
	return out
}

// TestStageQuality runs `helios-etl stage` with the quality transform over
// 200 change events on one partition, in windows of 100: every 10th email
// is invalid (validity 0.9, an alert), every 20th event is an hour old
// (timeliness 0.95, quarantined), and 4 prices are not integer cents (a
// coercion that fails: quarantined). It checks the dead letters and their
// reasons, the output, the metrics scraped from --metrics-addr; then a
// second stage whose threshold fails must stop on the first window
// without committing it.
func TestStageQuality(t *testing.T) {
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 3*time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_quality_in", 1)

	sch := &schemas.Schema{Name: "public.orders", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "email", Type: schemas.Type{Kind: schemas.KindString}},
		{Name: "amount", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "price_cents", Type: schemas.Type{Kind: schemas.KindString}},
	}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	const n = 200
	now := time.Now()
	isBadEmail := func(i int) bool { return i%10 == 3 }
	isStale := func(i int) bool { return i%20 == 7 }
	isBadPrice := func(i int) bool { return i%50 == 11 }
	var recs []*kgo.Record
	for i := range n {
		email, price, at := fmt.Sprintf("u%d@example.com", i), strconv.Itoa(100*i+99), now.Add(-time.Second)
		if isBadEmail(i) {
			email = fmt.Sprintf("user %d at example", i)
		}
		if isStale(i) {
			at = now.Add(-time.Hour)
		}
		if isBadPrice(i) {
			price = "12x"
		}
		ev := schemas.Event{Op: schemas.OpCreate, Schema: sch, Source: schemas.Source{Connector: "postgresql", CommitMicros: at.UnixMicro()},
			TsMicros: at.UnixMicro(), After: []schemas.Value{schemas.Int64(int64(i)), schemas.String(email), schemas.Int64(int64(i)), schemas.String(price)}}
		recs = append(recs, envelopeRecord(t, enc, in, i, &ev))
	}
	if err := newKafkaClient(t, brokers).ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	stageExtra := func(out string) string {
		return fmt.Sprintf("inputs = [%q]\noutput = %q\nformat = \"envelope\"\nenvelope_schemas = true\ntransforms = [\"quality\"]", in, out)
	}
	table := `window_records = 100
max_lag = "5m"
formats = ["email=email"]
checks = ["amount >= 0"]
clean = ["price_cents=coerce:cents_to_decimal"]
`

	t.Run("scores and quarantine", func(t *testing.T) {
		name := uniqueName("stagequal")
		out := name + "_out"
		deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")
		addr := freeAddr(t)
		cfg := qualityStageConfig(t, brokers, name, addr, stageExtra(out),
			table+`thresholds = ["* timeliness 0.99 quarantine", "email validity 0.95 alert"]`+"\n")
		proc := startInstance(t, bin, "a", cfg)
		var stale, badPrice int
		for i := range n {
			if isStale(i) {
				stale++
			}
			if isBadPrice(i) {
				badPrice++
			}
		}
		outs := readAll(ctx, t, brokers, out, n-stale-badPrice, 2*time.Second)
		dlq := readAll(ctx, t, brokers, name+".dlq", stale+badPrice, 2*time.Second)
		if len(outs) != n-stale-badPrice {
			t.Errorf("output holds %d records, want %d", len(outs), n-stale-badPrice)
		}
		dec := envelope.NewDecoder()
		for _, r := range outs {
			id, _ := strconv.Atoi(string(r.Key))
			ev, err := dec.Decode(r.Value, nil)
			if err != nil {
				t.Fatalf("output %s: %v", r.Key, err)
			}
			want := fmt.Sprintf("%d.99", id)
			if f := ev.Schema.Fields[3]; f.Type.Kind != schemas.KindDecimal || ev.After[3].String() != want {
				t.Errorf("output %s: price_cents %s (%s), want %s as a decimal", r.Key, ev.After[3], f.Type.Kind, want)
				break
			}
		}
		for _, r := range dlq {
			id, _ := strconv.Atoi(string(r.Key))
			reason := headerOf(r, stage.HeaderDLQError)
			switch {
			case isStale(id) && strings.HasPrefix(reason, "quality: late: event time ") && strings.Contains(reason, "above max_lag 5m0s"):
			case isBadPrice(id) && reason == `quality: price_cents: clean: invalid value: coerce cents -> decimal: "12x" as integer cents: value does not fit the conversion`:
			default:
				t.Errorf("dead letter %d: unexpected reason %q", id, reason)
			}
			if headerOf(r, stage.HeaderDLQStage) != name || headerOf(r, stage.HeaderSourceOffset) != strconv.Itoa(id) {
				t.Errorf("dead letter %d: headers %v", id, r.Headers)
			}
		}
		if len(dlq) != stale+badPrice {
			t.Errorf("%d dead letters, want %d (%d late, %d bad prices)", len(dlq), stale+badPrice, stale, badPrice)
		}
		var got map[string]float64
		want := map[string]float64{
			"etl_quality_score{field=email,kind=validity}":                          0.9,
			"etl_quality_score{field=*,kind=timeliness}":                            0.95,
			"etl_quality_score{field=amount,kind=consistency}":                      1,
			"etl_quality_score{field=email,kind=completeness}":                      1,
			"etl_validation_errors_total{field=email,kind=format}":                  n / 10,
			"etl_validation_errors_total{field=*,kind=late}":                        float64(stale),
			"etl_validation_errors_total{field=price_cents,kind=coerce}":            float64(badPrice),
			"etl_quality_breaches_total{action=alert,field=email,kind=validity}":    2,
			"etl_quality_breaches_total{action=quarantine,field=*,kind=timeliness}": 2,
		}
		err := waitFor(ctx, "the quality metrics", func() (bool, error) {
			all, err := scrape(addr)
			if err != nil {
				return false, err
			}
			got = pipelineSeries(all, name)
			for k, v := range want {
				if d := got[k] - v; d > 1e-9 || d < -1e-9 {
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil {
			for k, v := range want {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		proc.stop(t, 30*time.Second)
	})

	t.Run("fail", func(t *testing.T) {
		name := uniqueName("stagequalfail")
		out := name + "_out"
		deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")
		cfg := qualityStageConfig(t, brokers, name, freeAddr(t), stageExtra(out), table+`thresholds = ["email validity 0.95 fail"]`+"\n")
		proc := startInstance(t, bin, "a", cfg)
		var exitErr error
		select {
		case exitErr = <-proc.done:
			proc.done <- exitErr
		case <-ctx.Done():
			t.Fatal("the stage did not stop on a failed quality threshold")
		}
		log, _ := os.ReadFile(proc.log)
		want := fmt.Sprintf("window 1 of %s/0 (100 records from ", in)
		tail := "field email validity score 0.9000 is below the threshold 0.9500 (action fail)"
		if exitErr == nil || !strings.Contains(string(log), want) || !strings.Contains(string(log), tail) {
			t.Errorf("exit %v; log does not name the window, field, score and threshold (%q ... %q):\n%s", exitErr, want, tail, lastBytes(log, 3000))
		}
		adm := kadm.NewClient(newKafkaClient(t, brokers))
		if c := committed(ctx, adm, name, in); c >= 100 {
			t.Errorf("the group committed %d offsets: the failed window's batch was committed", c)
		}
		if outs := readAll(ctx, t, brokers, out, 0, 2*time.Second); len(outs) >= 100 {
			t.Errorf("%d records reached the output through a failed window", len(outs))
		}
	})
}

// TestStageQualityDedupSurvivesKill runs `helios-etl stage` deduplicating
// by id (exactly-once delivery: the keys in the partition state commit
// with the offsets): duplicates within and across batches are dropped;
// after a SIGKILL and a restart, ids sent before the kill are still
// dropped; and a process with an empty state directory (another machine)
// restores the keys from the changelog and drops them too.
func TestStageQualityDedupSurvivesKill(t *testing.T) {
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 3*time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_dedup_in", 1)
	name := uniqueName("stagededup")
	out := name + "_out"
	deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")
	adm := kadm.NewClient(newKafkaClient(t, brokers))

	sch := &schemas.Schema{Name: "public.orders", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "note", Type: schemas.Type{Kind: schemas.KindString}},
	}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	sent := 0
	produce := func(ids ...int) {
		t.Helper()
		var recs []*kgo.Record
		for _, id := range ids {
			ev := schemas.Event{Op: schemas.OpCreate, Schema: sch, Source: schemas.Source{Connector: "postgresql", CommitMicros: time.Now().UnixMicro()},
				After: []schemas.Value{schemas.Int64(int64(id)), schemas.String(fmt.Sprintf("copy %d", sent))}}
			v, err := enc.AppendValue(nil, &ev)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, &kgo.Record{Topic: in, Key: []byte(strconv.Itoa(id)), Value: v})
			sent++
		}
		if err := newKafkaClient(t, brokers).ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	extra := fmt.Sprintf("inputs = [%q]\noutput = %q\nformat = \"envelope\"\nenvelope_schemas = true\ntransforms = [\"quality\"]", in, out)
	table := "window_records = 1000\n[quality.dedup]\nkey = [\"id\"]\nwindow = 1000\n"
	cfg := qualityStageConfig(t, brokers, name, addr, extra, table)

	// 0 to 49, then 5 and 7 again.
	first := make([]int, 0, 52)
	for i := range 50 {
		first = append(first, i)
	}
	produce(append(first, 5, 7)...)
	proc := startInstance(t, bin, "a", cfg)
	waitCommitted(ctx, t, adm, name, in, int64(sent))
	proc.kill()

	// Sent while it is down: 3, 20 and 49 again, and 50 to 59.
	produce(3, 20, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59)
	proc = startInstance(t, bin, "a", cfg)
	waitCommitted(ctx, t, adm, name, in, int64(sent))
	var got map[string]float64
	err := waitFor(ctx, "the duplicate count", func() (bool, error) {
		all, err := scrape(addr)
		if err != nil {
			return false, nil // not listening yet
		}
		got = pipelineSeries(all, name)
		return got["etl_validation_errors_total{field=id,kind=duplicate}"] == 3, nil
	})
	if err != nil {
		t.Errorf("after the restart etl_validation_errors_total{field=id,kind=duplicate} = %v, want 3",
			got["etl_validation_errors_total{field=id,kind=duplicate}"])
	}
	proc.kill()

	// Another machine: an empty state directory, restored from the
	// changelog.
	produce(55, 60, 0)
	fresh := qualityStageConfig(t, brokers, name, freeAddr(t), extra, table)
	proc = startInstance(t, bin, "a", fresh)
	waitCommitted(ctx, t, adm, name, in, int64(sent))
	proc.stop(t, 30*time.Second)

	outs := readAll(ctx, t, brokers, out, 61, 2*time.Second)
	seen := map[string]int{}
	for _, r := range outs {
		seen[string(r.Key)]++
	}
	for id := range 61 {
		if n := seen[strconv.Itoa(id)]; n != 1 {
			t.Errorf("id %d reached the output %d times, want once", id, n)
		}
	}
	if len(outs) != 61 {
		t.Errorf("output holds %d records, want 61 (ids 0 to 60 once each)", len(outs))
	}
	if dlq := readAll(ctx, t, brokers, name+".dlq", 0, time.Second); len(dlq) != 0 {
		t.Errorf("%d dead letters, want none (duplicates are dropped)", len(dlq))
	}
}
