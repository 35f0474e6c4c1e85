"""The limits of an imported e-mail and the messages that explain a refusal to staff."""

from __future__ import annotations

from email.errors import HeaderParseError

MAX_EMAIL_BYTES = 10 * 1024 * 1024
MAX_FILENAME_LENGTH = 100
# Parts nested deeper than this are not read: real mail nests a few levels (a forward of a
# forward with attachments); the stdlib parser and walkers recurse once per level and hit
# Python's recursion limit near 1,000 (issue 14, item 5).
MAX_NESTING_DEPTH = 100
FORWARDED_MESSAGE_FILENAME = "forwarded-message.eml"

NOT_AN_EMAIL_MESSAGE = (
    "This does not look like an e-mail: save the message as .eml (or paste its full source, "
    "headers included) and try again."
)
MALFORMED_MESSAGE = (
    "This e-mail could not be read because its headers are damaged: save it again from your "
    "mail program as .eml, or type the details into the form."
)
TOO_DEEP_MESSAGE = (
    "This e-mail has parts nested more than 100 levels deep, which no mail program makes: "
    "it cannot be read safely. Type the details into the form, or ask the sender to send it "
    "again."
)
TOO_LARGE_MESSAGE = (
    "This e-mail is larger than 10 MB: save its large attachments separately and import the "
    "message without them."
)


# What a malformed header can raise when parsed (the header parser has had bugs raising
# IndexError and the like on hostile input); such a header is treated as absent.
_HEADER_ERRORS = (HeaderParseError, ValueError, TypeError, IndexError, AttributeError)
