"""The lock check that `make test` runs (issue 11): it fails on a lock that needs resolving.

`make check-lock` runs scripts/check_lock.sh on the repository's own lock every time; these
tests show it can fail, and says why, when uv.lock no longer matches pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.deploy.conftest import REPO


def _copy_project(tmp_path):
    (tmp_path / "requirements").mkdir()
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(REPO / "uv.lock", tmp_path / "uv.lock")
    shutil.copy(REPO / "requirements" / "uv.txt", tmp_path / "requirements" / "uv.txt")


def _check(project) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a fixed script of ours on a temporary copy
        [shutil.which("bash"), REPO / "scripts" / "check_lock.sh", sys._base_executable, project],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_dependency_added_without_relocking_fails_the_check(tmp_path):
    _copy_project(tmp_path)
    pyproject = (tmp_path / "pyproject.toml").read_text()
    assert '    "qrcode>=8",\n' in pyproject
    (tmp_path / "pyproject.toml").write_text(
        pyproject.replace('    "qrcode>=8",\n', '    "qrcode>=8",\n    "six>=1.16",\n')
    )
    result = _check(tmp_path)
    assert result.returncode != 0
    assert "needs to be updated" in result.stderr
    assert "installs as locked" not in result.stdout


def test_a_tampered_hash_fails_the_check(tmp_path):
    _copy_project(tmp_path)
    lock = (tmp_path / "uv.lock").read_text()
    # The runtime's own Django wheel, its hash changed by one digit: uv must refuse the file.
    start = lock.index('name = "django"\n')
    wheel = lock.index('hash = "sha256:', lock.index("wheels = [", start)) + len('hash = "sha256:')
    digit = lock[wheel]
    lock = lock[:wheel] + ("0" if digit != "0" else "1") + lock[wheel + 1 :]
    (tmp_path / "uv.lock").write_text(lock)
    result = _check(tmp_path)
    assert result.returncode != 0
    assert "hash mismatch" in result.stderr.lower()
