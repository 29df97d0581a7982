package integration

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/heliosdb/helios-etl/schemas"
)

// TestSinkKafkaMasks runs cdc into Kafka and 'sink kafka' with
// security.mask_fields: the sink's output holds the masked values (a
// redacted email, the last four characters of a card number, both before
// and after an update), never the raw ones, and unmasked columns as they
// were.
func TestSinkKafkaMasks(t *testing.T) {
	t.Parallel()
	e := newCDCEnv(t)
	ctx := testContext(t, 2*time.Minute)
	e.exec(fmt.Sprintf(`CREATE TABLE %s.users (id int8 PRIMARY KEY, email text, card text, city text);
		ALTER TABLE %[1]s.users REPLICA IDENTITY FULL`, e.name))
	waitStreaming(t, ctx, e.start("cdc", []string{"users"}, "--json-schemas"))
	src := e.topic("users")
	cfg := filepath.Join(t.TempDir(), "sink.toml")
	toml := fmt.Sprintf("[security]\nmask_fields = [\"email\", \"%s.users.card:partial\"]\n", e.name)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	out := src + ".masked"
	startProc(t, "sink-mask", "sink", "kafka", "--config", cfg, "--brokers", strings.Join(e.brokers, ","), "--topics", src,
		"--group", e.name+"_mask", "--format", "json", "--json-schemas", "--topic", out, "--session-timeout", "6s", "--metrics-addr", "127.0.0.1:0")
	e.exec(fmt.Sprintf(`INSERT INTO %[1]s.users VALUES (1, 'ann@example.com', '4111111111111111', 'Lyon');
		UPDATE %[1]s.users SET email = 'ann@example.org', city = 'Paris' WHERE id = 1`, e.name))
	c := e.consumer(out)
	if err := c.until(ctx, func(r []*kgo.Record) bool { return len(r) >= 2 }); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.recs {
		for _, raw := range []string{"ann@example", "4111111111111111", "41111111111"} {
			if bytes.Contains(r.Value, []byte(raw)) {
				t.Errorf("output record at offset %d holds the raw value %q:\n%s", r.Offset, raw, r.Value)
			}
		}
	}
	evs := decodeAll(t, c.recs[:2])
	str := func(ev schemas.Event, row []schemas.Value, name string) string {
		v := field(ev, row, name)
		return v.String()
	}
	ins, upd := evs[0], evs[1]
	if got := str(ins, ins.After, "email"); got != "***" {
		t.Errorf("inserted email = %q, want ***", got)
	}
	if got := str(ins, ins.After, "card"); got != "***1111" {
		t.Errorf("inserted card = %q, want ***1111", got)
	}
	if got := str(ins, ins.After, "city"); got != "Lyon" {
		t.Errorf("inserted city = %q, want Lyon (not masked)", got)
	}
	if got := str(upd, upd.Before, "email"); got != "***" {
		t.Errorf("update's before email = %q, want ***", got)
	}
	if got := str(upd, upd.After, "city"); got != "Paris" {
		t.Errorf("updated city = %q, want Paris", got)
	}
}
