"""Files created, never replaced: an import adds to the incidents folder and nothing else."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from statusgen.migrate.files import FOUND
from statusgen.source.files import incident_files

_HEAD = 4096  # the marker is in the front matter's first line


def imported_origins(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """Every incident file by slug, with the origin an import wrote into it (None: not one)."""
    if not folder.is_dir():
        return {}
    found: dict[str, tuple[Path, str | None]] = {}
    for path in incident_files(folder):
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD).decode("utf-8", errors="replace")
        except OSError:
            head = ""
        marker = FOUND.search(head)
        found[path.stem] = (path, marker.group(1) if marker else None)
    return found


def create(path: Path, text: str) -> bool:
    """Write a new file in one step; False, and nothing changed, if `path` exists.

    The text goes to a hidden temporary file first and is then linked into place, which
    fails rather than replace a file: nobody ever reads half an incident."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create it exclusively instead
            try:
                with path.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            except FileExistsError:
                return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)
