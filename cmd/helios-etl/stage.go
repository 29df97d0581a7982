package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
	"github.com/heliosdb/helios-etl/state"
	"github.com/heliosdb/helios-etl/transform/mask"
	"github.com/heliosdb/helios-etl/transform/quality"
	"github.com/heliosdb/helios-etl/transform/stage"
	"github.com/heliosdb/helios-etl/transform/stage/ops"
)

func newStageCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "stage --config FILE",
		Short: "Run the consumer-group stage of [stage]: consume, transform, produce",
		Long: `Stage joins the consumer group stage.name, reads stage.inputs, runs the
stage.transforms chain over batches and writes stage.output, exactly once by
default (Kafka transactions; read the output with read_committed). Records
that fail go to the dead-letter topic; state (the count transform) lives in
state.dir and is mirrored to a compacted changelog topic, from which another
instance restores it when a partition moves. Start more instances with the
same configuration (and their own state.dir and stage.instance_id) to scale
out.

SIGTERM or SIGINT drains: the batch in hand is committed within 3/4 of
server.shutdown_timeout, then the instance leaves the group. SIGHUP reloads
the file and applies what can change live: etl.batch_size,
etl.batch_timeout, etl.max_inflight_bytes, stage.max_partition_bytes and
stage.max_attempts; other changes need a restart.`,
		Example: `  helios-etl stage --config /etc/helios-etl/clean-orders.toml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(path)
			if err == nil {
				err = cfg.Require("kafka.brokers", "stage.name", "stage.inputs", "stage.output", "stage.transforms")
			}
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			return runStage(cmd.Context(), path, cfg, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&path, "config", "", "configuration file (TOML)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// stageConfig maps the configuration file to the runtime's Config.
func stageConfig(cfg *config.Config) stage.Config {
	s := cfg.Stage
	mode := stage.ExactlyOnce
	if s.Delivery == config.DeliveryAtLeastOnce {
		mode = stage.AtLeastOnce
	}
	id := s.InstanceID
	if id == "" {
		id = defaultInstanceID(cfg.State.Dir)
	}
	return stage.Config{
		Name:                  s.Name,
		Inputs:                s.Inputs,
		Output:                s.Output,
		DLQTopic:              s.Name + cfg.ETL.DLQTopicSuffix,
		ChangelogTopic:        s.Name + cfg.State.ChangelogTopicSuffix,
		InstanceID:            id,
		TransactionalIDPrefix: cfg.Kafka.TransactionalIDPrefix,
		Mode:                  mode,
		Format:                s.Format,
		EnvelopeSchemas:       s.EnvelopeSchemas,
		Live:                  stageLive(cfg),
		TransactionTimeout:    time.Duration(s.TransactionTimeout),
		RestoreTimeout:        time.Duration(s.RestoreTimeout),
		SessionTimeout:        time.Duration(s.SessionTimeout),
		DrainTimeout:          time.Duration(cfg.Server.ShutdownTimeout) * 3 / 4,
		Partitions:            int32(cfg.Kafka.TopicPartitions),
		ReplicationFactor:     int16(cfg.Kafka.TopicReplicationFactor),
	}
}

// defaultInstanceID names an instance by its host and its state directory:
// stable across restarts, and distinct for instances that share a host
// (each needs its own state.dir).
func defaultInstanceID(stateDir string) string {
	host, _ := os.Hostname()
	if abs, err := filepath.Abs(stateDir); err == nil {
		stateDir = abs
	}
	h := fnv.New32a()
	h.Write([]byte(stateDir))
	return fmt.Sprintf("%s-%08x", host, h.Sum32())
}

// stageLive is the part of the configuration SIGHUP can change.
func stageLive(cfg *config.Config) stage.Live {
	return stage.Live{
		BatchSize:        cfg.ETL.BatchSize,
		BatchBytes:       cfg.ETL.MaxInflightBytes,
		BatchTimeout:     time.Duration(cfg.ETL.BatchTimeout),
		MaxInflightBytes: cfg.Stage.MaxPartitionBytes,
		MaxAttempts:      cfg.Stage.MaxAttempts,
	}
}

// buildChain parses the transforms of [stage]; the quality transform gets
// the [quality] table, its metrics on reg and the logger. With
// security.mask_fields, a mask transform runs first, so that no other
// transform (nor its log lines and dead-letter reasons) sees the raw
// values.
func buildChain(cfg *config.Config, reg prometheus.Registerer, log *slog.Logger) ([]stage.Transform, error) {
	specs := cfg.Stage.Transforms
	opts := ops.Options{Quality: cfg.Quality.Transform(cfg.Stage.Name), MaskKey: []byte(cfg.Security.MaskKey)}
	opts.Quality.Logger = log
	for _, spec := range specs {
		if name, _, _ := strings.Cut(strings.TrimSpace(spec), " "); name == "quality" && opts.Quality.Metrics == nil {
			m, err := quality.NewMetrics(reg)
			if err != nil {
				return nil, fmt.Errorf("register quality metrics: %w", err)
			}
			opts.Quality.Metrics = m
		}
	}
	chain := make([]stage.Transform, 0, len(specs)+1)
	if m, err := securityMasker(cfg.Security); err != nil {
		return nil, err
	} else if m != nil {
		chain = append(chain, m)
	}
	for i, spec := range specs {
		t, err := opts.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("stage.transforms[%d]: %w", i, err)
		}
		chain = append(chain, t)
	}
	return chain, nil
}

// securityMasker returns the mask transform of security.mask_fields, or
// nil when the list is empty.
func securityMasker(sec config.Security) (*ops.Mask, error) {
	rules, err := maskRules(sec)
	if err != nil || rules == nil {
		return nil, err
	}
	m, err := ops.NewMask(rules, []byte(sec.MaskKey))
	if err != nil {
		return nil, fmt.Errorf("security.mask_fields: %w", err)
	}
	return m, nil
}

// maskRules parses security.mask_fields; nil when it is empty.
func maskRules(sec config.Security) ([]mask.Rule, error) {
	var rules []mask.Rule
	for i, f := range sec.MaskFields {
		r, err := mask.ParseRule(f)
		if err != nil {
			return nil, fmt.Errorf("security.mask_fields[%d]: %w", i, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// runStage runs the stage until ctx is done, serving metrics, and reloads
// the live settings on SIGHUP.
func runStage(ctx context.Context, path string, cfg *config.Config, stderr io.Writer) error {
	log := newLogger(cfg.Monitoring, stderr)
	reg := newRegistry()
	kopts, err := kafkaOpts(cfg.Kafka)
	if err != nil {
		return err
	}
	chain, err := buildChain(cfg, reg, log)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.State.Dir, 0o750); err != nil {
		return fmt.Errorf("state.dir: %w", err)
	}
	db, err := state.Open(cfg.State.Dir, state.Options{Logger: log})
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close state", "err", err)
		}
	}()
	if err := reg.Register(state.NewCollector(db, nil)); err != nil {
		return fmt.Errorf("register state metrics: %w", err)
	}
	scfg := stageConfig(cfg)
	st, err := stage.New(scfg, chain, stage.Deps{Kafka: kopts, State: db, Logger: log, Registerer: reg})
	if err != nil {
		return err
	}
	// SIGHUP is relayed from here on: one sent once "stage starting" is
	// logged is never missed.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	log.Info("stage starting", "stage", scfg.Name, "inputs", scfg.Inputs, "output", scfg.Output,
		"mode", scfg.Mode, "instance", scfg.InstanceID, "transforms", cfg.Stage.Transforms,
		"mask_fields", cfg.Security.MaskFields)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return serveMetrics(gctx, cfg.Monitoring.MetricsAddr, reg, log) })
	g.Go(func() error { reloadOnHUP(gctx, hup, path, cfg, st, log); return nil })
	g.Go(func() error {
		err := st.Run(gctx)
		if err == nil && ctx.Err() == nil {
			// Run stopped because another goroutine failed; that error wins.
			return nil
		}
		if err != nil {
			return err
		}
		return context.Cause(ctx)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// reloadOnHUP reloads the configuration file on each signal from hup and
// applies its live settings, until ctx is done.
func reloadOnHUP(ctx context.Context, hup <-chan os.Signal, path string, cur *config.Config, st *stage.Stage, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, err := config.Load(path)
		if err != nil {
			log.Error("SIGHUP: configuration not reloaded", "err", err)
			continue
		}
		live := stageLive(cfg)
		if err := st.Reload(live); err != nil {
			log.Error("SIGHUP: live settings not applied", "err", err)
			continue
		}
		log.Info("SIGHUP: live settings applied", "batch_size", live.BatchSize, "batch_bytes", live.BatchBytes,
			"batch_timeout", live.BatchTimeout.String(), "max_partition_bytes", live.MaxInflightBytes, "max_attempts", live.MaxAttempts)
		old, next := stageConfig(cur), stageConfig(cfg)
		old.Live, next.Live = stage.Live{}, stage.Live{}
		if fmt.Sprint(old) != fmt.Sprint(next) || fmt.Sprint(cur.Stage.Transforms) != fmt.Sprint(cfg.Stage.Transforms) {
			log.Warn("SIGHUP: settings other than batching, partition bytes and attempts changed; they apply after a restart")
		}
	}
}
