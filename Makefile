# Lead-scoring warehouse. Every target creates/uses .venv by itself.
#   make build   - install, generate the demo data, dbt build, print what was built
#   make test    - everything CI checks: ruff, pytest, sqlfluff, dbt build on fixtures, report check
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Demo data (make build). Override on the command line, e.g. make build CONTACTS=50000
CONTACTS ?= 5000
SEED ?= 42
RAW_DIR ?= data/demo
# Pin the scoring date for reproducible figures, e.g. make build AS_OF=2026-06-30
# (default: the demo data ends today and scores are computed as of now).
AS_OF ?=
DEMO_AS_OF := $(if $(AS_OF),--as-of $(AS_OF),)
export LEAD_SCORING_DB ?= warehouse/lead_scoring.duckdb

# Fixtures (make test): small, seeded and pinned to a fixed date so results are reproducible.
FIXTURE_DIR := build/fixtures/raw
FIXTURE_DB := build/fixtures/lead_scoring_ci.duckdb
FIXTURE_AS_OF := 2026-06-30
FIXTURE_CONTACTS := 3000
# CI: score-quality tests (band order, AUC, lift, calibration) fail the build instead of warning.
FIXTURE_VARS := {"score_quality_severity": "error"}

DBT := $(BIN)/dbt
DBT_FLAGS := --profiles-dir . --project-dir .

.PHONY: help venv build demo-data dbt-build summary evaluate bank test lint format pytest dbt-test-fixtures report report-fixtures preview docs clean lock

help:
	@echo "make build   install, generate demo data ($(CONTACTS) contacts), dbt build, print results"
	@echo "make test    ruff + pytest + sqlfluff + dbt build on seeded fixtures + report check (what CI runs)"
	@echo "make lint    ruff and sqlfluff only"
	@echo "make format  ruff format + sqlfluff fix"
	@echo "make evaluate  backtest: score as of 90 days ago, conversion by tier/label/matrix since"
	@echo "make bank    flat-CSV import of ../shared bank-marketing data, build, model card"
	@echo "make report  HTML report of score performance, calibration, lift and drift ($(REPORT_DIR)/index.html)"
	@echo "make preview CANDIDATE=dir  compare a candidate rule set with the published one (docs/preview.md)"
	@echo "make docs    dbt docs generate (open target/index.html)"
	@echo "make clean   remove .venv, build outputs and the warehouse"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo-data: $(STAMP)
	$(BIN)/python -m lead_scoring.demo --contacts $(CONTACTS) --seed $(SEED) $(DEMO_AS_OF) --out $(RAW_DIR)

# dbt-build = python -m lead_scoring.refresh: builds into a copy of the warehouse
# (<name>.building.duckdb) and swaps it in atomically once every step passed, so readers never
# see a half-built warehouse. First it scores the data as of OUTCOME_DAYS before its end when
# the history has no snapshot that old (a backfill), so that score_outcomes, the performance
# marts and the score-quality tests have conversions to judge the scores by.
OUTCOME_DAYS ?= 90
REFRESH_AS_OF := $(if $(AS_OF),--as-of $(AS_OF) --history-end $(AS_OF),)

dbt-build: $(STAMP)
	$(BIN)/python -m lead_scoring.refresh --raw $(RAW_DIR) --db $(LEAD_SCORING_DB) \
		--history-days $(OUTCOME_DAYS) $(REFRESH_AS_OF)

summary: $(STAMP)
	$(BIN)/python -m lead_scoring.summary --db $(LEAD_SCORING_DB)

build: demo-data dbt-build summary

# Bring-your-own flat data, shown on the UCI bank-marketing file (duration dropped: it leaks
# the outcome). Any CSV of leads works the same way: see README "Flat files".
BANK_CSV ?= ../shared/data/bank_marketing/bank-full.csv
BANK_DIR := data/bank
BANK_DB := warehouse/bank.duckdb

bank: $(STAMP)
	$(BIN)/python -m lead_scoring.flat_import $(BANK_CSV) --sep ';' --outcome-column y \
		--positive-value yes --drop duration --month-column month --day-column day \
		--start-year 2008 --out $(BANK_DIR)
	@mkdir -p $(dir $(BANK_DB))
	LEAD_SCORING_RAW_DIR=$(BANK_DIR) LEAD_SCORING_DB=$(BANK_DB) $(DBT) build $(DBT_FLAGS) \
		--vars "{as_of: '$$($(BIN)/python -c "import json; print(json.load(open('$(BANK_DIR)/_manifest.json'))['as_of'])")'}"
	$(BIN)/python -m lead_scoring.summary --db $(BANK_DB) --limit 5

evaluate: $(STAMP)
	$(BIN)/python -m lead_scoring.evaluate --raw $(RAW_DIR) --warehouse $(LEAD_SCORING_DB)

# Report: a self-contained HTML page from the monitoring marts, then a render check (every
# chart has points; a headless-Chromium screenshot when Chromium is installed).
REPORT_DIR ?= build/report

report: $(STAMP)
	$(BIN)/python -m lead_scoring.report --db $(LEAD_SCORING_DB) --out $(REPORT_DIR)/index.html
	$(BIN)/python -m lead_scoring.report.check $(REPORT_DIR)/index.html --screenshot $(REPORT_DIR)/index.png

# Preview a candidate rule set (a folder of changed seeds/scoring/*.csv) against the published
# one on the same data: distributions, tier migration, conversion by band and AUC. Writes
# build/preview/preview.md; the warehouse is not touched. See docs/preview.md.
CANDIDATE ?=
preview: $(STAMP)
	@test -n "$(CANDIDATE)" || { echo "usage: make preview CANDIDATE=dir [RAW_DIR=...] [AS_OF=...]"; exit 2; }
	$(BIN)/python -m lead_scoring.preview --candidate $(CANDIDATE) --raw $(RAW_DIR) \
		$(if $(AS_OF),--as-of $(AS_OF),) --out build/preview

lint: $(STAMP)
	$(BIN)/ruff check python tests models
	$(BIN)/ruff format --check python tests models
	$(BIN)/sqlfluff lint models macros tests --dialect duckdb

format: $(STAMP)
	$(BIN)/ruff format python tests models
	$(BIN)/ruff check --fix python tests models
	$(BIN)/sqlfluff fix models macros tests --dialect duckdb

pytest: $(STAMP)
	$(BIN)/pytest -q

dbt-test-fixtures: $(STAMP)
	rm -rf $(dir $(FIXTURE_DB)) && mkdir -p $(FIXTURE_DIR)
	$(BIN)/python -m lead_scoring.demo --contacts $(FIXTURE_CONTACTS) --seed 7 --as-of $(FIXTURE_AS_OF) \
		--out $(FIXTURE_DIR)
	$(BIN)/python -m lead_scoring.refresh --raw $(FIXTURE_DIR) --db $(FIXTURE_DB) --target ci \
		--as-of $(FIXTURE_AS_OF) --history-days $(OUTCOME_DAYS) --vars '$(FIXTURE_VARS)'

# The report of the fixture warehouse must render with every chart (Chromium required in CI).
report-fixtures: $(STAMP)
	$(BIN)/python -m lead_scoring.report --db $(FIXTURE_DB) --out build/fixtures/report/index.html
	$(BIN)/python -m lead_scoring.report.check build/fixtures/report/index.html \
		--screenshot build/fixtures/report/index.png $(if $(CI),--require-chromium,)

test: lint pytest dbt-test-fixtures report-fixtures
	@echo "make test: all checks passed"

docs: $(STAMP)
	LEAD_SCORING_RAW_DIR=$(RAW_DIR) $(DBT) docs generate $(DBT_FLAGS)
	@echo "Docs written to target/index.html (serve with: $(DBT) docs serve $(DBT_FLAGS))"

lock:
	rm -rf /tmp/lead-scoring-lock && $(PYTHON) -m venv /tmp/lead-scoring-lock
	/tmp/lead-scoring-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Fully pinned environment (pip freeze of a clean install). Regenerate with: make lock"; \
	  echo "# Direct dependencies and their allowed ranges are in requirements.in."; \
	  /tmp/lead-scoring-lock/bin/pip freeze; } > requirements.txt

clean:
	rm -rf $(VENV) build target logs dbt_packages warehouse data/demo data/bank
