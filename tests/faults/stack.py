"""Private servers and real application processes for the fault tests.

Other people's tests use the machine's PostgreSQL and Redis, so a test that stops a service
starts its own: a `redis-server` on a free port (`PrivateRedis`), a throwaway PostgreSQL
cluster in a temporary folder (`PrivatePostgres`). The application runs as it does in
production, in other processes configured by environment variables: gunicorn (`start_web`)
and a Celery worker (`start_worker`) in its own process group, so a SIGKILL reaches the
worker's children too. `StaffBrowser` talks HTTP to gunicorn with a staff member's session.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from kombu import pools as kombu_pools

from election_protocol.celery import app as celery_app
from tests.processes import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_VERSIONS = Path("/usr/lib/postgresql")


def require(what: str, found: bool) -> None:
    """Fail in CI (a missing component must not pass as a skip); skip elsewhere."""
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: CI must provide it")
    pytest.skip(f"needs {what}")


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval=0.1):
    """Return predicate()'s first true value, polling; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


# --- Redis ------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own, on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        require("redis-server", shutil.which("redis-server") is not None)
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, like every process we stop
        )
        wait_for(lambda: _port_open(self.port), 10, "the private Redis to listen")

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL): connections are refused until `start` again."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_for(lambda: not _port_open(self.port), 10, "the private Redis to stop")


@contextlib.contextmanager
def celery_publishing_to(url: str) -> Iterator[None]:
    """Make this test process enqueue tasks on the broker at `url` (the private Redis), never on
    the shared one; put everything back afterwards."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_write_url, conf.task_always_eager

    def reset_pools() -> None:
        # What Celery itself clears after a fork: the connection and producer pools.
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            celery_app.__dict__["amqp"]._producer_pool = None
        # ... and kombu's process-wide producer pools, keyed by broker: a later test must never
        # be handed a producer from a pool closed here ("Acquire on closed pool").
        kombu_pools.reset()

    conf.broker_url = conf.broker_write_url = url
    conf.task_always_eager = False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved
        reset_pools()


# --- PostgreSQL -------------------------------------------------------------------------------


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port.

    PostgreSQL refuses to run as root: when the tests run as root (CI does), the cluster
    belongs to the `postgres` system user and its commands run through `runuser`.
    """

    def __init__(self, folder: Path) -> None:
        require("PostgreSQL's initdb and pg_ctl", (PG_BIN / "initdb").exists())
        self.port = free_port()
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.as_user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root needs a `postgres` user to own the cluster")
            self.as_user = "postgres"
            shutil.chown(folder, user="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, timeout: float = 60) -> None:
        argv = [str(PG_BIN / command[0]), *command[1:]]
        if self.as_user:
            argv = [shutil.which("runuser") or "/sbin/runuser", "-u", self.as_user, "--", *argv]
        result = subprocess.run(  # noqa: S603 - fixed arguments
            argv, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            pytest.fail(f"{command[0]} failed: {result.stdout}{result.stderr}\n{log}")

    def _options(self) -> str:
        # Sockets in our folder, TCP on our port only; no fsync: the data is thrown away.
        return f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log),
                  "-w", "start")  # fmt: skip

    def restart(self) -> None:
        """Restart with -m fast: every open connection is terminated."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log),
                  "-m", "fast", "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


# --- application processes --------------------------------------------------------------------


def app_env(
    *,
    database_url: str,
    redis_url: str,
    smtp=None,
    public_site: Path | None = None,
    var_dir: Path,
    **extra: str,
) -> dict[str, str]:
    """Return the environment of a production-like process: DEBUG off, our own services."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made by this process are valid there
        "SECURE_COOKIES": "0",  # plain HTTP on localhost
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    if smtp is not None:
        env.update(EMAIL_HOST=smtp.host, EMAIL_PORT=str(smtp.port), EMAIL_TIMEOUT="10")
    if public_site is not None:
        env["PUBLIC_SITE_ROOT"] = str(public_site)
    return env


def _popen(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group (and session): killpg reaches every child, and nothing
            # the test does to it reaches pytest.
            start_new_session=True,
        )


def start_web(env: dict[str, str], log: Path, *, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """Start gunicorn serving the application; return the process and its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "election_protocol.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
    ]  # fmt: skip
    process = _popen(command, env, log)

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text(errors='replace')[-3000:]}")
        return _port_open(port)

    wait_for(up, 30, "gunicorn to listen")
    return process, f"http://127.0.0.1:{port}"


def start_worker(
    env: dict[str, str], log: Path, *, pool: str = "prefork", beat: bool = False
) -> subprocess.Popen:
    """Start a Celery worker (prefork, one child, as in production) in its own process group;
    return once it is consuming."""
    command = [
        sys.executable, "-m", "celery", "-A", "election_protocol", "worker",
        f"--pool={pool}", "--concurrency=1", "-l", "info",
        "-Q", celery_app.conf.task_default_queue,
        "-n", f"faults-{os.getpid()}-{time.monotonic_ns()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    if beat:
        command += ["--beat", "--schedule", str(log.with_suffix(".beat"))]
    offset = log.stat().st_size if log.exists() else 0
    process = _popen(command, env, log)

    def ready() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the worker stopped:\n{log.read_text(errors='replace')[-3000:]}")
        return " ready." in log.read_text(errors="replace")[offset:]

    wait_for(ready, 45, "the Celery worker to be ready", interval=0.2)
    return process


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process and every child of it (its process group): no clean-up runs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop_process(process: subprocess.Popen) -> None:
    """Stop a process group politely (SIGTERM), then by force."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(process)
    # A prefork child can outlive its parent for a moment: nothing of the group may remain.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run manage.py in another process with `env`; return its output, fail on an error."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- the public site ------------------------------------------------------------------------


def live_version_problems(root: Path, *, full: bool) -> list[str]:
    """Return what is wrong with the live public site: `current` must name a version whose
    every manifest file is there with its size (and, if `full`, its SHA-256)."""
    current = root / "current"
    if not current.is_symlink():
        return ["current is not a symlink"]
    folder = root / os.readlink(current)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        return [f"{folder.name}: no readable manifest ({error})"]
    problems = []
    for path, meta in manifest["files"].items():
        try:
            data = (folder / path).read_bytes() if full else None
            size = len(data) if full else (folder / path).stat().st_size
        except OSError:
            problems.append(f"{folder.name}/{path} missing")
            continue
        if size != meta["size"]:
            problems.append(f"{folder.name}/{path} has {size} bytes, not {meta['size']}")
        elif full and hashlib.sha256(data).hexdigest() != meta["sha256"]:
            problems.append(f"{folder.name}/{path} differs from its manifest")
    return problems


def publishing_settled(root: Path, election) -> bool:
    """Return True when no publish run is queued or running and the live version holds every
    file in full: a run defers the whole-register PDF to a step of its own, which publishes a
    run of its own (publishing.site.publish_slow_files); until then the manifest lists a
    stand-in whose key starts "pending:"."""
    from publishing.models import PublishRun

    busy = PublishRun.Status.QUEUED, PublishRun.Status.RUNNING
    if PublishRun.objects.filter(election=election, status__in=busy).exists():
        return False
    try:
        manifest = json.loads((root / "current" / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return not any(str(m.get("key", "")).startswith("pending:") for m in manifest["files"].values())


# --- HTTP -------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class StaffBrowser:
    """A staff member's browser: their session cookie, CSRF handled as a browser would."""

    def __init__(self, base_url: str, session_key: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key, domain="127.0.0.1", path="/")
        self.csrf: str | None = None

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.http.get(self.base_url + path, timeout=60, **kwargs)
        if match := _CSRF.search(response.text):
            self.csrf = match.group(1)
        return response

    def post(self, path: str, data: dict, *, follow: bool = True) -> requests.Response:
        if self.csrf is None:
            self.get("/register/log/")
        return self.http.post(
            self.base_url + path,
            data={**data, "csrfmiddlewaretoken": self.csrf},
            headers={"Referer": self.base_url + path},
            allow_redirects=follow,
            timeout=60,
        )


def session_key_for(client, user) -> str:
    """Return a session key for `user`, stored in the database the application reads."""
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
