"""Every incident file read and validated together, parsing only what changed."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from statusgen import parallel
from statusgen.config import SLUG, Config
from statusgen.digest import digest
from statusgen.lint import Coach
from statusgen.model import Incident, SiteInfo
from statusgen.problems import FileRefused, Problems
from statusgen.source.cache import ParseCache, Parsed, Signature, clock_ns, signature
from statusgen.source.files import incident_paths
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.reading import NOT_REGULAR, Read, parse_limited, read_limited

# Forking workers pays off only for a large batch of files to parse.
PARALLEL_FILES = 200

# A file to parse: its path, bytes, what it looked like on disk and when it was read.
Todo = tuple[Path, bytes, Signature, int]


def load_incidents(
    config: Config,
    problems: Problems,
    cache: ParseCache | None = None,
    coach: Coach | None = None,
    now: datetime | None = None,
) -> tuple[Incident, ...]:
    """Read every incident file; problems for all of them are collected in one pass.

    With a `cache`, only files whose bytes changed since it was filled are parsed again (it must
    have been made for this `coach`: its findings are kept with each file). With a `coach`,
    the notes within its reach (`Coach.in_reach`) are read as customers would: those near `now`
    (a guess at the site's newest news) while parsing, the rest of the reach afterwards.
    """
    folder = config.incidents_dir
    if not folder.is_dir():
        problems.error(
            config.path,
            1,
            f"the incidents folder `{folder}` does not exist; "
            "create it, or set `incidents` under [paths]",
        )
        return ()
    if cache is None:
        cache = ParseCache("")
    order: list[str] = []
    todo: list[Todo] = []
    for name in _named_files(folder, problems):
        if _look(name, cache, todo, problems):
            order.append(name)
    guess = now if coach is not None and coach.active else None
    _parse_all(todo, cache, config.site, coach if guess else None, guess)
    cache.keep_only(set(order))
    newest = None
    if coach is not None and coach.active:
        newest = _coach_all(order, {str(t[0]): t[1] for t in todo}, cache, config.site, coach)
    return _collect(order, cache, problems, coach, newest)


def _coach_all(
    order: list[str], read: dict[str, bytes], cache: ParseCache, info: SiteInfo, coach: Coach
) -> datetime | None:
    """Parse again, with the coach, the files within its reach that it has not read yet, and
    return the site's newest news the reach is measured from: only now is it known."""
    incidents = [p.incident for p in cache.entries.values() if p.incident is not None]
    newest = max((i.last_time for i in incidents), default=None)
    todo: list[Todo] = []
    for name in order:
        parsed = cache.entries[name]
        if parsed.coached or parsed.incident is None:
            continue
        if not coach.in_reach(parsed.incident, newest):
            continue
        data = read.get(name)
        if data is None:
            try:
                data = read_limited(name)
            except (OSError, FileRefused):
                continue  # it was readable a moment ago; the next build looks again
        todo.append((Path(name), data, parsed.signature, parsed.read_at))
    _parse_all(todo, cache, info, coach, None)
    return newest


def _named_files(folder: Path, problems: Problems) -> list[str]:
    """The incident files whose names give a valid slug of their own."""
    slugs: dict[str, str] = {}
    for name in incident_paths(str(folder), problems):
        slug = os.path.basename(name)[:-3]
        if not SLUG.match(slug):
            problems.error(
                Path(name),
                1,
                f"the file name gives the slug `{slug}`, but slugs "
                "may only use lower-case letters, digits and `-`: rename the file, "
                "e.g. `2026-11-20-card-payments.md`",
            )
        elif slug in slugs:
            problems.error(
                Path(name),
                1,
                f"the slug `{slug}` is already used by "
                f"{os.path.relpath(slugs[slug], folder)}: every file needs its own name",
            )
        else:
            slugs[slug] = name
    return list(slugs.values())


def _look(name: str, cache: ParseCache, todo: list[Todo], problems: Problems) -> bool:
    """Find whether the cached parse of a file still holds; if not, read it onto `todo`.
    False when the file cannot be read."""
    read_at = clock_ns()
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode):
            problems.error(Path(name), 1, NOT_REGULAR)
            return False
        now = signature(status)
        known = cache.entries.get(name)
        if known is not None and known.unchanged(now):
            return True
        data = read_limited(name)
    except OSError as exc:
        problems.error(Path(name), 1, f"cannot read the file: {exc.strerror}")
        return False
    except FileRefused as exc:
        problems.error(Path(name), 1, exc.message)
        return False
    if known is not None and known.source == digest(data):
        cache.refresh(name, replace(known, signature=now, read_at=read_at))
    else:
        todo.append((Path(name), data, now, read_at))
    return True


def _parse_all(
    todo: list[Todo],
    cache: ParseCache,
    info: SiteInfo,
    coach: Coach | None,
    newest: datetime | None,
) -> None:
    renderer = MarkdownRenderer()
    if coach is not None and len(todo) >= PARALLEL_FILES:
        coach.prepare()

    def parse(batch: Sequence[Todo]) -> list[Parsed]:
        return [
            _parse(path, data, now, read_at, info, renderer, coach, newest)
            for path, data, now, read_at in batch
        ]

    # A file that ran out of time is kept in memory too, so that `watch` does not spend the
    # budget on it again at every save of another file; it is never saved to disk (see
    # `ParseCache.save`), since a slow moment of the machine must not outlive the process.
    for (path, *_), parsed in zip(todo, parallel.split(parse, todo, PARALLEL_FILES), strict=True):
        cache.put(str(path), parsed)


def _collect(
    order: list[str],
    cache: ParseCache,
    problems: Problems,
    coach: Coach | None,
    newest: datetime | None,
) -> tuple[Incident, ...]:
    incidents: list[Incident] = []
    for name in order:
        parsed = cache.entries[name]
        found = parsed.problems
        # Read while guessing the reach, but outside it: the coach has nothing to say.
        if (
            parsed.coached
            and parsed.incident is not None
            and (coach is None or not coach.in_reach(parsed.incident, newest))
        ):
            found = tuple(p for p in found if not p.rule)
        problems.items.extend(found)
        if parsed.incident is not None:
            incidents.append(parsed.incident)
    return tuple(sorted(incidents, key=lambda i: (i.started, i.slug), reverse=True))


def _parse(
    path: Path,
    data: bytes,
    now: Signature,
    read_at: int,
    info: SiteInfo,
    renderer: MarkdownRenderer,
    coach: Coach | None,
    newest: datetime | None,
) -> Parsed:
    try:
        read = parse_limited(path, data, info, renderer, coach, newest)
    except Exception as exc:  # a bug meeting an odd file must still name the file
        found = Problems()
        found.error(
            path,
            1,
            f"statusgen could not read this file ({type(exc).__name__}: "
            f"{exc}); please report it with the file attached",
        )
        read = Read(None, found)
    problems = tuple(read.problems.items)
    return Parsed(
        now, read_at, digest(data), read.incident, problems, read.timed_out, read.dues, read.coached
    )
