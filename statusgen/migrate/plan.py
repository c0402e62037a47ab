"""Records into files: components named as the site names them, a stable file name for each
record, the text checked as `statusgen check` would, then created where no file is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from statusgen.atomic import create_new
from statusgen.config import Config
from statusgen.lock import writing
from statusgen.migrate.files import base_slug, incident_text, unique_slug
from statusgen.migrate.record import ImportedComponent, ImportedIncident
from statusgen.migrate.write import imported_origins
from statusgen.model import Component, SiteInfo
from statusgen.problems import Problems
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.reading import parse_limited
from statusgen.statuspage import component_id


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # the file, and why
    refused: list[tuple[str, str]] = field(default_factory=list)  # the record, and why
    problems: Problems = field(default_factory=Problems)  # in the text an import would write
    # Components the site does not know yet, by the id the files name them with.
    new_components: dict[str, ImportedComponent] = field(default_factory=dict)


def import_records(
    records: list[ImportedIncident], config: Config, fallback: tuple[str, ...] = ()
) -> ImportResult:
    """Write a file for every record not imported before; `fallback` names the components of
    a record that names none."""
    result = ImportResult()
    chosen: dict[str, ImportedIncident] = {}
    for record in records:  # the same incident from two files: the fuller copy wins
        before = chosen.get(record.origin)
        if before is None or len(record.updates) > len(before.updates):
            chosen[record.origin] = record
    zone = config.site.zone
    with writing(config.incidents_dir):
        files = imported_origins(config.incidents_dir)
        by_origin = {origin: path for path, origin in files.values() if origin}
        for record in sorted(chosen.values(), key=lambda r: (r.day, r.origin)):
            shown = f"{record.title} ({record.origin})"
            if record.origin in by_origin:
                result.skipped.append((by_origin[record.origin], "imported before"))
                continue
            ids = _ids(record, config.site, result.new_components) or list(fallback)
            if not ids:
                result.refused.append((shown, _NO_COMPONENT))
                continue
            slug = base_slug(record, zone)
            if slug in files and files[slug][1] is None:
                result.skipped.append((files[slug][0], _NOT_IMPORTED))
                continue
            if slug in files:
                slug = unique_slug(record, zone)
            path = config.incidents_dir / f"{slug}.md"
            text = incident_text(record, ids)
            if not _valid(path, text, _with(config.site, result.new_components), result):
                result.refused.append((shown, "the file it would make has errors (above)"))
                continue
            if slug in files or not create_new(path, text.encode("utf-8")):
                result.skipped.append((path, "a file of that name exists"))
                continue
            files[slug] = (path, record.origin)
            result.written.append(path)
    return result


_NO_COMPONENT = (
    "it names no component, and every incident file needs one; "
    "pass --component ID to give such incidents one of the site's components"
)
_NOT_IMPORTED = (
    "a file of that name exists that no import wrote (perhaps the same incident, written by "
    "hand); left as it is"
)


def _ids(record: ImportedIncident, info: SiteInfo, new: dict[str, ImportedComponent]) -> list[str]:
    """The site's id for each component, in order, by its name or the id made from it; a
    component the site does not know is added to `new`."""
    by_name = {" ".join(c.name.split()).lower(): c.id for c in info.components}
    known = {c.id for c in info.components}
    ids: list[str] = []
    for component in record.components:
        made = component_id(component.name)
        found = by_name.get(component.name.lower()) or (made if made in known else None)
        if found is None:
            found = made
            new.setdefault(made, component)
        ids.append(found)
    return ids


def _with(info: SiteInfo, new: dict[str, ImportedComponent]) -> SiteInfo:
    """The site as it will be once the new components are added."""
    start = len(info.components)
    added = tuple(
        Component(i, c.name, "", c.group, start + n) for n, (i, c) in enumerate(new.items())
    )
    return replace(info, components=info.components + added)


def _valid(path: Path, text: str, info: SiteInfo, result: ImportResult) -> bool:
    read = parse_limited(path, text.encode("utf-8"), info, MarkdownRenderer())
    result.problems.items.extend(read.problems.errors)
    return read.incident is not None
