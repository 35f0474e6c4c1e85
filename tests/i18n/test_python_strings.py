"""Welsh-ready Python (issue 17, finding 8): every user-facing string in a view is marked for
translation, and every outgoing e-mail is an editable template with a default marked for
translation, as tests/i18n/test_templates.py checks the templates.

The view check reads every module of views (`views.py`, `views_*.py`, `*_views.py`, and a
`views/` package): a string literal that reads as words (two words, or
one capitalised word such as a button label) must sit inside a gettext call. Docstrings, log
calls and lines saying "not translated" (text stored as written, e.g. a history note) are
left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from requests_register import email_templates, outbox
from requests_register.models import EmailTemplate

ROOT = Path(settings.BASE_DIR)
_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]|^[A-Z][a-z]+[.!?]?$")
_MARKERS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "gettext_noop"}
_LOGGERS = {"logger", "logging", "log"}
# Every app with pages or e-mail (issue 17, finding 8).
_APPS = ("briefings", "candidates", "dataprotection", "election_protocol", "foi", "incidents")
_APPS += ("lifecycle", "mail_intake", "paro", "protocol", "publishing", "reports")
_APPS += ("requests_register", "security")


def _python_files(pattern: str) -> list[Path]:
    return sorted(
        p for app in _APPS for p in (ROOT / app).rglob(pattern) if "migrations" not in p.parts
    )


def _view_files() -> list[Path]:
    """Every module of staff or public views, however the app names or splits them."""
    return sorted(
        p
        for p in _python_files("*.py")
        if p.name == "views.py"
        or p.name.startswith("views_")
        or p.stem.endswith("_views")
        or p.parent.name == "views"
    )


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _exempt(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Expr) and isinstance(parent.value, ast.Constant):
            return True  # a docstring
        if isinstance(parent, ast.Call):
            if _call_name(parent) in _MARKERS:
                return True
            owner = getattr(parent.func, "value", None)
            if isinstance(owner, ast.Name) and owner.id in _LOGGERS:
                return True
        parent = parents.get(parent)
    return False


def unmarked_strings(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of each string literal in `source` that reads as words and is not
    marked for translation."""
    tree = ast.parse(source)
    parents = _parents(tree)
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not _WORDS.search(node.value) or _exempt(node, parents):
            continue
        if "not translated" in lines[node.lineno - 1]:
            continue
        found.append((node.lineno, node.value))
    return sorted(found)


def test_the_check_finds_unmarked_strings_and_accepts_marked_ones():
    source = '''
def view(request):
    """A docstring is not shown."""
    logger.info("Logged, not shown")
    messages.success(request, "Saved the entry.")
    label = "Approve"
    status = "in_progress"
    done = _("Sent for approval.")
    note = "Added by staff."  # stored as written: not translated
    return f"the notes of {x}"
'''
    assert unmarked_strings(source) == [
        (5, "Saved the entry."),
        (6, "Approve"),
        (10, "the notes of "),
    ]


@pytest.mark.parametrize("path", _view_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_user_facing_string_in_a_view_is_marked(path: Path):
    assert unmarked_strings(path.read_text()) == []


def test_the_view_check_reads_split_view_modules():
    read = {str(p.relative_to(ROOT)) for p in _view_files()}
    assert "requests_register/views/entry.py" in read  # a package of views
    assert "lifecycle/protocol_views.py" in read  # a second module beside views.py
    assert "incidents/views/case.py" in read


# --- e-mail ----------------------------------------------------------------------------------


def _queue_email_calls() -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in _python_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _call_name(node) == "queue_email":
                calls.append((path, node))
    return calls


def test_no_e_mail_is_written_in_code():
    """Every queue_email call takes its subject and body from a template (render_template):
    a literal, an f-string or a concatenation would be English that nobody can edit."""
    calls = _queue_email_calls()
    assert len(calls) >= 6  # the check reads the code it is meant to
    written = [
        f"{path.relative_to(ROOT)}:{call.lineno} {kw.arg}"
        for path, call in calls
        for kw in call.keywords
        if kw.arg in ("subject", "body") and not isinstance(kw.value, ast.Name | ast.Attribute)
    ]
    assert written == []


def test_every_template_used_in_code_has_a_default():
    used = set()
    for path in _python_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            # render_template("key", ...), queue_templated_email(key="key"), _notify(role, "key")
            position = {"render_template": 0, "_notify": 1}.get(_call_name(node))
            keys = [node.args[position]] if position is not None and node.args else []
            keys += [kw.value for kw in node.keywords if kw.arg == "key"]
            used |= {k.value for k in keys if isinstance(k, ast.Constant)}
    assert used >= {"assignment", "booking_prepared", "equal_offer", "public_site_blocked"}
    assert used - set(email_templates.DEFAULTS) == set()


def test_the_first_templates_defaults_are_the_migration_s_text():
    """An unedited template is the default (and so follows the language): the rows the first
    migration made must equal their defaults."""
    import importlib

    migration = importlib.import_module("requests_register.migrations.0002_email_templates")
    for template in migration.TEMPLATES:
        default = email_templates.DEFAULTS[template["key"]]
        assert (default.subject, default.body) == (template["subject"], template["body"])


@pytest.mark.django_db
def test_every_default_has_an_editable_row():
    rows = dict(EmailTemplate.objects.values_list("key", "description"))
    assert {key: d.description for key, d in email_templates.DEFAULTS.items()} == {
        key: rows[key] for key in email_templates.DEFAULTS
    }


@pytest.mark.django_db
def test_an_unedited_template_follows_the_language_and_an_edited_one_is_sent_as_written(
    monkeypatch,
):
    translated = {"$reference: $what cancelled": "$reference: wedi'i ganslo ($what)"}
    monkeypatch.setattr(
        email_templates, "gettext", lambda text: translated.get(text, text), raising=True
    )
    context = {"reference": "R-1", "what": "A visit", "name": "Ada", "reason": "Ill."}
    with override_settings(LANGUAGE_CODE="cy"):
        subject, body = outbox.render_template("booking_cancelled", context)
    assert subject == "R-1: wedi'i ganslo (A visit)"
    assert body.startswith("Dear Ada,")
    EmailTemplate.objects.filter(key="booking_cancelled").update(subject="Edited: $reference")
    assert outbox.render_template("booking_cancelled", context)[0] == "Edited: R-1"
    EmailTemplate.objects.filter(key="booking_cancelled").delete()  # the default still serves
    assert outbox.render_template("booking_cancelled", context)[0] == "R-1: wedi'i ganslo (A visit)"
