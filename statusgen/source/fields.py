"""The front matter's values, read by the key that holds them, with every problem reported."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TypeVar

import yaml

from statusgen import words
from statusgen.model import (
    IMPACT_STATUS,
    ComponentStatus,
    Impact,
    Kind,
    SiteInfo,
    without_invisible,
)
from statusgen.problems import Problems, TimeError, suggest
from statusgen.source.frontmatter import Field, scalar, scalar_list, scalar_mapping
from statusgen.source.times import parse_time_noted

KEYS = (
    "title",
    "kind",
    "impact",
    "components",
    "started",
    "estimated_restore",
    "next_update",
    "resolved",
    "scheduled_start",
    "scheduled_end",
    "completed",
    "draft",
)
_ONLY_FOR = {
    "started": Kind.INCIDENT,
    "estimated_restore": Kind.INCIDENT,
    "resolved": Kind.INCIDENT,
    "scheduled_start": Kind.MAINTENANCE,
    "scheduled_end": Kind.MAINTENANCE,
    "completed": Kind.MAINTENANCE,
}
_STATUSES = [s.value for s in ComponentStatus if s is not ComponentStatus.OPERATIONAL]
_FLAGS = {"true": True, "yes": True, "false": False, "no": False}
E = TypeVar("E", Kind, Impact)


@dataclass
class Fields:
    """Interprets the front matter fields of one file, reporting problems as it goes."""

    path: Path
    fields: dict[str, Field]
    zone: tzinfo
    problems: Problems
    _warned: set[str] = field(default_factory=set)

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
        if value is not None:
            value = self._visible(key, value)
        if value is None or not value.strip():
            if required:
                self.problems.error(
                    self.path,
                    self.line(key),
                    f"`{key}` is empty (in YAML, "
                    "`#` starts a comment: put a value with `#` in quotes)",
                )
            return None
        return value.strip()

    def _visible(self, key: str, value: str) -> str:
        # YAML escapes (`"\u000b"`) reach characters the file itself could not hold.
        value, removed = without_invisible(value)
        if removed and key not in self._warned:
            self._warned.add(key)
            self.problems.warning(
                self.path,
                self.line(key),
                f"invisible control characters in `{key}` (written as escapes such as "
                "`\\u000b`) were left out",
            )
        return value

    def choice(self, key: str, enum: type[E], default: E | None) -> E | None:
        value = self.text(key, required=default is None)
        if value is None:
            return default
        try:
            return enum(value.lower())
        except ValueError:
            names = [e.value for e in enum]
            self.problems.error(
                self.path,
                self.line(key),
                f"`{key}: {value}` is not one of {', '.join(names)}{suggest(value.lower(), names)}",
            )
            return default

    def flag(self, key: str) -> bool:
        """`true` or `false` (also `yes` or `no`); absent is false."""
        value = self.text(key)
        if value is None:
            return False
        word = value.lower()
        if word not in _FLAGS:
            self.problems.error(
                self.path,
                self.line(key),
                f"`{key}: {value}` is neither true nor false: write `{key}: true` or remove it",
            )
            return False
        return _FLAGS[word]

    def time(self, key: str, required: bool = False) -> datetime | None:
        value = self.text(key, required)
        if value is None:
            return None
        try:
            moment, note = parse_time_noted(value, self.zone)
        except TimeError as exc:
            self.problems.error(self.path, self.line(key), f"`{key}`: {exc}")
            return None
        if note is not None:
            self.problems.warning(self.path, self.line(key), f"`{key}`: {note}")
        return moment


def check_keys(reader: Fields, kind: Kind) -> None:
    for key, given in reader.fields.items():
        if key not in KEYS:
            _unknown_key(reader, key, given.line)
        elif _ONLY_FOR.get(key, kind) is not kind:
            reader.problems.warning(
                reader.path,
                given.line,
                f"`{key}` is for {words.article(_ONLY_FOR[key])}, not for "
                f"{words.article(kind)}: it is ignored",
            )


def _unknown_key(reader: Fields, key: str, line: int) -> None:
    """A misspelling of a key the file does not give is an error: customers would see the
    page without it (an outage left open, an estimate gone). Anything else is a warning."""
    close = difflib.get_close_matches(key.lower(), KEYS, n=1, cutoff=0.6)
    if close and close[0] not in reader.fields:
        reader.problems.error(
            reader.path,
            line,
            f"unknown key `{key}` (did you mean `{close[0]}`?): as written, the page "
            f"shows nothing of it; correct the key",
        )
        return
    reader.problems.warning(reader.path, line, f"unknown key `{key}`{suggest(key, KEYS)}")


def read_components(
    reader: Fields, info: SiteInfo, kind: Kind, impact: Impact
) -> tuple[tuple[str, ComponentStatus], ...]:
    if "components" not in reader.fields:
        reader.problems.error(reader.path, 1, "front matter needs `components`")
        return ()
    node = reader.fields["components"].node
    default = (
        ComponentStatus.UNDER_MAINTENANCE if kind is Kind.MAINTENANCE else IMPACT_STATUS[impact]
    )
    try:
        if isinstance(node, yaml.MappingNode):
            pairs = [(i, s, line) for i, s, line in scalar_mapping(node)]
        else:
            pairs = [(i, None, line) for i, line in scalar_list(node)]
    except ValueError as exc:
        reader.problems.error(reader.path, reader.line("components"), f"`components`: {exc}")
        return ()
    if not pairs:
        reader.problems.error(
            reader.path,
            reader.line("components"),
            "`components` is empty: name at least one affected component",
        )
    known = [c.id for c in info.components]
    result: dict[str, ComponentStatus] = {}
    for component_id, status_text, line in pairs:
        if component_id not in known:
            reader.problems.error(
                reader.path,
                line,
                f"unknown component `{component_id}`"
                f"{suggest(component_id, known)}; components are listed in "
                "statusgen.toml",
            )
            continue
        status = _component_status(reader, status_text, line, default)
        if status is not None:
            result[component_id] = status
    return tuple(result.items())


def _component_status(
    reader: Fields, text: str | None, line: int, default: ComponentStatus
) -> ComponentStatus | None:
    if text is None:
        return default
    word = text.strip().lower().replace(" ", "_")
    if word not in _STATUSES:
        reader.problems.error(
            reader.path,
            line,
            f"component status `{text}` is not one of "
            f"{', '.join(_STATUSES)}{suggest(word, _STATUSES)}",
        )
        return None
    return ComponentStatus(word)
