"""The Dockerfile, the production requirements it installs, and the health-check script."""

from __future__ import annotations

import os
import re
import time
import tomllib

from deploy import healthcheck
from tests.deploy.conftest import REPO

LOCK = tomllib.loads((REPO / "uv.lock").read_text())


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
    # uv from its hashed pin, then the runtime exactly as locked: no group, nothing resolved.
    assert "pip install --no-deps --require-hashes --requirement /tmp/build/uv.txt" in runs
    assert "uv sync --locked --no-default-groups" in runs
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


# --- the locked dependencies ---------------------------------------------------------------


def _locked_packages() -> dict[str, dict]:
    return {package["name"]: package for package in LOCK["package"]}


def _runtime_closure() -> set[str]:
    """Return the names uv.lock installs for the runtime: the project's dependencies (extras
    followed) and theirs, never a dependency group."""
    packages = _locked_packages()
    todo = [
        (d["name"], extra)
        for d in packages["election-spoc"]["dependencies"]
        for extra in [None, *d.get("extra", ())]
    ]
    visited: set[tuple[str, str | None]] = set()
    while todo:
        name, extra = todo.pop()
        if (name, extra) in visited:
            continue
        visited.add((name, extra))
        package = packages[name]
        if extra is None:
            edges = package.get("dependencies", [])
        else:
            edges = package.get("optional-dependencies", {}).get(extra, [])
        todo += [(d["name"], e) for d in edges for e in [None, *d.get("extra", ())]]
    return {name for name, _ in visited}


def test_the_lock_pins_every_package_with_hashes():
    for package in LOCK["package"]:
        if package["name"] == "election-spoc":
            continue
        assert "version" in package, package["name"]
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, package["name"]
        assert all(f["hash"].startswith("sha256:") for f in files), package["name"]


def test_runtime_is_the_project_dependencies_and_theirs_and_no_tool():
    runtime = _runtime_closure()
    assert {"django", "gunicorn", "celery", "kombu", "psycopg", "weasyprint", "pydyf"} <= runtime
    # Test and bench tools are locked too, in their groups, and stay out of the runtime (the
    # demo's environment and the image).
    groups = _locked_packages()["election-spoc"]["dev-dependencies"]
    assert {d["name"] for d in groups["bench"]} == {"presidio-analyzer"}
    for tool in ("pytest", "playwright", "hypothesis", "presidio-analyzer", "spacy", "ruff"):
        assert tool in _locked_packages()
        assert tool not in runtime


def test_uv_itself_is_pinned_with_hashes():
    text = (REPO / "requirements" / "uv.txt").read_text()
    assert re.search(r"^uv==\d+\.\d+\.\d+ \\$", text, re.M)
    assert len(re.findall(r"--hash=sha256:[0-9a-f]{64}", text)) >= 1


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
