package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/ingest/debezium"
	"github.com/heliosdb/helios-etl/schemas"
)

func newDebeziumCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "debezium",
		Short: "Tools for Debezium topics",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newDebeziumDecodeCmd())
	return cmd
}

// debeziumDecodeFlags are the flags of debezium decode; their names are a
// contract with scripts and tools.
type debeziumDecodeFlags struct {
	config, file, topic, brokers, format, fileTopic, registry string
	registryUser, registryPassword                            string
	regex, fromBeginning, heartbeats                          bool
	max                                                       int
	timeout                                                   time.Duration
}

func newDebeziumDecodeCmd() *cobra.Command {
	var f debeziumDecodeFlags
	cmd := &cobra.Command{
		Use:   "decode",
		Short: "Decode Debezium messages from a topic or a file and print the change events",
		Long: `decode reads Debezium messages (Kafka Connect's JsonConverter, with or without
the schema section) and prints what helios-etl decodes them to: the kind of
record (change, tombstone, transaction, schema-change), the operation, the key
and the before and after rows, typed. Heartbeats are skipped unless
--heartbeats is given. A message that does not decode is reported on stderr
with its topic, partition, offset and the reason, and decoding goes on; the
exit status is 1 when any message failed.

--file reads a file of JSON values: records {"topic":…,"key":…,"value":…}
(the golden files of ingest/debezium/testdata) or bare Debezium messages, one
after the other ("-" is stdin). --topic reads Kafka topics directly, without a
consumer group, from the end (or the beginning with --from-beginning). Avro
records (Confluent's AvroConverter) are read from topics, with --registry.`,
		Example: `  helios-etl debezium decode --file ingest/debezium/testdata/pg/01_insert_full.json
  kcat -b kafka:9092 -t shop.public.orders -C -e -q | helios-etl debezium decode --file - --file-topic shop.public.orders
  helios-etl debezium decode --brokers kafka:9092 --topic shop.public.orders --from-beginning --max 10 --format json
  helios-etl debezium decode --brokers kafka:9092 --topic 'shop\..*' --regex
  helios-etl debezium decode --config etl.toml --from-beginning   # [source.debezium] topics, [kafka], [schema_registry]`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.fromConfig(cmd); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			if err := f.validate(); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "debezium decode:", err)
				return exitError{code: 2}
			}
			return runDebeziumDecode(cmd.Context(), f, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (TOML): [source.debezium] topics or topic_pattern, [kafka] brokers, [schema_registry]")
	fl.StringVar(&f.file, "file", "", `file of records or messages to decode ("-" for stdin)`)
	fl.StringVar(&f.fileTopic, "file-topic", "file", "topic name of bare messages in --file (it decides how a record is classified)")
	fl.StringVar(&f.topic, "topic", "", "Kafka topics to read, comma-separated (a regular expression with --regex)")
	fl.BoolVar(&f.regex, "regex", false, "--topic is a regular expression")
	fl.StringVar(&f.brokers, "brokers", "", "Kafka seed brokers, comma-separated")
	fl.BoolVar(&f.fromBeginning, "from-beginning", false, "read the topics from their start, not only new records")
	fl.IntVar(&f.max, "max", 0, "stop after this many records (0: no limit)")
	fl.DurationVar(&f.timeout, "idle-timeout", 0, "with --topic, stop when no record came for this long (0: never)")
	fl.StringVar(&f.format, "format", "text", "output format: text or json (one JSON object per line)")
	fl.BoolVar(&f.heartbeats, "heartbeats", false, "print heartbeats too")
	fl.StringVar(&f.registry, "registry", "", "schema registry URLs, comma-separated, to decode Avro (Confluent wire format)")
	return cmd
}

// fromConfig fills what the flags left unset from the configuration file:
// the topics of [source.debezium], the brokers and the schema registry.
func (f *debeziumDecodeFlags) fromConfig(cmd *cobra.Command) error {
	if f.config == "" {
		return nil
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		return err
	}
	changed := cmd.Flags().Changed
	src := cfg.Source.Debezium
	if !changed("topic") && !changed("file") {
		switch {
		case src.TopicPattern != "":
			f.topic, f.regex = src.TopicPattern, true
		case len(src.Topics) > 0:
			f.topic = strings.Join(src.Topics, ",")
		default:
			return fmt.Errorf("%s: [source.debezium] names no topics (set topics or topic_pattern), and no --topic or --file was given", f.config)
		}
	}
	if !changed("brokers") {
		f.brokers = strings.Join(cfg.Kafka.Brokers, ",")
	}
	if !changed("registry") && cfg.SchemaRegistry.URL != "" {
		f.registry, f.registryUser, f.registryPassword = cfg.SchemaRegistry.URL, cfg.SchemaRegistry.User, cfg.SchemaRegistry.Password
	}
	return nil
}

func (f debeziumDecodeFlags) validate() error {
	var errs []error
	switch {
	case f.file == "" && f.topic == "":
		errs = append(errs, errors.New("give --file or --topic"))
	case f.file != "" && f.topic != "":
		errs = append(errs, errors.New("give --file or --topic, not both"))
	case f.topic != "" && f.brokers == "":
		errs = append(errs, errors.New("--topic needs --brokers"))
	}
	if f.regex {
		if _, err := regexp.Compile(f.topic); err != nil {
			errs = append(errs, fmt.Errorf("--topic: %w", err))
		}
	}
	if f.format != "text" && f.format != "json" {
		errs = append(errs, fmt.Errorf("--format %q: want text or json", f.format))
	}
	if f.max < 0 {
		errs = append(errs, fmt.Errorf("--max %d: want 0 or more", f.max))
	}
	return errors.Join(errs...)
}

// decodePrinter decodes records and prints them.
type decodePrinter struct {
	dec        *debezium.Decoder
	ctx        context.Context // bounds registry lookups
	out        *bufio.Writer
	errOut     io.Writer
	json       bool
	heartbeats bool
	n, failed  int
}

func runDebeziumDecode(ctx context.Context, f debeziumDecodeFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg debezium.Config
	if f.registry != "" {
		opts := []sr.ClientOpt{sr.URLs(splitList(f.registry)...)}
		if f.registryUser != "" {
			opts = append(opts, sr.BasicAuth(f.registryUser, f.registryPassword))
		}
		cl, err := sr.NewClient(opts...)
		if err != nil {
			return fmt.Errorf("debezium decode: schema registry: %w", err)
		}
		cfg.Registry = registryAdapter{cl}
	}
	p := &decodePrinter{dec: debezium.NewDecoder(cfg), ctx: ctx, out: bufio.NewWriter(stdout), errOut: stderr,
		json: f.format == "json", heartbeats: f.heartbeats}
	defer p.out.Flush()
	var err error
	if f.file != "" {
		err = p.file(f, stdin)
	} else {
		err = p.kafka(ctx, f)
	}
	if err != nil {
		return err
	}
	if p.failed > 0 {
		p.out.Flush()
		fmt.Fprintf(stderr, "debezium decode: %d of %d records failed to decode\n", p.failed, p.n)
		return exitError{code: 1}
	}
	return nil
}

// file decodes the JSON values of a file.
func (p *decodePrinter) file(f debeziumDecodeFlags, in io.Reader) error {
	if f.file != "-" {
		fh, err := os.Open(f.file)
		if err != nil {
			return fmt.Errorf("debezium decode: %w", err)
		}
		defer fh.Close()
		in = fh
	}
	jd := json.NewDecoder(bufio.NewReader(in))
	for offset := int64(0); f.max == 0 || p.n < f.max; offset++ {
		var raw json.RawMessage
		if err := jd.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("debezium decode: %s: value %d: %w", f.file, offset, err)
		}
		r := debezium.Record{Topic: f.fileTopic, Offset: offset, Value: raw}
		var g struct {
			Topic string          `json:"topic"`
			Key   json.RawMessage `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(raw, &g) == nil && g.Topic != "" && g.Value != nil {
			r.Topic, r.Key, r.Value = g.Topic, nonNull(g.Key), nonNull(g.Value)
		}
		p.record(r)
	}
	return nil
}

func nonNull(b json.RawMessage) []byte {
	if string(b) == "null" {
		return nil
	}
	return b
}

// kafka decodes records of Kafka topics until ctx ends, --max records were
// read or --idle-timeout passed without a record.
func (p *decodePrinter) kafka(ctx context.Context, f debeziumDecodeFlags) error {
	start := kgo.NewOffset().AtEnd()
	if f.fromBeginning {
		start = kgo.NewOffset().AtStart()
	}
	topics := splitList(f.topic)
	if f.regex {
		topics = []string{"^(?:" + f.topic + ")$"} // the whole name must match
	}
	opts := []kgo.Opt{kgo.SeedBrokers(splitList(f.brokers)...), kgo.ConsumeResetOffset(start),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeTopics(topics...)}
	if f.regex {
		opts = append(opts, kgo.ConsumeRegex(), kgo.MetadataMinAge(time.Second))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("debezium decode: kafka client: %w", err)
	}
	defer cl.Close()
	last := time.Now()
	for f.max == 0 || p.n < f.max {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return nil // interrupted: what was read is printed
		}
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.DeadlineExceeded) {
				return fmt.Errorf("debezium decode: fetch %s/%d: %w", fe.Topic, fe.Partition, fe.Err)
			}
		}
		got := false
		fs.EachRecord(func(r *kgo.Record) {
			if f.max > 0 && p.n >= f.max {
				return
			}
			got = true
			p.record(debezium.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value})
		})
		p.out.Flush()
		if got {
			last = time.Now()
		} else if f.timeout > 0 && time.Since(last) > f.timeout {
			return nil
		}
	}
	return nil
}

// record decodes and prints one record; a failure is reported and counted.
func (p *decodePrinter) record(r debezium.Record) {
	p.n++
	m, err := p.dec.DecodeContext(p.ctx, r)
	if err != nil {
		p.failed++
		p.out.Flush()
		fmt.Fprintln(p.errOut, err)
		return
	}
	if m.Kind == debezium.KindHeartbeat && !p.heartbeats {
		return
	}
	var b []byte
	if p.json {
		b = appendMessageJSON(nil, r, &m)
	} else {
		b = appendMessageText(nil, r, &m)
	}
	p.out.Write(append(b, '\n'))
}

// appendMessageText renders a message on one line:
//
//	topic/partition@offset kind op table key={…} before={…} after={…}
func appendMessageText(dst []byte, r debezium.Record, m *debezium.Message) []byte {
	dst = fmt.Appendf(dst, "%s/%d@%d %s", r.Topic, r.Partition, r.Offset, m.Kind)
	switch m.Kind {
	case debezium.KindChange:
		ev := &m.Event
		dst = fmt.Appendf(dst, " %s %s", ev.Op.Code(), ev.Schema.Name)
		if m.KeySchema != nil {
			dst = appendRowText(append(dst, " key="...), m.KeySchema, m.Key)
		}
		if ev.Before != nil {
			dst = appendRowText(append(dst, " before="...), ev.Schema, ev.Before)
		}
		if ev.After != nil {
			dst = appendRowText(append(dst, " after="...), ev.Schema, ev.After)
		}
		dst = fmt.Appendf(dst, " txId=%d lsn=%d", ev.Source.TxID, ev.Source.LSN)
	case debezium.KindTombstone:
		if m.KeySchema != nil {
			dst = appendRowText(append(dst, " key="...), m.KeySchema, m.Key)
		}
	case debezium.KindTransaction:
		tx := &m.Transaction
		dst = fmt.Appendf(dst, " %s %s", tx.Status, tx.ID)
		if tx.Status == "END" {
			dst = fmt.Appendf(dst, " events=%d", tx.EventCount)
			for _, c := range tx.DataCollections {
				dst = fmt.Appendf(dst, " %s:%d", c.DataCollection, c.EventCount)
			}
		}
	case debezium.KindSchemaChange:
		dst = fmt.Appendf(dst, " %s %q", m.SchemaChange.Database, m.SchemaChange.DDL)
	}
	return dst
}

func appendRowText(dst []byte, s *schemas.Schema, row []schemas.Value) []byte {
	dst = append(dst, '{')
	for i, v := range row {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, s.Fields[i].Name...)
		dst = append(dst, '=')
		if k := v.Kind(); k == schemas.KindString || k == schemas.KindJSON || k == schemas.KindEnum {
			dst = strconv.AppendQuote(dst, v.Str())
		} else {
			dst = v.Append(dst)
		}
	}
	return append(dst, '}')
}

// appendMessageJSON renders a message as one JSON object. Values are JSON
// numbers and booleans where they are exact, else their text (as
// [schemas.Value.String] writes it); NULL is null and the unchanged marker
// is {"unchanged":true}.
func appendMessageJSON(dst []byte, r debezium.Record, m *debezium.Message) []byte {
	dst = appendJSONString(append(dst, `{"topic":`...), r.Topic)
	dst = fmt.Appendf(dst, `,"partition":%d,"offset":%d,"kind":"%s"`, r.Partition, r.Offset, m.Kind)
	if m.KeySchema != nil {
		dst = appendRowJSON(append(dst, `,"key":`...), m.KeySchema, m.Key)
	}
	switch m.Kind {
	case debezium.KindChange:
		ev := &m.Event
		dst = append(dst, `,"op":"`...)
		dst = append(dst, ev.Op.Code()...)
		dst = appendJSONString(append(dst, `","table":`...), ev.Schema.Name)
		if ev.Before != nil {
			dst = appendRowJSON(append(dst, `,"before":`...), ev.Schema, ev.Before)
		}
		if ev.After != nil {
			dst = appendRowJSON(append(dst, `,"after":`...), ev.Schema, ev.After)
		}
		s := &ev.Source
		src, _ := json.Marshal(struct {
			Connector string `json:"connector"`
			Name      string `json:"name"`
			Database  string `json:"db"`
			Schema    string `json:"schema,omitempty"`
			Table     string `json:"table"`
			TxID      int64  `json:"txId,omitempty"`
			LSN       uint64 `json:"lsn,omitempty"`
			Commit    int64  `json:"ts_us"`
			Snapshot  string `json:"snapshot"`
		}{s.Connector, s.Name, s.Database, s.Schema, s.Table, s.TxID, s.LSN, s.CommitMicros, s.Snapshot.String()})
		dst = append(append(dst, `,"source":`...), src...)
	case debezium.KindTransaction:
		tx, _ := json.Marshal(m.Transaction)
		dst = append(append(dst, `,"transaction":`...), tx...)
	case debezium.KindSchemaChange:
		sc, _ := json.Marshal(m.SchemaChange)
		dst = append(append(dst, `,"schema_change":`...), sc...)
	}
	return append(dst, '}')
}

func appendRowJSON(dst []byte, s *schemas.Schema, row []schemas.Value) []byte {
	dst = append(dst, '{')
	for i, v := range row {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s.Fields[i].Name)
		dst = append(dst, ':')
		dst = appendValueJSON(dst, v)
	}
	return append(dst, '}')
}

func appendValueJSON(dst []byte, v schemas.Value) []byte {
	switch {
	case v.IsNull():
		return append(dst, "null"...)
	case v.IsUnchanged():
		return append(dst, `{"unchanged":true}`...)
	}
	switch v.Kind() {
	case schemas.KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case schemas.KindInt16, schemas.KindInt32:
		return strconv.AppendInt(dst, v.Int(), 10)
	case schemas.KindArray:
		dst = append(dst, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValueJSON(dst, e)
		}
		return append(dst, ']')
	case schemas.KindString, schemas.KindJSON, schemas.KindEnum:
		return appendJSONString(dst, v.Str())
	}
	// int64, floats, decimals, bytes, UUIDs and temporal values as text:
	// exact, where a JSON number might not be.
	return appendJSONString(dst, string(v.Append(nil)))
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

// registryAdapter gives a franz-go schema registry client the method
// ingest/debezium needs.
type registryAdapter struct{ cl *sr.Client }

var _ debezium.Registry = registryAdapter{}

func (a registryAdapter) Schema(ctx context.Context, id int) (string, error) {
	s, err := a.cl.SchemaByID(ctx, id)
	if err != nil {
		return "", err
	}
	return s.Schema, nil
}
