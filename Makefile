# Aankomst: `make run` serves the demo, `make test` runs every check. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Demo links printed by seed-demo point at the server `make run` starts, unless set.
AANKOMST_PUBLIC_URL ?= http://$(HOST):$(PORT)
export AANKOMST_PUBLIC_URL

.PHONY: run test test-dates fuzz install install-dev translations lint format clean browser faketime \
	nginx

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.installed-fuzz: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e ".[dev,fuzz]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

translations: install
	$(FLASK) translate compile

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Debian's chromium is missing: browser tests will be skipped (and fail in CI)."; fi; }

# tests/ops checks the nginx site in deploy/ with `nginx -t`, and tests/deploy runs it in front of
# two app instances (Debian's nginx; RUNLEVEL=1 keeps the package from starting it).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && RUNLEVEL=1 apt-get install -y -qq nginx >/dev/null; \
	  else echo "Debian's nginx is missing: the nginx tests will be skipped (and fail in CI)."; fi; }

test: install-dev translations lint browser nginx
	$(FLASK) i18n check
	$(BIN)/python -m pytest

# The suite (browser tests left out) at three awkward moments, with the whole process clock moved
# by Debian's libfaketime: daylight saving starts in Amsterdam (01:30 there, 28 March 2027); a
# new year in Amsterdam that is still the old year in UTC (23:30 UTC on 31 December 2027, 00:30
# on 1 January 2028 in Amsterdam); and a leap day. On SQLite, in UTC like a server.
TEST_DATES := 'TZ="Europe/Amsterdam" 2027-03-28 01:30' 'TZ="UTC" 2027-12-31 23:30' \
	'TZ="Europe/Amsterdam" 2028-02-29 12:00'

faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq faketime >/dev/null; \
	  else echo "Debian's faketime is missing: apt-get install faketime" >&2; exit 1; fi; }

# The monotonic clock stays real: libfaketime 0.9.10 would otherwise hang every lock timeout.
test-dates: install-dev translations faketime nginx
	@for moment in $(TEST_DATES); do \
	  echo "== the suite at $$moment"; \
	  TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 TEST_DATABASE_URL= faketime "$$moment" \
	    $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/browser || exit 1; \
	done

# Schemathesis against /api/openapi.json (fuzz/): every operation, as anonymous, a newcomer, a
# coordinator and an admin, with the same bounded cases on every run; fails on any 5xx and on any
# answer the document does not describe. On a throw-away SQLite database (TEST_DATABASE_URL: that
# PostgreSQL database, emptied first).
fuzz: $(VENV)/.installed-fuzz translations
	$(BIN)/python -m pytest fuzz -q -p no:cacheprovider

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
