# helios-etl: `make` with no target prints this usage.
SHELL := /bin/bash
GO ?= go
SERVICES := deploy/dev/services.sh
# What `make services` (and so `make test`) starts besides PostgreSQL and Kafka:
# --connect adds Kafka Connect with Debezium; `make test SERVICES_ARGS=` skips it
# (the tests that need it then skip and say so).
SERVICES_ARGS ?= --connect
# staticcheck 2026.2.2 (module v0.8.2), for Go 1.26; the tag 2025.1.1 does not resolve
# through the Go module proxy ("This module version is not available").
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The services script prints the environment the tests need (HELIOS_TEST_*).
TEST_ENV = $$($(SERVICES) env)

.DEFAULT_GOAL := help

.PHONY: help
help: ## print this usage
	@echo "helios-etl make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

.PHONY: build
build: ## build bin/helios-etl
	$(GO) build -o bin/helios-etl ./cmd/helios-etl

.PHONY: services
services: ## install (if missing) and start PostgreSQL, Kafka and Kafka Connect for development and tests; idempotent
	$(SERVICES) up $(SERVICES_ARGS)

.PHONY: services-down
services-down: ## stop the development services (data folders are kept)
	$(SERVICES) down

.PHONY: services-status
services-status: ## show which development services run, with their ports, data and logs
	$(SERVICES) status

.PHONY: test
test: services ## start the services, then run every test with -race against them
	env $(TEST_ENV) $(GO) test -race -count=1 -timeout 15m ./...

.PHONY: unit
unit: ## fast tests only: no services needed, integration tests skip and say why
	$(GO) test -count=1 ./...

.PHONY: lint
lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

.PHONY: fmt
fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

.PHONY: bench
bench: ## Go benchmarks of the hot paths (figures go in README and issue notes)
	$(GO) test -run '^$$' -bench . -benchmem ./schemas/...
	$(GO) test -run '^$$' -bench Stage -benchtime 200000x ./transform/stage/
