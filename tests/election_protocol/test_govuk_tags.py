"""`{% table_head %}` (election_protocol/templatetags/govuk.py): the head of a GOV.UK table."""

from django.template import Context, Template
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
