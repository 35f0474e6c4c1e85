"""Who may read the SPOC mailbox and decide its triage inbox. Views call only these.

Mail carries requesters' addresses and whatever they wrote, so it is for the roles that
manage the register and see contact details: the SPOC and the Chief Executive.
"""

from __future__ import annotations

from django.http import Http404

from election_protocol.permissions import first_or_404, is_staff_member
from mail_intake.models import InboundMessage
from requests_register import permissions as register_permissions


def can_view_mailbox(user) -> bool:
    """Return True if `user` may read the mail received and the mailbox's health."""
    return register_permissions.can_log_entry(
        user
    ) and register_permissions.can_view_requester_contacts(user)


def can_triage_mail(user) -> bool:
    """Return True if `user` may accept, mark as duplicate or dismiss received mail."""
    return (
        can_view_mailbox(user)
        and is_staff_member(user)
        and register_permissions.can_manage_entries(user)
    )


def get_message_for_user(user, pk: int) -> InboundMessage:
    """Return the message `pk`, or raise 404 alike for missing and not permitted."""
    if not can_view_mailbox(user):
        raise Http404
    messages = InboundMessage.objects.select_related("entry", "candidate", "decided_by", "outbound")
    return first_or_404(messages.defer("raw"), pk=pk)
