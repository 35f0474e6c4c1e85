"""The register's search covers the whole register (search.js fetches search-index.json)."""

from __future__ import annotations

import json

import time_machine

from publishing import site
from tests.builders import NOW, published


def test_the_search_index_holds_every_answer_and_only_public_fields(election, cast, tmp_path):
    with time_machine.travel(NOW, tick=False):
        first = published(election, cast, topic="Night cover")
        second = published(election, cast, topic="Road safety")
        result = site.publish_site(election, to=tmp_path)
    assert result.status == "published"
    rows = json.loads((tmp_path / "search-index.json").read_text())
    assert [r["reference"] for r in rows] == [first.reference, second.reference]
    assert set(rows[0]) == {"reference", "topic", "answered_on", "path", "text"}
    first.refresh_from_db()
    assert rows[0]["text"] == f"{first.question} {first.answer}"
    assert (tmp_path / rows[0]["path"]).is_file()  # the link leads to the entry's page
    register = (tmp_path / "register/index.html").read_text()
    assert 'data-index="../search-index.json"' in register
    assert "Search all answers" in register


def test_the_search_index_changes_with_the_register_only(election, cast, tmp_path):
    from publishing.site import pages

    with time_machine.travel(NOW, tick=False):
        published(election, cast)
        before = {o.path: o.key for o in pages.plan_site(pages.load(election), now=NOW)}
        published(election, cast, topic="Road safety")
        after = {o.path: o.key for o in pages.plan_site(pages.load(election), now=NOW)}
    assert before["search-index.json"] != after["search-index.json"]
    assert before["key-dates.ics"] == after["key-dates.ics"]
