package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heliosdb/helios-etl/integration/testenv"
)

// Environment variables naming the services under test; see the package doc.
const (
	envPGDSN        = testenv.PGDSN
	envKafkaBrokers = testenv.KafkaBrokers
	envConnectURL   = testenv.ConnectURL
)

// pgDSN returns the PostgreSQL connection string under test, or skips t.
func pgDSN(t testing.TB) string {
	t.Helper()
	return requireEnv(t, envPGDSN, "PostgreSQL")
}

// kafkaBrokers returns the seed brokers of the Kafka cluster under test, or skips t.
func kafkaBrokers(t testing.TB) []string {
	t.Helper()
	return strings.Split(requireEnv(t, envKafkaBrokers, "Kafka broker"), ",")
}

// connectURL returns the base URL of the Kafka Connect REST API under test, or skips t.
func connectURL(t testing.TB) string {
	t.Helper()
	return strings.TrimRight(requireEnv(t, envConnectURL, "Kafka Connect worker"), "/")
}

// requireEnv returns the value of key, or skips t with a one-line reason.
func requireEnv(t testing.TB, key, what string) string {
	t.Helper()
	return testenv.Require(t, key, what)
}

// testContext returns a context that ends after d or when t finishes.
func testContext(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// uniqueName returns prefix followed by a random suffix, for topics, tables,
// slots and transactional IDs that must not collide with other tests or users
// of the same services. It uses only [a-z0-9_], which is valid everywhere.
func uniqueName(prefix string) string { return testenv.UniqueName(prefix) }
