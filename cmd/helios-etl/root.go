package main

import (
	"github.com/spf13/cobra"
)

// newRootCmd builds the whole command tree. Each subcommand lives in its own
// file and is added here, so this list is the table of contents of the CLI.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "helios-etl",
		Short: "Kafka-native change-data capture and ETL",
		Long: `helios-etl captures changes from PostgreSQL logical replication and from
Debezium topics, runs them through consumer-group stages that map, clean and
score records, and loads Kafka topics (JSON or Avro) and PostgreSQL tables.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(),
		newConfigCmd(),
		newCDCCmd(),
		newDemoCmd(),
		newBenchCmd(),
		newSchemaCmd(),
		newStageCmd(),
		newQualityCmd(),
		newSinkCmd(),
		newDebeziumCmd(),
	)
	return root
}
