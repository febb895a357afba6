# Two commands do everything on a machine that has only python3: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: install demo serve test lint format migrate stack bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

## make demo: install, migrate (SQLite unless DATABASE_URL is set), load the demo, serve.
demo: migrate
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo
	@echo
	@echo "  The Amazon Rekognition case: http://$(HOST)/controversies/amazon-rekognition/"
	@echo "  Mail (\"Follow by email\" confirmations) is printed below unless EMAIL_URL is set."
	@echo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST)

serve: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite (uses DATABASE_URL / REDIS_URL when they are set).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make stack: the production topology without Docker: nginx on STACK_PORT in front of
## gunicorn on STACK_WEB_PORT, a Celery worker and beat (Procfile, run by honcho) against
## DATABASE_URL and REDIS_URL. Ctrl-C stops all of them.
STACK_PORT ?= 8000
STACK_WEB_PORT ?= $(shell echo $$(($(STACK_PORT) + 1)))
stack: install
	@test -n "$$REDIS_URL" || { echo "make stack needs REDIS_URL (and DATABASE_URL): workers and beat talk through Redis. See README, Operations." >&2; exit 2; }
	@command -v nginx >/dev/null || { echo "make stack needs nginx in front of gunicorn (apt-get install nginx). See README, Operations." >&2; exit 2; }
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py collectstatic --noinput -v0
	@# Settings come from this shell only: .env belongs to docker compose (its hosts are
	@# compose service names), so honcho is pointed away from it. exec: signals reach honcho.
	@# nginx appends the address it saw to X-Forwarded-For: it is the one proxy trusted by default.
	DEBUG=$${DEBUG:-true} TRUSTED_PROXY_COUNT=$${TRUSTED_PROXY_COUNT:-1} \
	  STACK_PORT=$(STACK_PORT) STACK_WEB_PORT=$(STACK_WEB_PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
	  exec $(BIN)/honcho start --procfile Procfile --env /dev/null

## make bench: seed a small and a large database (tracker names get _small/_large), then
## measure pages, throughput, ingestion, matching, dedupe and memory against the targets;
## prints the table and writes JSON to bench/results/. Not part of `make test`. ~30 min.
bench: install
	command -v wrk >/dev/null || apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench $(BENCH_ARGS)
