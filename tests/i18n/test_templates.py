"""Welsh-ready templates (issue 7, item 5): every piece of visible text in every template is
inside {% translate %} or {% blocktranslate %}, so a Welsh office adds a catalogue and changes
no template; and every template still compiles.

The check reads each template's source: comments, script and style, translate tags and whole
blocktranslate blocks, variables and other tags are taken out; what is left between the HTML
tags, and in the attributes people see or hear (aria-label, title, placeholder, alt, a meta
description), must hold no letters. Literal strings given to |default and |yesno must be
marked too (`default:_("None")`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

TEMPLATES = Path(settings.BASE_DIR) / "templates"

_REMOVED = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|{#.*?#}",
    re.S,
)
_TAG_OR_VAR = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_LETTER = re.compile(r"[A-Za-z]")
_ENTITY = re.compile(r"&#?\w+;")
_VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-roledescription"}
_UNMARKED_LITERAL = re.compile(r'\|(?:default|yesno|default_if_none):"[^"]*[A-Za-z]')


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []

    def handle_data(self, data: str) -> None:
        if _LETTER.search(_ENTITY.sub("", data)):
            self.found.append(" ".join(data.split()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            visible = name in _VISIBLE_ATTRIBUTES or (
                tag == "meta" and name == "content" and named.get("name") == "description"
            )
            if visible and value and _LETTER.search(value):
                self.found.append(f'{name}="{value}"')


def untranslated_text(source: str) -> list[str]:
    """Return the visible text of a template's source that is not marked for translation."""
    stripped = _TAG_OR_VAR.sub("", _REMOVED.sub("", source))
    parser = _Text()
    parser.feed(stripped)
    parser.close()
    return parser.found + _UNMARKED_LITERAL.findall(_REMOVED.sub("", source))


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_check_finds_unmarked_text_and_accepts_marked_text():
    assert untranslated_text('<p class="x">Hello {{ name }}</p>') == ["Hello"]
    assert untranslated_text('<nav aria-label="Menu"></nav>') == ['aria-label="Menu"']
    assert untranslated_text('{{ x|default:"None" }}') == ['|default:"None']
    assert untranslated_text('<meta name="description" content="Answers">') == ['content="Answers"']
    marked = (
        '{% load i18n %}<p>{% translate "Hello" %} {{ name }}</p>'
        '<nav aria-label="{% translate "Menu" %}"></nav>{{ x|default:_("None") }}'
        "{% blocktranslate with n=x.y %}Hello {{ n }}<a>there</a>{% endblocktranslate %}"
        "{# a note #}<script>let a = 'b'</script> · \u2013 12 &nbsp;"
    )
    assert untranslated_text(marked) == []


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_visible_text_is_marked_for_translation(path):
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_template_compiles(path):
    # A translate tag in the wrong place (a block tag inside blocktranslate, a tag across
    # lines) is a TemplateSyntaxError here rather than on a page.
    engines["django"].get_template(path.relative_to(TEMPLATES).as_posix())
