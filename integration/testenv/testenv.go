// Package testenv gives tests the real services `make test` starts
// (deploy/dev/services.sh): the variables that name them, unique names, and
// a PostgreSQL schema of a test's own, with the replication slot,
// publication and Kafka topics of the same name removed after the test.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The variables `make test` sets to the services under test.
const (
	PGDSN        = "HELIOS_TEST_PG_DSN"
	KafkaBrokers = "HELIOS_TEST_KAFKA_BROKERS"
	ConnectURL   = "HELIOS_TEST_CONNECT_URL"
)

// Require returns the variable key, or skips t when it is unset: there is
// then no such service (what) to test against.
func Require(t testing.TB, key, what string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		t.Skipf("%s is unset, so there is no %s to test against (make test starts the services and sets it)", key, what)
	}
	return v
}

// UniqueName returns prefix and 12 random hex digits: a name (schema,
// slot, topic, group) no other test run uses.
func UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// Schema is one test's own schema in PostgreSQL; Name is also the name of
// its replication slot, its publication and the prefix of its topics.
type Schema struct {
	DSN     string
	Brokers []string
	Conn    *pgx.Conn
	Name    string
	t       testing.TB
}

// NewSchema creates a schema named after prefix. When t ends it ends the
// slot's replication connection, drops the slot, the publication and the
// schema, and deletes the topics whose names start with Name + ".".
func NewSchema(t testing.TB, prefix string) *Schema {
	t.Helper()
	s := &Schema{DSN: Require(t, PGDSN, "PostgreSQL"), Brokers: strings.Split(Require(t, KafkaBrokers, "Kafka broker"), ","),
		Name: UniqueName(prefix), t: t}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	s.Conn = conn
	s.Exec("CREATE SCHEMA " + s.Name)
	t.Cleanup(s.drop)
	return s
}

func (s *Schema) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = s.Conn.Exec(ctx, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active", s.Name)
	time.Sleep(200 * time.Millisecond)
	_, _ = s.Conn.Exec(ctx, "SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1", s.Name)
	_, _ = s.Conn.Exec(ctx, "DROP PUBLICATION IF EXISTS "+s.Name)
	_, _ = s.Conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+s.Name+" CASCADE")
	s.Conn.Close(ctx)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.Brokers...))
	if err != nil {
		return
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		return
	}
	var mine []string
	for _, n := range topics.Names() {
		if strings.HasPrefix(n, s.Name+".") {
			mine = append(mine, n)
		}
	}
	_, _ = adm.DeleteTopics(ctx, mine...)
}

// Exec runs sql (with args) on the schema's connection, or fails the test.
func (s *Schema) Exec(sql string, args ...any) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Conn.Exec(ctx, sql, args...); err != nil {
		s.t.Fatalf("%s: %v", sql, err)
	}
}
