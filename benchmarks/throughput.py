"""Throughput of the register list against a do-nothing view, on the same gunicorn.

gunicorn serves the project (benchmarks.settings: the project's settings and URLs plus
`bench/nothing/`) with DEBUG off, on the benchmark database holding ENTRIES register entries.
wrk, a second process, loads each URL over loopback with the signed-in SPOC officer's session
cookie; the two URLs take turns, ROUNDS times each, for SECONDS each, and each figure is the
median requests per second. As in production, the workers share a Redis cache (REDIS_URL, else
a local Redis if one answers). The do-nothing view goes through the same middleware (sessions,
login, the staff check, two-factor), so the ratio is what the register page itself costs.

Needs wrk (Debian package `wrk`, installed by the Makefile). Traffic goes to 127.0.0.1 only,
bounded in time; gunicorn is stopped at the end, whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import Figure

ENTRIES = 10_000
ROUNDS = 3
SECONDS = 6
CONNECTIONS = 8
NAME = "Throughput"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers() -> int:
    return max(2, os.cpu_count() or 1)


# What the TLS-terminating proxy adds in production (data.bench_environment).
PROXY_HEADER = "X-Forwarded-Proto: https"
# wrk counts a redirect (to the login page, say) as a success: count every answer but a 200.
CHECK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("not 200: %d\\n", total))
end
"""


def _get(url: str, cookie: str) -> tuple[int, str]:
    name, value = PROXY_HEADER.split(": ")
    # Only ever http://127.0.0.1:<port>/..., built in measure().
    request = urllib.request.Request(url, headers={"Cookie": cookie, name: value})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _shared_cache() -> dict[str, str]:
    """Return the environment giving gunicorn's workers the cache they share in production
    (Redis: REDIS_URL, else a local Redis if one answers), with the staff counts' version
    cleared so nothing kept by an earlier run on another database is read. Empty without
    Redis: the workers then keep nothing between requests (staff_counts is off)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            return {}
        url = "redis://127.0.0.1:6379/0"
    from django.core.cache.backends.redis import RedisCache

    from election_protocol import staff_counts

    RedisCache(url, {}).delete(staff_counts.VERSION_KEY)
    return {"REDIS_URL": url}


def _wait_until_up(url: str, cookie: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before serving")
        try:
            if _get(url, cookie)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def _wrk(url: str, cookie: str, script: Path) -> float:
    """Return wrk's requests per second for `url`; fail if any answer was not a 200."""
    out = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [
            shutil.which("wrk") or "wrk",
            "--threads",
            "1",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{SECONDS}s",
            "--timeout",
            "10s",
            "--header",
            f"Cookie: {cookie}",
            "--header",
            PROXY_HEADER,
            "--script",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 30,
    ).stdout
    if "not 200: 0" not in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw failed requests on {url}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"wrk printed no rate for {url}:\n{out}")
    return float(match.group(1))


def measure() -> list[Figure]:
    from django.db import connections

    from benchmarks import data

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (the Makefile does it).")
    data.reset()
    world = data.make_world()
    data.add_entries(world, ENTRIES)
    cookie = data.session_cookie(data.signed_in_client(world.spoc))
    connections.close_all()  # gunicorn's workers open their own

    script = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "check.lua"
    script.write_text(CHECK_LUA)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    nothing, register = f"{base}/bench/nothing/", f"{base}/register/"
    server = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
        [
            sys.executable,
            "-m",
            "gunicorn",
            "election_protocol.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(_workers()),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", **_shared_cache()},
        start_new_session=True,
    )
    try:
        _wait_until_up(nothing, cookie, server)
        status, page = _get(register, cookie)
        if status != 200 or f"{ENTRIES} entries" not in page.replace(",", ""):
            raise RuntimeError(f"The register page did not show {ENTRIES} entries ({status})")
        _wrk(nothing, cookie, script)  # warm-up: every worker connected, templates loaded
        _wrk(register, cookie, script)
        rates: dict[str, list[float]] = {nothing: [], register: []}
        for _ in range(ROUNDS):
            for url in (nothing, register):
                rates[url].append(_wrk(url, cookie, script))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(script.parent, ignore_errors=True)
    floor = statistics.median(rates[nothing])
    page_rate = statistics.median(rates[register])
    how = (
        f"gunicorn, {_workers()} sync workers, DEBUG off; wrk, {CONNECTIONS} connections, "
        f"{SECONDS} s a round, median of {ROUNDS} rounds; {ENTRIES:,} entries"
    )
    return [
        Figure(NAME, "do-nothing view", floor, "requests/s", how),
        Figure(NAME, "register list", page_rate, "requests/s", how),
        Figure(NAME, "register list / do-nothing", page_rate / floor, "times", "the two medians"),
    ]
