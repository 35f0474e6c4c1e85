"""The health check (/healthz): open without a login, the database decides, Redis is reported."""

from __future__ import annotations

import os

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.factories import UserFactory
from tests.processes import free_port  # bound and released: a connection to it is refused


def test_healthz_answers_without_a_login(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert reverse("healthz") == "/healthz"
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured",
        "mailbox": "not configured",
    }
    assert "no-cache" in response["Cache-Control"]
    # Anonymous and left alone: no redirect to the login page, no session started.
    assert "sessionid" not in response.cookies


def test_healthz_answers_a_signed_in_staff_member_too(client, db, spoc, settings):
    settings.REDIS_URL = ""
    client.force_login(spoc)
    assert client.get("/healthz").json()["database"] == "ok"


def test_other_pages_still_need_a_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_503_when_the_database_is_unavailable(client, db, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    # The outside world failing: the connection to the database server. Undone before the
    # test ends, so that the test database's own teardown can use the connection.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "not configured",
        "mailbox": "unavailable",
    }
    # The error's text is logged, never shown.
    assert b"connection refused" not in response.content


def test_healthz_reports_redis_down_but_stays_healthy(client, db, settings):
    # A real refusal: nothing listens on the port. E-mail waits in the outbox meanwhile.
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unavailable",
        "mailbox": "not configured",
    }


@pytest.mark.redis
def test_healthz_reports_redis_up(client, db, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "mailbox": "not configured",
    }


def test_healthz_for_a_signed_in_user_who_is_not_staff_reveals_nothing(client, db, settings):
    # StaffOnlyMiddleware signs out a non-staff user on every page; the health check is no
    # way around it (and needs no session: Docker's check is anonymous).
    settings.REDIS_URL = ""
    client.force_login(UserFactory(username="not-staff"))
    response = client.get("/healthz")
    assert response.status_code == 403
    assert b"database" not in response.content
