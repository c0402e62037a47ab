"""What a site is built from, and the file events that mean one of those sources changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)

from statusgen.config import Config

CHANGES = {
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_CLOSED,
}


@dataclass(frozen=True)
class Sources:
    """What a site is built from, so that everything else (the output) is ignored."""

    config: Path
    incidents: Path
    templates: Path
    coach_rules: Path | None = None  # the site's own coach rules, `[coach] rules`

    def covers(self, path: str) -> bool:
        target = Path(path)
        if target in (self.config, self.coach_rules):
            return True
        return any(
            folder == target or folder in target.parents
            for folder in (self.incidents, self.templates)
        )

    def folders(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to watch: a folder that does not exist yet is noticed
        through its parent."""
        found: dict[Path, bool] = {self.config.parent: False}
        if self.coach_rules is not None and self.coach_rules.parent.is_dir():
            found.setdefault(self.coach_rules.parent, False)
        for folder in (self.incidents, self.templates):
            if folder.is_dir():
                found[folder] = True
            else:
                found.setdefault(_existing_parent(folder), False)
        return sorted(found.items())


def _existing_parent(folder: Path) -> Path:
    for parent in folder.parents:
        if parent.is_dir():
            return parent
    return Path(folder.anchor)


def sources_of(config_path: Path, config: Config | None) -> Sources:
    """What to watch, from the configuration the last build read."""
    root = config_path.resolve().parent
    if config is None:  # a broken configuration: watch where the defaults would be
        return Sources(config_path.resolve(), root / "incidents", root / "templates")
    rules = config.coach.rules.resolve() if config.coach.rules is not None else None
    return Sources(
        config_path.resolve(),
        config.incidents_dir.resolve(),
        config.templates_dir.resolve(),
        rules,
    )


class Changes(FileSystemEventHandler):
    """Calls `changed` for every event that touches a source."""

    def __init__(self, sources: Sources, changed: Callable[[], None]) -> None:
        self.sources, self.changed = sources, changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a folder's times change when files come and go: those have their own events
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(p and self.sources.covers(os.fsdecode(p)) for p in paths):
            self.changed()
