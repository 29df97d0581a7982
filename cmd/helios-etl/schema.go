package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/heliosdb/helios-etl/ingest/sample"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/infer"
	"github.com/heliosdb/helios-etl/transform/match"
)

func newSchemaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Infer schemas from files, tables and topics, and map one schema onto another",
	}
	cmd.AddCommand(newSchemaInferCmd(), newSchemaMatchCmd(), newSchemaKeysCmd())
	return cmd
}

func checkFormat(f string) error {
	if f != "json" && f != "table" {
		return fmt.Errorf("--format %q: want json or table", f)
	}
	return nil
}

// sourceFlags name where a schema is read from: a file, a PostgreSQL table
// (--pg and --table, or pg:schema.table) or a Kafka topic (--brokers and
// --topic, or kafka:topic).
type sourceFlags struct {
	pg      string
	brokers string
	cfg     infer.Config
}

// inferred is a schema read from a source, with the types the source
// declares (tables and topics with schemas) and the records skipped.
type inferred struct {
	schema   infer.Schema
	declared map[string]string
	skipped  int64
}

// inferSpec infers the schema of spec: "pg:schema.table", "kafka:topic" or
// a file path.
func (sf *sourceFlags) inferSpec(ctx context.Context, spec string) (inferred, error) {
	switch {
	case strings.HasPrefix(spec, "pg:"):
		return sf.inferTable(ctx, strings.TrimPrefix(spec, "pg:"))
	case strings.HasPrefix(spec, "kafka:"):
		return sf.inferTopic(ctx, strings.TrimPrefix(spec, "kafka:"))
	}
	s, err := infer.InferFile(spec, sf.cfg)
	return inferred{schema: s}, err
}

func (sf *sourceFlags) inferTable(ctx context.Context, table string) (inferred, error) {
	if sf.pg == "" {
		return inferred{}, fmt.Errorf("table %s: --pg DSN is required", table)
	}
	conn, err := pgx.Connect(ctx, sf.pg)
	if err != nil {
		return inferred{}, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	r, err := sample.Table(ctx, conn, table, sf.cfg.SampleRows, sf.cfg)
	if err != nil {
		return inferred{}, err
	}
	return inferred{schema: r.Schema, declared: r.Declared}, nil
}

func (sf *sourceFlags) inferTopic(ctx context.Context, topic string) (inferred, error) {
	cfg, err := loadOrDefault("")
	if err != nil {
		return inferred{}, err
	}
	if sf.brokers != "" {
		cfg.Kafka.Brokers = splitList(sf.brokers)
	}
	opts, err := kafkaOpts(cfg.Kafka)
	if err != nil {
		return inferred{}, err
	}
	r, err := sample.Topic(ctx, opts, topic, sf.cfg.SampleRows, sf.cfg)
	if err != nil {
		return inferred{}, err
	}
	return inferred{schema: r.Schema, declared: r.Declared, skipped: r.Skipped}, nil
}

// addSourceFlags adds --pg, --brokers and the sample size flags.
func addSourceFlags(f *pflag.FlagSet, sf *sourceFlags, what string) {
	f.StringVar(&sf.pg, "pg", "", "PostgreSQL DSN, to read a table (--table, or pg:schema.table)")
	f.StringVar(&sf.brokers, "brokers", "", "Kafka brokers (comma-separated), to read a topic (--topic, or kafka:topic); default: the configuration's")
	f.IntVar(&sf.cfg.SampleRows, "sample-rows", 10_000, "rows to read from "+what+"; -1 reads everything")
	f.IntVar(&sf.cfg.SampleRows, "sample", 10_000, "the same as --sample-rows")
}

// inferOutput is the JSON printed by `schema infer`: the file contract,
// each field with the type its source declares when it declares one.
type inferOutput struct {
	infer.Schema
	Fields         []declaredField `json:"fields"`
	Source         string          `json:"source"`
	SkippedRecords int64           `json:"skipped_records,omitempty"`
}

type declaredField struct {
	infer.Field
	DeclaredType string `json:"declared_type,omitempty"`
}

func newSchemaInferCmd() *cobra.Command {
	var (
		input, table, topic string
		format              string
		sf                  sourceFlags
	)
	cmd := &cobra.Command{
		Use:   "infer",
		Short: "Infer the schema of a file, a PostgreSQL table or a Kafka topic from a sample of its rows",
		Example: `  helios-etl schema infer --input customers.csv --format json
  helios-etl schema infer --input events.jsonl --sample-rows -1
  helios-etl schema infer --pg postgres://helios@localhost/app --table public.orders --sample 5000
  helios-etl schema infer --brokers localhost:9092 --topic app.public.orders --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			var spec string
			n := 0
			if input != "" {
				spec, n = input, n+1
			}
			if table != "" {
				spec, n = "pg:"+table, n+1
			}
			if topic != "" {
				spec, n = "kafka:"+topic, n+1
			}
			if n != 1 {
				return errors.New("give one of --input FILE, --pg DSN --table T or --topic T")
			}
			got, err := sf.inferSpec(cmd.Context(), spec)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				o := inferOutput{Schema: got.schema, Source: spec, SkippedRecords: got.skipped, Fields: make([]declaredField, len(got.schema.Fields))}
				for i, f := range got.schema.Fields {
					o.Fields[i] = declaredField{Field: f, DeclaredType: got.declared[f.Name]}
				}
				return writeJSON(out, o)
			}
			return writeSchemaTable(out, spec, got)
		},
	}
	cmd.Flags().StringVar(&input, "input", "", "file to read (.csv, .tsv, .jsonl, .ndjson)")
	cmd.Flags().StringVar(&table, "table", "", "PostgreSQL table (schema.table) to read with --pg")
	cmd.Flags().StringVar(&topic, "topic", "", "Kafka topic to read from its start: Debezium envelopes (after state) or JSON objects")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	addSourceFlags(cmd.Flags(), &sf, "the file, table or topic")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeSchemaTable(w io.Writer, name string, got inferred) error {
	s := got.schema
	fmt.Fprintf(w, "%s: %d rows", name, s.Rows)
	if s.SkippedRows > 0 {
		fmt.Fprintf(w, ", %d skipped", s.SkippedRows)
	}
	if got.skipped > 0 {
		fmt.Fprintf(w, ", %d records skipped (tombstones, deletes, not JSON objects)", got.skipped)
	}
	fmt.Fprintln(w)
	for _, e := range s.Skipped {
		fmt.Fprintf(w, "  skipped %s\n", e)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tTYPE\tDECLARED\tSEMANTIC\tNULLABLE\tUNIQUE\tDISTINCT\tFORMAT\tRANGE")
	for _, f := range s.Fields {
		rng := ""
		if f.Min != "" {
			rng = f.Min + " .. " + f.Max
		}
		d := fmt.Sprint(f.Distinct)
		if !f.DistinctExact {
			d = "~" + d
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%v\t%s\t%s\t%s\n", f.Name, f.Type, dash(got.declared[f.Name]), dash(f.Semantic), yesNo(f.Nullable), yesNo(f.Unique), d, dash(f.Format), dash(rng))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range s.Fields {
		for _, c := range f.Widened {
			fmt.Fprintf(w, "  %s widened %s -> %s at line %d (%q): %s\n", f.Name, c.From, c.To, c.Line, c.Value, c.Reason)
		}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// overridesFile is the TOML file given to --overrides.
type overridesFile struct {
	Threshold float64           `toml:"threshold"`
	Overrides map[string]string `toml:"overrides"`
}

// matchOutput is the JSON printed by `schema match`.
type matchOutput struct {
	match.Result
	SourceRows        int64 `json:"source_rows"`
	TargetRows        int64 `json:"target_rows"`
	SourceSkippedRows int64 `json:"source_skipped_rows"`
	TargetSkippedRows int64 `json:"target_skipped_rows"`
	Accepted          bool  `json:"accepted"`
}

func newSchemaMatchCmd() *cobra.Command {
	var (
		source, target, format string
		overrides              []string
		overridesPath          string
		threshold              float64
		accept                 bool
		statePath              string
		stateDir               string
		sf                     sourceFlags
	)
	cmd := &cobra.Command{
		Use:   "match",
		Short: "Propose a one-to-one mapping from a source schema to a target schema, with confidences",
		Long: `match infers both schemas from files, tables (pg:schema.table with --pg) or
topics (kafka:topic) (a target file may have a header and no
rows), scores every pair of columns on names, types and values, and keeps the
best one-to-one assignment above the threshold. Overrides always win; with
--accept the result is stored in the state directory (Pebble; --state-dir, or a
JSON file with --state) and reused by later runs on the same schemas.`,
		Example: `  helios-etl schema match --source crm.csv --target warehouse.csv --format json
  helios-etl schema match --source a.csv --target b.csv --override cust_no=customer_id --override notes=-`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if source == "" || target == "" {
				return errors.New("--source and --target are required")
			}
			mc := match.Config{Overrides: map[string]string{}}
			if overridesPath != "" {
				b, err := os.ReadFile(overridesPath)
				if err != nil {
					return fmt.Errorf("read overrides: %w", err)
				}
				var of overridesFile
				if err := toml.Unmarshal(b, &of); err != nil {
					return fmt.Errorf("%s: %w", overridesPath, err)
				}
				mc.Threshold = of.Threshold
				for k, v := range of.Overrides {
					mc.Overrides[k] = v
				}
			}
			for _, o := range overrides {
				s, t, ok := strings.Cut(o, "=")
				if !ok {
					return fmt.Errorf("--override %q: want source=target (or source=- to keep it unmapped)", o)
				}
				mc.Overrides[strings.TrimSpace(s)] = strings.TrimSpace(t)
			}
			if cmd.Flags().Changed("threshold") {
				mc.Threshold = threshold
			}
			var store match.Store
			switch {
			case statePath != "":
				store = &jsonStore{path: statePath}
			case accept || stateDir != "":
				if stateDir == "" {
					stateDir = defaultConfig().State.Dir
				}
				db, err := state.Open(stateDir, state.Options{})
				if err != nil {
					return err
				}
				defer db.Close()
				store = pebbleMappings{st: stateStore{db: db, s: db.Namespace("schema-mappings")}}
			}
			m, err := match.New(mc, store)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			srcIn, err := sf.inferSpec(ctx, source)
			if err != nil {
				return err
			}
			tgtIn, err := sf.inferSpec(ctx, target)
			if err != nil {
				return err
			}
			src, tgt := srcIn.schema, tgtIn.schema
			res, err := m.Match(ctx, src.Fields, tgt.Fields)
			if err != nil {
				return err
			}
			if accept {
				if err := m.Accept(ctx, src.Fields, tgt.Fields, res); err != nil {
					return err
				}
			}
			out := matchOutput{Result: res, SourceRows: src.Rows, TargetRows: tgt.Rows,
				SourceSkippedRows: src.SkippedRows, TargetSkippedRows: tgt.SkippedRows, Accepted: accept}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return writeMatchTable(cmd.OutOrStdout(), source, target, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&source, "source", "", "source file (.csv, .tsv, .jsonl), pg:schema.table (with --pg) or kafka:topic")
	f.StringVar(&target, "target", "", "target file (a header row without data is enough), pg:schema.table or kafka:topic")
	f.StringVar(&format, "format", "table", "output format: table or json")
	f.StringArrayVar(&overrides, "override", nil, "force source=target (repeatable); source=- keeps a column unmapped")
	f.StringVar(&overridesPath, "overrides", "", "TOML file with an [overrides] table (source = \"target\") and an optional threshold")
	f.Float64Var(&threshold, "threshold", match.DefaultThreshold, "confidence below which pairs are left unmapped")
	f.BoolVar(&accept, "accept", false, "store the result so that later runs on the same schemas reuse it")
	f.StringVar(&stateDir, "state-dir", "", "state directory (Pebble) where accepted mappings are kept (default: state.dir, ./helios-state)")
	f.StringVar(&statePath, "state", "", "keep accepted mappings in this JSON file instead of the state directory")
	addSourceFlags(f, &sf, "each side")
	return cmd
}

func writeMatchTable(w io.Writer, source, target string, out matchOutput) error {
	fmt.Fprintf(w, "%s (%d rows) -> %s (%d rows), threshold %.2f\n", source, out.SourceRows, target, out.TargetRows, out.Threshold)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tTARGET\tCONFIDENCE\tCONVERSION\tORIGIN")
	for _, m := range out.Mappings {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\n", m.Source, m.Target, m.Confidence, m.Conversion, m.Origin)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(out.UnmappedSource) > 0 {
		fmt.Fprintf(w, "unmapped source columns: %s\n", strings.Join(out.UnmappedSource, ", "))
	}
	if len(out.UnmappedTarget) > 0 {
		fmt.Fprintf(w, "unmapped target columns: %s\n", strings.Join(out.UnmappedTarget, ", "))
	}
	if n := out.SourceSkippedRows + out.TargetSkippedRows; n > 0 {
		fmt.Fprintf(w, "skipped rows: %d in the source, %d in the target\n", out.SourceSkippedRows, out.TargetSkippedRows)
	}
	if out.Accepted {
		fmt.Fprintln(w, "accepted: stored for later runs")
	}
	return nil
}

// pebbleMappings keeps accepted mappings in a namespace of the Pebble state,
// with synced writes (the same store the CDC checkpoints use).
type pebbleMappings struct{ st stateStore }

var _ match.Store = pebbleMappings{}

func (p pebbleMappings) Get(_ context.Context, key string) ([]byte, error) { return p.st.Get(key) }

func (p pebbleMappings) Put(_ context.Context, key string, val []byte) error {
	return p.st.Put(key, val)
}

// jsonStore keeps accepted mappings in one JSON file, for people who want
// them in a file they can read, diff and commit. It is meant for one
// process at a time.
type jsonStore struct{ path string }

var _ match.Store = (*jsonStore)(nil)

func (s *jsonStore) load() (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err)
	}
	return m, nil
}

func (s *jsonStore) Get(_ context.Context, key string) ([]byte, error) {
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	return m[key], nil
}

func (s *jsonStore) Put(_ context.Context, key string, val []byte) error {
	m, err := s.load()
	if err != nil {
		return err
	}
	m[key] = val
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

func newSchemaKeysCmd() *cobra.Command {
	var (
		inputs []string
		format string
		cfg    infer.Config
	)
	cmd := &cobra.Command{
		Use:     "keys",
		Short:   "Find candidate keys and likely foreign keys between several files",
		Example: "  helios-etl schema keys --input customers.csv --input orders.csv --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if len(inputs) < 2 {
				return errors.New("keys needs at least two --input files")
			}
			var tables []infer.Table
			type keys struct {
				Table string   `json:"table"`
				Rows  int64    `json:"rows"`
				Keys  []string `json:"candidate_keys"`
			}
			out := struct {
				Tables      []keys             `json:"tables"`
				ForeignKeys []infer.ForeignKey `json:"foreign_keys"`
			}{Tables: []keys{}}
			for _, in := range inputs {
				s, err := infer.InferFile(in, cfg)
				if err != nil {
					return err
				}
				name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
				tables = append(tables, infer.Table{Name: name, Schema: s})
				k := keys{Table: name, Rows: s.Rows, Keys: []string{}}
				for _, f := range s.Fields {
					if f.Unique {
						k.Keys = append(k.Keys, f.Name)
					}
				}
				out.Tables = append(out.Tables, k)
			}
			out.ForeignKeys = infer.ForeignKeys(tables)
			if out.ForeignKeys == nil {
				out.ForeignKeys = []infer.ForeignKey{}
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(w, out)
			}
			for _, k := range out.Tables {
				fmt.Fprintf(w, "%s (%d rows): candidate keys %s\n", k.Table, k.Rows, dash(strings.Join(k.Keys, ", ")))
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "FOREIGN KEY\tREFERENCES\tCONTAINMENT\tCONFIDENCE")
			for _, fk := range out.ForeignKeys {
				fmt.Fprintf(tw, "%s.%s\t%s.%s\t%.2f\t%.2f\n", fk.Table, fk.Column, fk.RefTable, fk.RefColumn, fk.Containment, fk.Confidence)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringArrayVar(&inputs, "input", nil, "file to read (repeat for each table)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().IntVar(&cfg.SampleRows, "sample-rows", 10_000, "rows to read from each file; -1 reads everything")
	return cmd
}
