package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
)

// inferDoc is the JSON of `schema infer`.
type inferDoc struct {
	Rows           int64 `json:"rows"`
	SkippedRecords int64 `json:"skipped_records"`
	Fields         []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Semantic string `json:"semantic"`
		Nullable bool   `json:"nullable"`
		Unique   bool   `json:"unique"`
		Declared string `json:"declared_type"`
	} `json:"fields"`
}

func runSchema(ctx context.Context, t *testing.T, out any, args ...string) {
	t.Helper()
	b, err := exec.CommandContext(ctx, heliosBinary(t), append([]string{"schema"}, args...)...).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("schema %s: %s", strings.Join(args, " "), msg)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("schema %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// checkFields compares the inferred fields with want: name → type,
// semantic kind, unique, declared type ("" when none is expected).
func checkFields(t *testing.T, got inferDoc, want map[string][4]string) {
	t.Helper()
	if len(got.Fields) != len(want) {
		t.Fatalf("fields %+v, want %d of them", got.Fields, len(want))
	}
	for _, f := range got.Fields {
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("unexpected field %q", f.Name)
			continue
		}
		if f.Type != w[0] || f.Semantic != w[1] || fmt.Sprint(f.Unique) != w[2] || f.Declared != w[3] {
			t.Errorf("%s: type %s semantic %q unique %v declared %q; want %v", f.Name, f.Type, f.Semantic, f.Unique, f.Declared, w)
		}
	}
}

const customersDDL = `CREATE TABLE %s (id bigint PRIMARY KEY, email text NOT NULL, amount numeric(10,2), active boolean,
	created timestamptz NOT NULL, note text);
INSERT INTO %s SELECT g, 'user' || g || '@example.com', (g %% 50) * 1.25, g %% 3 <> 0,
	timestamptz '2024-01-01 00:00:00+00' + g * interval '7 hours', CASE WHEN g %% 4 = 0 THEN NULL ELSE 'note ' || (g %% 5) END
	FROM generate_series(1, 300) g;`

// TestSchemaInferTable infers a table's schema from a sample of its rows,
// with the declared types beside the inferred ones.
func TestSchemaInferTable(t *testing.T) {
	t.Parallel()
	dsn := pgDSN(t)
	ctx := testContext(t, 90*time.Second)
	conn := connectPG(ctx, t, dsn)
	table := uniqueName("helios_it_schema")
	execPG(ctx, t, conn, fmt.Sprintf(customersDDL, table, table))
	t.Cleanup(func() { execPG(context.Background(), t, conn, "DROP TABLE IF EXISTS "+table) })

	var doc inferDoc
	runSchema(ctx, t, &doc, "infer", "--pg", dsn, "--table", "public."+table, "--sample", "200", "--format", "json")
	if doc.Rows != 200 {
		t.Errorf("rows %d, want 200 (--sample)", doc.Rows)
	}
	checkFields(t, doc, map[string][4]string{
		"id":      {"integer", "", "true", "bigint"},
		"email":   {"string", "email", "true", "text"},
		"amount":  {"decimal", "", "false", "numeric(10,2)"},
		"active":  {"boolean", "", "false", "boolean"},
		"created": {"timestamp", "", "true", "timestamp with time zone"},
		"note":    {"string", "", "false", "text"},
	})
	for _, f := range doc.Fields {
		if f.Nullable != (f.Name == "note") {
			t.Errorf("%s: nullable %v", f.Name, f.Nullable)
		}
	}
}

// TestSchemaInferTopic infers schemas from topics: Debezium envelopes
// (after state; deletes and tombstones skipped) and plain JSON objects;
// then matches the table above onto the JSON topic, which names the
// columns differently.
func TestSchemaInferTopic(t *testing.T) {
	t.Parallel()
	brokers := kafkaBrokers(t)
	dsn := pgDSN(t)
	ctx := testContext(t, 120*time.Second)
	cl := newKafkaClient(t, brokers, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))

	cdc := createTopic(ctx, t, brokers, "helios_it_schema_cdc", 2)
	s := &schemas.Schema{Name: "public.accounts", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "email", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "signup", Type: schemas.Type{Kind: schemas.KindDate}, Nullable: true},
	}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	var recs []*kgo.Record
	for i := int64(1); i <= 60; i++ {
		ev := schemas.Event{Op: schemas.OpCreate, Schema: s,
			After: []schemas.Value{schemas.Int64(i), schemas.String(fmt.Sprintf("a%d@example.org", i)), schemas.Date(int32(19000 + i))}}
		if i > 50 { // ten deletes: no after state
			ev.Op, ev.Before, ev.After = schemas.OpDelete, ev.After, nil
		}
		v, err := enc.AppendValue(nil, &ev)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: cdc, Value: v})
	}
	recs = append(recs, &kgo.Record{Topic: cdc, Key: []byte("1")}) // tombstone
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	var doc inferDoc
	runSchema(ctx, t, &doc, "infer", "--brokers", strings.Join(brokers, ","), "--topic", cdc, "--format", "json")
	if doc.Rows != 50 || doc.SkippedRecords != 11 {
		t.Errorf("rows %d skipped %d, want 50 and 11", doc.Rows, doc.SkippedRecords)
	}
	checkFields(t, doc, map[string][4]string{
		"id":     {"integer", "", "true", "int64"},
		"email":  {"string", "email", "true", "string"},
		"signup": {"date", "", "true", "date"},
	})

	// plain JSON objects, the same customers as the table, other names
	js := createTopic(ctx, t, brokers, "helios_it_schema_json", 1)
	recs = recs[:0]
	for g := 1; g <= 300; g++ {
		v := fmt.Sprintf(`{"customer_id":%d,"email_address":"user%d@example.com","total":%.2f,"is_active":%v,"created_at":"%s"}`,
			g, g, float64(g%50)*1.25, g%3 != 0,
			time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g)*7*time.Hour).Format(time.RFC3339))
		recs = append(recs, &kgo.Record{Topic: js, Value: []byte(v)})
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	doc = inferDoc{}
	runSchema(ctx, t, &doc, "infer", "--brokers", strings.Join(brokers, ","), "--topic", js, "--sample", "120", "--format", "json")
	if doc.Rows != 120 {
		t.Errorf("rows %d, want 120 (--sample)", doc.Rows)
	}
	checkFields(t, doc, map[string][4]string{
		"customer_id":   {"integer", "", "true", ""},
		"email_address": {"string", "email", "true", ""},
		"total":         {"decimal", "", "false", ""},
		"is_active":     {"boolean", "", "false", ""},
		"created_at":    {"timestamp", "", "true", ""},
	})

	conn := connectPG(ctx, t, dsn)
	table := uniqueName("helios_it_schema")
	execPG(ctx, t, conn, fmt.Sprintf(customersDDL, table, table))
	t.Cleanup(func() { execPG(context.Background(), t, conn, "DROP TABLE IF EXISTS "+table) })
	var res struct {
		Mappings []struct {
			Source, Target string
			Confidence     float64
		} `json:"mappings"`
		UnmappedSource []string `json:"unmapped_source"`
	}
	runSchema(ctx, t, &res, "match", "--pg", dsn, "--brokers", strings.Join(brokers, ","),
		"--source", "pg:"+table, "--target", "kafka:"+js, "--format", "json")
	got := map[string]string{}
	for _, m := range res.Mappings {
		got[m.Source] = m.Target
	}
	want := map[string]string{"id": "customer_id", "email": "email_address", "amount": "total", "active": "is_active", "created": "created_at"}
	for s, w := range want {
		if got[s] != w {
			t.Errorf("%s -> %q, want %q (all: %v)", s, got[s], w, got)
		}
	}
	if len(res.UnmappedSource) != 1 || res.UnmappedSource[0] != "note" {
		t.Errorf("unmapped source %v, want [note]", res.UnmappedSource)
	}
}
