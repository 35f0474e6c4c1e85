"""Helpers for the security tests: every URL pattern of the project, a cheap snapshot of the
database ("did anything change?"), and page-body normalising for "same answer" comparisons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    """One URL pattern: `name` is namespaced ("requests_register:detail"), `route` the whole
    pattern text from the root, `kwargs` the names of its captured arguments."""

    name: str
    route: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def _pattern_kwargs(pattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    # A re_path: its named groups.
    regex = getattr(pattern.pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def all_routes(resolver: URLResolver | None = None) -> list[Route]:
    """Return every URL pattern reachable from the root URLconf, namespaces included.

    A pattern without a name is listed under its route text (in its namespace), so it cannot
    hide from a test that looks patterns up by name.
    """
    resolver = resolver or get_resolver()
    found: list[Route] = []

    def walk(node: URLResolver, prefix: str, namespace: str, kwargs: tuple[str, ...]) -> None:
        for item in node.url_patterns:
            if isinstance(item, URLResolver):
                ns = ":".join(part for part in (namespace, item.namespace) if part)
                walk(item, prefix + str(item.pattern), ns, kwargs + _pattern_kwargs(item))
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                name = item.name or route
                if namespace:
                    name = f"{namespace}:{name}"
                found.append(Route(name, route, kwargs + _pattern_kwargs(item), item.callback))

    walk(resolver, "", "", ())
    return found


# Tables whose rows change on any request and say nothing about what a form or view did:
# sessions (force_login, a signed-out refusal), django-axes' log of sign-ins and sign-outs,
# and the security app's audit log (a refusal is recorded there by design).
_VOLATILE_TABLE_PREFIXES = ("django_session", "axes_", "security_auditevent")


def _tables() -> list[str]:
    names = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not table.startswith(_VOLATILE_TABLE_PREFIXES):
            names.append(table)
    return sorted(set(names))


def table_counts() -> dict[str, int]:
    """Return the number of rows in every table of the project, in one query.

    History tables (django-simple-history) are included, so an update through a model's save()
    shows up as a new history row even though the model's own count is unchanged.
    """
    tables = _tables()
    quote = connection.ops.quote_name
    # Table names from the model registry, quoted by the backend: no outside input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Return {table: (before, after)} for every table whose row count changed."""
    return {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}


_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')
_NONCE = re.compile(r'nonce="[^"]*"')


def body_shape(html: str, *values: object) -> str:
    """Return `html` with what legitimately differs between two requests taken out: CSRF
    tokens, CSP nonces, and the given `values` (the primary keys asked for) in paths."""
    html = _CSRF.sub(r'\1"', html)
    html = _NONCE.sub('nonce=""', html)
    for value in values:
        html = html.replace(f"/{value}/", "/<pk>/")
    return html
