#!/usr/bin/env bash
# The lock installs as it is, on any day, with nothing but the interpreter (issue 11).
#
#   scripts/check_lock.sh PYTHON PROJECT_DIR
#
# In a temporary directory holding only PROJECT_DIR's pyproject.toml, uv.lock and
# requirements/uv.txt, as a fresh clone would:
# 1. the interpreter's own venv module makes a brand-new virtualenv, and its bundled pip (never
#    upgraded) installs uv from requirements/uv.txt: one pinned wheel, hash-checked, no
#    dependencies, so even an old pip has nothing to resolve;
# 2. `uv sync --locked` installs every dependency group into another brand-new virtualenv.
#    --locked fails when uv.lock does not match pyproject.toml (a lock that would need resolving
#    again), and uv installs the locked files only, each checked against its hash;
# 3. `uv pip check` fails if what was installed is not a consistent set.
# Packages come from uv's cache when it has them (that is what makes it quick), otherwise from
# the index: either way only the locked files with the locked hashes are accepted.
set -euo pipefail

python=${1:?usage: check_lock.sh PYTHON PROJECT_DIR}
project=$(cd "${2:?usage: check_lock.sh PYTHON PROJECT_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/project/requirements"
cp "$project/pyproject.toml" "$project/uv.lock" "$work/project/"
cp "$project/requirements/uv.txt" "$work/project/requirements/"

echo "check-lock: a fresh virtualenv with $("$python" --version 2>&1)'s bundled pip installs uv"
"$python" -m venv "$work/tools"
"$work/tools/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
  --require-hashes --requirement "$work/project/requirements/uv.txt"

echo "check-lock: uv sync --locked, every group, into another fresh virtualenv"
cd "$work/project"
UV_PROJECT_ENVIRONMENT="$work/env" UV_PYTHON_DOWNLOADS=never \
  "$work/tools/bin/uv" sync --locked --all-groups --python "$python" --quiet
"$work/tools/bin/uv" pip check --python "$work/env/bin/python" --quiet
echo "check-lock: uv.lock installs as locked, with nothing to resolve."
