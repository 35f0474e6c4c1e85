"""Security headers, the Content Security Policy, sessions and `check --deploy` (issue 6,
item 3)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from election_protocol.calendar import LONDON
from security.models import AuditEvent, EventKind

ROOT = Path(__file__).resolve().parents[2]
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Templates rendered to PDF by WeasyPrint, never served to a browser: their <style> is how a
# PDF is laid out and no CSP applies to it.
# By name: `*_pdf*.html`, and the booking letters.
PDF_TEMPLATES = {"templates/briefings/letter.html"}


def is_pdf_template(relative: str) -> bool:
    return "_pdf" in relative.rsplit("/", 1)[-1] or relative in PDF_TEMPLATES


def inline_problems(html: str) -> list[str]:
    """Return each inline script, style block, style attribute or event handler in `html`."""
    problems = [tag for tag in re.findall(r"<script\b[^>]*>", html) if " src=" not in tag]
    problems += re.findall(r"<style\b", html)
    problems += re.findall(r"\sstyle\s*=", html)
    problems += re.findall(r"\son[a-z]+\s*=\s*[\"']", html)
    problems += re.findall(r"href\s*=\s*[\"']\s*javascript:", html, re.I)
    return problems


def test_no_template_has_inline_script_or_style():
    checked = 0
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if is_pdf_template(relative):
            continue
        assert inline_problems(path.read_text()) == [], relative
        checked += 1
    assert checked > 40


def test_the_checker_finds_what_it_looks_for():
    bad = '<script>x()</script><style>p{}</style><p style="x" onclick="y()"><a href="javascript:z">'
    assert len(inline_problems(bad)) == 5
    assert inline_problems('<script type="module" src="/static/js/init.js"></script>') == []


def crawl(client, start: str, limit: int = 400) -> dict[str, object]:
    """Follow every same-site link from `start`; return {path: response} for each page."""
    seen: dict[str, object] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="([^"]+)"', response.content.decode()):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/"):
                continue
            if link.startswith(("/static/", "/admin/", "/election/")) or link in seen:
                continue
            queue.append(link)
    return seen


DEMO_NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)  # as tests/election_protocol/test_demo.py


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo once for the module (every kind of page has something to show); rolled
    back afterwards."""
    from election_protocol.demo import seed_demo

    var = tmp_path_factory.mktemp("demo-var")
    storages = {
        **django_settings.STORAGES,
        "public_site": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(var / "public"), "base_url": "/election/"},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=var,
            MEDIA_ROOT=var / "media",
            PUBLIC_SITE_ROOT=var / "public",
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        time_machine.travel(DEMO_NOW, tick=False),
        transaction.atomic(),
    ):
        seed_demo(DEMO_NOW)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "username", ["spoc", "chief-executive", "auditor", "police-liaison", "chief-constable"]
)
def test_every_staff_page_has_the_strict_policy_and_no_inline_code(demo, db, client, username):
    with time_machine.travel(DEMO_NOW + timedelta(minutes=1), tick=False):
        client.force_login(get_user_model().objects.get(username=username))
        pages = crawl(client, "/")
    html_pages = {path: r for path, r in pages.items() if "text/html" in r.get("Content-Type", "")}
    managers = {"spoc", "chief-executive"}
    assert len(html_pages) >= (30 if username in managers else 5), sorted(html_pages)
    for path, response in pages.items():
        assert response["Content-Security-Policy"] == POLICY, path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
    for path, response in html_pages.items():
        assert response.status_code in {200, 403, 404}, (path, response.status_code)
        assert inline_problems(response.content.decode()) == [], path


def test_the_login_page_has_the_policy_and_no_inline_code(client, db):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"] == POLICY
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert inline_problems(response.content.decode()) == []


def test_only_the_admin_gets_a_nonce_for_its_own_nonced_tags(client, make_user):
    from election_protocol.roles import Role

    admin = make_user(Role.SPOC, username="nonce-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:auth_user_changelist"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "unsafe-inline" not in policy


def test_production_responses_carry_hsts_and_secure_cookies(client, make_user, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_SECURE = True
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain.url.startswith("https://")
    # The container health check answers over plain HTTP (SECURE_REDIRECT_EXEMPT).
    assert client.get("/healthz").status_code != 301
    secure = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "preload" not in secure["Strict-Transport-Security"]
    make_user(username="cookie-user")
    signed = client.post(
        reverse("login"),
        {"username": "cookie-user", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_PROTO="https",
    )
    cookie = signed.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["domain"]  # dies with the browser, this host only
    assert signed.cookies["csrftoken"]["secure"]


def test_sessions_are_short(client, make_user, election):
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert django_settings.SESSION_ABSOLUTE_AGE == 8 * 60 * 60


def test_an_idle_session_ends_after_thirty_minutes_and_a_busy_one_after_eight_hours(
    client, make_user, election
):
    import time_machine

    from election_protocol.roles import Role

    user = make_user(Role.POLICE_LIAISON, username="busy")
    with time_machine.travel("2026-03-02 08:00 +0000", tick=False) as clock:
        client.force_login(user)
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get(reverse("dashboard")).status_code == 302  # idle too long

        client.force_login(user)
        for _ in range(16):  # busy all day: a page every 29 minutes, until 7 h 44 min
            clock.shift(timedelta(minutes=29))
            assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(timedelta(minutes=29))  # 8 h 13 min after signing in
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(kind=EventKind.SESSION_EXPIRED, user=user).count() == 1


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`DEBUG=0 manage.py check --deploy --fail-level WARNING` in a subprocess, as production
    starts: only the documented variables set."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="election_protocol.settings",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-key-" + "k7Qz9" * 10,
        ALLOWED_HOSTS="election-spoc.example.org",
        CSRF_TRUSTED_ORIGINS="https://election-spoc.example.org",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_HOST="smtp.example.org",
        VAR_DIR=str(tmp_path),
    )

    def check_deploy() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout

    # The same with HSTS preload chosen: nothing silenced.
    env["SECURE_HSTS_PRELOAD"] = "1"
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout

    # And a misconfiguration is caught: HSTS turned off.
    env["SECURE_HSTS_SECONDS"] = "0"
    result = check_deploy()
    assert result.returncode != 0 and "security.W004" in result.stderr
