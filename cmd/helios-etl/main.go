// Command helios-etl is the one binary of helios-etl: change-data capture from
// PostgreSQL and Debezium topics into Kafka, with stages that map, clean, score
// and load the changes.
//
// main only wires things together: it builds the command tree, and each
// subcommand loads its configuration, builds its components and runs them.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGHUP must not end a process (a service manager's reload sends it):
	// stage reloads on it (its own signal.Notify undoes this), the other
	// commands have nothing to reload.
	signal.Ignore(syscall.SIGHUP)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCmd().ExecuteContext(ctx)
	if err == nil {
		return
	}
	var ee exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "helios-etl:", err)
	os.Exit(1)
}

// exitError asks main for a specific exit code; its message has already been
// printed by the command that returned it.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
