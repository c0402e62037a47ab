"""Sources into records: every document of a Statuspage import, or every issue of a cState
site. A source that cannot be read is an error that stops the import; a record that cannot
become a file is an error for that record alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from statusgen.migrate import cstate, from_statuspage
from statusgen.migrate.record import ImportedIncident, Unreadable
from statusgen.migrate.sources import is_address, json_files, load_sources
from statusgen.problems import Problems

LATEST = 50  # how many incidents a page's public incidents.json holds


@dataclass
class Batch:
    records: list[ImportedIncident] = field(default_factory=list)
    unreadable: Problems = field(default_factory=Problems)  # records left out, and why
    notes: list[str] = field(default_factory=list)
    maybe_partial: bool = False  # a page's address, or a list as long as the API gives


def read_statuspage(sources: list[str], problems: Problems) -> Batch:
    loaded = load_sources(sources, problems)
    batch = Batch(notes=loaded.notes, maybe_partial=any(is_address(s) for s in sources))
    groups = from_statuspage.groups(loaded.documents)
    for name, data in loaded.documents:
        if isinstance(data, dict) and len(data.get("incidents") or []) == LATEST:
            batch.maybe_partial = True
        for record in from_statuspage.records(name, data, problems):
            try:
                batch.records.append(from_statuspage.incident(record, groups))
            except Unreadable as exc:
                what = record.get("name") or record.get("id") or "an incident"
                batch.unreadable.error(Path(name), 1, f"`{what}` is not imported: {exc}")
            except (AttributeError, TypeError, ValueError, KeyError, OverflowError):
                # A field of the wrong type (a number where updates belong, a list for a
                # name): the file is not what Statuspage writes, and says so, not a crash.
                what = record.get("name") or record.get("id") or "an incident"
                batch.unreadable.error(
                    Path(name),
                    1,
                    f"`{what}` is not imported: some of its fields do not hold what Statuspage "
                    "writes there (a number or a list where text or a list of updates belongs, "
                    "or a time that is no date); was the file edited or cut short?",
                )
    return batch


def read_cstate(folder: Path, zone: tzinfo, problems: Problems) -> Batch:
    batch = Batch()
    issues = cstate.issues_folder(folder)
    files = [p for p in json_files(str(issues), ".md") if p.name != "_index.md"]
    if not files:
        problems.error(issues, 1, "holds no cState issue (.md) to import")
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.error(path, 1, f"cannot be read: {exc}")
            continue
        try:
            record = cstate.issue(path, text, zone)
        except Unreadable as exc:
            batch.unreadable.error(path, 1, f"is not imported: {exc}")
            continue
        if record is not None:
            batch.records.append(record)
    return batch
