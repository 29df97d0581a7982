# helios-etl: `make` with no target prints this usage.
SHELL := /bin/bash
GO ?= go
SERVICES := deploy/dev/services.sh
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
services: ## install (if missing) and start PostgreSQL and Kafka for development and tests; idempotent
	$(SERVICES) up

.PHONY: services-down
services-down: ## stop the development services (data folders are kept)
	$(SERVICES) down

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
	$(GO) run honnef.co/go/tools/cmd/staticcheck@2025.1.1 ./...

.PHONY: fmt
fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

.PHONY: bench
bench: ## Go benchmarks of the hot paths (figures go in README and issue notes)
	$(GO) test -run '^$$' -bench . -benchmem ./schemas/...

.PHONY: eval eval-quality eval-quality-gen bench-quality
eval: eval-quality
eval-quality: ## data-quality eval: per-kind recall/precision/kind accuracy on tuning and held-out datasets, beside a naive |z|>3 baseline
	$(GO) run ./transform/quality/internal/eval/cmd/quality-eval -data transform/quality/testdata/eval

bench-quality: ## data-quality benchmarks (profiling throughput per row under GOMAXPROCS=1, memory vs rows)
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem ./transform/anomaly ./transform/quality

eval-quality-gen: ## regenerate the labelled data-quality datasets (deterministic), then evaluate
	$(GO) run ./transform/quality/internal/eval/cmd/quality-eval -data transform/quality/testdata/eval -gen
