"""Shared fixtures. Components a test needs are real: see pytest markers in pyproject.toml."""

from __future__ import annotations

import os

import pytest

from election_protocol.celery import app as celery_app
from election_protocol.roles import Role
from tests.clock import IN_THE_PERIOD, frozen_clock
from tests.factories import ElectionFactory, UserFactory
from tests.smtp import smtp_server  # noqa: F401 - a fixture shared by every app's tests


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Runs after `-m "not redis"` has deselected what it will. A test marked `redis` needs a
    # real Redis (REDIS_URL). Locally it is skipped with a reason; in CI a missing Redis fails
    # the run rather than skipping silently.
    # Tests marked `browser` need Debian's Chromium (tests/browser/conftest.py), the same way.
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        _unavailable(
            items,
            "browser",
            f"needs Chromium at {chromium}: install Debian's chromium package (make test does, "
            "as root).",
            skip=f"needs Chromium at {chromium}",
        )
    if not os.environ.get("REDIS_URL"):
        _unavailable(
            items,
            "redis",
            "needs Redis but REDIS_URL is unset: CI must start Redis (or deselect with "
            "-m 'not redis').",
            skip="needs Redis: set REDIS_URL",
        )


def _unavailable(items, marker: str, needs: str, *, skip: str) -> None:
    """The tests marked `marker` cannot run here: skipped with the reason `skip` locally; in
    CI the run fails, naming the first such test and what it `needs`."""
    for item in items:
        if marker in item.keywords:
            if os.environ.get("CI"):
                raise pytest.UsageError(f"{item.nodeid} {needs}")
            item.add_marker(pytest.mark.skip(reason=skip))


# The clock stopped at IN_THE_PERIOD: `pytestmark = pytest.mark.usefixtures("in_the_period_clock")`.
in_the_period_clock = frozen_clock(IN_THE_PERIOD)


@pytest.fixture
def election(db):
    return ElectionFactory()


@pytest.fixture
def make_user(db):
    def make(role: Role | None = None, **kwargs):
        return UserFactory(role=role.value if role else None, **kwargs)

    return make


def _staff_fixture(name: str, role: Role, username: str):
    """Return a fixture, called `name`, that makes one user of `role` called `username`."""

    def staff(make_user):
        return make_user(role, username=username)

    return pytest.fixture(staff, name=name)


spoc = _staff_fixture("spoc", Role.SPOC, "spoc-test")
chief_executive = _staff_fixture("chief_executive", Role.CHIEF_EXECUTIVE, "ce-test")
chief_constable = _staff_fixture("chief_constable", Role.CHIEF_CONSTABLE, "cc-test")
chief_fire_officer = _staff_fixture("chief_fire_officer", Role.CHIEF_FIRE_OFFICER, "cfo-test")
police_liaison = _staff_fixture("police_liaison", Role.POLICE_LIAISON, "liaison-test")
auditor = _staff_fixture("auditor", Role.AUDITOR, "auditor-test")
second_spoc = _staff_fixture("second_spoc", Role.SPOC, "spoc-two")


# The staff a test's story needs, by short name, each made the first time it is asked for.
CAST_FIXTURES = {
    "spoc": "spoc",
    "spoc2": "second_spoc",
    "ce": "chief_executive",
    "cc": "chief_constable",
    "cfo": "chief_fire_officer",
    "auditor": "auditor",
    "liaison": "police_liaison",
}


class Cast(dict):
    """Staff users by short name (CAST_FIXTURES), made on first use: cast["ce"]."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        super().__init__()
        self._request = request

    def __missing__(self, name: str):
        user = self._request.getfixturevalue(CAST_FIXTURES[name])
        self[name] = user
        return user


@pytest.fixture
def cast(request, db) -> Cast:
    return Cast(request)


@pytest.fixture
def spoc_client(client, spoc):
    client.force_login(spoc)
    return client


@pytest.fixture
def count_queries(db):
    """Return a function that runs a callable and returns how many SQL queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(fn) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    return count


@pytest.fixture(autouse=True)
def _staff_counts_counted_afresh(settings):
    # Every page counts its deadlines afresh, so a test comparing two pages' queries compares
    # like with like; tests/requests_register/test_staff_counts.py turns the keeping on.
    settings.STAFF_COUNTS_CACHE = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing cost is not what these tests are about; the production hasher stays the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Run tasks in-process unless the test runs a real worker (marker `celery_worker`).

    With REDIS_URL set (CI's PostgreSQL run) settings make Celery use the Redis broker; these
    tests want the task run where they can see its result, the same on both runs.
    """
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = True
    conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _public_site_in_tmp(settings, tmp_path_factory):
    """Point the public site's target (publishing.site) at a fresh folder: a test that
    publishes, the demo's included, never writes into the developer's var/public."""
    root = tmp_path_factory.mktemp("public-site")
    settings.PUBLIC_SITE_ROOT = root
    # Caches kept beside the site (what each version was checked against, PDF readings).
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    # Uploaded files too (the demo's FOI disclosure copy): never into the developer's
    # var/media. Only when no fixture chose a folder already (the security world's files live
    # in its own, for the whole module).
    from election_protocol import settings as project_settings

    if settings.MEDIA_ROOT == project_settings.MEDIA_ROOT:
        settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "public_site": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/election/"},
        },
    }
    return root


@pytest.fixture
def debug_urls(settings):
    """Load the URL configuration as in DEBUG (the demo: the public pages at /election/), and
    put it back afterwards."""
    import importlib

    from django.urls import clear_url_caches

    import election_protocol.urls

    settings.DEBUG = True
    importlib.reload(election_protocol.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(election_protocol.urls)
    clear_url_caches()
