"""Reading the Welsh catalogue (locale/cy/LC_MESSAGES), for the i18n tests."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """Return the entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list, one per
    plural form), flags and references. Enough of the format for what makemessages writes."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"msgstr": [], "flags": set(), "refs": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#:"):
                entry["refs"] += line[2:].split()
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
            else:
                word, rest = line.split(" ", 1)
                value = ast.literal_eval(rest)
                if word.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    key = word
                    entry[key] = value
        entries.append(entry)
    return entries
