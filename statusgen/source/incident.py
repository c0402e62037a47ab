"""One incident or maintenance file into an Incident, with every problem it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

import yaml

from statusgen.config import Config
from statusgen.digest import digest
from statusgen.model import (
    IMPACT_STATUS,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    Section,
    SectionKey,
    Tasks,
)
from statusgen.problems import Problems, suggest
from statusgen.source.body import Block, section_key, split_blocks
from statusgen.source.frontmatter import (
    Field,
    FrontMatterError,
    normalise,
    read_document,
    scalar,
    scalar_list,
    scalar_mapping,
    strip_controls,
)
from statusgen.source.markup import MarkdownRenderer, count_tasks
from statusgen.source.times import TimeError, parse_time
from statusgen.source.updates import EXAMPLE as _EXAMPLE
from statusgen.source.updates import looks_like_update, read_updates, reconcile

KEYS = (
    "title", "kind", "impact", "components", "started", "estimated_restore", "next_update",
    "resolved", "scheduled_start", "scheduled_end", "completed",
)
_ONLY_FOR = {
    "started": Kind.INCIDENT, "estimated_restore": Kind.INCIDENT, "resolved": Kind.INCIDENT,
    "scheduled_start": Kind.MAINTENANCE, "scheduled_end": Kind.MAINTENANCE,
    "completed": Kind.MAINTENANCE,
}
_STATUSES = [s.value for s in ComponentStatus if s is not ComponentStatus.OPERATIONAL]
E = TypeVar("E", Kind, Impact)


@dataclass
class _Reader:
    """Interprets the front matter fields of one file, reporting problems as it goes."""

    path: Path
    fields: dict[str, Field]
    zone: tzinfo
    problems: Problems

    def line(self, key: str) -> int:
        return self.fields[key].line if key in self.fields else 1

    def text(self, key: str, required: bool = False) -> str | None:
        if key not in self.fields:
            if required:
                self.problems.error(self.path, 1, f"front matter needs `{key}`")
            return None
        try:
            value = scalar(self.fields[key].node)
        except ValueError as exc:
            self.problems.error(self.path, self.line(key), f"`{key}`: {exc}")
            return None
        if value is None or not value.strip():
            if required:
                self.problems.error(self.path, self.line(key), f"`{key}` is empty (in YAML, "
                                    "`#` starts a comment: put a value with `#` in quotes)")
            return None
        return value.strip()

    def choice(self, key: str, enum: type[E], default: E | None) -> E | None:
        value = self.text(key, required=default is None)
        if value is None:
            return default
        try:
            return enum(value.lower())
        except ValueError:
            names = [e.value for e in enum]
            self.problems.error(self.path, self.line(key), f"`{key}: {value}` is not one of "
                                f"{', '.join(names)}{suggest(value.lower(), names)}")
            return default

    def time(self, key: str, required: bool = False) -> datetime | None:
        value = self.text(key, required)
        if value is None:
            return None
        try:
            return parse_time(value, self.zone)
        except TimeError as exc:
            self.problems.error(self.path, self.line(key), f"`{key}`: {exc}")
            return None


def parse_incident(path: Path, data: bytes, config: Config,
                   renderer: MarkdownRenderer) -> tuple[Incident | None, Problems]:
    """Read one file. Pure: the same bytes and configuration give the same result."""
    problems = Problems()
    try:
        text = normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, "is not UTF-8 text: save the file as UTF-8")
        return None, problems
    text, control_line = strip_controls(text)
    if control_line is not None:
        problems.warning(path, control_line, "invisible control characters (perhaps pasted "
                         "from a terminal) were left out")
    try:
        document = read_document(text, problems, path)
    except FrontMatterError as exc:
        problems.error(path, exc.line, exc.message)
        return None, problems
    reader = _Reader(path, document.fields, config.zone, problems)
    try:
        incident = _build(path, reader, document.body, document.body_line, config, renderer,
                          digest(data))
    except RecursionError:
        problems.error(path, document.body_line, "the Markdown is nested too deeply to render: "
                       "flatten the deepest list or quote")
        return None, problems
    return (incident if not problems.errors else None), problems


def _build(path: Path, reader: _Reader, body: str, body_line: int, config: Config,
           renderer: MarkdownRenderer, source: str) -> Incident | None:
    problems = reader.problems
    kind = reader.choice("kind", Kind, Kind.INCIDENT) or Kind.INCIDENT
    _check_keys(reader, kind)
    title = reader.text("title", required=True) or ""
    if "\n" in title:
        problems.error(path, reader.line("title"), "`title` must be one line")
    impact = (reader.choice("impact", Impact, None) if kind is Kind.INCIDENT
              else reader.choice("impact", Impact, Impact.NONE)) or Impact.NONE
    components = _components(reader, config, kind, impact)
    if kind is Kind.MAINTENANCE:
        start = reader.time("scheduled_start", required=True)
        end = reader.time("scheduled_end", required=True)
        declared, declared_key = reader.time("completed"), "completed"
        if start and end and end <= start:
            problems.error(path, reader.line("scheduled_end"),
                           "`scheduled_end` must be after `scheduled_start`")
        started = start
    else:
        start = end = None
        started = reader.time("started", required=True)
        declared, declared_key = reader.time("resolved"), "resolved"
    estimate, next_update = reader.time("estimated_restore"), reader.time("next_update")
    parts = _sections(body, body_line, renderer, config.zone, path, problems)
    updates = read_updates(parts.update_blocks, kind, config.zone, renderer, path, problems)
    updates, resolved = reconcile(updates, declared, reader.line(declared_key), kind, path,
                                  problems)
    if started is None:
        return None
    if resolved is not None and resolved < started:
        message = ("`completed` is before `scheduled_start`" if kind is Kind.MAINTENANCE
                   else "it is resolved before it started")
        problems.error(path, reader.line(declared_key) if declared else 1, message)
    incident = Incident(
        slug=path.stem, path=path, kind=kind, title=title, impact=impact,
        components=components, started=started, estimated_restore=estimate,
        next_update=next_update, resolved=resolved, scheduled_start=start, scheduled_end=end,
        sections=tuple(parts.sections), updates=tuple(updates),
        prevention=Tasks(*count_tasks(parts.prevention)), source=source,
    )
    _advise(incident, reader, parts.headings)
    return incident


def _check_keys(reader: _Reader, kind: Kind) -> None:
    for key, field in reader.fields.items():
        if key not in KEYS:
            reader.problems.warning(reader.path, field.line,
                                    f"unknown key `{key}`{suggest(key, KEYS)}")
        elif _ONLY_FOR.get(key, kind) is not kind:
            reader.problems.warning(reader.path, field.line,
                                    f"`{key}` is for {_ONLY_FOR[key].article}, not for "
                                    f"{kind.article}: it is ignored")


def _components(reader: _Reader, config: Config, kind: Kind,
                impact: Impact) -> tuple[tuple[str, ComponentStatus], ...]:
    if "components" not in reader.fields:
        reader.problems.error(reader.path, 1, "front matter needs `components`")
        return ()
    node = reader.fields["components"].node
    default = (ComponentStatus.UNDER_MAINTENANCE if kind is Kind.MAINTENANCE
               else IMPACT_STATUS[impact])
    try:
        if isinstance(node, yaml.MappingNode):
            pairs = [(i, s, line) for i, s, line in scalar_mapping(node)]
        else:
            pairs = [(i, None, line) for i, line in scalar_list(node)]
    except ValueError as exc:
        reader.problems.error(reader.path, reader.line("components"), f"`components`: {exc}")
        return ()
    if not pairs:
        reader.problems.error(reader.path, reader.line("components"),
                              "`components` is empty: name at least one affected component")
    known = [c.id for c in config.components]
    result: dict[str, ComponentStatus] = {}
    for component_id, status_text, line in pairs:
        if component_id not in known:
            reader.problems.error(reader.path, line, f"unknown component `{component_id}`"
                                  f"{suggest(component_id, known)}; components are listed in "
                                  "statusgen.toml")
            continue
        status = _component_status(reader, status_text, line, default)
        if status is not None:
            result[component_id] = status
    return tuple(result.items())


def _component_status(reader: _Reader, text: str | None, line: int,
                      default: ComponentStatus) -> ComponentStatus | None:
    if text is None:
        return default
    word = text.strip().lower().replace(" ", "_")
    if word not in _STATUSES:
        reader.problems.error(reader.path, line, f"component status `{text}` is not one of "
                              f"{', '.join(_STATUSES)}{suggest(word, _STATUSES)}")
        return None
    return ComponentStatus(word)


@dataclass
class _Body:
    sections: list[Section]
    update_blocks: list[Block]
    prevention: str  # Markdown source, for counting its tasks
    headings: dict[SectionKey, int]  # where each known heading is, empty or not


def _sections(body: str, body_line: int, renderer: MarkdownRenderer, zone: tzinfo, path: Path,
              problems: Problems) -> _Body:
    preface, blocks = split_blocks(body, body_line, 2)
    sections = [Section(SectionKey.OTHER, "", renderer.to_html(preface))] if preface else []
    update_blocks: list[Block] = []
    prevention = ""
    seen: dict[SectionKey, int] = {}
    for block in blocks:
        key = section_key(block.title)
        if key is not SectionKey.OTHER and key in seen:
            problems.error(path, block.line, f"a second `## {block.title}` section (the first is "
                           f"on line {seen[key]}): put everything under one heading")
            continue
        seen[key] = block.line
        if key is SectionKey.OTHER and looks_like_update(block.title, zone):
            problems.error(path, block.line, f"`## {block.title}` looks like an update: write "
                           "updates as `###` headings under `## Updates`")
            continue
        if key is SectionKey.UPDATES:
            stray, update_blocks = split_blocks(block.text, block.line + 1, 3)
            if stray:
                problems.error(path, block.line + 1, "text under `## Updates` before the first "
                               f"update: start every update with a heading like `{_EXAMPLE}`")
            continue
        if key is SectionKey.PREVENTION:
            prevention = block.text
        html = renderer.to_html(block.text)
        if html:
            sections.append(Section(key, block.title, html))
    return _Body(sections, update_blocks, prevention, seen)


_ADVICE = {
    SectionKey.PROBLEM: ("Problem", "tell customers what is wrong"),
    SectionKey.CAUSE: ("Cause", "tell customers what caused it"),
    SectionKey.PREVENTION: ("Prevention plan", "tell customers what will stop it happening again"),
}


def _advise(incident: Incident, reader: _Reader, headings: dict[SectionKey, int]) -> None:
    """Warnings that keep customers in the loop: what is wrong, why, and what changes."""
    if incident.is_maintenance:
        return
    path, problems = reader.path, reader.problems
    wanted = [SectionKey.PROBLEM]
    if incident.is_resolved:
        wanted += [SectionKey.CAUSE, SectionKey.PREVENTION]
    for key in wanted:
        if incident.section(key) is not None:
            continue
        title, advice = _ADVICE[key]
        when = "resolved, but " if key is not SectionKey.PROBLEM else ""
        if key in headings:
            problems.warning(path, headings[key], f"{when}the `## {title}` section is empty: "
                             f"{advice}")
        else:
            problems.warning(path, 1, f"{when}there is no `## {title}` section: {advice}")
    if not incident.updates:
        problems.warning(path, 1, "no updates: subscribers to the feeds hear nothing until you "
                         f"add one under `## Updates`, e.g. `{_EXAMPLE}`")
    for update in incident.updates:
        if update.time < incident.started - timedelta(hours=1) and not update.derived:
            problems.warning(path, update.line, "this update is dated before the incident "
                             "`started`: check both dates")
    if incident.estimated_restore and incident.estimated_restore < incident.started:
        problems.warning(path, reader.line("estimated_restore"),
                         "`estimated_restore` is before `started`")
