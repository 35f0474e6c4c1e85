"""Recording and sorting without a server: exactly once, whatever the headers look like."""

from __future__ import annotations

import pytest

from mail_intake import services
from mail_intake.models import InboundMessage
from mail_intake.services import sorting as sorting_module

pytestmark = pytest.mark.django_db


def test_record_message_twice_is_one_row():
    raw = b"From: a@example.org\r\nMessage-ID: <once@example.org>\r\n\r\nHello\r\n"
    first, created = services.record_message(raw)
    again, created_again = services.record_message(raw)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert first.message_id == "once@example.org"
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_record_message_folded_message_id_header_still_deduplicates():
    body = b"\r\n\r\nHello\r\n"
    one = b"Received: from a\r\nMessage-ID:\r\n <folded@example.org>" + body
    two = b"Received: from b\r\nMessage-ID:\r\n\t<folded@example.org>" + body
    services.record_message(one)
    _message, created = services.record_message(two)
    assert not created
    assert InboundMessage.objects.get().message_id == "folded@example.org"


def test_record_message_without_message_id_uses_the_whole_message():
    services.record_message(b"From: a@example.org\r\n\r\nOne\r\n")
    _message, created = services.record_message(b"From: a@example.org\r\n\r\nTwo\r\n")
    assert created
    assert InboundMessage.objects.count() == 2


def test_sort_message_failure_needs_attention_and_keeps_the_message(election, monkeypatch):
    message, _created = services.record_message(
        b"From: a@example.org\r\nSubject: x\r\nMessage-ID: <boom@example.org>\r\n\r\nHi\r\n"
    )

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sorting_module, "_thread_entry", boom)
    sorted_message = services.sort_message(message.pk)

    assert sorted_message.state == InboundMessage.State.NEEDS_ATTENTION
    assert "could not be sorted automatically (RuntimeError)" in sorted_message.problem
    assert InboundMessage.objects.get().state == InboundMessage.State.NEEDS_ATTENTION
