"""The staff pages' service navigation (templates/_navigation.html): one table of its items,
and which of them a person sees and which is the current one.

Links are by URL name only: nothing here imports a later app (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    """One item: the page it links to (`url_name`) and its `label`.

    `permission`: shown only to those who have it (else to all staff). `section`: the app whose
    every page it is current on (aria-current "true"), except `not_pages`; without one it is
    current on its own page only (aria-current "page"). `current` overrides the aria-current
    value.
    """

    url_name: str
    label: str
    permission: str = ""
    section: str = ""
    not_pages: tuple[str, ...] = ()
    current: str = ""

    def is_current(self, view_name: str, app_name: str) -> bool:
        if self.section:
            return app_name == self.section and view_name not in self.not_pages
        return view_name == self.url_name

    @property
    def aria_current(self) -> str:
        return self.current or ("true" if self.section else "page")


ITEMS: tuple[Item, ...] = (
    Item("dashboard", _("Dashboard")),
    Item(
        "requests_register:list",
        _("Register"),
        section="requests_register",
        not_pages=("requests_register:my_work", "requests_register:parity"),
    ),
    Item("requests_register:my_work", _("My work")),
    Item("briefings:dashboard", _("Meetings"), section="briefings"),
    Item("incidents:list", _("Incidents"), section="incidents"),
    Item("publishing:list", _("Publishing"), "publishing.view_publicentry", "publishing"),
    Item("candidates:list", _("Candidates"), "candidates.view_candidate", "candidates"),
    Item("requests_register:parity", _("Equal treatment"), "requests_register.view_entry"),
    Item("non_working_days", _("Non-working days"), "election_protocol.add_nonworkingday"),
    Item("protocol:page", _("Protocol"), "protocol.view_protocolversion", "protocol"),
    Item("lifecycle:closedown", _("Close-down"), "lifecycle.view_closure"),
    Item(
        "dataprotection:retention",
        _("Data protection"),
        "dataprotection.view_retentionrun",
        "dataprotection",
    ),
    Item("security:audit_log", _("Audit log"), "security.view_auditevent"),
    Item(
        "security:two_factor",
        _("Two-factor"),
        section="security",
        not_pages=("security:audit_log",),
        current="page",
    ),
)


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    active: bool
    aria_current: str


def links_for(user, view_name: str, app_name: str) -> list[Link]:
    """The items `user` may see, in order, each with its address and whether it is the
    current one on the page named `view_name` (in app `app_name`)."""
    return [
        Link(
            reverse(item.url_name),
            item.label,
            item.is_current(view_name, app_name),
            item.aria_current,
        )
        for item in ITEMS
        if not item.permission or user.has_perm(item.permission)
    ]
