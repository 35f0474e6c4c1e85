"""What a reader can get from a PDF, for the leak scan (scan.readings): read with pypdf, a
well-kept extractor, not by hand (issue 17, item 10).

Three readings, so nothing a PDF viewer, a screen reader or a search engine could show is
missed:
- the text of every page (pypdf decodes each font's ToUnicode map: WeasyPrint writes glyph
  numbers, not letters), once as laid out and once with the line breaks joined, since a bold
  part or a line end can split what is one word or one name;
- every string anywhere in the document's objects: the title and other metadata, outlines,
  link addresses, alternative texts and ActualText of the structure tree, annotations;
- the XMP metadata stream, as text.

A file pypdf cannot read at all raises PdfUnreadable: the check then blocks the run, it never
passes a file it could not read.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

# pypdf warns about harmless oddities of real PDFs through logging; the scan's verdict does
# not depend on them.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# Keys whose values are not text anyone reads: fonts (their programs and widths), images, page
# content (read as text through extract_text), and the object streams' own bookkeeping.
_SKIP_KEYS = frozenset(
    {"/Font", "/FontDescriptor", "/FontFile", "/FontFile2", "/FontFile3", "/Widths", "/W"}
    | {"/XObject", "/ColorSpace", "/Contents", "/Parent", "/ParentTree", "/P", "/Pg", "/K"}
)


class PdfUnreadable(ValueError):
    """The file is not a PDF pypdf can read."""


def _strings(obj: PdfObject, seen: set[int], depth: int = 0) -> Iterator[str]:
    """Yield every text and byte string reachable from `obj`, each indirect object once."""
    if depth > 200:
        return
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        try:
            obj = obj.get_object()
        except (PyPdfError, ValueError, KeyError):
            return
    if isinstance(obj, TextStringObject):
        yield str(obj)
    elif isinstance(obj, ByteStringObject):
        yield bytes(obj).decode("latin-1")
    elif isinstance(obj, DictionaryObject):  # a stream's dictionary too, not its data
        for key, value in obj.items():
            if key in _SKIP_KEYS and not _kept(key, obj):
                continue
            yield from _strings(value, seen, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _strings(value, seen, depth + 1)


def _kept(key: str, obj: DictionaryObject) -> bool:
    """A structure element's /K holds its children (with their /Alt and /ActualText); an
    annotation's /Contents is its text: both are read."""
    if key == "/K":
        return obj.get("/Type") in ("/StructElem", "/StructTreeRoot") or "/S" in obj
    if key == "/Contents":
        return obj.get("/Type") == "/Annot" or "/Subtype" in obj
    return False


def _xmp(reader: PdfReader) -> str:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return ""
    stream = metadata.get_object()
    if not isinstance(stream, StreamObject):
        return ""
    return stream.get_data().decode("utf-8", "replace")


def pdf_texts(data: bytes) -> list[str]:
    """Return what can be read from the PDF `data` (see the module's docstring)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
        strings = list(_strings(reader.trailer, set()))
        xmp = _xmp(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise PdfUnreadable(f"Not a readable PDF ({type(error).__name__})") from error
    text = "\n".join(pages)
    out = [text, " ".join(text.split("\n")), "".join(text.split("\n")), "\n".join(strings)]
    if xmp:
        out.append(xmp)
    return [t for t in dict.fromkeys(out) if t]
