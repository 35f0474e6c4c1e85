"""A cold `make demo`: from a fresh clone to the first page served (issue 11, item 3).

The committed HEAD is cloned into a temporary folder and `make demo` runs there as a newcomer
would run it, on a free port, with none of this checkout's environments: it installs uv with the
interpreter's bundled pip, the runtime from uv.lock, migrates a new SQLite database, loads the
demo and starts the server. The clock stops when the sign-in page answers 200 and the demo
logins have been printed. Two figures:

- with uv's package cache as this machine has it (what a developer's second clone, or CI after
  `make test`, sees: packages linked from the cache);
- with an empty cache of its own, so every locked file is downloaded from the package index
  again (what the very first run on a new machine sees, less the Debian packages: those are
  on this machine already, and apt-get's time is not counted).

The server is stopped (its process group killed) after each run. Nothing is asserted about the
time: the figures go in the table, the goal (under a minute with a warm cache) is read there.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404 - fixed commands of our own
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.common import Figure
from benchmarks.data import bench_environment

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # seconds: a cold run that takes longer is reported as a failure, not waited on


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is needed for the cold make demo benchmark")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # nosec B310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def cold_demo_seconds(*, empty_cache: bool) -> float:
    """Return the seconds from `make demo` in a fresh clone to its sign-in page answering 200."""
    with tempfile.TemporaryDirectory(prefix="cold-demo-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(  # noqa: S603 - git on our own repository
            [_tool("git"), "clone", "--quiet", str(REPO), str(clone)], check=True
        )
        # The demo is the embedded default, as a newcomer's shell has it: none of the
        # benchmark's production-like settings (DEBUG off, its database), no broker.
        ours = set(bench_environment()) | {"REDIS_URL", "VAR_DIR", "SECURE_PROXY_SSL_HEADER"}
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ours and not k.startswith(("VIRTUAL_ENV", "UV_"))
        }
        env["DEMO_PASSWORD"] = secrets.token_urlsafe(12)
        if empty_cache:
            env["UV_CACHE_DIR"] = str(Path(tmp) / "uv-cache")
        port = _free_port()
        log = Path(tmp) / "make-demo.log"
        start = time.perf_counter()
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 - make on the clone's own Makefile
                [_tool("make"), "--no-print-directory", "demo", f"PORT={port}"],
                cwd=clone,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}/accounts/login/"
            while not _answers(url):
                if process.poll() is not None:
                    raise RuntimeError(f"make demo stopped early:\n{log.read_text()[-3000:]}")
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError(f"make demo served nothing in {TIMEOUT} s")
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
            if "chief-executive" not in log.read_text():
                raise RuntimeError("make demo served pages but printed no demo logins")
            return elapsed
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def measure() -> list[Figure]:
    warm = cold_demo_seconds(empty_cache=False)
    cold = cold_demo_seconds(empty_cache=True)
    how = "fresh clone, `make demo` to the sign-in page answering 200; one run"
    return [
        Figure("Cold make demo", "package cache warm", warm, "s", how),
        Figure("Cold make demo", "package cache empty (all downloaded)", cold, "s", how),
    ]
