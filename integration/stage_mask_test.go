package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
	"github.com/heliosdb/helios-etl/schemas/envelope"
	"github.com/heliosdb/helios-etl/transform/stage"
)

// envelopeRecord encodes ev as the record of topic keyed by i.
func envelopeRecord(t *testing.T, enc *envelope.Encoder, topic string, i int, ev *schemas.Event) *kgo.Record {
	t.Helper()
	v, err := enc.AppendValue(nil, ev)
	if err != nil {
		t.Fatal(err)
	}
	return &kgo.Record{Topic: topic, Key: []byte(strconv.Itoa(i)), Value: v}
}

// TestStageMask runs `helios-etl stage` with security.mask_fields over 40
// change events of public.customers: email is hashed with the key from
// ${HELIOS_MASK_KEY}, ssn redacted, card kept to its last 4 characters. The
// chain's quality transform coerces ssn, which quotes the value in the
// dead-letter reason of the records whose ssn is set: the reason must show
// the masked value, not the raw one. The output must hold only masked
// values (equal emails hash equally), and the log neither values nor key.
// Without the key, the stage must refuse to start.
func TestStageMask(t *testing.T) {
	brokers := kafkaBrokers(t)
	ctx := testContext(t, 2*time.Minute)
	bin := heliosBinary(t)
	in := createTopic(ctx, t, brokers, "stage_mask_in", 1)
	const key = "it-mask-key-0123456789abcdef"

	sch := &schemas.Schema{Name: "public.customers", Version: 1, Key: []int{0}, Fields: []schemas.Field{
		{Name: "id", Type: schemas.Type{Kind: schemas.KindInt64}},
		{Name: "email", Type: schemas.Type{Kind: schemas.KindString}},
		{Name: "ssn", Type: schemas.Type{Kind: schemas.KindString}, Nullable: true},
		{Name: "card", Type: schemas.Type{Kind: schemas.KindInt64}},
	}}
	enc := envelope.NewEncoder(envelope.Options{Schemas: true})
	const n = 40
	hasSSN := func(i int) bool { return i%5 == 2 }
	email := func(i int) string { return fmt.Sprintf("secret-user-%d@example.com", i%4) }
	var recs []*kgo.Record
	for i := range n {
		ssn := schemas.Null()
		if hasSSN(i) {
			ssn = schemas.String(fmt.Sprintf("SSN-SECRET-%03d", i))
		}
		ev := schemas.Event{Op: schemas.OpCreate, Schema: sch, Source: schemas.Source{Connector: "postgresql", Schema: "public", Table: "customers"},
			After: []schemas.Value{schemas.Int64(int64(i)), schemas.String(email(i)), ssn, schemas.Int64(4111111111110000 + int64(i))}}
		recs = append(recs, envelopeRecord(t, enc, in, i, &ev))
	}
	if err := newKafkaClient(t, brokers).ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	name := uniqueName("stagemask")
	out := name + "_out"
	deleteTopics(t, brokers, out, name+".dlq", name+"-changelog")
	path := stageConfig(t, brokers, name, "a", fmt.Sprintf(
		"inputs = [%q]\noutput = %q\nformat = \"envelope\"\nenvelope_schemas = true\ntransforms = [\"quality\"]", in, out))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	withKey := string(b) + "\n[quality]\nclean = [\"ssn=coerce:cents_to_decimal\"]\n" +
		"[security]\nmask_fields = [\"email:hash\", \"public.customers.ssn\", \"card:partial\"]\nmask_key = \"${HELIOS_MASK_KEY}\"\n"
	if err := os.WriteFile(path, []byte(withKey), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("refuses to start without the key", func(t *testing.T) {
		noKey := strings.Replace(withKey, "mask_key = \"${HELIOS_MASK_KEY}\"\n", "", 1)
		p := path + ".nokey.toml"
		if err := os.WriteFile(p, []byte(noKey), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, bin, "stage", "--config", p)
		outb, err := cmd.CombinedOutput()
		if err == nil || cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(outb), "security.mask_key: must be set when a field of mask_fields uses :hash") {
			t.Fatalf("stage without mask_key: %v, exit %d, output:\n%s", err, cmd.ProcessState.ExitCode(), outb)
		}
	})

	t.Setenv("HELIOS_MASK_KEY", key)
	proc := startInstance(t, bin, "a", path)
	var withSSN int
	for i := range n {
		if hasSSN(i) {
			withSSN++
		}
	}
	outs := readAll(ctx, t, brokers, out, n-withSSN, 2*time.Second)
	dlq := readAll(ctx, t, brokers, name+".dlq", withSSN, 2*time.Second)
	if len(outs) != n-withSSN || len(dlq) != withSSN {
		t.Fatalf("%d output records and %d dead letters, want %d and %d", len(outs), len(dlq), n-withSSN, withSSN)
	}
	dec := envelope.NewDecoder()
	hashOf := map[string]string{} // raw email -> its hash
	for _, r := range outs {
		id, _ := strconv.Atoi(string(r.Key))
		ev, err := dec.Decode(r.Value, nil)
		if err != nil {
			t.Fatalf("output %s: %v", r.Key, err)
		}
		if strings.Contains(string(r.Value), "secret-user") || strings.Contains(string(r.Value), "411111111111") {
			t.Fatalf("output %d holds a raw value: %s", id, r.Value)
		}
		// ssn is a string after the mask, then quality's coercion makes
		// it a decimal.
		for _, f := range []string{"email", "card"} {
			if k := ev.Schema.Fields[ev.Schema.FieldIndex(f)].Type.Kind; k != schemas.KindString {
				t.Errorf("output %d: masked field %s has type %s, want string", id, f, k)
			}
		}
		h := ev.After[1].Str()
		if len(h) != 64 {
			t.Errorf("output %d: email %q is not a 64-character hash", id, h)
		}
		if prev, ok := hashOf[email(id)]; ok && prev != h {
			t.Errorf("output %d: email hashes to %s, an earlier record with the same email to %s", id, h, prev)
		}
		hashOf[email(id)] = h
		if !ev.After[2].IsNull() {
			t.Errorf("output %d: ssn %v, want NULL (it was NULL)", id, ev.After[2])
		}
		if want := fmt.Sprintf("***%04d", id); ev.After[3].Str() != want {
			t.Errorf("output %d: card %v, want %s", id, ev.After[3], want)
		}
	}
	if len(hashOf) != 4 || hashOf[email(0)] == hashOf[email(1)] {
		t.Errorf("want 4 distinct email hashes, got %v", hashOf)
	}
	for _, r := range dlq {
		id, _ := strconv.Atoi(string(r.Key))
		reason := headerOf(r, stage.HeaderDLQError)
		for _, h := range r.Headers {
			if strings.Contains(string(h.Value), "SSN-SECRET") || strings.Contains(string(h.Value), "secret-user") {
				t.Errorf("dead letter %d: header %s leaks a raw value: %q", id, h.Key, h.Value)
			}
		}
		if !hasSSN(id) || !strings.Contains(reason, `"***"`) {
			t.Errorf("dead letter %d: reason %q, want the coercion of the masked ssn \"***\"", id, reason)
		}
	}
	proc.stop(t, 30*time.Second)
	log, _ := os.ReadFile(proc.log)
	for _, s := range []string{"SSN-SECRET", "secret-user", key} {
		if strings.Contains(string(log), s) {
			t.Errorf("the log holds %q:\n%s", s, log)
		}
	}
	if !strings.Contains(string(log), "mask_fields") {
		t.Errorf("the start line does not list mask_fields:\n%s", log)
	}
}
