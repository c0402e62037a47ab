"""Problems found in configuration and incident files, kept as data until the CLI prints them."""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    level: Level
    message: str

    def format(self, base: Path | None = None) -> str:
        """Render as `path:line: level: message`, the path relative to `base` when under it."""
        shown = self.path
        if base is not None:
            try:
                shown = Path(os.path.relpath(self.path, base))
            except ValueError:
                shown = self.path
            if shown.parts[:1] == ("..",):
                shown = self.path
        return f"{shown}:{self.line}: {self.level}: {self.message}"


@dataclass
class Problems:
    """A collector that every loading step appends to, so one pass reports everything."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, Level.ERROR, message))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, Level.WARNING, message))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    def fails(self, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (str(p.path), p.line, p.level, p.message))


def print_problems(problems: Problems, conclusion: str | None = None) -> None:
    """Every problem on standard error, paths relative to where the command was run."""
    for problem in problems.sorted():
        print(problem.format(Path.cwd()), file=sys.stderr)
    if conclusion:
        print(conclusion, file=sys.stderr)


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean `x`?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
