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

.PHONY: demo
demo: ## start the dev PostgreSQL, then stream a small workload into an embedded development broker and show it
	$(SERVICES) up
	$(GO) run ./cmd/helios-etl demo

.PHONY: unit
unit: ## fast tests only: no services needed, integration tests skip and say why
	$(GO) test -count=1 ./...

.PHONY: lint
lint: ## gofmt, go vet, staticcheck, and shellcheck on deploy/dev when installed
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@if command -v shellcheck >/dev/null; then echo "shellcheck -x deploy/dev/services.sh"; shellcheck -x deploy/dev/services.sh; \
	else echo "lint: shellcheck is not installed (apt-get install -y shellcheck): deploy/dev scripts not checked"; fi

.PHONY: fmt
fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

.PHONY: bench
bench: ## Go benchmarks of the hot paths (figures go in README and issue notes)
	$(GO) test -run '^$$' -bench . -benchmem ./schemas/...
	$(GO) test -run '^$$' -bench Stage -benchtime 200000x ./transform/stage/

.PHONY: bench-sink
bench-sink: services ## rows/s applied into PostgreSQL by emit/pgsink beside a plain COPY of the same rows
	env $(TEST_ENV) $(GO) test -run '^$$' -bench SinkVsCopy -benchtime 4x ./emit/pgsink

.PHONY: eval
eval: ## every evaluation against benchmarks and ground truth
eval: eval-schema

.PHONY: eval-schema
eval-schema: ## schema matching: Valentine NYC (../shared/benchmarks or HELIOS_BENCH_DIR) and realistic pairs vs a name-only baseline
	$(GO) test -count=1 -run '^TestEval' -v ./transform/match

.PHONY: bench-schema
bench-schema: ## benchmarks of schema inference (1M x 10) and matching (50 x 50) on one core
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./transform/infer ./transform/match

.PHONY: eval-quality eval-quality-gen bench-quality
eval: eval-quality
eval-quality: ## data-quality eval: per-kind recall/precision/kind accuracy on tuning and held-out datasets, beside a naive |z|>3 baseline
	$(GO) run ./transform/quality/internal/eval/cmd/quality-eval -data transform/quality/testdata/eval

bench-quality: ## data-quality benchmarks (profiling throughput per row under GOMAXPROCS=1, memory vs rows)
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem ./transform/anomaly ./transform/quality

eval-quality-gen: ## regenerate the labelled data-quality datasets (deterministic), then evaluate
	$(GO) run ./transform/quality/internal/eval/cmd/quality-eval -data transform/quality/testdata/eval -gen
