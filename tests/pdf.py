"""Reading the PDFs the project makes, for tests: the raw bytes with every stream inflated."""

from __future__ import annotations

import re
import zlib


def expanded(pdf: bytes) -> bytes:
    """Return the PDF followed by every Flate stream in it inflated (object streams included)."""
    parts = [pdf]
    for start in re.finditer(rb">>\s*stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[start.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)
