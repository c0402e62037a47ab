"""`update`: add one timestamped update to an incident file, changing nothing else it says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen import words
from statusgen.atomic import write_atomic
from statusgen.authoring.scaffold import heading_time, promise_line, stamp
from statusgen.config import Config
from statusgen.model import SectionKey, UpdateStatus
from statusgen.source.body import headings, section_key
from statusgen.source.files import incident_files
from statusgen.source.promises import NEXT, RESTORE


@dataclass(frozen=True)
class Amendment:
    text: str  # the whole new file, as it would be written
    path: Path


def find_incident(config: Config, slug: str) -> Path | None:
    if not config.incidents_dir.is_dir():
        return None
    return next((p for p in incident_files(config.incidents_dir) if p.stem == slug), None)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")


def _fence_end(lines: list[str]) -> int:
    """Index of the closing `---` of the front matter (the file was already validated)."""
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index
    raise ValueError("front matter is not closed")


def _updates_heading(lines: list[str], start: int) -> int | None:
    body = [line.rstrip("\r\n") for line in lines[start:]]
    for index, level, title in headings(body):
        if level == 2 and section_key(title) is SectionKey.UPDATES:
            return start + index
    return None


def amend(
    path: Path,
    data: bytes,
    status: UpdateStatus,
    message: str,
    now: datetime,
    next_update: datetime | None = None,
    estimate: datetime | None = None,
) -> Amendment:
    """`data` (the file as it was checked) with a new update inserted newest-first under
    `## Updates`, ending with the promises it makes; the front matter's promises standing now
    are kept in step with them."""
    raw = data.decode("utf-8")
    newline = _newline(raw)
    lines = raw.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    close = _fence_end([line.lstrip("\ufeff") for line in lines])
    body = message.strip().replace("\r\n", "\n").replace("\n", newline)
    heading_line = f"### {heading_time(now)} — {words.label(status)}{newline}"
    entry = [newline, heading_line, f"{body}{newline}"]
    promised = [(NEXT, "next_update", next_update), (RESTORE, "estimated_restore", estimate)]
    promises = [promise_line(k, t) + newline for k, _, t in promised if t is not None]
    if promises:
        entry += [newline, *promises]
    heading = _updates_heading(lines, close + 1)
    if heading is None:
        lines += [newline, f"## Updates{newline}", *entry]
    else:
        after = heading + 1
        lines[after:after] = entry if _blank(lines, after) else [*entry, newline]
    for _, key, moment in promised:
        if moment is not None:
            _set_key(lines, close, key, stamp(moment), newline)
    return Amendment("".join(lines), path)


def _blank(lines: list[str], index: int) -> bool:
    return index < len(lines) and not lines[index].strip()


def _set_key(lines: list[str], close: int, key: str, value: str, newline: str) -> None:
    """Set a front matter key, in place if it is there, else as the last key."""
    written = re.compile(rf"^{key}\s*:")
    for index in range(1, close):
        if written.match(lines[index]):
            lines[index] = f"{key}: {value}{newline}"
            return
    lines.insert(close, f"{key}: {value}{newline}")


def save(amendment: Amendment) -> None:
    """Replace the file in one step, so an editor or a build never reads half of it."""
    path = amendment.path
    write_atomic(path, amendment.text.encode("utf-8"), path.stat().st_mode & 0o777)
