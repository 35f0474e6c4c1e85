"""The digests a file's key is made of (publishing.site.pages.base): a list of digests is
digested as one text (digest_of_digests), and two different lists never give one key."""

from __future__ import annotations

import hashlib

from publishing.site.pages import base


def _hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_list_of_digests_gives_one_digest_for_its_content_its_order_and_its_length():
    a, b, c = _hex("a"), _hex("b"), _hex("c")
    assert base.digest_of_digests([a, b]) == base.digest_of_digests([a, b])
    different = [[b, a], [a], [a, b, c], [], [a + b], [a, b, b]]
    keys = {base.digest_of_digests(d) for d in different} | {base.digest_of_digests([a, b])}
    assert len(keys) == len(different) + 1
    # Not the digest of the joined text alone: an empty list is not the list of one empty text.
    assert base.digest_of_digests([]) != base.digest_of_digests([""])


def test_a_key_made_with_it_changes_with_any_row_s_digest():
    rows = [_hex(str(n)) for n in range(1000)]
    key = base.digest("chrome", "catalogue", base.digest_of_digests(rows))
    rows[500] = _hex("changed")
    assert base.digest("chrome", "catalogue", base.digest_of_digests(rows)) != key
