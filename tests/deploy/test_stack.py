"""The deployment's processes, started natively as docker-compose.yml starts them, drive one
request from logging to a sent e-mail and a published public entry.

No Docker engine runs here, so the test runs what the containers run, through the same
deploy/entrypoint.sh: `migrate`, then gunicorn (`web`, deploy/gunicorn.conf.py), a Celery
worker and Celery beat, with production settings (DEBUG=0) against the test's PostgreSQL
database and the local Redis, e-mail to a real SMTP server (tests/smtp.py) and the public
site into a folder (PUBLIC_SITE_ROOT, the publishing target nginx serves). Staff talk HTTP to
gunicorn as a browser behind nginx would: cookies, CSRF tokens, X-Forwarded-Proto: https.
The containers' health checks (deploy/healthcheck.py, `celery inspect ping`) are run too.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import importlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from election_protocol.celery import app as celery_app
from election_protocol.demo import demo_poll_date
from election_protocol.roles import Role
from publishing.models import PublicEntry, PublishRun
from requests_register.models import EmailTemplate, Entry, OutboundEmail
from tests.builders import site_files
from tests.deploy.conftest import REPO
from tests.factories import ElectionFactory, UserFactory
from tests.processes import free_port, shared_test_database_url

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    # Committed for real: the processes are others and read the test database.
    pytest.mark.django_db(transaction=True),
]

ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"
WAIT_SECONDS = 45
PASSWORD = "stack-test-" + secrets.token_urlsafe(12)

REQUESTER_NAME = "Morgan Fairweather"
REQUESTER_EMAIL = "morgan.fairweather@example.org"
QUESTION = "How many fixed speed cameras are there on the Lowbridge ring road?"
ANSWER = "There are four fixed speed cameras on the Lowbridge ring road."


# --- the processes ------------------------------------------------------------------------


def _wait_for(what: str, check: Callable[[], object], stack: Stack | None = None) -> object:
    """Poll `check` until it returns something true; fail after WAIT_SECONDS, or at once if
    one of the processes has stopped (with its log)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = check()
        if result:
            return result
        if stack is not None:
            stack.assert_running()
        if time.monotonic() > deadline:
            logs = stack.logs() if stack is not None else ""
            pytest.fail(f"Gave up waiting for {what} after {WAIT_SECONDS} s.\n{logs}")
        time.sleep(0.2)


@dataclass
class Stack:
    """The processes of the deployment, started with deploy/entrypoint.sh."""

    env: dict[str, str]
    logs_dir: Path
    port: int
    worker_name: str
    processes: dict[str, subprocess.Popen]
    helpers: list[subprocess.Popen]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """Run a one-shot command in the deployment's environment, from the repository."""
        return subprocess.run(  # noqa: S603 - our own scripts and fixed arguments
            list(args), cwd=REPO, env=self.env, capture_output=True, text=True, timeout=60
        )

    def start(self, name: str, *args: str) -> None:
        log = (self.logs_dir / f"{name}.log").open("wb")
        try:
            # A session of its own, so that stopping it stops its children too (gunicorn's
            # and the worker's) and nothing else.
            self.processes[name] = subprocess.Popen(  # noqa: S603 - see run()
                [str(ENTRYPOINT), name, *args],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def spawn(self, *args: str) -> subprocess.Popen:
        """Start a one-shot command in the background (its output in .stdout)."""
        helper = subprocess.Popen(  # noqa: S603 - see run()
            list(args),
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.helpers.append(helper)
        return helper

    def log(self, name: str) -> str:
        path = self.logs_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name in self.processes)

    def assert_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} stopped (exit {process.returncode}).\n{self.logs()}")

    def stop(self) -> None:
        """SIGTERM each process group (graceful: gunicorn and Celery finish what they are
        doing), then SIGKILL whatever is left."""
        for helper in self.helpers:
            if helper.poll() is None:
                os.killpg(helper.pid, signal.SIGKILL)
                helper.wait(timeout=5)
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            # Children left behind by a killed parent (the group outlives its leader).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def stack(smtp_server, tmp_path, settings):
    """Migrate, then start gunicorn, a worker and beat; stop them all afterwards.

    Torn down before the test database is flushed (this fixture comes after it), so no
    process holds a connection or a lock when it is.
    """
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs REDIS_URL"
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    port = free_port()
    worker_name = f"deploy-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))},
        # python, gunicorn and celery of this virtualenv, as the image has them on its PATH.
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        # Production settings, as in .env.example and docker-compose.yml.
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "DATABASE_URL": shared_test_database_url("The deployment test"),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "VAR_DIR": str(var_dir),
        "PUBLIC_SITE_ROOT": str(settings.PUBLIC_SITE_ROOT),
        # Small: two cores are shared by everything here.
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "1",
        "HEALTHCHECK_ADDRESS": f"127.0.0.1:{port}",
        # No lingering connection that would stop the test database being flushed.
        "DB_CONN_MAX_AGE": "0",
    }
    running = Stack(env, tmp_path, port, worker_name, {}, [])

    migrate = running.run(str(ENTRYPOINT), "migrate")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    # Tasks an earlier test's stopped worker put back on this Redis database (for an election
    # that test's flush removed) are not this deployment's: drop them.
    celery_app.control.purge()
    try:
        running.start("web")
        running.start(
            "worker",
            "--hostname",
            worker_name,
            # Talk to no other worker on this Redis: start faster.
            "--without-gossip",
            "--without-mingle",
        )
        running.start("beat")
        yield running
    finally:
        running.stop()


# --- a browser behind nginx -----------------------------------------------------------------


class _BehindTls(http.cookiejar.DefaultCookiePolicy):
    """The browser reached nginx over HTTPS: Secure cookies (__Host-sessionid) go back."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


@dataclass(frozen=True)
class Page:
    status: int
    path: str
    text: str

    def hidden(self, name: str) -> str:
        match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', self.text)
        assert match, f"no {name} on {self.path}"
        return match.group(1)


class Browser:
    """One person's browser: cookies, the CSRF token of the last page, redirects followed."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.base_url = stack.base_url
        self.jar = http.cookiejar.CookieJar(policy=_BehindTls())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf_token = ""

    def _open(self, path: str, data: dict[str, str] | None = None) -> Page:
        headers = {
            # As nginx sets it (deploy/nginx/default.conf): the browser used HTTPS.
            "X-Forwarded-Proto": "https",
            "Origin": "https://" + urllib.parse.urlsplit(self.base_url).netloc,
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token, **data})
            body = body.encode()
        # S310: only ever http://127.0.0.1 (the test's own gunicorn).
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                page = Page(response.status, urllib.parse.urlsplit(response.url).path, "")
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            page = Page(error.code, urllib.parse.urlsplit(error.url).path, "")
            text = error.read().decode(errors="replace")
        page = Page(page.status, page.path, text)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if token:
            self.csrf_token = token.group(1)
        return page

    def get(self, path: str) -> Page:
        return self._open(path)

    def post(self, path: str, data: dict[str, str]) -> Page:
        page = self._open(path, data)
        if page.status != 200:
            pytest.fail(f"POST {path}: {page.status}\n{page.text[:2000]}\n{self.stack.logs()}")
        return page

    def sign_in(self, username: str) -> Page:
        self.get("/accounts/login/")
        page = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert page.path == "/", f"{username} was not signed in: {page.path}\n{page.text[:2000]}"
        return page


# --- the journey ----------------------------------------------------------------------------


def _status(browser: Browser, entry_pk: int, status: str) -> Page:
    page = browser.post(f"/register/{entry_pk}/status/", {"status": status})
    assert page.path == f"/register/{entry_pk}/"
    return page


def _email_templates() -> None:
    """Put back the default e-mail templates: a data migration's rows, which an earlier
    transactional test's flush may have removed."""
    migration = importlib.import_module("requests_register.migrations.0002_email_templates")
    for template in migration.TEMPLATES:
        EmailTemplate.objects.get_or_create(key=template["key"], defaults=template)


def _published_text_files(root: Path) -> dict[str, str]:
    current = root / "current"
    return {
        str(path.relative_to(current)): path.read_text()
        for path in site_files(current)
        if path.suffix in (".html", ".json", ".csv", ".atom", ".ics", ".txt")
    }


def test_a_request_from_logging_to_sent_email_to_published_entry(stack, smtp_server, settings):
    _email_templates()
    election = ElectionFactory(poll_date=demo_poll_date(timezone.now()))
    for username, role in (("spoc-stack", Role.SPOC), ("ce-stack", Role.CHIEF_EXECUTIVE)):
        user = UserFactory(username=username, role=role.value)
        # A hash gunicorn's production settings accept (PBKDF2), made cheap with few rounds;
        # signing in upgrades it to the full count, as it would an old password.
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "stacktestsalt", iterations=1000)
        user.save(update_fields=["password"])

    # The three processes are up, and the containers' health checks say so.
    def web_ready() -> bool:
        try:
            with urllib.request.urlopen(stack.base_url + "/healthz", timeout=2) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    _wait_for("gunicorn to answer /healthz", web_ready, stack)
    _wait_for("the worker", lambda: " ready." in stack.log("worker"), stack)
    _wait_for("beat", lambda: "beat: Starting..." in stack.log("beat"), stack)
    for check in ("web", "beat"):
        _wait_for(
            f"the {check} health check",
            lambda c=check: stack.run(sys.executable, "deploy/healthcheck.py", c).returncode == 0,
            stack,
        )
    # The worker's check loads Django and Celery: run it while the journey goes on.
    ping = stack.spawn(
        "celery", "-A", "election_protocol", "inspect", "ping",
        "--destination", stack.worker_name, "--timeout", "10",
    )  # fmt: skip

    spoc, ce = Browser(stack), Browser(stack)
    spoc.sign_in("spoc-stack")
    ce.sign_in("ce-stack")

    # 1. The SPOC logs an e-mail from a member of the public; an acknowledgement goes out.
    spoc.get("/register/log/")
    received = timezone.localtime() - timedelta(hours=1)
    page = spoc.post(
        "/register/log/",
        {
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "channel": "email",
            "first_reached": "opcc",
            "kind": "information",
            "topic": "Road safety",
            "question": QUESTION,
            "requester_type": "public",
            "requester_name": REQUESTER_NAME,
            "requester_email": REQUESTER_EMAIL,
            "acknowledge": "on",
        },
    )
    entry = Entry.objects.get(election=election)
    assert page.path == f"/register/{entry.pk}/"
    assert f"{entry.reference} is on the register." in page.text

    # 2. In progress, an answer drafted by the SPOC, approved by the Chief Executive, sent.
    _status(spoc, entry.pk, "in_progress")
    spoc.get(f"/register/{entry.pk}/draft/")
    spoc.post(f"/register/{entry.pk}/draft/", {"answer": ANSWER})
    ce.get(f"/register/{entry.pk}/")
    _status(ce, entry.pk, "approved")
    _status(spoc, entry.pk, "sent")
    entry.refresh_from_db()
    assert (entry.status, entry.drafted_by.username, entry.approved_by.username) == (
        "sent",
        "spoc-stack",
        "ce-stack",
    )

    # 3. The worker sends both e-mails through SMTP: the answer arrives, once.
    def all_sent() -> bool:
        states = set(OutboundEmail.objects.filter(entry=entry).values_list("state", flat=True))
        return states == {OutboundEmail.State.SENT} and len(smtp_server.messages) >= 2

    _wait_for("the worker to send the acknowledgement and the reply", all_sent, stack)
    time.sleep(0.5)  # a second (wrong) delivery would show now
    to_requester = [m for m in smtp_server.messages if m["To"] == REQUESTER_EMAIL]
    replies = [m for m in to_requester if ANSWER in m.get_content()]
    assert len(replies) == 1, [m["Subject"] for m in smtp_server.messages]
    assert len(to_requester) == 2  # the acknowledgement and the answer
    assert entry.reference in replies[0]["Subject"]
    assert replies[0]["Reply-To"] == election.spoc_email
    reply_row = OutboundEmail.objects.get(entry=entry, purpose="reply")
    assert (reply_row.attempts, replies[0]["Message-ID"]) == (1, reply_row.message_id)

    # 4. The SPOC prepares the public version; the Chief Executive approves it (four eyes).
    spoc.get(f"/register/{entry.pk}/")
    page = spoc.post(f"/publishing/prepare/entry/{entry.pk}/", {})
    public_entry = PublicEntry.objects.get(entry=entry)
    assert page.path == f"/publishing/{public_entry.pk}/"
    assert REQUESTER_NAME not in public_entry.question + public_entry.answer
    spoc.post(
        f"/publishing/{public_entry.pk}/submit/", {"submit-version": page.hidden("submit-version")}
    )
    page = ce.get(f"/publishing/{public_entry.pk}/")
    page = ce.post(
        f"/publishing/{public_entry.pk}/approve/",
        {"approve-version": page.hidden("approve-version"), "approve-factual_confirmed": "on"},
    )
    assert "approved and published" in page.text
    public_entry.refresh_from_db()
    assert (public_entry.status, public_entry.approved_by.username) == ("published", "ce-stack")

    # 5. The worker renders the public site into the publishing target and switches to it.
    root = Path(settings.PUBLIC_SITE_ROOT)
    register_page = root / "current" / "register" / "index.html"
    entry_page = root / "current" / "entries" / f"{public_entry.reference}.html"

    def published() -> bool:
        run = PublishRun.objects.filter(election=election).order_by("-pk").first()
        if run is not None and run.status in (PublishRun.Status.BLOCKED, PublishRun.Status.FAILED):
            pytest.fail(f"Publishing run {run.pk}: {run.reason}\n{stack.log('worker')[-8000:]}")
        return entry_page.is_file() and public_entry.reference in entry_page.read_text()

    _wait_for("the worker to publish the public site", published, stack)

    # The approval's run, then the register PDF's own step (a run of its own): both finish.
    def settled() -> bool:
        runs = PublishRun.objects.filter(election=election)
        waiting = (PublishRun.Status.QUEUED, PublishRun.Status.RUNNING)
        return runs.exists() and not runs.filter(status__in=waiting).exists()

    _wait_for("the publishing runs to finish", settled, stack)
    statuses = set(PublishRun.objects.filter(election=election).values_list("status", flat=True))
    assert statuses == {PublishRun.Status.PUBLISHED}
    assert (root / "current").is_symlink()  # what nginx serves at /election/

    files = _published_text_files(root)
    assert ANSWER in files["register.json"]
    assert public_entry.reference in files["register.csv"]
    for path, text in files.items():
        assert REQUESTER_NAME not in text, path
        assert REQUESTER_EMAIL not in text, path
    # nginx (another user) reads what the worker wrote.
    assert register_page.stat().st_mode & 0o004

    output, _ = ping.communicate(timeout=WAIT_SECONDS)
    assert ping.returncode == 0 and "pong" in output, output

    # All along, nothing went wrong in the processes.
    stack.assert_running()
    for name in stack.processes:
        assert "Traceback" not in stack.log(name), stack.log(name)[-5000:]
