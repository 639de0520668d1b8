# stratbench — run `make help` for the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
TOOL     := $(GO) tool -modfile=tools/go.mod
BIN      := bin/stratbench
MATRIX   ?= default
TARGET   ?=
REPORTS  ?= reports
BENCHTIME ?= 1s
FUZZTIME ?= 10s
SOAK_DURATION ?= 2m
SOAK_TIMEOUT ?= 30m
SOAK_FLAGS ?=

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/stratbench.
	$(GO) build -o $(BIN) ./cmd/stratbench

.PHONY: generate
generate: ## Regenerate the Go code of proto/ with buf (offline, local plugins).
	$(TOOL) buf generate

.PHONY: check-generated
check-generated: generate ## Fail if the committed generated code is stale.
	@if [ -n "$$(git status --porcelain -- proto)" ]; then \
		echo "generated code in proto/ is stale; run 'make generate' and commit:"; \
		git status --porcelain -- proto; git diff --stat -- proto; exit 1; fi

.PHONY: lint
lint: ## buf lint, go vet, gofmt and staticcheck.
	$(TOOL) buf lint
	$(GO) vet ./...
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(TOOL) staticcheck ./...

.PHONY: test
test: ## Run every test under the race detector.
	$(GO) test -race -count=1 ./...

.PHONY: fuzz
fuzz: ## Run every fuzz target (found by go test -list) for FUZZTIME (default 10s) each.
	GO="$(GO)" FUZZTIME="$(FUZZTIME)" scripts/fuzz.sh

.PHONY: soak
soak: ## SOAK_DURATION (default 2m) of mixed load on loopback, then goroutines and heap back at baseline (SOAK_FLAGS=-race to add the race detector).
	SOAK_DURATION=$(SOAK_DURATION) $(GO) test $(SOAK_FLAGS) -run '^TestSoak$$' -count=1 -v -timeout $(SOAK_TIMEOUT) ./cmd/stratbench/

.PHONY: bench
bench: ## Go benchmarks (benchstat-readable) into bench.txt.
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./strategies/ ./workload/ ./results/... ./client/... | tee bench.txt

.PHONY: e2e
e2e: ## Render a real sweep's report in headless Chromium (apt-get install chromium first; skipped without it).
	bash scripts/e2e/report.sh

.PHONY: bench-client
bench-client: ## Client targets with the real binary: open loop at 5000/s (< 1% late), RSS of 60 s vs 10 s (≤ 1.2×).
	scripts/bench-client.sh

.PHONY: serve
serve: build ## Run the server on 127.0.0.1:50051.
	$(BIN) serve

.PHONY: bench-report
bench-report: build ## Sweep MATRIX (default|smoke|shared|FILE) against TARGET (or a local server) and write the report.
	@status=0; dir="$$($(BIN) sweep --matrix $(MATRIX) --reports $(REPORTS) $(if $(TARGET),--target $(TARGET)) | tail -n 1)" || status=$$?; \
	if [ -z "$$dir" ] || [ ! -s "$$dir/results.csv" ]; then echo "bench-report: no results written" >&2; exit 1; fi; \
	echo "results: $$dir"; \
	$(BIN) report "$$dir" | tail -n 1; \
	exit $$status
