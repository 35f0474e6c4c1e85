"""The version's manifest file (publish._manifest_bytes): json.dumps(manifest, sort_keys=True)
byte for byte, whether each file's record is serialised afresh or taken from the last manifest
the worker wrote (issue 16)."""

from __future__ import annotations

import json

import pytest

from publishing.site import publish as publish_module


def _record(n: int) -> dict:
    return {"sha256": f"{n:064x}", "key": f"k{n}", "size": n, "mtime_ns": 10**18 + n}


def _manifest(files: dict) -> dict:
    return {
        "format": 3,
        "election": 7,
        "version": "20261206T063022Z-40",
        "generated_at": "2026-12-06T06:30:22+00:00",
        "files": files,
    }


def _expected(manifest: dict) -> bytes:
    return (json.dumps(manifest, sort_keys=True) + "\n").encode()


@pytest.fixture(autouse=True)
def _nothing_kept():
    publish_module.forget_kept()
    yield
    publish_module.forget_kept()


def test_the_manifest_is_json_dumps_sorted_for_a_first_and_a_later_run():
    files = {f"entries/NS26-{n:04d}.html": _record(n) for n in (3, 1, 2)}
    files["cy/entries/NS26-0001.html"] = _record(9)
    files['odd/"quoted" \\ caf\u00e9 \u2028.html'] = _record(5)  # escaped as json escapes it
    first = _manifest(files)
    assert publish_module._manifest_bytes(first) == _expected(first)

    # The next run: most records the very same objects (carried), one changed, one new, one
    # gone, and one equal in value but a new object (written again with the same bytes).
    later_files = dict(files)
    later_files["entries/NS26-0002.html"] = {**files["entries/NS26-0002.html"], "size": 99}
    later_files["entries/NS26-0004.html"] = _record(4)
    del later_files["entries/NS26-0003.html"]
    later_files["entries/NS26-0001.html"] = dict(files["entries/NS26-0001.html"])
    later = {**_manifest(later_files), "version": "20261206T063023Z-41"}
    assert publish_module._manifest_bytes(later) == _expected(later)
    assert json.loads(publish_module._manifest_bytes(later)) == later


def test_an_empty_site_has_an_empty_list_of_files():
    empty = _manifest({})
    assert publish_module._manifest_bytes(empty) == _expected(empty)
