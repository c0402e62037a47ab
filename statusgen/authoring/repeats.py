"""`new` with the title of an incident still open: at 3 a.m. that is nearly always the same
problem typed again, which customers would then see as two incidents."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from statusgen.config import Config
from statusgen.problems import FileRefused
from statusgen.source.files import incident_files
from statusgen.source.markup import MarkdownRenderer
from statusgen.source.reading import parse_limited, read_limited


def same_title_refusal(shown: str, slug: str, maintenance: bool) -> str:
    """What `new` says instead of opening a second incident for one problem."""
    kind = "a maintenance not yet over" if maintenance else "an open incident"
    return (
        f"statusgen: {kind} already has this title: {shown}. Nothing was written.\n"
        f'  To tell customers more, add an update: statusgen update {slug} "what changed"\n'
        "  To open a second one with the same title anyway, run this again with --again."
    )


def open_with_title(title: str, maintenance: bool, now: datetime, config: Config) -> Path | None:
    """An incident still open (or a maintenance not yet over) with this title, in any case."""
    wanted = title.casefold()
    renderer = MarkdownRenderer()
    for path in incident_files(config.incidents_dir) if config.incidents_dir.is_dir() else []:
        try:
            data = read_limited(path)
        except (OSError, FileRefused):
            continue  # `check` names such a file; it cannot be the open incident meant here
        if wanted not in data.decode("utf-8", "replace").casefold():
            continue  # most files: not worth parsing
        incident = parse_limited(path, data, config.site, renderer).incident
        if (
            incident is None
            or incident.is_maintenance is not maintenance
            or " ".join(incident.title.split()).casefold() != wanted
            or incident.is_resolved
        ):
            continue
        if incident.scheduled_end is None or incident.scheduled_end > now:
            return path
    return None
