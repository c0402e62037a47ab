"""A slot: one of the two copies of the site, written only while nobody is reading it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from statusgen.publish.durable import flush
from statusgen.publish.manifest import Manifest


class Slot:
    """Writes into the idle slot. Nobody reads it, but a file is always replaced, never
    rewritten in place: the other slot may share it through a hard link.

    Every file written is flushed to the disk, and so is every folder whose entries changed
    (`sync`), before the link may point here: after a power cut the link never names files
    the disk does not hold."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: set[Path] = set()
        self.changed: set[Path] = set()  # folders whose entries were added or removed
        self.written: list[Path] = []  # files written (not shared) since the last `sync`

    def prepare(self, paths: Iterable[str]) -> None:
        for folder in sorted({(self.root / path).parent for path in paths}):
            if folder not in self.folders:
                self._make(folder)

    def _make(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folders.add(folder)
        self.changed.add(folder)
        for parent in folder.parents:  # the new folder's own entry, and any made on the way
            self.changed.add(parent)
            if parent == self.root or parent in self.folders:
                break

    def _fresh(self, target: Path) -> None:
        if target.parent not in self.folders:
            self._make(target.parent)
        target.unlink(missing_ok=True)
        self.changed.add(target.parent)

    def write(self, path: str, data: bytes) -> None:
        target = self.root / path
        self._fresh(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        self.written.append(target)

    def share(self, path: str, source: Path) -> None:
        """Take the live copy of a file that did not change, by hard link where possible."""
        target = self.root / path
        self._fresh(target)
        try:
            os.link(source, target)
        except OSError:
            self.write(path, source.read_bytes())

    def remove(self, path: str) -> None:
        target = self.root / path
        target.unlink(missing_ok=True)
        self.changed.add(target.parent)
        for folder in target.relative_to(self.root).parents:
            if folder == Path("."):
                break
            try:
                (self.root / folder).rmdir()
            except OSError:
                break
            self.changed.add((self.root / folder).parent)

    def remove_all_but(self, keep: Manifest) -> None:
        """Without a trustworthy manifest, look at every file."""
        for existing in sorted(self.root.rglob("*"), reverse=True):
            relative = existing.relative_to(self.root).as_posix()
            if existing.is_dir():
                if not any(existing.iterdir()):
                    existing.rmdir()
                    self.changed.add(existing.parent)
            elif relative not in keep:
                existing.unlink()
                self.changed.add(existing.parent)

    def sync(self) -> None:
        """Flush what was written, and the changed folders' entries, to the disk."""
        flush(self.root, self.written, self.changed)
        self.written.clear()
        self.changed.clear()
