# xinyong: one command each (STYLE.md §18). `make demo` and `make test` are the two set-up
# commands of the README; CI runs `make test` with PostgreSQL required.
SHELL := /bin/bash
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
XY := $(BIN)/xinyong
PG_URL ?= postgres://postgres@127.0.0.1:5432/xinyong
# Set to 1 (CI does) to fail when PostgreSQL is not reachable instead of skipping it.
REQUIRE_POSTGRES ?= 0
PYTEST_ARGS ?=

.PHONY: help install system-deps demo serve worker test test-sqlite test-postgres lint fmt \
        migrations-check fuzz bench messages lock clean audit-deps

help:
	@echo "make demo   - install, migrate, load policy and demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - lint, type check, migrations check, tests on SQLite and PostgreSQL"
	@echo "make lint | fmt | fuzz | bench | messages | lock | clean"

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

system-deps:
	@scripts/system-deps

demo: install
	$(XY) migrate --noinput
	$(XY) policy load
	$(XY) demo
	$(XY) serve

serve: install
	$(XY) serve

worker: install
	$(XY) worker

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	XINYONG_ENV=test $(BIN)/mypy
	$(MAKE) --no-print-directory migrations-check

migrations-check: install
	XINYONG_ENV=test XINYONG_DATABASE_URL=sqlite:///:memory: $(XY) makemigrations --check --dry-run

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# The two databases' runs go side by side (one core each); --output-sync prints each run's
# output whole when it ends, so the logs do not interleave.
test: install system-deps lint audit-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install
	XINYONG_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@if scripts/postgres-up $(if $(filter 1,$(REQUIRE_POSTGRES)),--start,); then \
	  echo "== tests on PostgreSQL ($(PG_URL))"; \
	  XINYONG_ENV=test XINYONG_DATABASE_URL=$(PG_URL) XINYONG_REQUIRE_POSTGRES=$(REQUIRE_POSTGRES) \
	    $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
	  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable" >&2; exit 1; \
	else \
	  echo "== PostgreSQL not reachable: PostgreSQL tests SKIPPED (SQLite passed)"; \
	fi

# Property and fuzz tests with fresh random seeds and 5,000 examples each (docs/decisions/0025).
fuzz: install
	XINYONG_ENV=test HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -p no:cacheprovider \
	  src/xinyong/records/tests/test_files_fuzz.py src/xinyong/core/tests/test_identifiers.py \
	  src/xinyong/workdays/tests/test_calendar.py $(PYTEST_ARGS)

# pip-audit on the locked dependencies; says NOT AUDITED (and does not fail) when the
# vulnerability database is unreachable, unless XINYONG_REQUIRE_PIP_AUDIT=1 (docs/security.md).
audit-deps: install
	$(BIN)/python -m xinyong.security.depaudit requirements/constraints.txt

bench: install
	XINYONG_ENV=test XINYONG_DATABASE_URL=$${XINYONG_DATABASE_URL:-$(PG_URL)} $(BIN)/python -m bench $(BENCH)

messages: install
	cd src/xinyong && ../../$(XY) makemessages -l zh_Hans --no-obsolete && ../../$(XY) compilemessages

lock:
	rm -rf /tmp/xinyong-lock && $(PYTHON) -m venv /tmp/xinyong-lock
	/tmp/xinyong-lock/bin/pip install -q --upgrade pip && /tmp/xinyong-lock/bin/pip install -q -e '.[dev]'
	/tmp/xinyong-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt

clean:
	rm -rf $(VENV) var/test*.sqlite3 .pytest_cache .mypy_cache .ruff_cache
