"""What later apps add to the public page: the hooks publishing offers.

Publishing is before incidents in the dependency order (docs/ARCHITECTURE.md), yet the public
page shows incidents' approved statements (Cumbria 7.1.2; Norfolk 24). Incidents registers its
`Statement` model in `IncidentsConfig.ready()`; the gate (`queries.published_statements`) still
does the reading, with its own filter, field list and FETCH_RAISE, so nothing but what the gate
allows reaches a public page.
"""

from __future__ import annotations

_statement_model: list[type] = []


def register_statement_model(model: type) -> None:
    """Register the model of public statements (incidents.models.Statement): it has
    `election`, `published_at`, `approved_by` and the public fields of
    `queries.PUBLIC_STATEMENT_FIELDS`."""
    _statement_model[:] = [model]


def statement_model() -> type | None:
    return _statement_model[0] if _statement_model else None
