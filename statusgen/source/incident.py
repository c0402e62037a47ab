"""One incident or maintenance file into an Incident, with every problem it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.digest import digest
from statusgen.lint import Coach, Passage, Reading, Review
from statusgen.model import Impact, Incident, Kind, SiteInfo, Tasks
from statusgen.problems import FrontMatterError, Problems
from statusgen.source.fields import Fields, check_keys, read_components
from statusgen.source.frontmatter import normalise, read_document, strip_controls
from statusgen.source.markup import MarkdownRenderer, count_tasks, invisible_reference
from statusgen.source.promises import NEXT, RESTORE, standing
from statusgen.source.sections import advise, read_sections
from statusgen.source.updates import read_updates, reconcile


def parse_incident(
    path: Path,
    data: bytes,
    info: SiteInfo,
    renderer: MarkdownRenderer,
    coach: Coach | None = None,
    newest: datetime | None = None,
) -> tuple[Incident | None, Problems, Review | None]:
    """Read one file, and with a `coach`, read it as a customer would too if it is within the
    coach's reach of `newest` (see `Coach.in_reach`; None: any file). Pure: the same bytes, site
    and coach give the same result; the promises it holds fall due by the clock later. The
    review is None when the coach did not read the file."""
    problems = Problems()
    try:
        text = normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, "is not UTF-8 text: save the file as UTF-8")
        return None, problems, None
    text, control_line = strip_controls(text)
    if control_line is not None:
        problems.warning(
            path,
            control_line,
            "invisible control characters (perhaps pasted from a terminal) were left out",
        )
    try:
        document = read_document(text, problems, path)
    except FrontMatterError as exc:
        problems.error(path, exc.line, exc.message)
        return None, problems, None
    reference_line = invisible_reference(document.body)
    if reference_line is not None:
        problems.warning(
            path,
            document.body_line + reference_line - 1,
            "character references to invisible control characters (such as `&#11;`) were "
            "left out: remove them, or write the character you meant",
        )
    fields = Fields(path, document.fields, info.zone, problems)
    try:
        built = _build(fields, document.body, document.body_line, info, renderer, digest(data))
    except RecursionError:
        problems.error(
            path,
            document.body_line,
            "the Markdown is nested too deeply to render: flatten the deepest list or quote",
        )
        return None, problems, None
    if built is None or problems.errors:
        return None, problems, None
    incident, passages = built
    if coach is None or not coach.active or not coach.in_reach(incident, newest):
        return incident, problems, None
    keys = {key: fields.line(key) for key in _KEYS if key in document.fields}
    title = Passage("title", fields.line("title"), incident.title)
    reading = Reading((title, *passages), keys, document.body, document.body_line)
    review = coach.review(incident, reading, info.zone)
    problems.items.extend(review.problems)
    return incident, problems, review


# Front matter keys whose lines the coach's findings may point at.
_KEYS = ("title", "started", "next_update", "estimated_restore")


@dataclass(frozen=True)
class _When:
    """The front matter's times that depend on the kind of entry."""

    started: datetime | None  # an incident's start, or a maintenance's scheduled start
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    declared: datetime | None  # `resolved:` or `completed:`
    declared_key: str


def _build(
    fields: Fields,
    body: str,
    body_line: int,
    info: SiteInfo,
    renderer: MarkdownRenderer,
    source: str,
) -> tuple[Incident, list[Passage]] | None:
    path, problems = fields.path, fields.problems
    kind = fields.choice("kind", Kind, Kind.INCIDENT) or Kind.INCIDENT
    check_keys(fields, kind)
    title = _title(fields)
    impact = (
        fields.choice("impact", Impact, None)
        if kind is Kind.INCIDENT
        else fields.choice("impact", Impact, Impact.NONE)
    ) or Impact.NONE
    components = read_components(fields, info, kind, impact)
    when = _when(fields, kind)
    estimate, next_update = fields.time("estimated_restore"), fields.time("next_update")
    renderer.take_relative()  # anything left from a file that failed part-way
    parts = read_sections(body, body_line, renderer, info.zone, path, problems)
    updates = read_updates(parts.update_blocks, kind, info.zone, renderer, path, problems)
    updates, resolved = reconcile(
        updates, when.declared, fields.line(when.declared_key), kind, path, problems
    )
    next_update = standing(
        updates, next_update, fields.line("next_update"), "next_update", NEXT, path, problems
    )
    if kind is not Kind.MAINTENANCE:
        estimate = standing(
            updates,
            estimate,
            fields.line("estimated_restore"),
            "estimated_restore",
            RESTORE,
            path,
            problems,
        )
    if when.started is None:
        return None
    if resolved is not None and resolved < when.started:
        message = (
            "`completed` is before `scheduled_start`"
            if kind is Kind.MAINTENANCE
            else "it is resolved before it started"
        )
        problems.error(path, fields.line(when.declared_key) if when.declared else 1, message)
    incident = Incident(
        slug=path.stem,
        path=path,
        kind=kind,
        title=title,
        impact=impact,
        components=components,
        started=when.started,
        estimated_restore=estimate,
        next_update=next_update,
        resolved=resolved,
        scheduled_start=when.scheduled_start,
        scheduled_end=when.scheduled_end,
        sections=tuple(parts.sections),
        updates=tuple(updates),
        prevention=Tasks(*count_tasks(parts.prevention)),
        source=source,
        draft=fields.flag("draft"),
        relative_links=renderer.take_relative(),
    )
    advise(incident, path, problems, fields.line("estimated_restore"), parts.empty)
    return incident, parts.passages


def _title(fields: Fields) -> str:
    title = fields.text("title", required=True) or ""
    if len(title.splitlines()) > 1:
        fields.problems.error(fields.path, fields.line("title"), "`title` must be one line")
    return title


def _when(fields: Fields, kind: Kind) -> _When:
    if kind is Kind.INCIDENT:
        started = fields.time("started", required=True)
        return _When(started, None, None, fields.time("resolved"), "resolved")
    start = fields.time("scheduled_start", required=True)
    end = fields.time("scheduled_end", required=True)
    declared = fields.time("completed")
    if start and end and end <= start:
        fields.problems.error(
            fields.path,
            fields.line("scheduled_end"),
            "`scheduled_end` must be after `scheduled_start`",
        )
    return _When(start, start, end, declared, "completed")
