"""The public page archived as a permanent snapshot (issue 15, item 3).

The election's public site is rendered afresh through publishing's own build (the gate, the
anonymiser's output, the leak scan: publishing.site.publish_site into a folder), every HTML
page is given a visible "this election is over" banner, and the folder is put beside the
published versions, under archive/<prefix>/ of the public site's target, where pruning never
reaches. It is served from there as static files (nginx: /election/archive/; the DEBUG demo:
lifecycle.views.archived_site).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from election_protocol.models import Election
from lifecycle import rules
from publishing.site import publish_site
from publishing.site.target import LocalTarget, default_target

ARCHIVE_DIR = "archive"
_HEADER_END = re.compile(rb"</header>", re.IGNORECASE)


def banner_html(election: Election, archived_at: datetime, language: str) -> bytes:
    """Return the banner in `language` (the page's own: Welsh pages get Welsh)."""
    with translation.override(language):
        return render_to_string(
            "lifecycle/archive_banner.html",
            {"election": election, "archived_on": timezone.localdate(archived_at)},
        ).encode()


def add_banner(page: bytes, banner: bytes) -> bytes:
    """Return `page` with `banner` after its header (at the top of the body if it has none)."""
    match = _HEADER_END.search(page)
    if match:
        return page[: match.end()] + banner + page[match.end() :]
    body = re.search(rb"<body[^>]*>", page, re.IGNORECASE)
    at = body.end() if body else 0
    return page[:at] + banner + page[at:]


def _mark(folder: Path, election: Election, now: datetime) -> None:
    banners = {code: banner_html(election, now, code) for code in ("en", "cy")}
    for path in folder.rglob("*.html"):
        relative = path.relative_to(folder).as_posix()
        language = "cy" if relative.startswith("cy/") else "en"
        path.write_bytes(add_banner(path.read_bytes(), banners[language]))


def archive_path(election: Election) -> str:
    """Return the snapshot's folder inside the public site's target: archive/<prefix>."""
    return f"{ARCHIVE_DIR}/{rules.archive_folder(election.reference_prefix)}"


def archive_public_site(election: Election, *, now: datetime) -> str:
    """Render, mark and store the election's public page; return where it is (archive/<prefix>).

    Raises rules.CloseDownError when the leak scan blocks the render (nothing is stored) or a
    snapshot already exists (a snapshot is permanent: never replaced)."""
    target = default_target()
    relative = archive_path(election)
    with tempfile.TemporaryDirectory(prefix="archive-") as temp:
        build = Path(temp) / "site"
        result = publish_site(election, to=build, now=now)
        if result.status != "published":
            raise rules.CloseDownError(
                "The public page could not be archived: the leak scan found private data "
                f"({result.reason}). Correct the public entry and archive again."
            )
        _mark(build, election, now)
        if isinstance(target, LocalTarget):
            final = target.root / relative
            if final.exists():
                raise rules.CloseDownError("This election's public page is already archived.")
            final.parent.mkdir(parents=True, exist_ok=True)
            staging = (
                target.root
                / f".{ARCHIVE_DIR}-{os.getpid()}-{rules.archive_folder(election.reference_prefix)}"
            )
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(build, staging)
            os.rename(staging, final)  # all or nothing: a half-copied snapshot is never served
        else:
            storage = target.storage
            if storage.exists(f"{relative}/index.html"):
                raise rules.CloseDownError("This election's public page is already archived.")
            for path in sorted(build.rglob("*")):
                if path.is_file():
                    name = f"{relative}/{path.relative_to(build).as_posix()}"
                    storage.save(name, ContentFile(path.read_bytes()))
    return relative


def archived_folder(prefix: str) -> Path | None:
    """Return the local folder of an election's snapshot (for the DEBUG view), or None."""
    target = default_target()
    if not isinstance(target, LocalTarget):
        return None
    try:
        name = rules.archive_folder(prefix)
    except ValueError:
        return None
    folder = target.root / ARCHIVE_DIR / name
    return folder if folder.is_dir() else None
