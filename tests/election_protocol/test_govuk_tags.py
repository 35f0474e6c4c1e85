"""The core's GOV.UK tags (election_protocol/templatetags/govuk.py): `{% table_head %}`, the
head of a GOV.UK table; `{% capture %}`, with which the base templates write a page's title once
for both the window title and the heading; `{% back_link %}`."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def _render(source: str, **context) -> str:
    return Template("{% load i18n govuk %}" + source).render(Context(context))


def test_one_column_header_a_label_in_order_escaped():
    html = _render('{% table_head _("Reference") label %}', label="Candidate's <name>")

    assert html == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">\n'
        '    <th scope="col" class="govuk-table__header">Reference</th>\n'
        '    <th scope="col" class="govuk-table__header">Candidate&#x27;s &lt;name&gt;</th>\n'
        "  </tr></thead>"
    )


def test_numeric_columns_from_the_one_given():
    html = _render('{% table_head "Candidate" "Requests" "Answered" numeric_from=2 %}')

    assert html.count("govuk-table__header--numeric") == 2
    assert '<th scope="col" class="govuk-table__header">Candidate</th>' in html
    assert 'class="govuk-table__header govuk-table__header--numeric">Answered</th>' in html


def test_labels_in_the_page_language():
    with translation.override("cy"):
        html = _render('{% table_head _("Reference") %}')

    assert ">Reference<" not in html
    assert ">Cyfeirnod<" in html


def test_capture_renders_once_into_a_variable_and_outputs_nothing():
    html = _render(
        "[{% capture as got %}<b>{{ name }}</b>{% endcapture %}]({{ got }})({{ got }})",
        name="Candidate's <name>",
    )

    # Escaped once, as rendered, and not again where it is used.
    assert html == "[](<b>Candidate&#x27;s &lt;name&gt;</b>)(<b>Candidate&#x27;s &lt;name&gt;</b>)"


def test_capture_says_how_to_write_it():
    with pytest.raises(TemplateSyntaxError, match=r"Write \{% capture as name %\}"):
        _render("{% capture got %}x{% endcapture %}")


DASH = "\N{EN DASH}"  # between the page's title and the office's name


def _page(base: str, blocks: str, **context) -> tuple[str, str]:
    """The window title and the h1 of a page extending `base` with `blocks`."""
    html = Template('{% extends "' + base + '" %}' + blocks).render(Context(context))
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    heading = re.search(r"<h1 class=\"govuk-heading-[lx]+\">(.*?)</h1>", html, re.S).group(1)
    return title, heading


@pytest.mark.parametrize("base", ["base.html", "base_column.html", "public/base.html"])
def test_a_page_title_is_also_its_heading(base):
    title, heading = _page(
        base, "{% block title %}Events for {{ who }}{% endblock %}", who="<Ann & Bo>"
    )

    assert title.startswith("Events for &lt;Ann &amp; Bo&gt; " + DASH)
    assert heading == "Events for &lt;Ann &amp; Bo&gt;"


@pytest.mark.parametrize("base", ["base.html", "base_column.html", "public/base.html"])
def test_a_page_that_gives_its_heading_keeps_it(base):
    blocks = (
        "{% block title %}RR-0042: Parking{% endblock %}{% block heading %}Parking{% endblock %}"
    )
    title, heading = _page(base, blocks)

    assert title.startswith("RR-0042: Parking " + DASH)
    assert heading == "Parking"


def test_the_error_prefix_is_in_the_window_title_only():
    class _Form:
        errors = {"topic": ["Enter the topic"]}

    blocks = "{% block title %}Log a request{% endblock %}"
    title, heading = _page("base.html", blocks, form=_Form())

    assert title.startswith("Error: Log a request " + DASH)
    assert heading == "Log a request"


def test_back_link_to_a_named_page_escaped():
    html = _render('{% back_link "requests_register:detail" label 42 %}', label="RR<1>")

    assert html == '<a href="/register/42/" class="govuk-back-link">RR&lt;1&gt;</a>'
