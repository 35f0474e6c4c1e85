"""The Dockerfile, the production requirements it installs, and the health-check script."""

from __future__ import annotations

import os
import re
import time
import tomllib

from deploy import healthcheck, production_requirements
from tests.deploy.conftest import REPO

LOCK = (REPO / "requirements.lock").read_text()
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """Return (instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (REPO / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            pairs.append((instruction.upper(), " ".join(rest.split())))
    return pairs


# --- the Dockerfile -----------------------------------------------------------------------


def test_dockerfile_builds_on_python_312_slim_bookworm():
    assert _dockerfile_instructions()[0] == ("FROM", "python:3.12-slim-bookworm")
    assert (REPO / ".python-version").read_text().strip().startswith("3.12")


def test_dockerfile_installs_what_weasyprint_needs_as_the_makefile_does():
    makefile = (REPO / "Makefile").read_text()
    apt = set(re.search(r"^APT_PACKAGES := (.*)$", makefile, re.M).group(1).split())
    [install] = [args for op, args in _dockerfile_instructions() if "apt-get install" in args]
    packages = {word for word in install.split("apt-get install", 1)[1].split("&&")[0].split()} - {
        "-y",
        "--no-install-recommends",
    }
    # The runtime libraries and font; the Makefile adds development tools (gettext, chromium,
    # docker-compose) that the image does not need.
    assert packages == {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} | {
        "fonts-dejavu-core"
    }
    assert packages <= apt


def test_dockerfile_installs_hash_checked_and_runs_as_a_user():
    instructions = _dockerfile_instructions()
    runs = " ".join(args for op, args in instructions if op == "RUN")
    assert "pip install --require-hashes --requirement" in runs
    assert "production_requirements.py" in runs
    assert "manage.py collectstatic --noinput" in runs
    users = [args for op, args in instructions if op == "USER"]
    assert users == ["app"]
    # Every RUN after USER runs as that user; the process too (no USER root after it).
    assert ("ENTRYPOINT", '["/app/deploy/entrypoint.sh"]') in instructions
    assert os.access(REPO / "deploy/entrypoint.sh", os.X_OK)


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = (REPO / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "var", "deploy/tls"):
        assert entry in ignored


# --- the production requirements ----------------------------------------------------------


def test_production_requirements_are_the_project_dependencies_and_theirs():
    lock = production_requirements.parse_lock(LOCK)
    roots = production_requirements.production_names(PYPROJECT)
    selected = set(production_requirements.select(lock, roots))
    assert roots <= selected
    assert {"django", "gunicorn", "celery", "kombu", "psycopg", "weasyprint", "pydyf"} <= selected
    # Development tools stay out of the image.
    for dev in ("pytest", "playwright", "presidio-analyzer", "ruff", "aiosmtpd", "bandit"):
        assert dev in lock
        assert dev not in selected


def test_production_requirements_keep_every_hash():
    lock = production_requirements.parse_lock(LOCK)
    for name in production_requirements.select(
        lock, production_requirements.production_names(PYPROJECT)
    ):
        block = lock[name][0]
        assert block.startswith(f"{name}==") or block.lower().startswith(name.replace("-", "_"))
        assert "--hash=sha256:" in block


def test_production_requirements_follow_multi_line_via_comments():
    lock = production_requirements.parse_lock(
        "a==1 \\\n    --hash=sha256:aa\n    # via election-spoc (pyproject.toml)\n"
        "b==2 \\\n    --hash=sha256:bb\n    # via\n    #   devtool\n    #   a\n"
        "c==3 \\\n    --hash=sha256:cc\n    # via devtool\n"
        "devtool==4 \\\n    --hash=sha256:dd\n    # via election-spoc (pyproject.toml)\n"
    )
    assert production_requirements.select(lock, {"a"}) == ["a", "b"]


def test_production_requirements_name_forms_are_normalised():
    names = production_requirements.production_names(
        {"project": {"dependencies": ["celery[redis]>=5.7", "Django>=6.1,<6.2", "dj_database.url"]}}
    )
    assert names == {"celery", "django", "dj-database-url"}


# --- the health-check script --------------------------------------------------------------


def test_health_check_sends_a_host_django_accepts():
    assert healthcheck.host_header("election-spoc.example.org,localhost") == (
        "election-spoc.example.org"
    )
    assert healthcheck.host_header("*, .example.org") == "example.org"
    assert healthcheck.host_header("") == "localhost"


def test_beat_health_check_needs_a_recent_schedule_file(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert "no schedule file" in healthcheck.check_beat()
    schedule = tmp_path / "celerybeat-schedule.db"  # the suffix some dbm back-ends add
    schedule.write_bytes(b"")
    assert healthcheck.check_beat() is None
    old = time.time() - healthcheck.BEAT_STALE_SECONDS - 60
    os.utime(schedule, (old, old))
    assert "last written" in healthcheck.check_beat()


def test_health_check_script_refuses_an_unknown_check(capsys):
    assert healthcheck.main(["healthcheck.py", "nginx"]) == 2
    assert "usage" in capsys.readouterr().err
