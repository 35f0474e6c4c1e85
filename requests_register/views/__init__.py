"""Staff pages of the register, by what they are for (names re-exported for the URLs):

- `listing`: the register list (filtered, paged), my work, equal treatment, approvers;
- `intake`: logging a contact, by hand or from an e-mail;
- `entry`: one entry's page and the steps taken on it;
- `team`: owner, unassign and hand over, answer documents, sign-off proposals (issue 13);
- `common`: what they share.
"""

from requests_register.views.entry import (
    add_attachments,
    add_note,
    assign,
    change_status,
    contribute,
    download_attachment,
    draft,
    edit_entry,
    entry_detail,
)
from requests_register.views.intake import log_entry, log_from_email
from requests_register.views.listing import deputies, my_work, parity, register_list
from requests_register.views.team import (
    add_answer_documents,
    decide_proposal,
    detail_context,
    download_answer_document,
    propose,
    reassign,
    remove_answer_document,
    set_owner,
    unassign,
)

__all__ = [
    "add_answer_documents",
    "add_attachments",
    "add_note",
    "assign",
    "change_status",
    "contribute",
    "decide_proposal",
    "deputies",
    "detail_context",
    "download_answer_document",
    "download_attachment",
    "draft",
    "edit_entry",
    "entry_detail",
    "log_entry",
    "log_from_email",
    "my_work",
    "parity",
    "propose",
    "reassign",
    "register_list",
    "remove_answer_document",
    "set_owner",
    "unassign",
]
