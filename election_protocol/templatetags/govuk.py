"""GOV.UK Frontend markup every app's pages share: `{% load govuk %}`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def table_head(*labels: str, numeric_from: int = 0) -> SafeString:
    """Return the head of a GOV.UK table (`govuk-table__head`): one column header a label, in
    order, e.g. `{% table_head _("Reference") _("Topic") %}`. `numeric_from`: the column
    (counted from 1) from which the headers are of numbers, right-aligned as their cells."""
    cells = format_html_join(
        "\n",
        '    <th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (" govuk-table__header--numeric" if numeric_from and n >= numeric_from else "", label)
            for n, label in enumerate(labels, start=1)
        ),
    )
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">\n{}\n  </tr></thead>',
        cells,
    )
