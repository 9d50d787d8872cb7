# Kehu: `make run` serves the demo company, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KEHU := $(BIN)/kehu
DATA_DIR := $(or $(KEHU_DATA_DIR),var)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kehu
# The browser tests that also run on PostgreSQL: the whole way from a lead to cash.
PG_BROWSER_TESTS := tests/e2e/test_lead_to_cash.py
SYSTEM_PACKAGES := chromium fonts-noto-cjk gettext

.PHONY: run test test-sqlite test-postgres test-replica bench lint format install install-test system-packages messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# The installation's own secret key, made once and kept with its data (see settings.py).
$(DATA_DIR)/secret_key:
	mkdir -p $(DATA_DIR)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Translations are compiled from the committed .po files, never committed compiled.
messages: | $(BIN)/python
	cd src/kehu && ../../$(KEHU) manage compilemessages -v0

install: $(VENV)/.installed node_modules/.package-lock.json $(DATA_DIR)/secret_key messages

install-test: $(VENV)/.installed-test node_modules/.package-lock.json $(DATA_DIR)/secret_key messages

# Debian packages the browser tests and Chinese screenshots need; installed when missing and root.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages:$$missing (browser tests will be skipped)"; fi; \
	fi

run: install
	$(KEHU) migrate
	$(KEHU) demo
	@echo ""
	@echo "  Kehu is at http://$(HOST):$(PORT)/"
	@echo "  Log in as admin / kehu-demo-2026 (or manager liming, salesperson zhaolei: same password)"
	@echo ""
	$(KEHU) serve --host $(HOST) --port $(PORT)

test: system-packages install-test
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-replica

test-sqlite:
	@echo "== tests on SQLite (with the browser tests)"
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== tests on PostgreSQL ($(PG_TEST_URL))"; \
	  DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -m "not e2e" && \
	  DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q $(PG_BROWSER_TESTS); \
	elif [ -n "$$CI" ]; then \
	  echo "PostgreSQL is not reachable at $(PG_TEST_URL), and CI must test on it"; exit 1; \
	else \
	  echo "SKIPPED: the PostgreSQL tests: no server at $(PG_TEST_URL)"; \
	fi

# Reads from a replica, against a primary and a streaming replica of the tests' own.
test-replica:
	@pair=/tmp/kehu-postgres-pair-$$$$; \
	if ! command -v pg_basebackup >/dev/null || ! urls=$$(scripts/postgres-pair start $$pair); then \
	  scripts/postgres-pair stop $$pair; \
	  if [ -n "$$CI" ]; then echo "No PostgreSQL primary and replica could be started, and CI must test on them"; exit 1; fi; \
	  echo "SKIPPED: reads from a replica: no PostgreSQL primary and replica could be started"; exit 0; \
	fi; \
	echo "== reads from a replica (a primary and a streaming replica started for the tests)"; \
	env $$urls $(BIN)/pytest -q tests/core/test_replica.py; status=$$?; \
	scripts/postgres-pair stop $$pair; exit $$status

bench: install-test
	$(BIN)/python -m bench

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var/static
