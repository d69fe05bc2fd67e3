# Two commands for a fresh machine:  `make run` (dashboard with data on SQLite)  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

# Translation catalogues are compiled from locale/*/LC_MESSAGES/django.po on every setup.
messages: $(VENV)/.installed
	@if [ -d locale ]; then $(PY) manage.py compilemessages --ignore=.venv -v0; fi

setup: $(VENV)/.installed messages

run: setup
	$(PY) manage.py bootstrap
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles
