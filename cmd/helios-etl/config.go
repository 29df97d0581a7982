package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/heliosdb/helios-etl/cmd/helios-etl/internal/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check a configuration file, or print the commented example",
		Long: `The configuration is one TOML file; see deploy/helios-etl.example.toml or run
"helios-etl config example" for every key, its default and what it does.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newConfigCheckCmd(), newConfigExampleCmd())
	return cmd
}

func newConfigCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Check a configuration file and print the effective configuration",
		Long: `Check reads FILE ("-" for standard input), expands ${VAR} references from
the environment and checks the syntax, the keys, the types and the values.

If anything is wrong, it prints every problem on its own line to standard
error, as file:line:column: key: message (hint), and exits with status 2.
Otherwise it prints the effective configuration to standard output, as TOML
with every default filled in and the secrets redacted.

Keys that only some commands need, such as kafka.brokers, may be empty here:
those commands check for them when they start.`,
		Example: `  helios-etl config check /etc/helios-etl/etl-config.toml
  KAFKA_PASSWORD=s3cret helios-etl config check etl-config.toml
  helios-etl config example | helios-etl config check -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd.InOrStdin(), args[0])
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			w := cmd.OutOrStdout()
			if _, err := fmt.Fprintf(w, "# Effective configuration of %s: defaults filled in, secrets redacted.\n\n", args[0]); err != nil {
				return err
			}
			return cfg.Redacted().Encode(w)
		},
	}
}

// loadConfig loads the configuration file at path, or from stdin when path
// is "-".
func loadConfig(stdin io.Reader, path string) (*config.Config, error) {
	if path != "-" {
		return config.Load(path)
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	return config.Parse("<stdin>", data, os.LookupEnv)
}

func newConfigExampleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "example",
		Short: "Print the commented example configuration: every key, its default and what it does",
		Example: `  helios-etl config example > etl-config.toml
  helios-etl config check etl-config.toml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(config.Example())
			return err
		},
	}
}
