# The commands people type. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The test suite runs on real PostgreSQL and Redis (.ci/run starts them); override as needed.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/supportgroups
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# The cache gets its own Redis database: tests clear it, which must not touch the broker's queues.
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1
TEST_ENV = SECRET_KEY=test-only-secret-key-not-for-production \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	CACHE_URL=$${CACHE_URL:-$(TEST_CACHE_URL)}
# `make test FAKE_NOW=2027-03-28T00:30:00Z` runs the suite with the clock moved (tests/conftest.py).
FAKE_NOW ?=
# pytest-xdist workers: `auto` is one per core (at most 4: each takes two Redis databases).
TEST_WORKERS ?= auto

# What `manage.py check --deploy` sees: production-like settings, nothing insecure allowed.
DEPLOY_ENV = DEBUG=0 SECRET_KEY=check-deploy-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	ALLOWED_HOSTS=support.example.org SITE_URL=https://support.example.org \
	SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_PRELOAD=1 \
	USE_X_FORWARDED_PROTO=1 STATIC_MANIFEST=1

# Translations: the catalogues (locale/<lang>/LC_MESSAGES/*.po) are in git, their compiled .mo
# files are not: every command that serves or tests compiles the changed ones first (gettext's
# msgfmt, through Django's compilemessages). `make messages` brings the catalogues in line with
# the marked strings.
MESSAGE_IGNORES = --ignore='.*' --ignore=var --ignore=staticfiles --ignore=build --ignore=node_modules
MAKEMESSAGES = $(BIN)/python manage.py makemessages --no-location --no-obsolete $(MESSAGE_IGNORES)
LANGUAGE_ARGS = $$(DJANGO_SETTINGS_MODULE=supportgroups.settings $(BIN)/python -c \
	'import django; django.setup(); from supportgroups.languages import translated_languages; \
	print(" ".join("-l " + code for code in translated_languages()))')

.PHONY: run test check fmt bench demo-data install clean messages compile-messages backup restore

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) compile-messages

compile-messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt is needed to compile the translations:" \
		"install gettext (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)"; exit 1; }
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages $(MESSAGE_IGNORES) --verbosity 0; fi

messages: $(STAMP)
	$(MAKEMESSAGES) --domain django $(LANGUAGE_ARGS)
	$(MAKEMESSAGES) --domain djangojs --ignore=static/vendor $(LANGUAGE_ARGS)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo_data
	@echo "Serving on http://127.0.0.1:8000 (web + worker with beat). Ctrl-C stops both."
	@echo "Emails (sign-up verification, password reset) are written to var/mail/."
	@echo "Staff and facilitators (admin@, sam@, ana@example.org) also need a one-time code;"
	@echo "  DEBUG=1 $(BIN)/python manage.py demo_totp sam@example.org   prints the current one."
	DEBUG=1 PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile -p 8000

demo-data: install
	DEBUG=1 $(BIN)/python manage.py load_demo_data

test: install
	@scripts/ensure-chromium
	$(TEST_ENV) FAKE_NOW=$(FAKE_NOW) TEST_WORKERS=$(TEST_WORKERS) PYTHON=$(BIN)/python \
		scripts/test $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py check_migrations
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(TEST_ENV) $(BIN)/python $$script || exit 1; done

# PostgreSQL only (DATABASE_URL): `make backup`; `make restore FILE=var/backups/supportgroups-….dump`
# into a new empty database. The README's "When the disk is lost" says when and how.
backup:
	deploy/backup.sh

restore:
	deploy/restore.sh "$(FILE)"

clean:
	rm -rf $(VENV) var staticfiles
