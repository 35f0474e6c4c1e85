# Election SPOC — the two commands: `make demo` and `make test`.
# Everything is set up from the repository alone: a virtualenv in .venv with the locked
# dependencies, system packages via apt-get where we are root on Debian.

SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# Prefer pyenv's interpreter for .python-version; fall back to python3.12 on the PATH.
PYTHON ?= $(shell (pyenv which python$(PYTHON_VERSION) 2>/dev/null) || command -v python$(PYTHON_VERSION))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1
# Debian packages WeasyPrint needs (pango for text layout) and fonts for PDFs; gettext for
# `make messages` (makemessages/compilemessages: the Welsh translation); Debian's chromium for
# the browser tests (tests/browser: Playwright drives it, no browser is downloaded);
# docker-compose to validate docker-compose.yml (tests/deploy: no Docker engine is needed).
# `make demo` needs the first line only; `make test` and `make bench` add what they use.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
TEST_APT_PACKAGES := chromium docker-compose
BENCH_APT_PACKAGES := wrk


.PHONY: demo test test-sqlite lint security bench messages setup system-packages lock serve migrate clean

setup: $(STAMP)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Please install these system packages:$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): requirements.lock | system-packages
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --verbosity 0

demo: migrate
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite, as CI runs it: against real PostgreSQL and Redis (started if need be),
# then again on the embedded SQLite default. ARGS passes options to pytest, e.g. ARGS="-x".
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/election_spoc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

test: lint security
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(TEST_APT_PACKAGES)"
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1
	bash scripts/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest $(ARGS)
	$(MAKE) --no-print-directory test-sqlite

# The suite on the embedded default (SQLite, tasks in-process); Redis tests need Redis.
test-sqlite: setup
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(TEST_APT_PACKAGES)"
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -m "not redis" $(ARGS)

# The Welsh translation (issue 7): collect every marked string into locale/cy/LC_MESSAGES/
# django.po (existing translations kept), then compile django.mo. Both files are committed, so
# running the application never needs gettext; tests/i18n checks the .mo matches the .po.
messages: setup
	$(BIN)/python manage.py makemessages --locale cy --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --locale cy --ignore ".venv/*"

# Benchmarks: one table, printed and written to docs/PERFORMANCE.md, on PostgreSQL (a database
# of its own, wiped: BENCH_DATABASE_URL, else DATABASE_URL's name + "_bench"); wrk for the load.
bench: setup
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	bash scripts/services.sh
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Security checks run by `make test` (issue 6, item 5): bandit on the project's code (config in
# bandit.toml; each finding fixed or justified with `# nosec <id>` where it stands), and
# pip-audit on requirements.lock (scripts/audit_dependencies.py: fails on a known vulnerability,
# and in CI when the vulnerability service cannot be reached).
security: setup
	$(BIN)/bandit -c bandit.toml -r . -q
	$(BIN)/python scripts/audit_dependencies.py

# Regenerate requirements.lock from pyproject.toml (needs network access to PyPI).
lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version $(PYTHON_VERSION) -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
