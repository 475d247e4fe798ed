# Lantern's commands. `make` alone lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# One test process a core (at most four), each with its own test database and demo network,
# given tests one or two at a time so that none is left with a queue of slow ones at the end.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --maxschedchunk 1
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.DEFAULT_GOAL := help
.PHONY: help setup demo test lint scheduler worker bench reliability clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@echo "==> Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# uv installs the same packages as pip from the same registry, faster (CI makes two
# environments); it is installed into the environment itself, by pip. It compiles their
# bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set, nothing else would, and every
# Python process (each test worker, server and management command a test starts) would compile
# the whole of Django and Wagtail again.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> Installing Lantern and its development tools"
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed ## Create .venv and install everything (run by demo and test)

# axe-core, which the browser tests inject into each page to check its accessibility.
AXE := var/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@echo "==> Installing axe-core for the accessibility checks"
	npm install --silent --no-save --no-audit --no-fund --prefix var/axe axe-core@4.14.1

demo: setup ## Migrate, load the demo network and serve it on 127.0.0.1:8000 (PORT=…)
	@echo "==> Migrating the database (SQLite under var/ unless DATABASE_URL says otherwise)"
	$(BIN)/python manage.py migrate --no-input -v0
	@echo "==> Loading the demo network"
	$(BIN)/python manage.py load_demo --port $(PORT)
	@echo "==> Serving on http://localhost:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup $(AXE) ## Run the whole test suite in parallel (SQLite, or PostgreSQL through DATABASE_URL)
	@echo "==> Running the tests on $${DATABASE_URL:-SQLite}"
	@start=$$(date +%s); \
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	echo "==> The tests took $$(( $$(date +%s) - start )) s"; exit $$status

lint: setup ## Ruff, Django's system checks and a check for missing migrations
	@echo "==> ruff"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "==> Django checks and migrations"
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

scheduler: setup ## Publish and expire scheduled pages every minute (run beside the web server)
	@echo "==> Publishing and expiring scheduled pages every 60 s (Ctrl-C stops after the run in progress)"
	$(BIN)/python manage.py run_scheduler --interval 60

# The web server must queue its tasks too: TASKS_BACKEND=database in .env (or the environment) for both.
worker: setup ## Run queued tasks and scheduled publishing every minute (TASKS_BACKEND=database, beside the web server)
	@echo "==> Running background tasks from the database, and scheduled publishing every minute (Ctrl-C stops after the task in progress)"
	$(BIN)/python manage.py run_worker

# The load generator; Debian's package. Installed when missing (needs root), else a clear error.
WRK_MISSING := wrk is not installed and could not be installed here: run 'apt-get install -y wrk' as root, then 'make bench' again.

# The bench's workers and probes run from Lantern as the image installs it, without the
# development extras: some libraries import a development tool when they find one (Django's test
# utilities import Jinja2), which no production worker holds.
BENCH_VENV := var/bench/venv
$(BENCH_VENV)/.installed: pyproject.toml | $(VENV)/.installed
	@echo "==> Installing Lantern without its development extras in $(BENCH_VENV)"
	rm -rf $(BENCH_VENV)
	$(BIN)/uv venv --quiet --python $(BIN)/python $(BENCH_VENV)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BENCH_VENV)/bin/python -e .
	@touch $@

bench: setup $(BENCH_VENV)/.installed ## Measure req/s, latency, queries and memory under gunicorn (docs/performance.md)
	@command -v wrk >/dev/null 2>&1 || { \
		echo "==> Installing wrk, the load generator (apt-get install -y wrk)"; \
		{ apt-get install -y -qq wrk >/dev/null 2>&1 || \
			{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }; } \
		|| { echo "$(WRK_MISSING)" >&2; exit 1; }; }
	$(BIN)/python tests/bench/run.py

reliability: setup ## Load and fault tests on a private PostgreSQL, Redis and gunicorn (var/reliability/)
	@echo "==> Reliability under load and faults: locust readers, a worker killed, PostgreSQL restarted, Redis down"
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/pytest -m reliability tests/reliability -p no:randomly -s

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
