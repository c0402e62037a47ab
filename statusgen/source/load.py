"""Everything a build reads: the configuration and every incident file, validated together."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from statusgen import parallel
from statusgen.config import SLUG, Config
from statusgen.digest import digest
from statusgen.model import Incident
from statusgen.problems import Problems
from statusgen.source.cache import ParseCache, Parsed, Signature, clock_ns, signature
from statusgen.source.incident import parse_incident
from statusgen.source.markup import MarkdownRenderer

# Names meant as incidents (compared in lower case); any other file is only a warning.
_NEAR_MISSES = (".md.txt", ".markdown", ".mdown", ".md")
_LEFTOVERS = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")


def incident_files(folder: Path, problems: Problems | None = None) -> list[Path]:
    """`*.md` files under `folder` (linked folders too), skipping hidden files and leftovers.

    A file that was surely meant as an incident but is not named `.md` is reported, because
    a page that silently leaves out an outage is worse than one that refuses to build.
    """
    return [Path(path) for path in _incident_paths(str(folder), problems)]


def _incident_paths(folder: str, problems: Problems | None) -> list[str]:
    # Plain strings: at ten thousand files, making Path objects costs more than the walk.
    found: list[str] = []
    seen: set[str] = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link loop
            folders.clear()
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if not f.startswith((".", "#")))
        for name in files:
            if name.startswith((".", "#")) or name.endswith(_LEFTOVERS):
                continue
            if name.endswith(".md"):
                found.append(os.path.join(root, name))
            elif problems is not None and name.lower().endswith(_NEAR_MISSES):
                problems.error(Path(root, name), 1, f"is not read: incident files must end in "
                               f"`.md`; rename it to `{_stem(name)}.md`")
            elif problems is not None:
                problems.warning(Path(root, name), 1,
                                 "is not an incident file (`.md`) and is ignored")
    return sorted(found)


def _stem(name: str) -> str:
    suffix = next(s for s in _NEAR_MISSES if name.lower().endswith(s))
    return name[: -len(suffix)]


# Forking workers pays off only for a large batch of files to parse.
PARALLEL_FILES = 200


def load_incidents(config: Config, problems: Problems,
                   cache: ParseCache | None = None) -> tuple[Incident, ...]:
    """Read every incident file; problems for all of them are collected in one pass.

    With a `cache`, only files whose bytes changed since it was filled are parsed again.
    """
    folder = config.incidents_dir
    if not folder.is_dir():
        problems.error(config.path, 1, f"the incidents folder `{folder}` does not exist; "
                       "create it, or set `incidents` under [paths]")
        return ()
    if cache is None:
        cache = ParseCache("")
    slugs: dict[str, str] = {}
    order: list[str] = []
    todo: list[tuple[Path, bytes, Signature, int]] = []
    for name in _incident_paths(str(folder), problems):
        slug = os.path.basename(name)[:-3]
        if not SLUG.match(slug):
            problems.error(Path(name), 1, f"the file name gives the slug `{slug}`, but slugs "
                           "may only use lower-case letters, digits and `-`: rename the file, "
                           "e.g. `2026-11-20-card-payments.md`")
            continue
        if slug in slugs:
            problems.error(Path(name), 1, f"the slug `{slug}` is already used by "
                           f"{os.path.relpath(slugs[slug], folder)}: every file needs its own name")
            continue
        slugs[slug] = name
        read_at = clock_ns()
        try:
            now = signature(os.stat(name))
            known = cache.entries.get(name)
            if known is not None and known.unchanged(now):
                order.append(name)
                continue
            data = Path(name).read_bytes()
        except OSError as exc:
            problems.error(Path(name), 1, f"cannot read the file: {exc.strerror}")
            continue
        order.append(name)
        if known is not None and known.source == digest(data):
            cache.put(name, replace(known, signature=now, read_at=read_at))
        else:
            todo.append((Path(name), data, now, read_at))
    renderer = MarkdownRenderer()

    def parse(batch: Sequence[tuple[Path, bytes, Signature, int]]) -> list[Parsed]:
        return [_parse(path, data, now, read_at, config, renderer)
                for path, data, now, read_at in batch]

    for (path, *_), parsed in zip(todo, parallel.split(parse, todo, PARALLEL_FILES), strict=True):
        cache.put(str(path), parsed)
    cache.keep_only(set(order))
    incidents: list[Incident] = []
    for name in order:
        parsed = cache.entries[name]
        problems.items.extend(parsed.problems)
        if parsed.incident is not None:
            incidents.append(parsed.incident)
    return tuple(sorted(incidents, key=lambda i: (i.started, i.slug), reverse=True))


def _parse(path: Path, data: bytes, now: Signature, read_at: int, config: Config,
           renderer: MarkdownRenderer) -> Parsed:
    try:
        incident, found = parse_incident(path, data, config, renderer)
    except Exception as exc:  # a bug meeting an odd file must still name the file
        found = Problems()
        found.error(path, 1, f"statusgen could not read this file ({type(exc).__name__}: "
                    f"{exc}); please report it with the file attached")
        incident = None
    return Parsed(now, read_at, digest(data), incident, tuple(found.items))
