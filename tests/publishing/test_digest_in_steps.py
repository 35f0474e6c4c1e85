"""A large rendered file's SHA-256 goes on from the state where it parts from the live file
(checks._digest_of_rendered; issue 16, item 1): whatever the files, the digest is the file's."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from publishing.site import checks
from publishing.site.publish import forget_kept, publish_site
from publishing.site.target import live_site, site_target
from tests.builders import NOW, published

STEP = 4


@pytest.fixture
def small_steps(monkeypatch):
    """Steps of four bytes, from eight: hypothesis's files have many of them."""
    monkeypatch.setattr(checks, "HASH_STEP", STEP)
    monkeypatch.setattr(checks, "HASHED_IN_STEPS_FROM", 2 * STEP)
    checks._HASH_STATES.clear()
    yield
    checks._HASH_STATES.clear()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The fixture only sets the steps' size; each example clears the states itself.
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.lists(st.binary(max_size=40), min_size=1, max_size=6), stale=st.booleans())
@example(files=[b"a" * 16, b"a" * 16 + b"b"], stale=False)  # appended: every step kept
@example(files=[b"a" * 16, b"b" + b"a" * 15], stale=False)  # the first byte: none kept
@example(files=[b"a" * 16, b"a" * 9], stale=False)  # shorter
def test_each_digest_is_the_files_own_whatever_came_before(small_steps, files, stale):
    """Each file rendered in turn at one path, the one before it being the live file (or, if
    `stale`, said to be a file other than the one whose states are kept)."""
    checks._HASH_STATES.clear()
    live = None
    for content in files:
        digest = _sha(live) if live is not None and not stale else "another file's"
        assert checks._digest_of_rendered("register.csv", content, live, digest) == _sha(content)
        live = content


def test_the_steps_both_files_begin_with_are_not_hashed_again(small_steps):
    live = b"0123456789abcdefghij"  # five steps
    checks._digest_of_rendered("register.csv", live)
    kept = checks._HASH_STATES["register.csv"][1]
    assert len(kept) == 5
    new = live[:13] + b"!" + live[14:] + b"klm"  # parts from it in the fourth step
    assert checks._digest_of_rendered("register.csv", new, live, _sha(live)) == _sha(new)
    states = checks._HASH_STATES["register.csv"][1]
    assert states[:3] == kept[:3] and all(a is b for a, b in zip(states, kept[:3], strict=False))
    assert all(state not in kept for state in states[3:])
    assert len(states) == len(new) // STEP


def test_a_small_file_is_hashed_whole_and_nothing_kept(small_steps):
    checks._digest_of_rendered("register.csv", b"0123456789")
    assert checks._digest_of_rendered("register.csv", b"0123") == _sha(b"0123")
    assert "register.csv" not in checks._HASH_STATES


def test_every_file_a_run_records_is_its_own_digest_after_one_more_entry(
    small_steps, election, cast
):
    """The whole-register files, hashed in steps of four bytes: after one more answer, each
    file's record in the live manifest is its file's digest, and the run went on from the
    states of the live files."""
    forget_kept()
    with time_machine.travel(NOW, tick=False):
        published(election, cast, topic="Road safety")
        publish_site(election, now=NOW)
    target = site_target(live_site(election, NOW.date()))
    first = dict(checks._HASH_STATES)
    assert {"register.csv", "register.json", "search-index.json"} <= first.keys()
    later = NOW + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        published(election, cast, topic="Road safety")
        publish_site(election, now=later)
    version = target.versions_dir / target.current_version()
    manifest = target.manifest(target.current_version())
    for path, record in manifest["files"].items():
        assert record["sha256"] == _sha((version / path).read_bytes()), path
    for path in ("register.csv", "register.json", "search-index.json"):
        before, after = first[path][1], checks._HASH_STATES[path][1]
        assert after[0] is before[0], path  # the file's first step was not hashed again
    forget_kept()
