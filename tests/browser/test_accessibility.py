"""axe-core on every staff page and every public page of the demo: zero violations (issue 7,
item 2). WCAG 2.0, 2.1 and 2.2 at A and AA, and axe's best practices (conftest.AXE_TAGS).

Staff pages are found as a person finds them: signed in as each role, following the links from
the dashboard and the menu, breadth first (same site, GET only; no sign-out, no downloads). A
page pattern met again is checked a few times at most, so the crawl stays short, and the test
then asserts that every page pattern of the application was reached. The public site is the
folder the demo published: every HTML file in it is checked.
"""

from __future__ import annotations

import inspect
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.browser.conftest import axe_violations, describe, sign_in
from tests.builders import site_files

# (username, how many pages of one pattern to check): the SPOC and the Chief Executive see and
# do the most; the others see fewer pages, and fewer of each.
ROLES = [
    ("spoc", 2),
    ("chief-executive", 1),
    ("police-liaison", 1),
    ("chief-constable", 1),
    ("auditor", 1),
]
# Enough for every page pattern at least once: fresh patterns are taken first (crawl()).
MAX_PAGES_PER_ROLE = 150
DOWNLOADS = (".pdf", ".csv", ".ics", ".json", ".eml", ".atom", ".xml")
# Pages not reachable by a GET link, and why. Every other named page must be reached.
NOT_CRAWLED = {
    "logout": "a POST (the Sign out button)",
    "login": "checked signed out, below",
    "public_site": "the demo's copy of the public site, checked from its folder below",
    "requests_register:export_csv": "a download",
    "requests_register:export_pdf": "a download",
    "requests_register:attachment": "a download",
    "requests_register:answer_document": "a download (a document sent with an answer)",
    "briefings:calendar": "a download (iCalendar feed)",
    "mail_intake:original": "a download (the message as received, .eml)",
    "incidents:evidence": "a download (an incident's evidence file)",
    "briefings:material_file": "a download (a briefing material's PDF, for staff)",
    "foi:copy": "a download (the copy another authority disclosed)",
    "foi:case": "linked only from an FOI entry's page, which the crawl may not open among the "
    "entries: the FOI journey (test_foi.py) checks it with axe at every step",
    "reports:equal_treatment_csv": "a download (the equal-treatment report as CSV)",
    "reports:equal_treatment_pdf": "a download (the equal-treatment report as PDF)",
    "incidents:statement": "linked from a factual claim still open, which the crawl may not "
    "open among the incidents: the statement journey (test_incidents.py) checks it",
    "candidates:sopn_confirm": "the second step of a POST form",
    "healthz": "the load balancer's health check (JSON), not a page",
    "security:two_factor_verify": "asked for at sign-in only when the election requires two "
    "factors, which the demo does not",
    "requests_register:draft": "the answer form's own page, for its errors; the entry page "
    "holds the same form",
    # Linked only while something is ready for them, which the demo has used up: the journeys
    # open and check them (test_journeys.py).
    "briefings:prepare": "linked from an open meeting or visit request: the visit journey",
    "publishing:prepare": "linked from a sent answer not yet prepared: the publishing journey",
    "publishing:prepare_meeting": "the same page as publishing:prepare, for held meetings",
    "publishing:prepare_event": "the same page as publishing:prepare, for briefing events",
    # Issue 15.
    "lifecycle:report": "a download (the close-down report, PDF)",
    "archived_site": "the demo's copy of an election's archived public page, served from the "
    "site's folder: the lifecycle journey (test_lifecycle.py) checks it",
}
NOT_CRAWLED_PREFIXES = ("admin",)  # Django's own admin (configuration), not the product's pages


def _named_pages() -> set[str]:
    """Return the view names of every page of the application reachable by GET."""
    names: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in NOT_CRAWLED_PREFIXES:
                    continue
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                # @require_POST views answer GET with 405: they are forms' actions, not pages.
                methods = inspect.getclosurevars(p.callback).nonlocals.get("request_method_list")
                if methods is not None and "GET" not in methods:
                    continue
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return names - set(NOT_CRAWLED)


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _links(page, origin: str) -> list[str]:
    """Return the page's same-site links (path and query) worth following."""
    out = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path
        if path.lower().endswith(DOWNLOADS) or path.startswith(("/admin/", "/static/")):
            continue
        name = _view_name(path)
        if name is None or name in NOT_CRAWLED:
            continue
        out.append(path + (f"?{parts.query}" if parts.query else ""))
    return out


def crawl(page, base: str, per_pattern: int) -> tuple[list[str], Counter, list, list]:
    """Follow links breadth first from the dashboard; check each page with axe.

    Return (pages checked, pages per view name, violations, pages that did not answer 200).
    A link to a page pattern not yet seen is taken before more of a pattern already checked.
    """
    origin = f"{urlsplit(base).scheme}://{urlsplit(base).netloc}"
    queue, seen, checked = ["/"], {"/"}, []
    per_view: Counter = Counter()
    violations, failures = [], []
    while queue and len(checked) < MAX_PAGES_PER_ROLE:
        fresh = next((p for p in queue if per_view[_view_name(urlsplit(p).path)] == 0), None)
        path = fresh if fresh is not None else queue[0]
        queue.remove(path)
        view = _view_name(urlsplit(path).path)
        if per_view[view] >= per_pattern:
            continue
        response = page.goto(base + path)
        per_view[view] += 1
        checked.append(path)
        if response is None or response.status != 200:
            failures.append((path, response.status if response else None))
            continue
        violations += axe_violations(page)
        for link in _links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return checked, per_view, violations, failures


def test_every_staff_page_has_no_accessibility_violations(
    demo, live_server, context, capsys
) -> None:
    base = live_server.url
    violations, failures, reached = [], [], Counter()
    total = 0
    # Signed out: the sign-in page, and with a wrong password its error summary.
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    violations += axe_violations(page)
    page.get_by_label("Username").fill("spoc")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    violations += axe_violations(page)
    total += 2
    page.close()

    for username, per_pattern in ROLES:
        page = context.new_page()
        sign_in(page, base, username, demo.password)
        checked, per_view, found, failed = crawl(page, base, per_pattern)
        violations += found
        failures += [(username, *f) for f in failed]
        reached.update(per_view)
        total += len(checked)
        # A page that does not exist looks like the rest of the site.
        page.goto(f"{base}/no-such-page/")
        violations += axe_violations(page)
        total += 1
        context.clear_cookies()
        page.close()

    with capsys.disabled():
        print(f"\n  axe-core: {total} staff pages checked, {len(reached)} page patterns")
    assert failures == [], f"links to pages that did not open: {failures}"
    assert violations == [], "axe-core found accessibility problems:\n" + describe(violations)
    missing = _named_pages() - set(reached)
    assert missing == set(), (
        f"no link leads to these pages (link them, or say why in NOT_CRAWLED): {missing}"
    )


def test_every_public_page_has_no_accessibility_violations(
    demo, public_site, _public_site_in_tmp, context, capsys
) -> None:
    folder = Path(_public_site_in_tmp) / "current"
    pages = [p.relative_to(folder).as_posix() for p in site_files(folder) if p.suffix == ".html"]
    assert "index.html" in pages and "accessibility/index.html" in pages
    page = context.new_page()
    violations = []
    for path in pages:
        response = page.goto(public_site + path)
        assert response is not None and response.status == 200, path
        violations += axe_violations(page)
    with capsys.disabled():
        print(f"\n  axe-core: {len(pages)} public pages checked")
    assert violations == [], "axe-core found accessibility problems:\n" + describe(violations)
