"""The update timeline: `### time — status` headings, and agreement with `resolved:`."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from statusgen import words
from statusgen.model import (
    FOLLOW_UPS,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    Kind,
    Update,
    UpdateStatus,
)
from statusgen.plaintext import html_text
from statusgen.problems import Problems, TimeError, suggest
from statusgen.source.body import Block
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.promises import take_promises
from statusgen.source.times import parse_time, parse_time_noted

# Separators: em dash, en dash (editors turn hyphens into it), hyphen, bar and middle dot.
_HEADING = re.compile(
    r"^(?P<time>.+?)\s+[\u2014\u2013|\u00b7-]\s+(?P<status>[A-Za-z][A-Za-z _-]*?)\s*$"
)
EXAMPLE = "### 2026-11-20 14:10 UTC — Investigating"
# The same minute is agreement: headings are written to the minute, front matter to the second.
AGREEMENT = timedelta(seconds=60)


def looks_like_update(title: str, zone: tzinfo) -> bool:
    """A heading that is an update written at the wrong level."""
    match = _HEADING.match(title)
    if match is None:
        return False
    try:
        parse_time(match["time"], zone)
    except TimeError:
        return False
    return True


def read_updates(
    blocks: list[Block],
    kind: Kind,
    zone: tzinfo,
    renderer: MarkdownRenderer,
    path: Path,
    problems: Problems,
) -> list[Update]:
    """Parse each `###` block into an Update; newest first."""
    allowed = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    read = [_read_update(b, allowed, kind, zone, renderer, path, problems) for b in blocks]
    updates = [u for u in read if u is not None]
    # Two updates may share a time (two people posting in one second): both are kept, in
    # file order, each numbered by how many share its time below it, for an anchor of its own.
    below: dict[datetime, int] = {}
    for index in reversed(range(len(updates))):
        update = updates[index]
        twins = below.get(update.time, 0)
        below[update.time] = twins + 1
        if twins:
            updates[index] = replace(update, twins_below=twins)
    return newest_first(updates)


def newest_first(updates: list[Update]) -> list[Update]:
    """Newest first; updates sharing a time keep their order in the file."""
    return sorted(updates, key=lambda u: u.time, reverse=True)


def _read_update(
    block: Block,
    allowed: tuple[UpdateStatus, ...],
    kind: Kind,
    zone: tzinfo,
    renderer: MarkdownRenderer,
    path: Path,
    problems: Problems,
) -> Update | None:
    match = _HEADING.match(block.title)
    if match is None:
        problems.error(
            path,
            block.line,
            f"update heading `### {block.title}` needs a time, a "
            f"separator (a dash, `|` or `·`, with spaces around it) and a status, "
            f"e.g. `{EXAMPLE}`",
        )
        return None
    try:
        time, note = parse_time_noted(match["time"], zone)
    except TimeError as exc:
        problems.error(path, block.line, f"update heading: {exc}; a heading reads `{EXAMPLE}`")
        return None
    if note is not None:
        problems.warning(path, block.line, f"update heading: {note}")
    word = re.sub(r"[\s-]+", "_", match["status"].strip().lower())
    names = [s.value for s in allowed]
    if word not in names:
        hint = suggest(word, names)
        if not hint and word in UpdateStatus.__members__.values():
            hint = f" (`{word}` is not used for {words.article(kind)})"
        problems.error(
            path,
            block.line,
            f"update status `{match['status']}` is not one of {', '.join(names)}{hint}",
        )
        return None
    promised = take_promises(
        block.text,
        block.line + 1,
        time,
        zone,
        path,
        problems,
        maintenance=kind is Kind.MAINTENANCE,
    )
    shown = renderer.to_html(promised.text, block.line + 1)
    return Update(
        time,
        UpdateStatus(word),
        shown,
        html_text(shown),
        block.line,
        next_update=promised.next_update,
        expected_restore=promised.expected_restore,
        next_update_line=promised.next_update_line,
        expected_restore_line=promised.expected_restore_line,
    )


def reconcile(
    updates: list[Update],
    declared: datetime | None,
    declared_line: int,
    kind: Kind,
    path: Path,
    problems: Problems,
) -> tuple[list[Update], datetime | None]:
    """Make `resolved:`/`completed:` and the final update agree; derive whichever is missing."""
    final = UpdateStatus.COMPLETED if kind is Kind.MAINTENANCE else UpdateStatus.RESOLVED
    key = "completed" if kind is Kind.MAINTENANCE else "resolved"
    phase = next((u for u in updates if u.status not in FOLLOW_UPS), None)
    closing = phase if phase is not None and phase.status is final else None
    if declared is None:
        return updates, closing.time if closing else None
    if phase is not None and phase.time > declared + AGREEMENT and closing is None:
        problems.error(
            path,
            declared_line,
            f"`{key}:` is set, but the newer update on line "
            f"{phase.line} says {words.label(phase.status)}: remove `{key}:` or add a "
            f"{words.label(final)} update",
        )
        return updates, None
    if closing is not None:
        if abs(closing.time - declared) > AGREEMENT:
            problems.error(
                path,
                declared_line,
                f"`{key}:` and the {words.label(final)} update "
                f"on line {closing.line} give different times: make them the same",
            )
        return updates, declared
    text = words.DERIVED_TEXT[final]
    twins = sum(1 for u in updates if u.time == declared)  # an anchor of its own
    derived = Update(declared, final, f"<p>{text}</p>", text, declared_line, True, twins)
    return newest_first([*updates, derived]), declared
