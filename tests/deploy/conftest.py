"""Shared by the deployment tests: where the repository is, and "needs this tool" handling."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def require_tool(name: str, why: str) -> str:
    """Return the path of command `name`. Missing: fail in CI (CI=true), skip locally."""
    path = shutil.which(name)
    if path:
        return path
    message = f"needs `{name}` on the PATH ({why})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must install it (make test does, as root).")
    pytest.skip(message)
