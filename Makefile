# Election SPOC — the two commands: `make demo` and `make test`.
# Everything is set up from the repository alone: uv (installed, hash-checked, by the
# interpreter's own bundled pip) installs exactly what uv.lock pins into a virtualenv per use,
# and system packages come from apt-get where we are root on Debian.

SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# Prefer pyenv's interpreter for .python-version; fall back to python3.12 on the PATH.
PYTHON ?= $(shell (pyenv which python$(PYTHON_VERSION) 2>/dev/null) || command -v python$(PYTHON_VERSION))
# uv itself, in a virtualenv of its own (requirements/uv.txt: one wheel, hashes, no dependencies).
TOOLS := .uv
UV := $(TOOLS)/bin/uv
# Two environments from one lock (pyproject.toml's dependency groups):
# .venv      the runtime only (the application, worker, beat): `make demo`, `make serve`;
# .venv-dev  the runtime, the test group and the bench group: `make test`, `make bench`.
VENV := .venv
BIN := $(VENV)/bin
DEV_VENV := .venv-dev
DEV := $(DEV_VENV)/bin
# --locked: refuse (never rewrite) a lock that does not match pyproject.toml; uv installs the
# pinned files with their hashes and resolves nothing. --python: never anything but ours.
SYNC = $(UV) sync --locked --python "$(PYTHON)"
export UV_PYTHON_DOWNLOADS := never
export DEBUG ?= 1
PORT ?= 8000
# Debian packages WeasyPrint needs (pango for text layout) and fonts for PDFs; gettext for
# `make messages` (makemessages/compilemessages: the Welsh translation); Debian's chromium for
# the browser tests (tests/browser: Playwright drives it, no browser is downloaded);
# docker-compose to validate docker-compose.yml (tests/deploy: no Docker engine is needed);
# dovecot-imapd for the SPOC mailbox tests (tests/mail_intake: scripts/dovecot.sh starts it).
# `make demo` needs the first line only; `make test` and `make bench` add what they use.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
TEST_APT_PACKAGES := chromium docker-compose dovecot-imapd
BENCH_APT_PACKAGES := wrk


.PHONY: demo test test-sqlite lint security check-lock bench messages setup setup-dev tools \
	system-packages lock serve migrate clean

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

# uv, once per checkout (and again when requirements/uv.txt changes).
tools: $(UV)
$(UV): requirements/uv.txt
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION))"; exit 1; }
	@echo "Installing uv (requirements/uv.txt) with $(PYTHON)'s own pip"
	@rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--require-hashes --requirement requirements/uv.txt
	@touch $(UV)

# Each environment is synced every time: a second when nothing changed, and an environment
# that drifted from the lock (a package added by hand, a group left over) is put back exactly.
setup: tools system-packages
	@echo "Runtime environment ($(VENV)) from uv.lock"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(SYNC) --no-default-groups

setup-dev: tools system-packages
	@echo "Development environment ($(DEV_VENV): runtime, test and bench groups) from uv.lock"
	UV_PROJECT_ENVIRONMENT=$(DEV_VENV) $(SYNC) --group test --group bench

migrate: setup
	$(BIN)/python manage.py migrate --verbosity 0

demo: migrate
	$(BIN)/python manage.py seed_demo
	@$(MAKE) --no-print-directory serve

serve:
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, as CI runs it: against real PostgreSQL and Redis (started if need be),
# then again on the embedded SQLite default. ARGS passes options to pytest, e.g. ARGS="-x".
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/election_spoc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

test: lint security check-lock
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(TEST_APT_PACKAGES)"
	$(DEV)/python manage.py makemigrations --check --dry-run --verbosity 1
	bash scripts/services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(DEV)/python -m pytest $(ARGS)
	$(MAKE) --no-print-directory test-sqlite

# The suite on the embedded default (SQLite, tasks in-process); Redis tests need Redis.
test-sqlite: setup-dev
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(TEST_APT_PACKAGES)"
	env -u DATABASE_URL -u REDIS_URL $(DEV)/python -m pytest -m "not redis" $(ARGS)

# The lock installs on a fresh machine as it is, without resolving anything (issue 11): in a
# temporary directory, a brand-new virtualenv made by the interpreter's bundled venv and pip
# installs uv from requirements/uv.txt, and `uv sync --locked` installs every group from a copy
# of pyproject.toml and uv.lock alone. Fails if the lock does not match pyproject.toml, if any
# pin cannot be installed as locked, or if the installed set is inconsistent (`uv pip check`).
check-lock:
	bash scripts/check_lock.sh "$(PYTHON)" .

# The Welsh translation (issue 7): collect every marked string into locale/cy/LC_MESSAGES/
# django.po (existing translations kept), then compile django.mo. Both files are committed, so
# running the application never needs gettext; tests/i18n checks the .mo matches the .po.
messages: setup-dev
	$(DEV)/python manage.py makemessages --locale cy --ignore ".venv*" --ignore ".uv/*" --ignore "var/*" --ignore "tests/*" --no-obsolete
	$(DEV)/python manage.py compilemessages --locale cy --ignore ".venv*" --ignore ".uv/*"

# Benchmarks: one table, printed and written to docs/PERFORMANCE.md, on PostgreSQL (a database
# of its own, wiped: BENCH_DATABASE_URL, else DATABASE_URL's name + "_bench"); wrk for the load.
bench: setup-dev
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	bash scripts/services.sh
	$(DEV)/python -m benchmarks $(BENCHMARKS)

lint: setup-dev
	$(DEV)/ruff check .
	$(DEV)/ruff format --check .

# Security checks run by `make test` (issue 6, item 5): bandit on the project's code (config in
# bandit.toml; each finding fixed or justified with `# nosec <id>` where it stands), and
# pip-audit on every pin of uv.lock, exported with hashes (scripts/audit_dependencies.py: fails
# on a known vulnerability, and in CI when the vulnerability service cannot be reached).
security: setup-dev
	$(DEV)/bandit -c bandit.toml -r . -q
	@audit=$$(mktemp); trap 'rm -f "$$audit"' EXIT; \
	$(UV) export --frozen --all-groups --no-emit-project --format requirements-txt --quiet -o "$$audit" && \
	$(DEV)/python scripts/audit_dependencies.py "$$audit"

# Update uv.lock after a change to pyproject.toml (needs the package index). Versions already
# locked are kept unless the change needs others; `make lock ARGS=--upgrade` takes the latest.
lock: tools
	$(UV) lock --python "$(PYTHON)" $(ARGS)

clean:
	rm -rf $(VENV) $(DEV_VENV) $(TOOLS) var .pytest_cache .ruff_cache
