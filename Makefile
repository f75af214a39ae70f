# Uprava — set-up, run and test. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := run.py
export PYTHONPATH := $(CURDIR)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install dev-install run serve serve-dev init demo test test-pg load e2e docs-shots browser ldap-deps fuzz-api lint format i18n i18n-compile lock clean bench-data bench bench-smoke

# Two pinned sets, one stamp each (a change of either lock reinstalls it): requirements.lock is what the
# panel runs on (make run/serve/install); requirements-dev.lock adds the development and test tools
# (pytest, ruff, playwright, locust, schemathesis) for make test/lint/e2e/load/fuzz-api/bench.
$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

$(BIN)/.installed-dev: requirements-dev.lock $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r requirements.lock -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed i18n-compile

dev-install: install $(BIN)/.installed-dev

# Compiled catalogues are built, not committed.
i18n-compile: $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages --statistics 2>&1 | tail -n 1

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask app init
	@if [ ! -f instance/.demo-loaded ]; then $(BIN)/flask app demo && touch instance/.demo-loaded; fi
	@echo ""
	@echo "  Uprava: http://$(HOST):$(PORT)  — demo logins: admin, supervisor, deputy, appeals,"
	@echo "  control, plans, housing, events, zavodskoy, central; password Uprava-Demo-2026 (development only)"
	@echo "  Background jobs (imports, large exports): a worker runs beside the server and stops with it."
	@echo ""
	@$(BIN)/flask app worker & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host $(HOST) --port $(PORT)

# Production: gunicorn with several workers (gunicorn.conf.py) on PostgreSQL, and the background-jobs
# worker beside it (its queue: UPRAVA_JOBS_BROKER, Redis in production — README «Background jobs»).
# Needs SECRET_KEY and DATABASE_URL. Migrates and syncs roles first: with several hosts, do that once
# and start gunicorn and the worker directly on each (README, «Operations»).
serve: install
	@test -n "$$SECRET_KEY" || { echo "SECRET_KEY must be set" >&2; exit 1; }
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL must be set (PostgreSQL)" >&2; exit 1; }
	UPRAVA_ENV=production $(BIN)/flask db upgrade
	UPRAVA_ENV=production $(BIN)/flask app init
	@UPRAVA_ENV=production $(BIN)/flask app worker & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  UPRAVA_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py run:app

init: install
	$(BIN)/flask db upgrade
	$(BIN)/flask app init

demo: init
	$(BIN)/flask app demo

# The suite on TEST_WORKERS processes (pytest-xdist; each with its own database and instance folder).
TEST_WORKERS ?= 2
test: dev-install
	$(BIN)/pytest -q -n $(TEST_WORKERS)

# The same suite on a throwaway PostgreSQL cluster (Debian's postgresql, installed if missing).
test-pg: dev-install
	bash scripts/with-postgres.sh $(BIN)/pytest -q -n $(TEST_WORKERS)

# Capacity and faults on a throwaway PostgreSQL against gunicorn (loopback), README «Load and fault check»:
# (a) saturation requests/s of Uprava and plain FAB per request type (SAT_USERS 8, SAT_SECONDS 20 each);
# (b) LOAD_CLERKS (200) clerks, 5–15 s between actions, for LOAD_SECONDS (120) s: p95 ≤ 500 ms, 0 errors;
# then kill -9 of workers during writes and a consistency check.
load: dev-install
	BIN=$(abspath $(BIN)) bash scripts/load/run.sh

# Real-browser scenarios (tests/e2e): Debian's chromium, headless, against the app served on
# 127.0.0.1 with demo data. Playwright's own browser download is not used (closed network).
BROWSER_PACKAGES := chromium fonts-dejavu-core
browser:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES))

# Sign-in through the city directory (README «Sign-in through the city directory (LDAP)»): python-ldap
# builds against Debian's OpenLDAP headers, and tests/ops/test_ldap.py runs its own throwaway slapd (skipped
# without it). Kept out of `make install`, so a machine without the headers still installs. slapd's package
# starts a system directory on port 389: stopped at once, nothing here uses it.
LDAP_PACKAGES := libldap2-dev libsasl2-dev slapd
ldap-deps: $(BIN)/.installed
	@dpkg -s $(LDAP_PACKAGES) >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(LDAP_PACKAGES) && \
	   { service slapd stop >/dev/null 2>&1 || true; })
	$(BIN)/python -m pip install --quiet -r requirements-ldap.txt

e2e: dev-install browser
	$(BIN)/pytest -q -m e2e tests/e2e

# The same scenarios, saving the user guide's screenshots into docs/guide/img/.
docs-shots: dev-install browser
	UPRAVA_SHOTS=1 $(BIN)/pytest -q -m e2e tests/e2e

# Schemathesis over the OpenAPI spec, on a throwaway database, login endpoints left out: no 5xx.
# Bounded: FUZZ_EXAMPLES per operation (default 10), FUZZ_SECONDS in all (default 300).
fuzz-api: dev-install
	BIN=$(BIN) bash scripts/fuzz_api.sh

# Benchmarks (README «Benchmarks»): a city's volume of appeals (BENCH_ROWS, default 1,000,000;
# BENCH_QUICK=1: 100,000), then the real app against a plain-FAB baseline over loopback.
# BENCH_DB picks the databases; PostgreSQL is a throwaway cluster kept under bench/pg.
BENCH_DB ?= sqlite postgresql
bench-data: dev-install
	for db in $(BENCH_DB); do bash scripts/bench/with-db.sh $$db $(BIN)/python -m scripts.bench.data || exit 1; done

bench: dev-install
	for db in $(BENCH_DB); do bash scripts/bench/with-db.sh $$db $(BIN)/python -m scripts.bench.run || exit 1; done

# CI: the same, tiny and short — it proves `make bench` still works, it measures nothing.
bench-smoke:
	BENCH_ROWS=3000 BENCH_SECONDS=1 BENCH_HEAVY_REPEATS=1 $(MAKE) bench-data bench BENCH_DB=sqlite

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_i18n.py

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract -> update -> compile, one after another (FAB_NOTES #8). Our strings are
# written in Russian (the users' language); en/ translates them for the English switch.
# FAB's and WTForms' English strings are extracted too: ru/ completes FAB's catalogue.
PKG_DIRS = $(shell $(BIN)/python -c "import flask_appbuilder, wtforms, os; print(os.path.dirname(flask_appbuilder.__file__), os.path.dirname(wtforms.__file__))")
i18n: $(BIN)/.installed
	$(BIN)/python scripts/check_i18n.py
	$(BIN)/pybabel extract -F translations/babel.cfg -k lazy_gettext -k _l -k __ -o translations/messages.pot --no-location --sort-output --project Uprava app $(PKG_DIRS)
	for lang in ru en; do \
	  $(BIN)/pybabel update -i translations/messages.pot -d translations -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	done
	$(BIN)/pybabel compile -d translations -D messages --statistics

# Both locks from one throwaway venv: the runtime set first, then the tools on top of it (constrained by
# requirements.lock, so they never move a runtime pin); the dev lock keeps only what the tools added.
lock:
	rm -rf /tmp/uprava-lock && $(PYTHON) -m venv /tmp/uprava-lock
	/tmp/uprava-lock/bin/pip install --quiet -r requirements.in
	(echo "# Runtime dependencies, pinned; installed by make run/serve/install (generated from requirements.in with: make lock)"; \
	 /tmp/uprava-lock/bin/pip freeze) > requirements.lock
	/tmp/uprava-lock/bin/pip install --quiet -r requirements-dev.in
	(echo "# Development and test tools, pinned, with what only they pull in; installed on top of requirements.lock by"; \
	 echo "# make test/lint/e2e/load/fuzz-api/bench (generated from requirements-dev.in with: make lock)"; \
	 /tmp/uprava-lock/bin/pip freeze | grep -vxFf requirements.lock) > requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
