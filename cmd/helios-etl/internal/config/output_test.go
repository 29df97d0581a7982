package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestRedacted(t *testing.T) {
	t.Parallel()
	doc := `
[source.postgres]
dsn = "postgres://helios:${PG_PASSWORD}@db:5432/app?sslmode=require&password=alsosecret"
[kafka.sasl]
mechanism = "PLAIN"
user = "helios"
password = "${KAFKA_PASSWORD}"
[schema_registry]
url = "https://sr:srsecret@registry:8081/"
user = "sr"
password = "srpass"
[security]
jwt_secret = "0123456789abcdef0123456789abcdefXYZ"
mask_fields = ["email"]
`
	vars := env(map[string]string{"PG_PASSWORD": "pgsecret", "KAFKA_PASSWORD": "kafkasecret"})
	c, err := Parse("etl.toml", []byte(doc), vars)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	var out bytes.Buffer
	if err := r.Encode(&out); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pgsecret", "alsosecret", "kafkasecret", "srsecret", "srpass", "0123456789abcdef"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("redacted output shows %q:\n%s", secret, out.String())
		}
	}
	for _, kept := range []string{
		`dsn = 'postgres://helios:******@db:5432/app?sslmode=require&password=******'`,
		`url = 'https://sr:******@registry:8081/'`,
		`user = 'helios'`,
		`password = '******'`,
		`jwt_secret = '******'`,
	} {
		if !strings.Contains(out.String(), kept) {
			t.Errorf("redacted output lacks %q:\n%s", kept, out.String())
		}
	}

	// The original is unchanged, lists included.
	r.Security.MaskFields[0] = "changed"
	if c.Kafka.SASL.Password != "kafkasecret" || c.SchemaRegistry.Password != "srpass" || c.Security.MaskFields[0] != "email" {
		t.Errorf("Redacted changed the original: %+v", c)
	}
	// Unset secrets stay visibly unset.
	if d := defaults().Redacted(); d.Kafka.SASL.Password != "" || d.Source.Postgres.DSN != "" {
		t.Errorf("Redacted filled unset secrets: %+v", d)
	}
}

func TestRedactDSN(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://u:SECRET@h/db", "postgres://u:******@h/db"},
		{"postgresql://u:SECRET@h1:5432,h2:5433/db?sslmode=verify-full", "postgresql://u:******@h1:5432,h2:5433/db?sslmode=verify-full"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db?password=SECRET&sslpassword=SECRET2&application_name=x", "postgres://h/db?password=******&sslpassword=******&application_name=x"},
		{"postgres://u:SE/CR@ET@h/db", "postgres://u:******@h/db"},
		{"postgres://u:SECRET@h/db#frag", "postgres://u:******@h/db#frag"},
		{"postgres://h/db?pass%77ord=SECRET", "postgres://h/db?pass%77ord=******"},
		{"host=h user=u password=SECRET dbname=app", "host=h user=u password=****** dbname=app"},
		{"host=h password = 'SE CR\\'ET' dbname=app", "host=h password = ****** dbname=app"},
		{"password=SE\\ CRET sslpassword=KEYPASS", "password=****** sslpassword=******"},
		{"host=h password='SECRET", "******"},
		{"garbage with SECRET", "******"},
	}
	for _, tt := range tests {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSecretsAreTagged keeps new secrets from being printed: a field whose
// name says it holds a secret must say how to redact it.
func TestSecretsAreTagged(t *testing.T) {
	t.Parallel()
	var check func(reflect.Type, string)
	check = func(typ reflect.Type, path string) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			key := childPath(path, tomlName(f))
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				check(f.Type, key)
				continue
			}
			name := tomlName(f)
			secret := false
			for _, w := range []string{"password", "secret", "token", "dsn", "url", "credential"} {
				secret = secret || strings.Contains(name, w)
			}
			if secret && f.Tag.Get("redact") == "" {
				t.Errorf("%s looks like a secret but has no redact tag", key)
			}
		}
	}
	check(reflect.TypeFor[Config](), "")
}

// TestEncodeRoundTrip checks that Encode writes what Parse reads back.
func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	c := defaults()
	c.Kafka.Brokers = []string{"k1:9092", "k2:9092"}
	c.Kafka.SASL = SASL{Mechanism: "PLAIN", User: "u", Password: `p$${x}"'\` + "\n\ttab"}
	c.Source.Postgres.DSN = `host=db password='it\'s'`
	c.Source.Postgres.HeartbeatInterval = 0
	c.Server.ShutdownTimeout = Duration(90e9)
	c.Quality.MinScore = 1
	c.Security.MaskFields = []string{"a$", "${b}"}
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Parse("encoded.toml", buf.Bytes(), nil)
	if err != nil {
		t.Fatalf("Parse(Encode(c)): %v\n%s", err, buf.String())
	}
	equalConfig(t, got, c)
	if !strings.Contains(buf.String(), `shutdown_timeout = '1m30s'`) {
		t.Errorf("durations are not written as duration strings:\n%s", buf.String())
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	tests := map[Duration]string{
		0:                   "0s",
		Duration(250e6):     "250ms",
		Duration(30e9):      "30s",
		Duration(60e9):      "1m",
		Duration(90e9):      "1m30s",
		Duration(3600e9):    "1h",
		Duration(3610e9):    "1h0m10s",
		Duration(-60e9):     "-1m",
		Duration(10 * 60e9): "10m",
	}
	for d, want := range tests {
		if got := d.String(); got != want {
			t.Errorf("Duration(%d).String() = %q, want %q", int64(d), got, want)
		}
		var back Duration
		if err := back.UnmarshalText([]byte(d.String())); err != nil || back != d {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", d.String(), back, err, d)
		}
	}
}
