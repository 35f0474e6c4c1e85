"""Audit the locked dependencies for known vulnerabilities (make security; issue 6, item 5).

Runs pip-audit on a requirements file exported from uv.lock (`make security` exports every
pin of every group, with hashes, to a temporary file and passes its path; hashes required, no
pip, no install). pip-audit asks PyPI's
JSON API about each pinned version (/pypi/<name>/<version>/json). Where that answers nothing
("not found": an index or mirror that serves only the project pages), pip-audit skips the
package and, by itself, would report "No known vulnerabilities found" having checked nothing.
So each skipped package is looked up again on its project page (/pypi/<name>/json): PyPI lists
there the known vulnerabilities of the latest release, which audits a pin that is the latest.

Exit status:
- 1 if any vulnerability is found (by pip-audit or on a project page);
- 1 if PyPI could not be reached and CI is set (in CI an unreachable service fails the run;
  on a developer's machine it is reported and the run goes on);
- 0 otherwise. A pin held back behind its latest release cannot be audited this way when
  pip-audit cannot; it is listed by name (direct or transitive), never hidden, but does not fail
  the run: the lock is deliberately fixed, so every new upstream release would otherwise turn a
  green `make test` red without a line of ours changing (issue 11: set-up that cannot rot).
  `make lock ARGS=--upgrade` moves the pins to the latest releases, which can then be audited.
"""

from __future__ import annotations

import json
import os
import re
import subprocess  # nosec B404
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPI = os.environ.get("PIP_AUDIT_PYPI_URL", "https://pypi.org/pypi")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    """Return {normalised name: version} for every pin in the lock file."""
    found = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", lock.read_text(), re.M)
    return {normalise(name): version for name, version in found}


def direct_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for group in (
        tomllib.loads((ROOT / "pyproject.toml").read_text()).get("dependency-groups", {}).values()
    ):
        names += [name for name in group if isinstance(name, str)]
    return {normalise(re.split(r"[\s<>=!~;\[]", name, maxsplit=1)[0]) for name in names}


def run_pip_audit(lock: Path) -> dict:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock),
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    # A fixed command: this interpreter running pip-audit on our own lock file.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode not in (0, 1):
        raise ConnectionError(result.stderr.strip() or "pip-audit failed")
    return json.loads(result.stdout)


def project_page_vulnerabilities(name: str, version: str) -> list[str] | None:
    """Return the ids of known vulnerabilities of `name` `version` from its project page, or
    None when the page speaks of another (later) release."""
    url = f"{PYPI}/{name}/json"
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an HTTP(S) URL: {url}")
    # The scheme is checked just above: never file:// or a custom scheme.
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  # nosec B310
        page = json.load(response)
    if page["info"]["version"] != version:
        return None
    return [v["id"] for v in page.get("vulnerabilities", []) if not v.get("withdrawn")]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} REQUIREMENTS (exported from uv.lock)", file=sys.stderr)
        return 2
    lock = Path(argv[1])
    in_ci = bool(os.environ.get("CI"))
    locked = pins(lock)
    try:
        report = run_pip_audit(lock)
        vulnerable: dict[str, list[str]] = {}
        audited, skipped = [], []
        for dependency in report["dependencies"]:
            name = normalise(dependency["name"])
            if "skip_reason" in dependency:
                skipped.append(name)
                continue
            audited.append(name)
            ids = [v["id"] for v in dependency.get("vulns", [])]
            if ids:
                vulnerable[f"{name} {dependency['version']}"] = ids
        from_pages, unaudited = [], []
        for name in skipped:
            ids = project_page_vulnerabilities(name, locked[name])
            if ids is None:
                unaudited.append(name)
                continue
            from_pages.append(name)
            if ids:
                vulnerable[f"{name} {locked[name]}"] = ids
    except (ConnectionError, urllib.error.URLError, TimeoutError, OSError) as error:
        print(f"pip-audit: could not reach the vulnerability service: {error}", file=sys.stderr)
        if in_ci:
            print("In CI an unreachable service fails the run.", file=sys.stderr)
            return 1
        print("Not in CI: carrying on WITHOUT a dependency audit.", file=sys.stderr)
        return 0

    print(
        f"pip-audit: {len(locked)} pinned; {len(audited)} audited by version, "
        f"{len(from_pages)} by their project page (pinned at the latest release)."
    )
    status = 0
    for package, ids in sorted(vulnerable.items()):
        print(f"VULNERABLE: {package}: {', '.join(ids)}", file=sys.stderr)
        status = 1
    direct = direct_dependencies()
    for name in sorted(unaudited):
        kind = "direct" if name in direct else "transitive"
        print(
            f"NOT AUDITED ({kind}): {name} {locked[name]} - no data for this version",
            file=sys.stderr,
        )
    if status == 0:
        print("pip-audit: no known vulnerabilities in what could be audited.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
