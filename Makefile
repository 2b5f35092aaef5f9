# `make run`: the demo site on http://$(HOST):$(PORT). `make test`: the whole suite.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run dev test lint bench chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

dev: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask --debug run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium; as root on Debian we install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || true

# The page checks' tools (axe-core, the Nu checker): from npm when it is there (package.json);
# the checks skip without them. The Nu checker runs on the machine's own Java.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
	  && touch $@; else echo "npm not found: the page checks will be skipped"; fi

# The suite runs in one process per core (at most 4: pytest-xdist), each with its own Redis,
# SQLite copies and PostgreSQL database. Each test module runs whole on one worker (its
# module-scoped servers and browser start once), the slowest modules handed out first
# (tests/conftest.py, pytest_collection_modifyitems). PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n auto --maxprocesses=4 --dist loadfile --no-loadscope-reorder
test: $(VENV)/.installed-dev chromium node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
