"""The register list's rows, rendered in Python (issue 16, item 3).

The list shows fifty rows a page. Written as template markup, each row cost a URL reversal,
two date filters, seven lookups and a dozen tag nodes: about a third of the page's rendering
time, and the largest single part of what the register list costs beyond a do-nothing view.
This tag builds the same markup with format_html (every value escaped), once per row.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

DATE = "j M Y"  # as the template's |date:"j M Y"


def _requester(entry, show_names: bool) -> SafeString:
    if entry.candidate_id:
        who = format_html("{}", entry.candidate.name)
        if entry.requester_type == "agent":
            who = format_html("{} {}", who, gettext("(agent)"))
    elif show_names:
        who = format_html("{}", entry.requester_name)
    else:
        who = format_html("{}", entry.requester_type_label)
    if entry.treated_as == "public" and entry.candidate_id:
        who = format_html(
            '{}<br><span class="govuk-body-s">{}</span>', who, gettext("treated as public")
        )
    return who


def _deadline(state: str) -> SafeString:
    if state == "overdue":
        return format_html(
            '<strong class="govuk-tag govuk-tag--red">{}</strong>', gettext("Overdue")
        )
    if state == "due_soon":
        return format_html(
            '<strong class="govuk-tag govuk-tag--yellow">{}</strong>', gettext("Due soon")
        )
    return SafeString("")


@register.simple_tag
def register_rows(entries, show_names: bool) -> SafeString:
    """Return the <tr> of each entry of the register list (requests_register/list.html)."""
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
                reverse("requests_register:detail", args=[entry.pk]),
                entry.reference,
                date_format(received, DATE) if received else "",
                _requester(entry, show_names),
                entry.topic,
                entry.kind_label,
                entry.status_label,
                date_format(entry.target_date, DATE) if entry.target_date else "",
                _deadline(entry.deadline),
            )
        )
    # Each row is already safe (format_html escaped every value); joining keeps it so.
    return format_html_join("\n", "{}", ((row,) for row in rows))
