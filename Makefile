# Two commands for a fresh machine:  `make run` (dashboard with data on SQLite)  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run serve test lint messages clean

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

# The production server on this machine, over plain HTTP on $(HOST):$(PORT): DEBUG off, static files
# collected (hashed, compressed), gunicorn (gunicorn.conf.py). The HTTPS redirect and secure cookies are off
# because nothing terminates TLS here; SECRET_KEY, if not set, is generated once into var/secret_key.
# With CACHE_URL=redis://... it runs two workers; without, one (a local-memory cache is per process).
serve: setup
	$(PY) manage.py bootstrap
	DEBUG=false SECRET_KEY=collect $(PY) manage.py collectstatic --noinput -v0
	test -s var/secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	DEBUG=false SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" SECURE_COOKIES="$${SECURE_COOKIES:-false}" \
	SECURE_HSTS_SECONDS="$${SECURE_HSTS_SECONDS:-0}" \
	WEB_CONCURRENCY="$${WEB_CONCURRENCY:-$$(case "$$CACHE_URL" in (redis*) echo 2;; (*) echo 1;; esac)}" \
	GUNICORN_BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py cchc_site.wsgi

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles
