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
# RACE: auto (-race when cgo works, else without it and a notice), on, off.
RACE     ?= auto
SOAK_DURATION ?= 2m
SOAK_TIMEOUT ?= 30m
SOAK_FLAGS ?=
SLO      ?= p99=50ms
CAPACITY_FLAGS ?=

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
test: ## Run every test under the race detector (without it, and saying so, where cgo is off: no C compiler).
	@case "$(RACE)" in \
	on) race=-race ;; \
	off) race= ;; \
	auto) if [ "$$($(GO) env CGO_ENABLED)" = 1 ]; then race=-race; else race=; \
		echo "make test: cgo is off (no C compiler found), so the tests run WITHOUT the race detector; install gcc for -race"; fi ;; \
	*) echo "make test: RACE=$(RACE); must be auto, on or off" >&2; exit 2 ;; \
	esac; \
	echo "$(GO) test $$race -count=1 ./..."; \
	$(GO) test $$race -count=1 ./...

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

.PHONY: e2e-browser
e2e-browser: ## Smoke sweeps' report and compare.html in headless Chromium: offline, no console errors, marks in every chart; screenshots in artifacts/browser.
	scripts/e2e/browser.sh artifacts/browser

.PHONY: multi-client
multi-client: ## Two clients in lock-step (sweep --start-at) against one local server, merged; checks merged tasks/s = sum of the clients' within 1% (about 40 s).
	scripts/multi-client.sh

.PHONY: bench-client
bench-client: ## Client targets with the real binary: open loop at 5000/s (< 1% late), RSS of 60 s vs 10 s (≤ 1.2×).
	scripts/bench-client.sh

.PHONY: flood
flood: ## Issue 13's flood with the real binary: health p99, refusal latency, completions, peak server RSS (exits 1 on a missed target).
	scripts/flood.sh

.PHONY: serve
serve: build ## Run the server on 127.0.0.1:50051.
	$(BIN) serve

.PHONY: bench-report
bench-report: build ## Sweep MATRIX (default|smoke|shared|libraries|FILE) against TARGET (or a local server) and write the report.
	@status=0; dir="$$($(BIN) sweep --matrix $(MATRIX) --reports $(REPORTS) $(if $(TARGET),--target $(TARGET)) | tail -n 1)" || status=$$?; \
	if [ -z "$$dir" ] || [ ! -s "$$dir/results.csv" ]; then echo "bench-report: no results written" >&2; exit 1; fi; \
	echo "results: $$dir"; \
	$(BIN) report "$$dir" | tail -n 1; \
	exit $$status

.PHONY: capacity
capacity: build ## Capacity of every strategy × cpu and mixed under SLO (default p99=50ms) against TARGET (or a local server): capacity.csv and capacity.html, at most 8.6 min.
	@# Worst case: 10 cells × 16 probes × (0.2 s warm-up + 1 s measured + 2 s drain within the RPC timeout) = 512 s.
	@status=0; dir="$$($(BIN) capacity --matrix capacity --slo $(SLO) --start 25 --max-rate 100000 --max-probes 16 \
		--warmup 200ms --duration 1s --timeout 2s --reports $(REPORTS) $(if $(TARGET),--target $(TARGET)) $(CAPACITY_FLAGS) | tee /dev/stderr | tail -n 1)" || status=$$?; \
	if [ -z "$$dir" ] || [ ! -s "$$dir/capacity.csv" ]; then echo "capacity: no capacity.csv written" >&2; exit 1; fi; \
	echo "capacity: $$dir/capacity.html"; \
	exit $$status
