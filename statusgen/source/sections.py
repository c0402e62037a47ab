"""The body of an incident file: its `##` sections, and warnings about what customers miss."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path

from statusgen.lint import Passage
from statusgen.model import Incident, Section, SectionKey
from statusgen.problems import Problems
from statusgen.source.body import Block, section_key, split_blocks
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.updates import EXAMPLE as _EXAMPLE
from statusgen.source.updates import looks_like_update


@dataclass
class Body:
    sections: list[Section]
    update_blocks: list[Block]
    prevention: str  # Markdown source, for counting its tasks
    headings: dict[SectionKey, int]  # where each known heading is, empty or not
    # Other sections left empty (or holding only prompts), by lower-case title: their lines.
    empty: dict[str, int] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)  # what the writing coach reads


def read_sections(
    body: str,
    body_line: int,
    renderer: MarkdownRenderer,
    zone: tzinfo,
    path: Path,
    problems: Problems,
) -> Body:
    preface, blocks = split_blocks(body, body_line, 2)
    passages = []
    if preface:
        lead = body[: len(body) - len(body.lstrip())].count("\n")
        passages.append(Passage("other", body_line + lead, preface))
    sections = (
        [Section(SectionKey.OTHER, "", renderer.to_html(preface, body_line))] if preface else []
    )
    update_blocks: list[Block] = []
    prevention = ""
    seen: dict[SectionKey, int] = {}
    empty: dict[str, int] = {}
    for block in blocks:
        key = section_key(block.title)
        if key is not SectionKey.OTHER and key in seen:
            problems.error(
                path,
                block.line,
                f"a second `## {block.title}` section (the first is "
                f"on line {seen[key]}): put everything under one heading",
            )
            continue
        seen[key] = block.line
        if key is SectionKey.OTHER and looks_like_update(block.title, zone):
            problems.error(
                path,
                block.line,
                f"`## {block.title}` looks like an update: write "
                "updates as `###` headings under `## Updates`",
            )
            continue
        if key is SectionKey.UPDATES:
            stray, update_blocks = split_blocks(block.text, block.line + 1, 3)
            passages += [Passage("updates", b.line + 1, b.text, b.line) for b in update_blocks]
            if stray:
                problems.error(
                    path,
                    block.line + 1,
                    "text under `## Updates` before the first "
                    f"update: start every update with a heading like `{_EXAMPLE}`",
                )
            continue
        if key is SectionKey.PREVENTION:
            prevention = block.text
        passages.append(Passage(key.value, block.line + 1, block.text, block.line))
        html = renderer.to_html(block.text, block.line + 1)
        if html:
            sections.append(Section(key, block.title, html))
        elif key is SectionKey.OTHER:
            empty.setdefault(" ".join(block.title.lower().split()), block.line)
    return Body(sections, update_blocks, prevention, seen, empty, passages)


# The sections `statusgen new --maintenance` writes, and what each should tell customers.
_MAINTENANCE_ADVICE = {
    "what we are doing": "tell customers what the work is and why they benefit from it",
    "what you will notice": "tell customers what stops working, for how long, and what to do",
}


def advise(
    incident: Incident,
    path: Path,
    problems: Problems,
    estimate_line: int,
    empty: dict[str, int] | None = None,
) -> None:
    """Warnings that keep customers in the loop (the writing coach reads the words)."""
    if incident.is_maintenance:
        _advise_maintenance(path, problems, empty or {})
        return
    if not incident.updates:
        problems.warning(
            path,
            1,
            "no updates: subscribers to the feeds hear nothing until you "
            f"add one under `## Updates`, e.g. `{_EXAMPLE}`",
        )
    for update in incident.updates:
        if update.time < incident.started - timedelta(hours=1) and not update.derived:
            problems.warning(
                path,
                update.line,
                "this update is dated before the incident `started`: check both dates",
            )
    if incident.estimated_restore and incident.estimated_restore < incident.started:
        problems.warning(path, estimate_line, "`estimated_restore` is before `started`")


def _advise_maintenance(path: Path, problems: Problems, empty: dict[str, int]) -> None:
    """A maintenance announced with `new` and its sections never filled in tells customers
    only the window."""
    for title, advice in _MAINTENANCE_ADVICE.items():
        if title in empty:
            heading = title[0].upper() + title[1:]
            problems.warning(path, empty[title], f"the `## {heading}` section is empty: {advice}")
