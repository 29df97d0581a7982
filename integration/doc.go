// Package integration holds the end-to-end tests of helios-etl that run against
// real services: a PostgreSQL cluster with wal_level=logical and an Apache Kafka
// broker, and later Kafka Connect with Debezium. It has no non-test code.
//
// # Services
//
// The tests find the services through environment variables:
//
//	HELIOS_TEST_PG_DSN         postgres://helios:helios@127.0.0.1:54329/helios?sslmode=disable
//	HELIOS_TEST_KAFKA_BROKERS  127.0.0.1:19092 (comma-separated seed brokers)
//	HELIOS_TEST_CONNECT_URL    http://127.0.0.1:18083 (only when Connect runs)
//
// A test whose variable is unset skips with a one-line reason. `make test` starts
// the services with deploy/dev/services.sh and sets the variables, so nothing
// skips there (or in CI):
//
//	make test
//	# or, by hand:
//	deploy/dev/services.sh up
//	env $(deploy/dev/services.sh env) go test -race ./integration/
//
// Tests create uniquely named topics, tables, publications and slots and remove
// them when they finish, so they can run in parallel with each other and with
// other users of the same services.
package integration
