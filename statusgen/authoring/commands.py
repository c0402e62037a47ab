"""`new` and `update`: validate what was typed, then write through scaffold and amend."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusgen import words
from statusgen.authoring.amend import amend, find_incident, save
from statusgen.authoring.repeats import open_with_title, same_title_refusal
from statusgen.authoring.scaffold import (
    free_slug,
    incident_text,
    maintenance_text,
    promise_minute,
    slugify,
    write_new,
)
from statusgen.config import Config
from statusgen.lint import Coach, coach_for
from statusgen.lock import writing
from statusgen.model import INCIDENT_STATUSES, MAINTENANCE_STATUSES, Impact, Kind, UpdateStatus
from statusgen.problems import ExitCode, FileRefused, Problems, TimeError, UsageError, suggest
from statusgen.source.body import HEADING
from statusgen.source.files import incident_files
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.promises import read_promised
from statusgen.source.reading import parse_limited, read_limited
from statusgen.source.times import parse_duration, parse_time, resolve_now
from statusgen.terminal import print_problems, say


@dataclass(frozen=True)
class NewIncident:
    """`statusgen new`: an incident, or with `maintenance` an announced maintenance."""

    title: str
    components: tuple[str, ...]
    impact: Impact | None = None  # required for an incident
    maintenance: bool = False
    start: str | None = None  # the maintenance window, as written
    end: str | None = None
    next_update: str = "30m"  # how long until the next update is promised
    estimate: str | None = None  # when service should be back: a time, a time of day or `2h`
    now: str | None = None
    again: bool = False  # open it even though an open one has the same title
    strict: bool = False  # the coach's advice stops the file being written


@dataclass(frozen=True)
class NewUpdate:
    """`statusgen update`: one more update to an incident."""

    slug: str
    message: str
    status: UpdateStatus | None = None  # default: a follow-up (`update`)
    resolve: bool = False
    next_update: str | None = None  # e.g. `30m`
    estimate: str | None = None  # when service should be back: a time, a time of day or `2h`
    now: str | None = None
    strict: bool = False  # the coach's advice stops the update being saved


def _now(now: str | None, config: Config) -> datetime:
    try:
        return resolve_now(now, config.site.zone).replace(microsecond=0)
    except TimeError as exc:
        raise UsageError(f"--now: {exc}") from None


def _components(config: Config, wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The ids named, by id or by name in any case (`API`, `"Public API"`)."""
    components = config.site.components
    known = {c.id.lower(): c.id for c in components}
    known.update({" ".join(c.name.split()).lower(): c.id for c in components})
    ids: list[str] = []
    for typed in (" ".join(part.split()) for part in wanted):
        if not typed:
            continue
        found = known.get(typed.lower())
        if found is None:
            ids_only = [c.id for c in components]
            raise UsageError(
                f"--components: unknown component `{typed}`"
                f"{suggest(typed.lower(), ids_only)}; known: {', '.join(ids_only)}"
            )
        if found not in ids:
            ids.append(found)
    if not ids:
        raise UsageError("--components: name at least one component")
    names = [c.name for c in components if c.id in ids]
    return ids, names


def _time(option: str, value: str | None, config: Config) -> datetime:
    if not value:
        raise UsageError(f"{option} is needed with --maintenance")
    try:
        return parse_time(value, config.site.zone)
    except TimeError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _duration(option: str, value: str, now: datetime) -> datetime:
    try:
        return promise_minute(now + parse_duration(value))
    except TimeError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _estimate(value: str | None, now: datetime, config: Config) -> datetime | None:
    """`--estimate 17:00`, `--estimate "2026-11-20 17:00 UTC"` or `--estimate 2h`."""
    if value is None:
        return None
    try:
        return promise_minute(now + parse_duration(value))
    except TimeError:
        pass
    try:
        moment = read_promised(value, now, config.site.zone)
    except TimeError as exc:
        raise UsageError(
            f"--estimate: {exc}; write a time (`17:00`, `2026-11-20 17:00 UTC`) or how long "
            "from now (`2h`)"
        ) from None
    if moment < now:
        raise UsageError(f"--estimate: `{value}` has already passed; promise a time to come")
    return promise_minute(moment)


def new_incident(draft: NewIncident, config: Config) -> ExitCode:
    """Write a new incident or maintenance file, valid from the start, and print its path."""
    title = " ".join(draft.title.split())
    if not title:
        raise UsageError('the title is empty: say what customers see, e.g. "Card payments failing"')
    if draft.maintenance and draft.impact is not None:
        raise UsageError(
            "--impact is for incidents: during its window, maintenance shows its components "
            "as under maintenance; drop --impact (or --maintenance)"
        )
    now = _now(draft.now, config)
    ids, names = _components(config, draft.components)
    day, text = _text(draft, title, ids, names, now, config)
    # Under the lock, so that the same title typed twice at once still opens one incident.
    with writing(config.incidents_dir):
        same = None if draft.again else open_with_title(title, draft.maintenance, now, config)
        if same is not None:
            say(same_title_refusal(_shown(same), same.stem, draft.maintenance))
            return ExitCode.PROBLEMS
        slug = free_slug(
            config.incidents_dir, f"{day.astimezone(config.site.zone):%Y-%m-%d}-{slugify(title)}"
        )
        problems = Problems()
        coach = coach_for(config.path, config.coach, problems)
        print_problems(problems)  # a mistake in `[coach]`: said, and the advice goes on
        read = parse_limited(
            config.incidents_dir / f"{slug}.md",
            text.encode("utf-8"),
            config.site,
            MarkdownRenderer(),
            coach,
        )
        if read.incident is None:
            print_problems(
                read.problems, "statusgen could not write a valid file from these options."
            )
            return ExitCode.PROBLEMS
        # Only the words typed: the sections are still to be filled in.
        advice = _advice(read.problems, words_only=coach)
        if _held_back(advice, draft.strict, "The file was not written (--strict)."):
            return ExitCode.PROBLEMS
        path = write_new(config, slug, text)
    print(_shown(path))
    return ExitCode.OK


def _text(
    draft: NewIncident, title: str, ids: list[str], names: list[str], now: datetime, config: Config
) -> tuple[datetime, str]:
    """The day the file is named after, and what it says."""
    zone = config.site.zone
    if draft.maintenance:
        if draft.estimate is not None:
            raise UsageError(
                "--estimate is for incidents: a maintenance promises its window (--end)"
            )
        start, end = _time("--start", draft.start, config), _time("--end", draft.end, config)
        if end <= start:
            raise UsageError("--end must be after --start")
        return start, maintenance_text(title, ids, now, start, end, names, zone)
    if draft.impact is None:
        raise UsageError("--impact is needed for an incident: none, minor, major or critical")
    next_update = _duration("--next-update", draft.next_update, now)
    estimate = _estimate(draft.estimate, now, config)
    return now, incident_text(title, ids, draft.impact, now, next_update, names, estimate)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _status(update: NewUpdate, kind: Kind) -> UpdateStatus:
    final = UpdateStatus.COMPLETED if kind is Kind.MAINTENANCE else UpdateStatus.RESOLVED
    allowed = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    if update.resolve:
        if update.status and update.status is not final:
            raise UsageError(f"--resolve means status {final.value}; drop --status")
        return final
    status = update.status or UpdateStatus.UPDATE
    if status not in allowed:
        raise UsageError(
            f"--status {status.value} is not used for {words.article(kind)}; use "
            f"one of {', '.join(s.value for s in allowed)}"
        )
    return status


def update_incident(update: NewUpdate, config: Config) -> ExitCode:
    """Add an update to an incident file, changing nothing else it says, and say so."""
    message = _message(update.message)
    # Read, check and replace under the folder's lock: another `update` at the same moment
    # then reads this one's file, and neither update is lost to the other's rename.
    with writing(config.incidents_dir):
        path = _find(update.slug, config)
        try:
            data = read_limited(path)
        except FileRefused as exc:
            problems = Problems()
            problems.error(path, 1, exc.message)
            print_problems(problems, "The file was not changed.")
            return ExitCode.PROBLEMS
        return _add_update(update, message, path, data, config)


def _add_update(
    update: NewUpdate, message: str, path: Path, data: bytes, config: Config
) -> ExitCode:
    renderer = MarkdownRenderer()
    settings = Problems()
    coach = coach_for(config.path, config.coach, settings)
    print_problems(settings)  # a mistake in `[coach]`: said, and the advice goes on
    read = parse_limited(path, data, config.site, renderer, coach)
    before = read.incident
    if before is None:
        print_problems(read.problems, "Fix these first; the file was not changed.")
        return ExitCode.PROBLEMS
    advised = Counter((p.rule, p.message) for p in _advice(read.problems).items)
    status = _status(update, before.kind)
    if before.is_resolved and status in (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED):
        raise UsageError(
            f"`{path.stem}` is already {status.value}; post a follow-up with "
            "--status update (or postmortem)"
        )
    now = _now(update.now, config)
    while any(u.time == now for u in before.updates):  # two updates in one second
        now += timedelta(seconds=1)
    next_update = (
        _duration("--next-update", update.next_update, now) if update.next_update else None
    )
    if update.estimate is not None and (before.is_maintenance or update.resolve):
        raise UsageError(
            "--estimate promises when service will be back: "
            + (
                "a maintenance promises its window instead"
                if before.is_maintenance
                else "with --resolve it is back already"
            )
        )
    estimate = _estimate(update.estimate, now, config)
    change = amend(path, data, status, message, now, next_update, estimate)
    read = parse_limited(path, change.text.encode("utf-8"), config.site, renderer, coach)
    after, problems = read.incident, read.problems
    if after is not None and len(after.updates) != len(before.updates) + 1:
        problems.error(path, 1, "the new update did not come out as one update")
        after = None
    if after is None:
        print_problems(
            problems,
            "The update would make the file invalid (the line numbers "
            "above are those of the changed file); the file was not "
            "changed.",
        )
        return ExitCode.PROBLEMS
    # Only what this update brought: the words just written, or what resolving now asks for.
    advice = _advice(problems, advised)
    if _held_back(advice, update.strict, "The file was not changed (--strict)."):
        return ExitCode.PROBLEMS
    save(change)
    added = now.astimezone(UTC)
    print(f"{_shown(path)}: added {words.label(status)} at {added:%Y-%m-%d %H:%M:%S} UTC")
    return ExitCode.OK


def _advice(
    problems: Problems,
    known: Counter[tuple[str, str]] | None = None,
    words_only: Coach | None = None,
) -> Problems:
    """The coach's findings, less as many of each as there were before the change (the same
    words written again are new advice); with `words_only`, only those about words, not about
    what the file still lacks."""
    left = Counter(known or {})
    found = []
    for problem in problems.items:
        if not problem.rule:
            continue
        if left[(problem.rule, problem.message)] > 0:
            left[(problem.rule, problem.message)] -= 1
            continue
        if words_only is not None:
            rule = words_only.rule(problem.rule)
            if rule is None or rule.check is not None:
                continue
        found.append(problem)
    return Problems(found)


def _held_back(advice: Problems, strict: bool, refusal: str) -> bool:
    """Print the coach's advice; True when `--strict` makes it stop the change."""
    if not advice.items:
        return False
    if strict:
        print_problems(advice, refusal)
        return True
    print_problems(advice, "Saved anyway: the coach's advice is a warning (--strict stops it).")
    return False


def _find(given: str, config: Config) -> Path:
    """The incident named by its slug, or by its path as `new` printed it."""
    slug = given.removesuffix(".md")
    named = Path(given)
    if len(named.parts) > 1 or given.endswith(".md"):
        slug = named.name.removesuffix(".md")
    path = find_incident(config, slug)
    if path is None:
        slugs = (
            [p.stem for p in incident_files(config.incidents_dir)]
            if config.incidents_dir.is_dir()
            else []
        )
        raise UsageError(
            f"no incident `{given}` under {config.incidents_dir}{suggest(slug, slugs)}"
        )
    if slug != given.removesuffix(".md") and named.is_file() and not named.samefile(path):
        raise UsageError(
            f"`{given}` is not in the incidents folder {config.incidents_dir}: "
            f"name the incident by its slug, e.g. `{slug}`"
        )
    return path


def _message(text: str) -> str:
    message = text.strip()
    if not message:
        raise UsageError("the update text is empty: tell customers what changed")
    for line in message.splitlines():
        heading = HEADING.match(line)
        if heading and 2 <= len(heading.group(1)) <= 3:  # the levels that split a file
            raise UsageError(
                f"the update text has a heading (`{line.strip()}`), which would "
                "end the update there; write it without `#`"
            )
    return message
