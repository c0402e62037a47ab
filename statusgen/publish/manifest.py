"""What each slot holds: one entry per file, so a build can tell what is already there."""

from __future__ import annotations

import json
import os
from pathlib import Path

from statusgen.atomic import write_atomic

MANIFEST = "manifest.json"

# One manifest entry per file: [digest, size, key]. The key names the inputs a page was drawn
# from, so a later build can tell the copy on disk is still right without drawing it again.
Entry = tuple[str, int, str]
Manifest = dict[str, Entry]


def manifest_file(slot: Path) -> Path:
    return slot.parent / f"{slot.name}.{MANIFEST}"


def present(target: Path | str, size: int) -> bool:
    """The file is there with the right size: the manifest alone cannot see a damaged copy."""
    try:
        return os.stat(target).st_size == size
    except OSError:
        return False


def intact(slot: Path, manifest: Manifest) -> bool:
    root = str(slot)
    return all(present(f"{root}/{path}", entry[1]) for path, entry in manifest.items())


def _identity(file: Path) -> tuple[int, ...] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class Manifests:
    """Reads and writes slot manifests. Reading one of ten thousand entries takes longer than a
    small rebuild, so those read or written are kept, and trusted while the file on disk is the
    very same file (`watch` keeps one of these for its whole life)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, ...], Manifest]] = {}

    def read(self, slot: Path) -> Manifest:
        file = manifest_file(slot)
        identity = _identity(file)
        known = self._known.get(str(file))
        if identity is not None and known is not None and known[0] == identity:
            return dict(known[1])
        found = _parse(file)
        if identity is not None:
            self._known[str(file)] = (identity, dict(found))
        return found

    def write(self, slot: Path, manifest: Manifest) -> None:
        file = manifest_file(slot)
        write_atomic(
            file, json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8")
        )
        identity = _identity(file)
        if identity is not None:
            self._known[str(file)] = (identity, dict(manifest))


def _parse(file: Path) -> Manifest:
    """A manifest as written by this version, or empty: the slot is then rewritten in full."""
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    found: Manifest = {}
    for path, entry in data.items():
        if not (isinstance(entry, list) and len(entry) == 3):
            return {}
        digest_, size, key = entry
        if not (isinstance(digest_, str) and isinstance(size, int) and isinstance(key, str)):
            return {}
        found[path] = (digest_, size, key)
    return found
