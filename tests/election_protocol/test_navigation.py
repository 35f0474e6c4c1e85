"""The staff navigation (election_protocol/navigation.py, templates/_navigation.html): who
sees which item, and which item is the current one, on real pages."""

import re

import pytest
from django.urls import reverse

from election_protocol import navigation


def _nav(html: str) -> list[tuple[str, str, str]]:
    """(label, href, aria-current or "") of each item of the staff navigation in `html`."""
    nav = re.search(
        r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', html, re.S
    )
    return [
        (label, href, current or "")
        for href, current, label in re.findall(
            r'<a class="govuk-service-navigation__link" href="([^"]+)"'
            r'(?: aria-current="([^"]+)")?>([^<]+)</a>',
            nav.group(1),
        )
    ]


class _User:
    def __init__(self, *perms: str) -> None:
        self.perms = set(perms)

    def has_perm(self, perm: str) -> bool:
        return perm in self.perms


def test_everyone_sees_the_items_without_a_permission_and_only_those():
    labels = [str(link.label) for link in navigation.links_for(_User(), "dashboard", "")]

    assert labels == ["Dashboard", "Register", "My work", "Meetings", "Incidents", "Two-factor"]


def test_an_item_with_a_permission_is_shown_to_those_who_have_it_in_order():
    user = _User("security.view_auditevent", "candidates.view_candidate")

    labels = [str(link.label) for link in navigation.links_for(user, "dashboard", "")]

    assert labels == [
        "Dashboard",
        "Register",
        "My work",
        "Meetings",
        "Incidents",
        "Candidates",
        "Audit log",
        "Two-factor",
    ]


@pytest.mark.parametrize(
    ("view_name", "app_name", "current"),
    [
        ("dashboard", "", ("Dashboard", "page")),
        ("requests_register:list", "requests_register", ("Register", "true")),
        ("requests_register:detail", "requests_register", ("Register", "true")),
        ("requests_register:my_work", "requests_register", ("My work", "page")),
        ("requests_register:parity", "requests_register", ("Equal treatment", "page")),
        ("briefings:event", "briefings", ("Meetings", "true")),
        ("security:audit_log", "security", ("Audit log", "page")),
        ("security:two_factor", "security", ("Two-factor", "page")),
        ("security:two_factor_setup", "security", ("Two-factor", "page")),
        ("foi:case", "foi", None),
    ],
)
def test_one_item_at_most_is_current_and_it_is_the_page_s(view_name, app_name, current):
    user = _User(*(item.permission for item in navigation.ITEMS if item.permission))

    active = [
        (str(link.label), link.aria_current)
        for link in navigation.links_for(user, view_name, app_name)
        if link.active
    ]

    assert active == ([current] if current else [])


@pytest.mark.django_db
def test_the_spoc_s_pages_show_the_navigation_with_the_current_item(spoc_client):
    on_register = _nav(spoc_client.get(reverse("requests_register:list")).content.decode())
    on_my_work = _nav(spoc_client.get(reverse("requests_register:my_work")).content.decode())

    assert [(label, current) for label, _, current in on_register if current] == [
        ("Register", "true")
    ]
    assert [(label, current) for label, _, current in on_my_work if current] == [
        ("My work", "page")
    ]
    assert ("Equal treatment", reverse("requests_register:parity"), "") in on_register
    assert ("Audit log", reverse("security:audit_log"), "") not in on_register
