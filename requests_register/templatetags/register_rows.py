"""The register list's rows, rendered in Python (issue 16, item 3).

The list shows fifty rows a page. Written as template markup, each row cost a URL reversal,
two date filters, seven lookups and a dozen tag nodes: about a third of the page's rendering
time, and the largest single part of what the register list costs beyond a do-nothing view.
This tag builds the same markup with format_html (every value escaped), once per row.

What does not vary from row to row is worked out once per page (`_Page`): the detail link's
pattern (one `reverse` instead of fifty), the translated words, and the month names the
"j M Y" dates are written with (Django's date filter looks a lazily translated month name up
again for every date: two dates a row).
"""

from __future__ import annotations

from datetime import date

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from requests_register import rules

register = template.Library()

DATE = "j M Y"  # as the template's |date:"j M Y"
_PK = 918273645  # stands for the entry's id in the one reversed detail link


class _Page:
    """What every row of one page shares, looked up once, in the page's language."""

    def __init__(self) -> None:
        link = reverse("requests_register:detail", args=[_PK])
        self.link_head, _, self.link_tail = link.rpartition(str(_PK))
        # Django's "M": the month's three letters, title-cased (DateFormat.M).
        self.months = {n: str(name).title() for n, name in MONTHS_3.items()}
        self.statuses = {s.value: str(label) for s, label in rules.STATUS_LABELS.items()}
        self.agent = gettext("(agent)")
        self.treated_as_public = gettext("treated as public")
        self.overdue = format_html(
            '<strong class="govuk-tag govuk-tag--red">{}</strong>', gettext("Overdue")
        )
        self.due_soon = format_html(
            '<strong class="govuk-tag govuk-tag--yellow">{}</strong>', gettext("Due soon")
        )

    def date(self, day: date | None) -> str:
        """Return `day` as the date filter's "j M Y" does ("4 Dec 2026")."""
        if day is None:
            return ""
        return f"{day.day} {self.months[day.month]} {day.year:04d}"

    def link(self, pk: int) -> str:
        return f"{self.link_head}{int(pk)}{self.link_tail}"

    def deadline(self, state: str) -> SafeString:
        if state == "overdue":
            return self.overdue
        if state == "due_soon":
            return self.due_soon
        return SafeString("")

    def requester(self, entry, show_names: bool) -> SafeString:
        if entry.candidate_id:
            who = format_html("{}", entry.candidate.name)
            if entry.requester_type == "agent":
                who = format_html("{} {}", who, self.agent)
        elif show_names:
            who = format_html("{}", entry.requester_name)
        else:
            who = format_html("{}", entry.requester_type_label)
        if entry.treated_as == "public" and entry.candidate_id:
            who = format_html(
                '{}<br><span class="govuk-body-s">{}</span>', who, self.treated_as_public
            )
        return who


@register.simple_tag
def register_rows(entries, show_names: bool) -> SafeString:
    """Return the <tr> of each entry of the register list (requests_register/list.html)."""
    page = _Page()
    rows = []
    for entry in entries:
        received = timezone.localtime(entry.received_at) if entry.received_at else None
        rows.append(
            format_html(
                '<tr class="govuk-table__row">'
                '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
                '<td class="govuk-table__cell">{}</td>'
                '<td class="govuk-table__cell">{}</td>'
                '<td class="govuk-table__cell">{}<br><span class="govuk-body-s">{}</span></td>'
                '<td class="govuk-table__cell">{}</td>'
                '<td class="govuk-table__cell">{} {}</td>'
                "</tr>",
                page.link(entry.pk),
                entry.reference,
                page.date(received),
                page.requester(entry, show_names),
                entry.topic,
                entry.kind_label,
                page.statuses.get(entry.status) or entry.status_label,
                page.date(entry.target_date),
                page.deadline(entry.deadline),
            )
        )
    # Each row is already safe (format_html escaped every value); joining keeps it so.
    return format_html_join("\n", "{}", ((row,) for row in rows))
