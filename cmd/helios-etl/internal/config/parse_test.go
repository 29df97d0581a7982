package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env returns a lookup function over a fixed set of variables.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// errLines returns the lines of err's message, or nil.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// TestParseErrors covers each class of problem, with its file, line, column,
// key, message and hint.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		env  map[string]string
		want []string
	}{
		{
			name: "masking: bad rules, hash without a key, raw stage",
			doc:  "[stage]\nname = \"s\"\ntransforms = [\"mask ssn:hash\"]\n[security]\nmask_fields = [\"email:md5\", \"a.b\", \"ssn:hash\", \"ssn\"]\n",
			want: []string{
				`etl.toml:1:2: stage.format: security.mask_fields needs decoded events, not "raw" (set stage.format = "envelope" or "debezium")`,
				`etl.toml:3:15: stage.transforms[0]: mask with :hash needs security.mask_key (set security.mask_key, e.g. "${HELIOS_MASK_KEY}")`,
				`etl.toml:4:2: security.mask_key: must be set when a field of mask_fields uses :hash (set it, e.g. mask_key = "${HELIOS_MASK_KEY}")`,
				`etl.toml:5:16: security.mask_fields[0]: mask rule "email:md5": unknown method "md5" (redact, hash or partial) (e.g. "email", "public.users.ssn:hash" or "phone:partial")`,
				`etl.toml:5:29: security.mask_fields[1]: mask rule "a.b": want "column" or "schema.table.column", not 2 names (e.g. "email", "public.users.ssn:hash" or "phone:partial")`,
				`etl.toml:5:48: security.mask_fields[3]: field "ssn" is listed twice (remove the duplicate)`,
			},
		},
		{
			name: "masking: a short key",
			doc:  "[security]\nmask_key = \"short\"\n",
			want: []string{`etl.toml:2:1: security.mask_key: must be at least 16 bytes long, got 5 (generate one with: openssl rand -base64 32)`},
		},
		{
			name: "unknown key with a close match",
			doc:  "[kafka]\nbrokers = [\"k:9092\"]\n  compresion = \"zstd\"\n",
			want: []string{`etl.toml:3:3: kafka.compresion: unknown key (did you mean "compression"?)`},
		},
		{
			name: "unknown keys are all reported",
			doc:  "[server]\nlisten = \"127.0.0.1:1\"\nlistne = \"x\"\n[kafka]\nbrokres = []\nclient-id = \"x\"\n",
			want: []string{
				`etl.toml:3:1: server.listne: unknown key (did you mean "listen"?)`,
				`etl.toml:5:1: kafka.brokres: unknown key (did you mean "brokers"?)`,
				`etl.toml:6:1: kafka.client-id: unknown key (did you mean "client_id"?)`,
			},
		},
		{
			name: "unknown key that belongs in another table",
			doc:  "[server]\nbrokers = [\"k:9092\"]\n",
			want: []string{`etl.toml:2:1: server.brokers: unknown key (did you mean "kafka.brokers"?)`},
		},
		{
			name: "unknown key with no close match lists the table's keys",
			doc:  "[quality]\nzzz = 1\n",
			want: []string{`etl.toml:2:1: quality.zzz: unknown key ([quality] has min_score, sensitivity, quarantine, window_records, window_time, event_time, max_lag, required, formats, checks, clean, anomalies, keys, thresholds, checkpoint_batches, dedup)`},
		},
		{
			name: "unknown table",
			doc:  "[kafak]\nbrokers = []\n[nothing_like_it]\n",
			want: []string{
				`etl.toml:1:2: kafak: unknown table (did you mean "kafka"?)`,
				`etl.toml:3:2: nothing_like_it: unknown table (the tables are server, source, kafka, schema_registry, state, etl, quality, stage, sink, monitoring, security)`,
			},
		},
		{
			name: "unknown key in a nested table and a dotted key",
			doc:  "[source.postgres]\nslto = \"s\"\n[kafka]\nsasl.mechansim = \"PLAIN\"\n",
			want: []string{
				`etl.toml:2:1: source.postgres.slto: unknown key (did you mean "slot"?)`,
				`etl.toml:4:1: kafka.sasl.mechansim: unknown key (did you mean "mechanism"?)`,
			},
		},
		{
			name: "unknown key in an inline table",
			doc:  "[kafka]\ntls = { enabled = true, ca_fil = \"ca.pem\" }\n",
			want: []string{`etl.toml:2:25: kafka.tls.ca_fil: unknown key (did you mean "ca_file"?)`},
		},
		{
			name: "wrong type: integer for a list",
			doc:  "[kafka]\nbrokers = 9092\n",
			want: []string{`etl.toml:2:1: kafka.brokers: expected a list of strings like ["host:9092"], got integer`},
		},
		{
			name: "wrong type: string for a list",
			doc:  "[kafka]\nbrokers = \"a:9092, b:9092\"\n",
			want: []string{`etl.toml:2:1: kafka.brokers: expected a list of strings like ["host:9092"], got string (use a list: brokers = ["a:9092", "b:9092"])`},
		},
		{
			name: "wrong type: list element",
			doc:  "[kafka]\nbrokers = [\n  \"a:9092\",\n  9092,\n]\n",
			want: []string{`etl.toml:4:3: kafka.brokers[1]: expected a string, got integer`},
		},
		{
			name: "wrong type: quoted number and boolean",
			doc:  "[etl]\nbatch_size = \"500\"\nexactly_once = \"true\"\n[quality]\nmin_score = \"0.5\"\n",
			want: []string{
				`etl.toml:2:1: etl.batch_size: expected an integer, got string (remove the quotes: batch_size = 500)`,
				`etl.toml:3:1: etl.exactly_once: expected true or false, got string (remove the quotes: exactly_once = true)`,
				`etl.toml:5:1: quality.min_score: expected a number, got string (remove the quotes: min_score = 0.5)`,
			},
		},
		{
			name: "wrong type: all reported",
			doc:  "[server]\nlisten = 8080\n[monitoring]\nlog_level = true\n[source]\npostgres = \"x\"\n",
			want: []string{
				`etl.toml:2:1: server.listen: expected a string like "127.0.0.1:8080", got integer`,
				`etl.toml:4:1: monitoring.log_level: expected a string, got boolean`,
				`etl.toml:6:1: source.postgres: expected a table, got string (use a [source.postgres] table)`,
			},
		},
		{
			name: "wrong type: value for a table, table for a value",
			doc:  "server = 1\n[kafka.client_id]\n",
			want: []string{
				`etl.toml:1:1: server: expected a table, got integer (use a [server] table)`,
				`etl.toml:2:2: kafka.client_id: expected a string, got table`,
			},
		},
		{
			name: "wrong type: float for an integer",
			doc:  "[etl]\nbatch_size = 1e3\nmax_inflight_bytes = 1.5\n",
			want: []string{
				`etl.toml:2:1: etl.batch_size: expected an integer, got float (write it as an integer: batch_size = 1000)`,
				`etl.toml:3:1: etl.max_inflight_bytes: expected an integer, got float`,
			},
		},
		{
			name: "wrong type: array of tables, nested list",
			doc:  "[[kafka]]\nbrokers = [[\"k:9092\"]]\n",
			want: []string{`etl.toml:1:3: kafka: expected a table, got list (use a [kafka] table)`},
		},
		{
			name: "wrong type: nested list",
			doc:  "[kafka]\nbrokers = [[\"k:9092\"]]\n",
			want: []string{`etl.toml:2:1: kafka.brokers[0]: expected a string, got list`},
		},
		{
			name: "unknown quoted keys",
			doc:  "\"a.b\" = 1\n[kafka]\n'x y' = 2\n",
			want: []string{
				`etl.toml:1:1: "a.b": unknown key (the tables are server, source, kafka, schema_registry, state, etl, quality, stage, sink, monitoring, security)`,
				`etl.toml:3:1: kafka."x y": unknown key ([kafka] has brokers, client_id, transactional_id_prefix, compression, topic_partitions, topic_replication_factor, sasl, tls)`,
			},
		},
		{
			name: "invalid enum",
			doc:  "[kafka]\ncompression = \"brotli\"\n[monitoring]\nlog_level = \"warning\"\n",
			want: []string{
				`etl.toml:2:1: kafka.compression: invalid value "brotli" (allowed: "none", "gzip", "snappy", "lz4", "zstd")`,
				`etl.toml:4:1: monitoring.log_level: invalid value "warning" (did you mean "warn"? allowed: "debug", "info", "warn", "error")`,
			},
		},
		{
			name: "invalid snapshot mode",
			doc:  "[source.postgres]\nsnapshot = \"always\"\n",
			want: []string{`etl.toml:2:1: source.postgres.snapshot: invalid value "always" (allowed: "initial", "never", "initial_only")`},
		},
		{
			name: "bad duration",
			doc:  "[server]\nshutdown_timeout = \"30\"\n[etl]\nbatch_timeout = \"soon\"\n[source.postgres]\nstatus_interval = 10\n",
			want: []string{
				`etl.toml:2:1: server.shutdown_timeout: invalid duration "30": missing unit (use a number and a unit: "250ms", "30s", "5m", "1h")`,
				`etl.toml:4:1: etl.batch_timeout: invalid duration "soon" (use a number and a unit: "250ms", "30s", "5m", "1h")`,
				`etl.toml:6:1: source.postgres.status_interval: expected a duration like "30s", got integer (durations are strings with a unit: status_interval = "30s")`,
			},
		},
		{
			name: "quality transform settings",
			doc:  "[quality]\nthresholds = [\"* overall 0.9 fail\", \"email speed 0.9 fail\"]\nclean = [\"a=coerce:nope\"]\nformats = [\"a=shouty\"]\n[stage]\ntransforms = [\"quality\", \"quality\"]\n",
			want: []string{
				`etl.toml:2:37: quality.thresholds[1]: quality: threshold "email speed 0.9 fail": unknown dimension "speed" (completeness, validity, consistency, uniqueness, timeliness, overall)`,
				`etl.toml:3:10: quality.clean[0]: quality: clean rule "a=coerce:nope": rule 0 (a): coerce: unknown conversion "nope" (none, cast, date_layout, timestamp_to_date, date_to_timestamp, bool_words, cents_to_decimal, country_to_iso, split_name, phone_format, epoch_to_timestamp, value_map, plain_number, scale, seconds_to_duration, linear)`,
				`etl.toml:4:12: quality.formats[0]: quality: format "a=shouty": want field=format with format int, float, bool, date, datetime, email, phone or uuid`,
				`etl.toml:6:26: stage.transforms[1]: quality is in the chain twice (its window and detector state would collide)`,
			},
		},
		{
			name: "quality dedup",
			doc:  "[quality]\nclean = [\"a=null:average\"]\n[quality.dedup]\nwindow = 5\n",
			want: []string{
				`etl.toml:2:10: quality.clean[0]: quality: clean rule "a=null:average": rule 0 (a): null action "average": want drop, constant, mean, median or mode`,
				`etl.toml:3:2: quality.dedup.key: is empty, but dedup.window is set (the fields of the key, e.g. ["id"])`,
			},
		},
		{
			name: "quality dedup window",
			doc:  "[quality.dedup]\nkey = [\"id\"]\nwindow = -5\n",
			want: []string{`etl.toml:3:1: quality.dedup.window: must not be negative, got -5 (0 remembers every key)`},
		},
		{
			name: "out of range",
			doc: "[quality]\nsensitivity = 1.5\nmin_score = -0.1\n[etl]\nbatch_size = 0\nbatch_timeout = \"0s\"\nmax_inflight_bytes = -1\n" +
				"[kafka]\ntopic_partitions = 0\ntopic_replication_factor = 40000\n",
			want: []string{
				`etl.toml:2:1: quality.sensitivity: must be between 0 and 1, got 1.5`,
				`etl.toml:3:1: quality.min_score: must be between 0 and 1, got -0.1`,
				`etl.toml:5:1: etl.batch_size: must be between 1 and 1000000, got 0`,
				`etl.toml:6:1: etl.batch_timeout: must be greater than 0, got 0s (e.g. "30s")`,
				`etl.toml:7:1: etl.max_inflight_bytes: must be greater than 0, got -1 (64 MiB is 67108864)`,
				`etl.toml:9:1: kafka.topic_partitions: must be -1 or between 1 and 2147483647, got 0 (use -1 for the broker's default)`,
				`etl.toml:10:1: kafka.topic_replication_factor: must be -1 or between 1 and 32767, got 40000 (use -1 for the broker's default)`,
			},
		},
		{
			name: "NaN is out of range",
			doc:  "quality.min_score = nan\n",
			want: []string{`etl.toml:1:1: quality.min_score: must be between 0 and 1, got NaN`},
		},
		{
			name: "addresses",
			doc:  "[server]\nlisten = \"localhost\"\n[monitoring]\nmetrics_addr = \":99999\"\n[kafka]\nbrokers = [\"k1:9092\", \":9092\", \"k1:9092\"]\n",
			want: []string{
				`etl.toml:2:1: server.listen: invalid address "localhost" (write it as host:port, e.g. "127.0.0.1:8080")`,
				`etl.toml:4:1: monitoring.metrics_addr: invalid port in ":99999" (the port is a number from 0 to 65535)`,
				`etl.toml:6:23: kafka.brokers[1]: missing host in ":9092" (write it as host:port, e.g. "host:9092")`,
				`etl.toml:6:32: kafka.brokers[2]: broker "k1:9092" is listed twice (remove the duplicate)`,
			},
		},
		{
			name: "names",
			doc:  "[source.postgres]\nslot = \"Helios-ETL\"\ntables = [\"orders\", \"public.orders\", \"public.orders\"]\ntopic_prefix = \"a b\"\n",
			want: []string{
				`etl.toml:2:1: source.postgres.slot: invalid name "Helios-ETL" (use lower-case letters, digits and _, starting with a letter or _, at most 63 bytes)`,
				`etl.toml:3:11: source.postgres.tables[0]: invalid table name "orders" (write it as "schema.table", e.g. "public.orders")`,
				`etl.toml:3:38: source.postgres.tables[2]: table "public.orders" is listed twice (remove the duplicate)`,
				`etl.toml:4:1: source.postgres.topic_prefix: invalid topic name part "a b" (use letters, digits, '.', '_' and '-', at most 200 of them)`,
			},
		},
		{
			name: "dsn errors do not echo the dsn",
			doc:  "[source.postgres]\ndsn = \"host=h password='secret\"\n",
			want: []string{`etl.toml:2:1: source.postgres.dsn: invalid connection string: unterminated quoted value of keyword "password" (e.g. "postgres://user@host:5432/db" or "host=localhost dbname=app user=helios")`},
		},
		{
			name: "rules across keys point at the enclosing table",
			doc:  "[kafka.sasl]\nmechanism = \"SCRAM-SHA-256\"\n[kafka.tls]\nca_file = \"ca.pem\"\nkey_file = \"k.pem\"\n[etl]\nexactly_once = true\n[kafka]\ntransactional_id_prefix = \"\"\n",
			want: []string{
				`etl.toml:1:2: kafka.sasl.password: must be set when mechanism is set (e.g. password = "${KAFKA_PASSWORD}")`,
				`etl.toml:1:2: kafka.sasl.user: must be set when mechanism is set`,
				`etl.toml:3:2: kafka.tls.cert_file: must be set when key_file is set (mutual TLS needs both files)`,
				`etl.toml:3:2: kafka.tls.enabled: is false but TLS files are set (set enabled = true, or remove the files)`,
				`etl.toml:9:1: kafka.transactional_id_prefix: must not be empty when etl.exactly_once = true (or set etl.exactly_once = false)`,
			},
		},
		{
			name: "debezium topics",
			doc:  "[source.debezium]\ntopics = [\"a.b.c\", \"bad topic\"]\ntopic_pattern = \"shop((\"\n",
			want: []string{
				`etl.toml:2:20: source.debezium.topics[1]: invalid topic name part "bad topic" (use letters, digits, '.', '_' and '-', at most 200 of them)`,
				`etl.toml:3:1: source.debezium.topic_pattern: both topics and topic_pattern are set (set topics or topic_pattern, not both)`,
				"etl.toml:3:1: source.debezium.topic_pattern: invalid pattern: error parsing regexp: missing closing ): `shop((` (a Go (RE2) regular expression, e.g. \"shop\\\\..*\")",
			},
		},
		{
			name: "rules across tables",
			doc:  "[server]\nlisten = \":9464\"\n[etl]\ndlq_topic_suffix = \"-changelog\"\n[security]\njwt_secret = \"short\"\njwt_public_key_file = \"k.pem\"\n",
			want: []string{
				`etl.toml:4:1: etl.dlq_topic_suffix: must differ from state.changelog_topic_suffix, both are "-changelog" (changelog and dead-letter topics must not share names)`,
				`etl.toml:6:1: security.jwt_secret: must be at least 32 bytes long, got 5 (generate one with: openssl rand -base64 32)`,
				`etl.toml:7:1: security.jwt_public_key_file: must not be set together with jwt_secret (remove one of them)`,
				`etl.toml: monitoring.metrics_addr: must differ from server.listen, both are ":9464" (give the metrics listener its own port)`,
			},
		},
		{
			name: "stage",
			doc:  "[stage]\nname = \"a b\"\ninputs = [\"in\", \"in\"]\noutput = \"in\"\ntransforms = [\"explode\", \"count\"]\nformat = \"avro\"\ndelivery = \"twice\"\nmax_attempts = 0\ntransaction_timeout = \"20m\"\nsession_timeout = \"1s\"\n",
			want: []string{
				`etl.toml:2:1: stage.name: invalid topic name part "a b" (use letters, digits, '.', '_' and '-', at most 200 of them)`,
				`etl.toml:3:17: stage.inputs[1]: topic "in" is listed twice (remove the duplicate)`,
				`etl.toml:4:1: stage.output: topic "in" is also an input (a stage cannot write the topic it reads)`,
				`etl.toml:5:15: stage.transforms[0]: ops: unknown transform "explode" (project, rename, filter, require, mask, count, quarantine, quality) (e.g. "filter op != d", "project id,name", "rename a=b", "require id", "count")`,
				`etl.toml:6:1: stage.format: invalid value "avro" (allowed: "raw", "envelope", "debezium")`,
				`etl.toml:7:1: stage.delivery: invalid value "twice" (allowed: "exactly_once", "at_least_once")`,
				`etl.toml:8:1: stage.max_attempts: must be between 1 and 100, got 0`,
				`etl.toml:9:1: stage.transaction_timeout: must be between 1s and 15m (the broker's transaction.max.timeout.ms), got 20m (e.g. "30s")`,
				`etl.toml:10:1: stage.session_timeout: must be between 6s and 30m, got 1s (the broker's group.min.session.timeout.ms and group.max.session.timeout.ms default to 6s and 30m)`,
			},
		},
		{
			name: "missing environment variable",
			doc:  "[source.postgres]\ndsn = \"${PG_DSN}\"\n[kafka]\nbrokers = [\"${BROKER}\"]\n",
			want: []string{
				`etl.toml:2:1: source.postgres.dsn: environment variable PG_DSN is not set (set it, or give a default: ${PG_DSN:-value})`,
				`etl.toml:4:12: kafka.brokers[0]: environment variable BROKER is not set (set it, or give a default: ${BROKER:-value})`,
			},
		},
		{
			name: "bad environment references",
			doc:  "[kafka]\nclient_id = \"${ID\"\ntransactional_id_prefix = \"${ID-x}\"\n[state]\ndir = \"${}\"\n",
			want: []string{
				`etl.toml:2:1: kafka.client_id: unterminated "${" (write ${NAME}, or $$ for a literal $)`,
				`etl.toml:3:1: kafka.transactional_id_prefix: invalid environment variable reference ${ID-x} (the only form with a default is ${NAME:-default})`,
				`etl.toml:5:1: state.dir: invalid environment variable reference ${} (names are letters, digits and _, not starting with a digit)`,
			},
		},
		{
			name: "environment values are checked like literal ones",
			doc:  "[kafka]\ncompression = \"${CODEC}\"\n",
			env:  map[string]string{"CODEC": "brotli"},
			want: []string{`etl.toml:2:1: kafka.compression: invalid value "brotli" (allowed: "none", "gzip", "snappy", "lz4", "zstd")`},
		},
		{
			name: "all passes report together",
			doc:  "[kafka]\ncompresion = \"zstd\"\nbrokers = 1\n[quality]\nsensitivity = 2.0\n",
			want: []string{
				`etl.toml:2:1: kafka.compresion: unknown key (did you mean "compression"?)`,
				`etl.toml:3:1: kafka.brokers: expected a list of strings like ["host:9092"], got integer`,
				`etl.toml:5:1: quality.sensitivity: must be between 0 and 1, got 2`,
			},
		},
		{
			name: "syntax: unquoted string",
			doc:  "[server]\nlisten = \"127.0.0.1:8080\"\n\n[kafka]\ncompression = zstd # fast\n",
			want: []string{`etl.toml:5:15: kafka.compression: unexpected character U+007A 'z' at start of value (strings are quoted: compression = "zstd")`},
		},
		{
			name: "syntax: duplicate key",
			doc:  "[etl]\nbatch_size = 1\nbatch_size = 2\n",
			want: []string{`etl.toml:3:1: etl.batch_size: key batch_size is already defined (a key or table may be defined only once)`},
		},
		{
			name: "syntax: duplicate table",
			doc:  "[etl]\n[kafka]\n[etl]\n",
			want: []string{`etl.toml:3:2: etl: table etl already exists (a key or table may be defined only once)`},
		},
		{
			name: "syntax: unclosed table header",
			doc:  "[server]\nlisten = \":1\"\n[kafka\n",
			want: []string{`etl.toml:3:7: expected ']' to close table name`},
		},
		{
			name: "syntax: unterminated string",
			doc:  "[kafka.sasl]\npassword = \"abc\n",
			want: []string{`etl.toml:2:16: kafka.sasl.password: basic strings cannot have new lines`},
		},
		{
			name: "syntax errors stop the other passes",
			doc:  "[kafak]\nx = 1\ny = \n",
			want: []string{`etl.toml:3:5: kafak.y: unexpected character U+000A at start of value`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("etl.toml", []byte(tt.doc), env(tt.env))
			if err == nil {
				t.Fatalf("Parse accepted the file: %+v", c)
			}
			if c != nil {
				t.Errorf("Parse returned a Config with an error")
			}
			equalLines(t, errLines(err), tt.want)
			for _, e := range problems(err) {
				if e.File != "etl.toml" {
					t.Errorf("problem %q has file %q", e, e.File)
				}
			}
		})
	}
}

func TestParseErrorIsError(t *testing.T) {
	t.Parallel()
	_, err := Parse("etl.toml", []byte("[kafka]\ncompression = \"brotli\"\n"), nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) = false", err)
	}
	want := Error{File: "etl.toml", Line: 2, Column: 1, Key: "kafka.compression", Msg: `invalid value "brotli"`,
		Hint: `allowed: "none", "gzip", "snappy", "lz4", "zstd"`}
	if *e != want {
		t.Errorf("got %+v\nwant %+v", *e, want)
	}
}

func TestParseValues(t *testing.T) {
	t.Parallel()
	doc := `
# every form of key: tables, dotted keys, inline tables
quality.min_score = 1
quality.sensitivity = 0.25
quality.quarantine = true

[server]
listen = ":8081"
shutdown_timeout = "1m30s"

[source.postgres]
dsn = "postgres://helios:${PG_PASSWORD}@db:5432/app?sslmode=require"
tables = ["public.orders", 'billing.invoices']
snapshot = "never"
heartbeat_interval = "0s"
protocol = 1

[kafka]
brokers = ["${BROKER_1}", "${BROKER_2:-k2:9092}"]
compression = "zstd"
sasl = { mechanism = "SCRAM-SHA-512", user = "helios", password = "pa$$${PASS_SUFFIX:-}" }
tls.enabled = true
tls.ca_file = "/etc/ssl/ca.pem"
topic_partitions = 12

[etl]
batch_size = 5_000
exactly_once = true

[monitoring]
log_level = "debug"
log_format = "text"

[security]
mask_fields = ["email", "public.users.ssn"]
`
	vars := map[string]string{"PG_PASSWORD": "pg$ecret", "BROKER_1": "k1:9092", "PASS_SUFFIX": "word"}
	c, err := Parse("etl.toml", []byte(doc), env(vars))
	if err != nil {
		t.Fatal(err)
	}
	want := defaults()
	want.Server.Listen = ":8081"
	want.Server.ShutdownTimeout = Duration(90 * time.Second)
	want.Source.Postgres.DSN = "postgres://helios:pg$ecret@db:5432/app?sslmode=require"
	want.Source.Postgres.Protocol = 1
	want.Source.Postgres.Tables = []string{"public.orders", "billing.invoices"}
	want.Source.Postgres.Snapshot = SnapshotNever
	want.Source.Postgres.HeartbeatInterval = 0
	want.Kafka.Brokers = []string{"k1:9092", "k2:9092"}
	want.Kafka.Compression = "zstd"
	want.Kafka.SASL = SASL{Mechanism: "SCRAM-SHA-512", User: "helios", Password: "pa$word"}
	want.Kafka.TLS = TLS{Enabled: true, CAFile: "/etc/ssl/ca.pem"}
	want.Kafka.TopicPartitions = 12
	want.ETL.BatchSize = 5000
	want.ETL.ExactlyOnce = true
	want.Quality.MinScore, want.Quality.Sensitivity, want.Quality.Quarantine = 1, 0.25, true
	want.Monitoring.LogLevel = "debug"
	want.Monitoring.LogFormat = "text"
	want.Security.MaskFields = []string{"email", "public.users.ssn"}
	equalConfig(t, c, want)
}

// equalConfig compares two configurations by their encoding, which shows
// every value and gives a readable difference.
func equalConfig(t *testing.T, got, want *Config) {
	t.Helper()
	var g, w strings.Builder
	if err := got.Encode(&g); err != nil {
		t.Fatal(err)
	}
	if err := want.Encode(&w); err != nil {
		t.Fatal(err)
	}
	if g.String() != w.String() {
		t.Errorf("config:\n%s\nwant:\n%s", g.String(), w.String())
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{"", "\n# nothing\n", "\uFEFF", "[server]\n[source.postgres]\n"} {
		c, err := Parse("etl.toml", []byte(doc), nil)
		if err != nil {
			t.Fatalf("Parse(%q): %v", doc, err)
		}
		equalConfig(t, c, defaults())
	}
}

func TestParseKeepsLineNumbersWithCRLF(t *testing.T) {
	t.Parallel()
	_, err := Parse("etl.toml", []byte("[kafka]\r\n\r\ncompression = \"x\"\r\n"), nil)
	equalLines(t, errLines(err), []string{`etl.toml:3:1: kafka.compression: invalid value "x" (allowed: "none", "gzip", "snappy", "lz4", "zstd")`})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "etl-config.toml")
	if err := os.WriteFile(path, []byte("[kafka]\nclient_id = \"${HELIOS_TEST_CLIENT_ID}\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HELIOS_TEST_CLIENT_ID", "from-env")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kafka.ClientID != "from-env" {
		t.Errorf("client_id = %q, want from-env", c.Kafka.ClientID)
	}

	_, err = Load(filepath.Join(dir, "missing.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want an os.ErrNotExist", err)
	}
}

func TestRequire(t *testing.T) {
	t.Parallel()
	c, err := Parse("etl.toml", []byte("[kafka]\nclient_id = \"x\"\n[source.postgres]\ndsn = \"host=db\"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Require("source.postgres.dsn", "kafka.client_id"); err != nil {
		t.Errorf("Require of set keys: %v", err)
	}
	err = c.Require("kafka.brokers", "schema_registry.url", "kafka.nope")
	equalLines(t, errLines(err), []string{
		`etl.toml:1:2: kafka.brokers: must be set for this command (e.g. brokers = ["host:9092"] in [kafka])`,
		`etl.toml:1:2: kafka.nope: Require: no such key`,
		`etl.toml: schema_registry.url: must be set for this command (e.g. url = "http://localhost:8081" in [schema_registry])`,
	})
}

func TestValidateWithoutFile(t *testing.T) {
	t.Parallel()
	c := defaults()
	c.Quality.Sensitivity = 2
	c.Kafka.SASL.User = "u"
	c.Source.Postgres.Protocol = 3
	equalLines(t, errLines(c.Validate()), []string{
		`kafka.sasl.mechanism: must be set when user or password is set (allowed: "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")`,
		`quality.sensitivity: must be between 0 and 1, got 2`,
		`source.postgres.protocol: must be 0 (automatic), 1 or 2, got 3 (0, 1 or 2)`,
	})
	if err := defaults().Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestSameListener(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"127.0.0.1:8080", "127.0.0.1:8080", true},
		{"0.0.0.0:8080", "127.0.0.1:8080", true},
		{":8080", "10.0.0.1:8080", true},
		{"[::]:8080", "127.0.0.1:8080", true},
		{"127.0.0.1:8080", "127.0.0.1:9464", false},
		{"10.0.0.1:8080", "10.0.0.2:8080", false},
		{":0", ":0", false},
	}
	for _, tt := range tests {
		if got := sameListener(tt.a, tt.b); got != tt.want {
			t.Errorf("sameListener(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "a.toml", Line: 12, Column: 3, Key: "kafka.x", Msg: "m", Hint: "h"}, "a.toml:12:3: kafka.x: m (h)"},
		{Error{File: "a.toml", Line: 1, Column: 1, Msg: "m"}, "a.toml:1:1: m"},
		{Error{File: "a.toml", Key: "k", Msg: "m"}, "a.toml: k: m"},
		{Error{Line: 2, Column: 5, Key: "k", Msg: "m"}, "2:5: k: m"},
		{Error{Key: "k", Msg: "m"}, "k: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	keys := []string{"brokers", "client_id", "compression", "sasl", "tls"}
	tests := map[string]string{
		"compresion": "compression",
		"brokres":    "brokers",
		"Brokers":    "brokers",
		"client-id":  "client_id",
		"tsl":        "tls",
		"ssl":        "tls",
		"ssh":        "",
		"compress":   "compression",
		"partitions": "",
	}
	for in, want := range tests {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
