"""Who is treated as a candidate (Norfolk 6), and whether an uploaded file is what it claims
to be (its first bytes, not the browser's word). Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from candidates.rules import Status as CandidateStatus
from candidates.rules import treated_as_candidate as candidate_rule


def treated_as_candidate(
    requester_type: str, candidate_status: str | None, undeclared_as_candidates: bool
) -> bool:
    """Return True if an entry is treated as from a candidate, decided once at logging.

    A candidate, or an agent acting for one, is treated as a candidate according to the
    candidate's status then and the election's policy (Cumbria 1.1, 6.1.1; Norfolk 6). A party
    or a member of the public is treated as the public.
    """
    if requester_type not in ("candidate", "agent") or not candidate_status:
        return False
    return candidate_rule(CandidateStatus(candidate_status), undeclared_as_candidates)


# The first bytes of a genuine file of each binary type kept (its "magic number"). A file
# named and declared as a PDF that starts "MZ" is a Windows program: refused whatever the
# browser said, since the content type of an upload is whatever the sender chose to claim.
ATTACHMENT_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
_SAME_TYPE = {".jpg": {".jpg", ".jpeg"}}


def attachment_type_problem(
    filename: str, content_type: str, data: bytes, allowed: dict[str, str]
) -> str | None:
    """Return why an upload declared as `content_type` is refused, or None if it is kept.

    `allowed` maps each content type kept to its extension. The name must end in that
    extension, and the content must be what the name says: the magic number of a binary type
    (ATTACHMENT_MAGIC), or, for text types (plain text, CSV, e-mail), no NUL byte.
    """
    extension = allowed.get(content_type)
    if extension is None:
        return None  # the caller's own message: a type not kept at all
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in _SAME_TYPE.get(extension, {extension}):
        return str(
            _("%(filename)s: a %(kind)s file's name must end in %(extension)s.")
            % {"filename": filename, "kind": extension[1:].upper(), "extension": extension}
        )
    magic = ATTACHMENT_MAGIC.get(extension)
    looks_right = data.startswith(magic) if magic else b"\x00" not in data[:8192]
    if not looks_right:
        return str(
            _("%(filename)s is not a real %(kind)s file: it may be damaged or of another type.")
            % {"filename": filename, "kind": extension[1:].upper()}
        )
    return None
