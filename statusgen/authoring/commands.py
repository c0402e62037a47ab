"""`new` and `update`: validate what was typed, then write through scaffold and amend."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusgen.authoring.amend import amend, find_incident, save
from statusgen.authoring.scaffold import (
    free_slug,
    incident_text,
    maintenance_text,
    slugify,
    write_new,
)
from statusgen.build.builder import UsageError
from statusgen.config import Config
from statusgen.model import INCIDENT_STATUSES, MAINTENANCE_STATUSES, Impact, Kind, UpdateStatus
from statusgen.problems import print_problems, suggest
from statusgen.source.body import HEADING
from statusgen.source.incident import parse_incident
from statusgen.source.load import incident_files
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.times import TimeError, parse_duration, parse_time, resolve_now

Handler = Callable[[argparse.Namespace], int]


def add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser],
            parents: list[argparse.ArgumentParser], run: Handler) -> None:
    new = commands.add_parser("new", parents=parents, help="write a new incident file")
    new.add_argument("title", help="what customers see, e.g. \"Card payments failing\"")
    new.add_argument("--components", required=True, metavar="A,B",
                     help="affected component ids from statusgen.toml, comma-separated")
    new.add_argument("--impact", choices=[i.value for i in Impact],
                     help="none, minor, major or critical (required for an incident)")
    new.add_argument("--maintenance", action="store_true", help="announce maintenance instead")
    new.add_argument("--start", metavar="TIME", help="maintenance window start")
    new.add_argument("--end", metavar="TIME", help="maintenance window end")
    new.add_argument("--next-update", default="30m", metavar="DURATION",
                     help="when the next update is promised (default: 30m)")
    new.set_defaults(run=run)


def add_update(commands: argparse._SubParsersAction[argparse.ArgumentParser],
               parents: list[argparse.ArgumentParser], run: Handler) -> None:
    update = commands.add_parser("update", parents=parents, help="add an update to an incident")
    update.add_argument("slug", help="the incident's file name without .md")
    update.add_argument("message", help="what customers should know now")
    update.add_argument("--status", choices=[s.value for s in UpdateStatus],
                        help="the new status (default: update)")
    update.add_argument("--resolve", action="store_true",
                        help="service is restored (or the maintenance is complete)")
    update.add_argument("--next-update", metavar="DURATION",
                        help="promise the next update in this long, e.g. 30m")
    update.set_defaults(run=run)


def _now(args: argparse.Namespace, config: Config) -> datetime:
    try:
        return resolve_now(args.now, config.zone).replace(microsecond=0)
    except TimeError as exc:
        raise UsageError(f"--now: {exc}") from None


def _components(config: Config, text: str) -> tuple[list[str], list[str]]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    known = [c.id for c in config.components]
    for component_id in ids:
        if component_id not in known:
            raise UsageError(f"--components: unknown component `{component_id}`"
                             f"{suggest(component_id, known)}; known: {', '.join(known)}")
    if not ids:
        raise UsageError("--components: name at least one component")
    names = [c.name for c in config.components if c.id in ids]
    return ids, names


def _time(option: str, value: str | None, config: Config) -> datetime:
    if not value:
        raise UsageError(f"{option} is needed with --maintenance")
    try:
        return parse_time(value, config.zone)
    except TimeError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _duration(option: str, value: str, now: datetime) -> datetime:
    try:
        return now + parse_duration(value)
    except TimeError as exc:
        raise UsageError(f"{option}: {exc}") from None


def new_incident(args: argparse.Namespace, config: Config) -> int:
    title = " ".join(args.title.split())
    if not title:
        raise UsageError("the title is empty: say what customers see, e.g. "
                         "\"Card payments failing\"")
    now = _now(args, config)
    ids, names = _components(config, args.components)
    if args.maintenance:
        start, end = _time("--start", args.start, config), _time("--end", args.end, config)
        if end <= start:
            raise UsageError("--end must be after --start")
        day = start
        text = maintenance_text(title, ids, now, start, end, names, config.zone)
    else:
        if args.impact is None:
            raise UsageError("--impact is needed for an incident: none, minor, major or critical")
        day = now
        text = incident_text(title, ids, Impact(args.impact), now,
                             _duration("--next-update", args.next_update, now), names,
                             config.zone)
    slug = free_slug(config.incidents_dir,
                     f"{day.astimezone(config.zone):%Y-%m-%d}-{slugify(title)}")
    incident, problems = parse_incident(config.incidents_dir / f"{slug}.md",
                                        text.encode("utf-8"), config, MarkdownRenderer())
    if incident is None:
        print_problems(problems, "statusgen could not write a valid file from these options.")
        return 1
    path = write_new(config, slug, text)
    print(_shown(path))
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _status(args: argparse.Namespace, kind: Kind) -> UpdateStatus:
    final = UpdateStatus.COMPLETED if kind is Kind.MAINTENANCE else UpdateStatus.RESOLVED
    allowed = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    if args.resolve:
        if args.status and args.status != final.value:
            raise UsageError(f"--resolve means status {final.value}; drop --status")
        return final
    status = UpdateStatus(args.status or UpdateStatus.UPDATE.value)
    if status not in allowed:
        raise UsageError(f"--status {status.value} is not used for {kind.article}; use one of "
                         f"{', '.join(s.value for s in allowed)}")
    return status


def update_incident(args: argparse.Namespace, config: Config) -> int:
    path = find_incident(config, args.slug)
    if path is None:
        slugs = [p.stem for p in incident_files(config.incidents_dir)] \
            if config.incidents_dir.is_dir() else []
        raise UsageError(f"no incident `{args.slug}` under {config.incidents_dir}"
                         f"{suggest(args.slug, slugs)}")
    renderer = MarkdownRenderer()
    before, problems = parse_incident(path, path.read_bytes(), config, renderer)
    if before is None:
        print_problems(problems, "Fix these first; the file was not changed.")
        return 1
    message = _message(args.message)
    status = _status(args, before.kind)
    if before.is_resolved and status in (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED):
        raise UsageError(f"`{args.slug}` is already {status.value}; post a follow-up with "
                         "--status update (or postmortem)")
    now = _now(args, config)
    while any(u.time == now for u in before.updates):  # two updates in one second
        now += timedelta(seconds=1)
    next_update = _duration("--next-update", args.next_update, now) if args.next_update else None
    change = amend(path, status, message, now, next_update)
    after, problems = parse_incident(path, change.text.encode("utf-8"), config, renderer)
    if after is not None and len(after.updates) != len(before.updates) + 1:
        problems.error(path, 1, "the new update did not come out as one update")
        after = None
    if after is None:
        print_problems(problems, "The update would make the file invalid (the line numbers "
                                 "above are those of the changed file); the file was not "
                                 "changed.")
        return 1
    save(change)
    added = next(u for u in after.updates if u.time == now)
    print(f"{_shown(path)}: added {added.status.label} at "
          f"{added.time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
    return 0


def _message(text: str) -> str:
    message = text.strip()
    if not message:
        raise UsageError("the update text is empty: tell customers what changed")
    for line in message.splitlines():
        heading = HEADING.match(line)
        if heading and 2 <= len(heading.group(1)) <= 3:  # the levels that split a file
            raise UsageError(f"the update text has a heading (`{line.strip()}`), which would "
                             "end the update there; write it without `#`")
    return message
