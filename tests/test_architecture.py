"""The dependency order between apps (docs/ARCHITECTURE.md, "Dependency order") and the rule
that no import hides inside a function without saying why (issue 17, finding 9).

The order is read from the document itself, so the two cannot drift apart: each numbered item's
first backticked name is an app; item 15 (the project layer of `election_protocol`) names its
modules in backticks. Project code is every .py file outside tests/, benchmarks/, migrations/
and hidden folders.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
SKIP = {"tests", "benchmarks", "migrations", "node_modules", "__pycache__"}

# Module-level imports against the order, each with its reason (docs/ARCHITECTURE.md,
# "Documented exceptions"): (importing module, imported module) -> why.
EXCEPTIONS = {
    ("requests_register.models", "briefings.models"): (
        "an entry answered by published material (BriefingMaterial); moving the model would "
        "move its table"
    ),
    ("requests_register.forms", "briefings.models"): "the answering material's field",
    ("requests_register.demo", "briefings.models"): "the demo's entry answered by material",
    ("election_protocol.permissions", "candidates.queries"): (
        "refuse a user linked to a standing candidate every page"
    ),
}


def dependency_order() -> tuple[list[str], set[str]]:
    """Return the apps in order (the first is election_protocol's core) and the modules of
    election_protocol's project layer (the last item), both parsed from the document."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Dependency order", 1)[1].split("\n## ", 1)[0]
    section = section.split("\n\n`tests/test_architecture.py`", 1)[0]
    items = re.split(r"\n(?=\d+\. )", section)
    items = [item for item in items if re.match(r"\d+\. ", item)]
    numbers = [int(item.split(".", 1)[0]) for item in items]
    assert numbers == list(range(1, len(items) + 1)), numbers
    *apps, project = items
    order = [re.search(r"`([a-z_]+)`", item).group(1) for item in apps]
    assert "project layer" in project and "`election_protocol`" in project, project
    project_modules = {
        f"election_protocol.{name}"
        for name in re.findall(r"`([a-z_]+)`", project)
        if name != "election_protocol"
    }
    return order, project_modules


ORDER, PROJECT_LAYER = dependency_order()


def project_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not any(part in SKIP or part.startswith(".") for part in path.relative_to(ROOT).parts)
    )


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def layer(module: str) -> int | None:
    """The module's place in the order (0 = election_protocol's core), None outside it."""
    parts = module.split(".")
    if parts[0] not in ORDER:
        return None
    if parts[0] == "election_protocol" and ".".join(parts[:2]) in PROJECT_LAYER:
        return len(ORDER)
    return ORDER.index(parts[0])


def imported_modules(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not node.level:
        return [node.module or ""]
    base = module.split(".")[: None if is_package else -1]
    base = base[: len(base) - node.level + 1] if node.level > 1 else base
    if node.module:
        return [".".join([*base, node.module])]
    return [".".join([*base, alias.name]) for alias in node.names]


def function_local(tree: ast.Module) -> set[int]:
    """The ids of the import nodes inside a function body."""
    inside: set[int] = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {
                id(node)
                for node in ast.walk(function)
                if isinstance(node, (ast.Import, ast.ImportFrom))
            }
    return inside


def has_comment(lines: list[str], lineno: int) -> bool:
    """A comment on the import's (first) line, or a comment line just above it."""
    line = lines[lineno - 1]
    above = lines[lineno - 2].strip() if lineno > 1 else ""
    return "#" in line or above.startswith("#")


def scan() -> tuple[list[str], list[str]]:
    """Return the uncommented function-local imports and the module-level imports against
    the order that are not documented exceptions, as "path:line ..." strings."""
    uncommented, against = [], []
    for path in project_files():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        module = module_name(path)
        local = function_local(tree)
        rel = path.relative_to(ROOT)
        own = layer(module)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if id(node) in local:
                if not has_comment(lines, node.lineno):
                    uncommented.append(f"{rel}:{node.lineno} {ast.unparse(node)}")
                continue
            if own is None:
                continue
            for target in imported_modules(node, module, path.name == "__init__.py"):
                theirs = layer(target)
                if theirs is not None and theirs > own and not _excepted(module, target):
                    against.append(f"{rel}:{node.lineno} {module} imports {target}")
    return uncommented, against


def _excepted(module: str, target: str) -> bool:
    return any(module == m and (target == t or target.startswith(t + ".")) for m, t in EXCEPTIONS)


def test_the_order_is_the_documents():
    assert ORDER[:4] == ["election_protocol", "protocol", "candidates", "requests_register"]
    assert len(ORDER) == 14 and len(set(ORDER)) == 14, ORDER
    assert {"election_protocol.urls", "election_protocol.demo"} <= PROJECT_LAYER
    for app in ORDER:
        assert (ROOT / app / "__init__.py").exists(), app


def test_no_function_local_import_without_a_comment():
    uncommented, _ = scan()
    assert uncommented == [], (
        "Import at module level, or say on the line (or the line above) why it must be inside "
        "the function (docs/ARCHITECTURE.md, 'Documented exceptions'):\n" + "\n".join(uncommented)
    )


def test_no_module_level_import_against_the_dependency_order():
    _, against = scan()
    assert against == [], (
        "An app imports only from the apps before it (docs/ARCHITECTURE.md, 'Dependency "
        "order'); offer a hook instead (requests_register.hooks, publishing.hooks):\n"
        + "\n".join(against)
    )


def test_every_documented_exception_is_still_needed():
    """An exception that no import uses any more is dropped from the list (and the doc)."""
    used = set()
    for path in project_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = module_name(path)
        local = function_local(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in local:
                for target in imported_modules(node, module, path.name == "__init__.py"):
                    used |= {
                        key
                        for key in EXCEPTIONS
                        if key[0] == module and (target == key[1] or target.startswith(key[1]))
                    }
    assert used == set(EXCEPTIONS), set(EXCEPTIONS) - used


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("def f():\n    import os\n", True),
        ("def f():\n    import os  # lazy\n", False),
        ("def f():\n    # why\n    import os\n", False),
        ('def f():\n    """doc"""\n    import os\n', True),
        ("import os\n", False),
    ],
)
def test_the_comment_rule_itself(source, bad):
    tree = ast.parse(source)
    lines = source.splitlines()
    found = [n for n in ast.walk(tree) if id(n) in function_local(tree)]
    assert any(not has_comment(lines, n.lineno) for n in found) is bad
