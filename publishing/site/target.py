"""Where the public site goes, and how a new version goes live at once.

Layout of the target (a Django storage, STORAGES["public_site"]):

    versions/<YYYYmmddTHHMMSSZ>-<run id>/   one complete site each, with its manifest.json
    current.txt                             the live version's name
    current -> versions/<name>              (local folder only) a symlink: what is served

A version is written in full, checked, and only then named live, so a reader never sees half
of one: on a local folder (FileSystemStorage, the default at settings.PUBLIC_SITE_ROOT) it is
built under staging/ on the same disk, renamed into versions/ (one rename), and `current` is
replaced by a symlink made under a temporary name and renamed over it (os.replace: atomic on
POSIX). A worker killed at any point leaves at most a folder under staging/ or versions/ that
nothing points to; the next run clears staging/ and pruning removes unreferenced versions.

Any other storage (django-storages S3, Azure, GCS): the version is built and checked in a local
temporary folder (nothing unchecked is ever uploaded: a public bucket would serve it), uploaded
under versions/<name>/, and then current.txt is overwritten with the name, in one PUT on S3
(keep file_overwrite=True). Serve it by pointing the web server or CDN at
versions/<current.txt>/, e.g. a CloudFront origin path updated by a hook, or an nginx `map`
reading the file. The last KEEP_VERSIONS versions stay for rollback (publishing.site.rollback_to).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

KEEP_VERSIONS = 5
MANIFEST = "manifest.json"
POINTER = "current.txt"


class TargetError(RuntimeError):
    """The target is not in a state a publish or rollback can work with; the message says why."""


def version_order(name: str) -> tuple[str, int]:
    """Return the sort key of a version name "<timestamp>-<run id>": by time, then by run (as
    a number: run 10 comes after run 9)."""
    stamp, _, run = name.rpartition("-")
    return (stamp, int(run)) if run.isdigit() else (name, 0)


def _relative_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def clear_preview_folder(folder: Path) -> Path:
    """Return `folder` ready for a preview: created if missing, emptied if it holds an earlier
    preview (it has a manifest.json); refused if it holds anything else (TargetError)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(folder.iterdir())
    if entries and not (folder / MANIFEST).is_file():
        raise TargetError(
            f"{folder} is not empty and is not an earlier preview: choose an empty folder."
        )
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return folder


class LocalTarget:
    """A local folder: versions, a `current` symlink and current.txt."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"
        self.staging_dir = self.root / "staging"

    @property
    def current_path(self) -> Path:
        """Return the folder the web server serves: the `current` symlink."""
        return self.root / "current"

    def current_version(self) -> str | None:
        link = self.current_path
        if link.is_symlink():
            return PurePosixPath(os.readlink(link)).name
        pointer = self.root / POINTER
        if not pointer.is_file():
            return None
        return pointer.read_text().strip() or None

    def versions(self) -> list[str]:
        """Return the complete versions (with a manifest), oldest first."""
        if not self.versions_dir.is_dir():
            return []
        complete = [p.name for p in self.versions_dir.iterdir() if (p / MANIFEST).is_file()]
        return sorted(complete, key=version_order)

    def manifest(self, version: str | None) -> dict | None:
        if not version:
            return None
        path = self.versions_dir / version / MANIFEST
        return json.loads(path.read_text()) if path.is_file() else None

    def read(self, version: str, path: str) -> bytes:
        return (self.versions_dir / version / path).read_bytes()

    def files(self, version: str) -> list[str]:
        return _relative_files(self.versions_dir / version)

    def stage(self, version: str) -> Path:
        """Return an empty folder to build `version` in; clear what an earlier run abandoned
        (only one run renders at a time: PublishRun's one_publish_run_at_a_time)."""
        if self.staging_dir.is_dir():
            shutil.rmtree(self.staging_dir)
        folder = self.staging_dir / version
        folder.mkdir(parents=True)
        return folder

    def carry(self, version: str, path: str, dest: Path | str) -> None:
        """Put the previous version's file at `dest`: a hard link (no copy, no extra space;
        files are never changed in place, only replaced by new versions), or a copy."""
        source = os.path.join(self.versions_dir, version, path)
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)

    def commit(self, version: str, staged: Path) -> None:
        """Move the checked, complete version into versions/ (one rename, same disk)."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        os.rename(staged, self.versions_dir / version)

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def switch(self, version: str) -> None:
        """Make `version` live: `current` replaced atomically, then current.txt."""
        if not (self.versions_dir / version / MANIFEST).is_file():
            raise TargetError(f"Version {version} is not complete: it has no {MANIFEST}.")
        if self.current_path.exists() and not self.current_path.is_symlink():
            raise TargetError(f"{self.current_path} is a real folder, not a symlink: move it away.")
        temp = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(f"versions/{version}", temp, target_is_directory=True)
        os.replace(temp, self.current_path)
        pointer = self.root / f".{POINTER}-{uuid.uuid4().hex}"
        pointer.write_text(version + "\n")
        os.replace(pointer, self.root / POINTER)

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        """Delete all but the newest `keep` versions (never the live one), and any folder in
        versions/ without a manifest (left by a killed worker). Return what was deleted."""
        if not self.versions_dir.is_dir():
            return []
        live = self.current_version()
        complete = self.versions()
        kept = set(complete[-keep:]) | {live}
        deleted = []
        for folder in sorted(self.versions_dir.iterdir()):
            if folder.name not in kept:
                shutil.rmtree(folder, ignore_errors=True)
                deleted.append(folder.name)
        return deleted


class StorageTarget:
    """Any Django storage: versions uploaded after the check, current.txt as the pointer."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._temp: list[Path] = []

    def current_version(self) -> str | None:
        if not self.storage.exists(POINTER):
            return None
        with self.storage.open(POINTER) as f:
            return f.read().decode().strip() or None

    def versions(self) -> list[str]:
        if not self.storage.exists("versions"):
            return []
        folders, _ = self.storage.listdir("versions")
        complete = [v for v in folders if self.storage.exists(f"versions/{v}/{MANIFEST}")]
        return sorted(complete, key=version_order)

    def manifest(self, version: str | None) -> dict | None:
        if not version or not self.storage.exists(f"versions/{version}/{MANIFEST}"):
            return None
        return json.loads(self.read(version, MANIFEST))

    def read(self, version: str, path: str) -> bytes:
        with self.storage.open(f"versions/{version}/{path}") as f:
            return f.read()

    def files(self, version: str) -> list[str]:
        manifest = self.manifest(version) or {"files": {}}
        return sorted([*manifest["files"], MANIFEST])

    def stage(self, version: str) -> Path:
        # Checked locally first: nothing unchecked is uploaded.
        folder = Path(tempfile.mkdtemp(prefix=f"public-site-{version}-"))
        self._temp.append(folder)
        return folder

    def carry(self, version: str, path: str, dest: Path | str) -> None:
        Path(dest).write_bytes(self.read(version, path))

    def _save(self, name: str, data: bytes) -> None:
        saved = self.storage.save(name, ContentFile(data))
        if saved != name:  # the backend would not overwrite: replace it
            self.storage.delete(saved)
            self.storage.delete(name)
            self.storage.save(name, ContentFile(data))

    def commit(self, version: str, staged: Path) -> None:
        """Upload the checked version, its manifest last (a version without one is
        incomplete and never made live)."""
        names = _relative_files(staged)
        for name in [n for n in names if n != MANIFEST] + [MANIFEST]:
            self._save(f"versions/{version}/{name}", (staged / name).read_bytes())
        self.discard(staged)

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def switch(self, version: str) -> None:
        if not self.storage.exists(f"versions/{version}/{MANIFEST}"):
            raise TargetError(f"Version {version} is not complete: it has no {MANIFEST}.")
        self._save(POINTER, (version + "\n").encode())

    def _delete_tree(self, prefix: str) -> None:
        folders, files = self.storage.listdir(prefix)
        for name in files:
            self.storage.delete(f"{prefix}/{name}")
        for folder in folders:
            self._delete_tree(f"{prefix}/{folder}")

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        if not self.storage.exists("versions"):
            return []
        live = self.current_version()
        kept = set(self.versions()[-keep:]) | {live}
        folders, _ = self.storage.listdir("versions")
        deleted = [v for v in sorted(folders) if v not in kept]
        for version in deleted:
            self._delete_tree(f"versions/{version}")
        return deleted


def default_target() -> LocalTarget | StorageTarget:
    """Return the configured target: STORAGES["public_site"]; a FileSystemStorage (the
    default, at settings.PUBLIC_SITE_ROOT) is used as a folder, for the symlink and links."""
    storage = storages["public_site"]
    if isinstance(storage, FileSystemStorage):
        return LocalTarget(Path(storage.location))
    return StorageTarget(storage)
