# Ambito — `make run` serves the demo Ambito, `make test` runs every check.
# Each step leaves a stamp file so a second run skips what is already done.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APPS_WITH_LOCALE := $(wildcard ambito/*/locale)
PO_FILES := $(wildcard ambito/*/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
VENDOR := ambito/core/static/vendor

.PHONY: run serve test lint install assets messages migrate demo bench clean chromium worker

run: install demo
	@echo ""
	@echo "Ambito is starting on http://127.0.0.1:8000 with its task worker (stop both with Ctrl-C)."
	$(MANAGE) db_worker --interval 1 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

install: $(VENV)/.installed node_modules/.installed $(VENDOR)/.copied $(MO_FILES) var/.dir

var/.dir:
	mkdir -p var/screenshots var/private var/media
	touch $@

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from npm and are copied into static files, never committed.
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap-italia $(VENDOR)/htmx $(VENDOR)/chartjs $(VENDOR)/axe
	cp -r node_modules/bootstrap-italia/dist/css node_modules/bootstrap-italia/dist/js \
	      node_modules/bootstrap-italia/dist/fonts node_modules/bootstrap-italia/dist/svg $(VENDOR)/bootstrap-italia/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/ 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chartjs/chart.umd.min.js
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/
	touch $@

# Translations: msgfmt comes from Debian's gettext.
%.mo: %.po
	@command -v msgfmt >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext)
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES)

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

# Browser tests drive Debian's Chromium; Playwright never downloads a browser here.
chromium:
	@test -x /usr/bin/chromium || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)
	@test -x /usr/bin/chromium || (echo "No Chromium at /usr/bin/chromium: browser tests cannot run." && exit 1)

test: install chromium
	$(PY) -m pytest -n 2 --dist loadfile -q
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

worker: install
	$(MANAGE) db_worker

# make bench: PostgreSQL at $(DATABASE_URL), default the local server; BENCH_ARGS="--ambiti 100" for a region.
BENCH_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ambito_bench)
BENCH_ENV := DATABASE_URL="$(BENCH_DATABASE_URL)" DEBUG=0 SECRET_KEY=bench-only-secret-key-never-used-in-production-8c1f2a7e SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver LOG_LEVEL=WARNING

bench: install
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk)
	$(PY) scripts/ensure_database.py "$(BENCH_DATABASE_URL)"
	$(BENCH_ENV) $(MANAGE) migrate --noinput -v 0
	$(BENCH_ENV) $(MANAGE) bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var $(MO_FILES)
