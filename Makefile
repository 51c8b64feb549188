# Catalog școlar: the two commands for a fresh machine are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SECRETS := instance/secrets.env
PORT ?= 8443
# PostgreSQL used by the PostgreSQL half of the suite (a fresh database is created per run).
CATALOG_TEST_POSTGRES_ADMIN_URL ?= postgresql://postgres@localhost/postgres
export CATALOG_TEST_POSTGRES_ADMIN_URL

.PHONY: run test test-sqlite test-postgresql install secrets certificate migrate seed bench clean translations \
	translations-extract

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

secrets: install
	$(BIN)/python -m portal.devtools secrets $(SECRETS)

certificate: install
	$(BIN)/python -m portal.devtools certificate instance/

migrate: secrets
	set -a; source $(SECRETS); set +a; $(FLASK) db upgrade

seed: migrate
	set -a; source $(SECRETS); set +a; $(FLASK) demo seed --if-empty

## make run: venv, install, migrate, seed the demo school if empty, serve https://localhost:8443;
## e-mail (two-factor codes) goes to the terminal and instance/outbox/, not to a mail server
run: seed certificate
	@echo "Catalog școlar: https://localhost:$(PORT) (self-signed certificate; accept it in the browser)"
	set -a; source $(SECRETS); set +a; CATALOG_MAIL_OUTBOX=instance/outbox $(FLASK) run --host localhost --port $(PORT) \
		--cert instance/dev-cert.pem --key instance/dev-key.pem

## make test: the whole suite on SQLite, then on PostgreSQL when one is reachable
test: install
	$(MAKE) test-sqlite
	@if $(BIN)/python -c "import sqlalchemy as sa, os; sa.create_engine(os.environ['CATALOG_TEST_POSTGRES_ADMIN_URL']).connect().close()" 2>/dev/null; then \
		$(MAKE) test-postgresql; \
	elif [ -n "$$CATALOG_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (CATALOG_REQUIRE_POSTGRES) but not reachable at $$CATALOG_TEST_POSTGRES_ADMIN_URL"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $$CATALOG_TEST_POSTGRES_ADMIN_URL: the PostgreSQL half was not run."; \
	fi

test-sqlite: install
	CATALOG_TEST_DATABASE=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgresql: install
	CATALOG_TEST_DATABASE=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

## make translations: compile translations/ro/LC_MESSAGES/*.po into the .mo files the portal loads. The .mo
## files are committed (so `make run` needs no extra step); tests/test_translations.py checks they match.
TRANSLATION_DOMAINS = $(sort $(basename $(notdir $(wildcard translations/*/LC_MESSAGES/*.po))))
translations: install
	$(BIN)/pybabel compile --statistics -d translations -D "$(TRANSLATION_DOMAINS)"

## make translations-extract: the template of our own gettext strings (domain `messages`, babel.cfg)
translations-extract: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o translations/messages.pot .

bench: install
	$(BIN)/python bench/seed.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
