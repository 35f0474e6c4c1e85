"""Print the part of requirements.lock that production needs, hashes included.

requirements.lock pins the development tools too (it is compiled with `--extra dev`: pytest,
Playwright, presidio and what they pull in, hundreds of MB). The image installs only
[project].dependencies from pyproject.toml and what they depend on, found by following the
lock's own "# via" comments, and installs them with `pip install --require-hashes`, which
also refuses any dependency this selection missed (it has no hash for it):

    python deploy/production_requirements.py requirements.lock pyproject.toml > prod.txt
    pip install --require-hashes -r prod.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PROJECT = "election-spoc"
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """Return the normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[str, set[str]]]:
    """Return {name: (the requirement's lines, the names it is needed "via")}."""
    blocks: dict[str, tuple[list[str], set[str]]] = {}
    current: str | None = None
    in_via = False
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            current = canonical(line.split("==", 1)[0].split(";", 1)[0].strip())
            blocks[current] = ([line], set())
            in_via = False
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("--hash") or stripped.endswith("\\"):
            blocks[current][0].append(line)
        elif stripped.startswith("# via"):
            in_via = True
            rest = stripped.removeprefix("# via").strip()
            if rest:
                blocks[current][1].add(rest)
        elif in_via and stripped.startswith("#"):
            blocks[current][1].add(stripped.lstrip("#").strip())
    parsed = {}
    for name, (lines, vias) in blocks.items():
        parents = {canonical(v.split(" (", 1)[0].split("[", 1)[0]) for v in vias if v}
        parsed[name] = ("\n".join(lines), parents)
    return parsed


def production_names(pyproject: dict) -> set[str]:
    """Return the canonical names of [project].dependencies (extras and versions dropped)."""
    names = set()
    for requirement in pyproject["project"]["dependencies"]:
        match = _REQUIREMENT_NAME.match(requirement)
        if match:
            names.add(canonical(match.group(1)))
    return names


def select(lock: dict[str, tuple[str, set[str]]], roots: set[str]) -> list[str]:
    """Return, in lock order, the roots and everything needed via something already selected."""
    missing = roots - lock.keys()
    if missing:
        raise SystemExit(f"Not in the lock (run `make lock`): {', '.join(sorted(missing))}")
    selected = set(roots)
    changed = True
    while changed:
        changed = False
        for name, (_, parents) in lock.items():
            if name not in selected and parents & selected:
                selected.add(name)
                changed = True
    return [name for name in lock if name in selected]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} requirements.lock pyproject.toml", file=sys.stderr)
        return 2
    lock = parse_lock(Path(argv[1]).read_text())
    roots = production_names(tomllib.loads(Path(argv[2]).read_text()))
    print("# Production part of requirements.lock (deploy/production_requirements.py).")
    for name in select(lock, roots):
        print(lock[name][0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
