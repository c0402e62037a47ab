"""What an import finds already there: the incident files, and which of them it wrote."""

from __future__ import annotations

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
