"""Browser tests (issue 7, items 1 and 2): Debian's Chromium driven by Playwright's sync API.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (the Debian package, which
`make test` installs with the other system packages). Tests here are marked `browser`
(tests/conftest.py): without Chromium they are skipped locally and fail the run in CI.

The application runs in pytest-django's `live_server` (a real threaded server, static files
served); the demo data (election_protocol.demo) is seeded into the test database for each test
and the public site it publishes is served from its folder by a small static file server, as
nginx serves it in production. Key pages are saved as full-page screenshots in
var/screenshots/ and checked with axe-core (shipped in axe-playwright-python).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings
from django.utils import timezone

from election_protocol.calendar import LONDON

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# No sandbox (CI containers run as root), no GPU, and nothing that talks to Google's servers.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """Every test here is a browser test (tests/conftest.py: skipped without Chromium locally,
    failing the run in CI), on committed data: the live server reads it from its own thread.
    serialized_rollback puts back what migrations load (role groups, parties) after each
    test's flush. Marked here, before the run's own `-m` selection reads the marks."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (the accessibility statement claims 2.2 AA), plus
# axe's best practices (landmarks, one h1, headings in order, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """Return Chromium, started once for the browser tests and stopped after them.

    Playwright's sync API marks an asyncio loop as running in this thread between its calls,
    so Django's ORM would refuse to run here (SynchronousOnlyOperation) when a test reads the
    database or pytest-django flushes it. DJANGO_ALLOW_ASYNC_UNSAFE lifts that check only
    while the browser is up: there is no real concurrency, the loop is Playwright's alone.
    """
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


_migrated: dict[str, str] = {}


def _reset_to_migrated() -> None:
    """Empty the test database and load back what migrations put in it (role groups,
    permissions, parties): the state every test starts from."""
    from django.core.management import call_command
    from django.db import connections

    for alias, contents in _migrated.items():
        call_command("flush", database=alias, interactive=False, inhibit_post_migrate=True)
        connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="package", autouse=True)
def _migrated_data_back(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Keep the migrated data (serialized by pytest-django when it made the test database,
    for serialized_rollback) and put it back after the browser tests.

    Their tests are transactional (the live server needs committed data): each ends with a
    flush, which would leave later tests without groups or parties."""
    from django.db import connections

    _migrated.update(
        {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if getattr(connections[alias], "_test_serialized_contents", None)
        }
    )
    yield
    with django_db_blocker.unblock():
        _reset_to_migrated()
    _migrated.clear()


@dataclass
class Demo:
    password: str
    election: object


@pytest.fixture
def demo(live_server, settings, tmp_path) -> Demo:
    """Seed the fictional demo (every role, entries in every state, the published public
    site) into the test database, as `make demo` does."""
    from election_protocol.demo import seed_demo

    assert _migrated, (
        "no serialized copy of the migrated database: mark the test serialized_rollback"
    )
    _reset_to_migrated()
    settings.VAR_DIR = tmp_path  # the demo password file
    # The live server speaks plain http: cookies must not be marked Secure.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    result = seed_demo(timezone.now())
    return Demo(password=result.password, election=result.election)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def public_site(_public_site_in_tmp) -> Iterator[str]:
    """Serve the public site's folder over http, as the web server does in production, and
    return the address of the live version (the `current` symlink: a re-publish switches it)."""
    handler = functools.partial(_QuietHandler, directory=str(_public_site_in_tmp))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/current/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def context(browser):
    """A fresh browser profile (no cookies) per test, in British English."""
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def axe_violations(page) -> list[dict]:
    """Return axe-core's violations on the page as it is now (WCAG 2.x A/AA, best practice):
    one dict per rule broken, with the CSS selectors of the elements that break it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for v in result["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        if v["id"] == "region":
            # GOV.UK Frontend places the back link before <main>, so that "Skip to main
            # content" skips it too; GOV.UK decided to keep it there (alphagov/govuk-frontend
            # issue 6460). Anything else outside a landmark still fails.
            targets = [t for t in targets if t != ".govuk-back-link"]
        if targets:
            found.append(
                {
                    "url": page.url,
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "targets": targets,
                }
            )
    return found


def describe(violations: list[dict]) -> str:
    """Return violations as readable lines: rule, impact and meaning, then each element
    (CSS selector) with how many pages it is on and the first of them."""
    by_rule: dict[tuple, dict[str, list[str]]] = {}
    for v in violations:
        where = by_rule.setdefault((v["id"], v["impact"], v["help"]), {})
        for target in v["targets"]:
            where.setdefault(target, []).append(v["url"])
    lines = []
    for (rule, impact, help_text), where in by_rule.items():
        lines.append(f"{rule} ({impact}): {help_text}")
        for target, urls in where.items():
            more = f" and {len(urls) - 1} more pages" if len(urls) > 1 else ""
            lines.append(f"    at {target}  on {urls[0]}{more}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "axe-core found accessibility problems:\n" + describe(violations)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def snap(screenshot_dir, capsys):
    """Return snap(page, journey, step): save a full-page screenshot of a key page as
    var/screenshots/<journey>-<step>.png and check the page with axe-core."""

    def take(page, journey: str, step: str) -> Path:
        path = screenshot_dir / f"{journey}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        assert_accessible(page)
        return path

    yield take
    with capsys.disabled():
        print(f"\n  screenshots: {screenshot_dir}/")


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login page, as a person does."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def fill_log_form(
    page,
    *,
    channel: str,
    requester_is: str,
    name: str,
    email: str,
    kind: str,
    topic: str,
    question: str,
    candidate: str = "",
    phone: str = "",
) -> None:
    """From any staff page, open the register's "Log a contact" form and fill it in as the
    SPOC does, received half an hour ago; the caller submits it ("Put it on the register")."""
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_role("button", name="Log a contact").click()
    received = (timezone.now() - timedelta(minutes=30)).astimezone(LONDON)
    page.get_by_label("Received (date and time)").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Channel").select_option(label=channel)
    page.get_by_label("The requester is").select_option(label=requester_is)
    if candidate:
        page.get_by_label("Candidate", exact=True).select_option(label=candidate)
    page.get_by_label("Requester name").fill(name)
    page.get_by_label("Requester's e-mail address").fill(email)
    if phone:
        page.get_by_label("Requester's phone number").fill(phone)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Topic").fill(topic)
    page.get_by_label("Question as received").fill(question)
