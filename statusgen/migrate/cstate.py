"""cState's issues (`content/issues/*.md`: Hugo front matter, a Markdown body whose updates
end in `{{< track "time" >}}` markers) as records to write."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import yaml

from statusgen.migrate.record import (
    ImportedComponent,
    ImportedIncident,
    ImportedUpdate,
    Unreadable,
)
from statusgen.migrate.text import markdown_from_markdown
from statusgen.model import Impact, Kind, UpdateStatus
from statusgen.problems import TimeError
from statusgen.source.times import parse_time

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TRACK = re.compile(r"\{\{[<%]\s*track\s+\"([^\"]*)\"\s*[>%]\}\}")
_RESOLVED_WORD = re.compile(r"^\W*resolved\b", re.IGNORECASE)
# cState's three severities: the whole system down, part of it, or only a notice.
SEVERITIES = {"down": Impact.CRITICAL, "disrupted": Impact.MAJOR, "notice": Impact.NONE}
_SAME = timedelta(seconds=60)


def issues_folder(folder: Path) -> Path:
    """A cState site's issues, given the site, its `content` folder or the issues folder."""
    for inner in (folder / "content" / "issues", folder / "issues"):
        if inner.is_dir():
            return inner
    return folder


def issue(path: Path, text: str, zone: tzinfo) -> ImportedIncident | None:
    """One issue file; None for a file that is not an issue (`section:` says another)."""
    found = _FRONT.match(text)
    if found is None:
        raise Unreadable("has no YAML front matter between `---` lines")
    try:
        fields = yaml.safe_load(found.group(1)) or {}
    except yaml.YAMLError as exc:
        raise Unreadable(f"front matter is not valid YAML: {exc}") from None
    if not isinstance(fields, dict):
        raise Unreadable("front matter is not a mapping of keys")
    if str(fields.get("section") or "issue").strip().lower() != "issue":
        return None
    title = " ".join(str(fields.get("title") or "").split())
    started = _time(fields.get("date"), "date", zone)
    if not title or started is None:
        raise Unreadable("an issue needs a `title` and a `date`")
    resolved = _time(fields.get("resolvedWhen"), "resolvedWhen", zone)
    is_resolved = _yes(fields.get("resolved"))
    updates = _updates(text[found.end() :], started, zone)
    if is_resolved:
        resolved = resolved or (updates[-1].time if updates else started)
        updates = _mark_resolution(updates, resolved)
    severity = str(fields.get("severity") or "").strip().lower()
    impact = SEVERITIES.get(severity, Impact.MAJOR)
    if _yes(fields.get("informational")):
        impact = Impact.NONE
    affected = fields.get("affected") or []
    names = [" ".join(str(a).split()) for a in affected] if isinstance(affected, list) else []
    times = {"started_at": started}
    if is_resolved and resolved is not None:
        times["resolved_at"] = resolved
    return ImportedIncident(
        origin=f"cState {path.stem}",
        title=title,
        kind=Kind.INCIDENT,
        impact=impact,
        components=tuple(ImportedComponent(n) for n in dict.fromkeys(names) if n),
        times=times,
        updates=tuple(updates),
    )


def _updates(body: str, started: datetime, zone: tzinfo) -> list[ImportedUpdate]:
    """Each piece of text ends at the marker that dates it; text after the last marker is the
    first news, from the issue's `date`. Oldest first."""
    pieces: list[tuple[datetime, str]] = []
    position = 0
    for marker in _TRACK.finditer(body):
        moment = _time(marker.group(1), "track", zone) if marker.group(1).strip() else None
        if moment is not None:
            pieces.append((moment, body[position : marker.start()]))
            position = marker.end()
    pieces.append((started, body[position:]))
    texts = [(t, markdown_from_markdown(_without_shortcodes(s))) for t, s in pieces]
    kept = sorted(((t, s) for t, s in texts if s), key=lambda p: p[0])
    return [
        ImportedUpdate(t, UpdateStatus.INVESTIGATING if n == 0 else UpdateStatus.UPDATE, s)
        for n, (t, s) in enumerate(kept)
    ]


def _mark_resolution(updates: list[ImportedUpdate], resolved: datetime) -> list[ImportedUpdate]:
    """The newest update is the resolution when it came at the same minute or says so."""
    if len(updates) < 2:
        return updates
    last = updates[-1]
    if abs(last.time - resolved) <= _SAME or _RESOLVED_WORD.match(last.markdown):
        updates[-1] = ImportedUpdate(last.time, UpdateStatus.RESOLVED, last.markdown)
    return updates


def _time(value: Any, key: str, zone: tzinfo) -> datetime | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "null")):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        raise Unreadable(f"`{key}` is a date without a time: {value}")
    try:
        return parse_time(str(value), zone)
    except TimeError as exc:
        raise Unreadable(f"`{key}`: {exc}") from None


def _yes(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes")


def _without_shortcodes(text: str) -> str:
    """Hugo's `{{< … >}}` and `{{% … %}}` removed, found with `find`: a lazy pattern over a
    file of unclosed `{{<` takes time in the square of its length."""
    kept: list[str] = []
    position = 0
    while (start := text.find("{{", position)) != -1:
        if text[start + 2 : start + 3] not in ("<", "%"):
            kept.append(text[position : start + 2])
            position = start + 2
            continue
        ends = [e for e in (text.find(">}}", start + 3), text.find("%}}", start + 3)) if e != -1]
        if not ends:
            break
        kept.append(text[position:start])
        position = min(ends) + 3
    kept.append(text[position:])
    return "".join(kept)
