"""Reading `statusgen.toml`'s keys: where each was written (tomllib forgets it), and their
text values with every problem named at its key's line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from statusgen.model import without_invisible
from statusgen.problems import Problems, suggest


class KeyLines:
    """Where each key was written, since tomllib forgets it."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, int, str], int] = {}
        table, index = "", 0
        counts: dict[str, int] = {}
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            header = re.match(r"^\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?", line)
            if header:
                table = header.group(1)
                counts[table] = counts.get(table, -1) + 1
                index = counts[table]
                self.lines.setdefault((table, index, ""), number)
                continue
            key = re.match(r"^\"?([A-Za-z0-9_-]+)\"?\s*=", line)
            if key:
                self.lines.setdefault((table, index, key.group(1)), number)

    def of(self, table: str, key: str = "", index: int = 0) -> int:
        return self.lines.get((table, index, key)) or self.lines.get((table, index, ""), 1)


def warn_unknown(
    path: Path,
    table: dict[str, Any],
    known: tuple[str, ...],
    name: str,
    index: int,
    lines: KeyLines,
    problems: Problems,
) -> None:
    for key in table:
        if key not in known:
            problems.warning(
                path,
                lines.of(name, key, index),
                f"unknown key `{key}` in [{name}]{suggest(key, known)}",
            )


class TextReader:
    """Reads string keys of one table, reporting a wrong type or a missing required key."""

    def __init__(
        self,
        path: Path,
        table: dict[str, Any],
        name: str,
        lines: KeyLines,
        problems: Problems,
        index: int = 0,
    ) -> None:
        self.path, self.table, self.name = path, table, name
        self.lines, self.problems, self.index = lines, problems, index

    def get(self, key: str, required: bool = False) -> str:
        value = self.table.get(key)
        line = self.lines.of(self.name, key, self.index)
        if value is None:
            if required:
                self.problems.error(self.path, line, f"[{self.name}] needs `{key}`")
            return ""
        if not isinstance(value, str):
            self.problems.error(self.path, line, f"`{key}` must be text in quotes")
            return ""
        value, removed = without_invisible(value)
        if len(value.splitlines()) > 1:
            self.problems.error(self.path, line, f"`{key}` must be one line: remove the line break")
            return ""
        if required and not value.strip():
            self.problems.error(self.path, line, f"[{self.name}] `{key}` is empty: give it a value")
            return ""
        if removed:
            self.problems.warning(
                self.path,
                line,
                f"invisible control characters in `{key}` (written as escapes such as "
                "`\\u000b`) were left out",
            )
        return value.strip()
