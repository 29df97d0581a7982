package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
)

// Environment variables naming the services under test; see the package doc.
const (
	envPGDSN        = "HELIOS_TEST_PG_DSN"
	envKafkaBrokers = "HELIOS_TEST_KAFKA_BROKERS"
	envConnectURL   = "HELIOS_TEST_CONNECT_URL"
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
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		t.Skipf("%s is unset, so there is no %s to test against (make test starts the services and sets it)", key, what)
	}
	return v
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
func uniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
