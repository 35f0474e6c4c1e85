"""GOV.UK Frontend markup every app's pages share: `{% load govuk %}`."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from election_protocol import navigation

register = template.Library()


class CaptureNode(template.Node):
    """Renders its content once into a context variable and outputs nothing."""

    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist  # searched by {% extends %} for the blocks inside
        self.name = name

    def render(self, context: template.Context) -> str:
        # Template output, escaped as it was rendered: safe as it stands.
        rendered = self.nodelist.render(context)
        context[self.name] = mark_safe(rendered)  # noqa: S308 - rendered above  # nosec B308 B703
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """`{% capture as name %}...{% endcapture %}`: render the content once into `name`.

    The base templates capture the page's title block, so one `{% block title %}` gives both
    the window title and, unless the page gives its own `{% block heading %}`, the heading:
    a page's title is written once. Blocks inside are overridden by child templates as usual.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError(f"Write {{% {bits[0]} as name %}}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag
def back_link(url_name: str, label: str, *args: object) -> SafeString:
    """Return a GOV.UK back link to the page named `url_name` (with `args`), e.g.
    `{% back_link "briefings:dashboard" _("Meetings and visits") %}`."""
    return format_html(
        '<a href="{}" class="govuk-back-link">{}</a>', reverse(url_name, args=args), label
    )


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


@register.simple_tag(takes_context=True)
def staff_navigation(context: template.Context) -> list[navigation.Link]:
    """Return the staff navigation's links for this page's user and page
    (`election_protocol.navigation`): `{% staff_navigation as links %}`."""
    request = context.get("request")
    if request is None:  # a page rendered outside a request (an error page, a test)
        return []
    match = request.resolver_match
    return navigation.links_for(
        request.user, match.view_name if match else "", match.app_name if match else ""
    )
