"""Every way statusgen says something went wrong: problems found in files, kept as data until a
command prints them, the exceptions that cross layers, and the exit codes they end in."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1  # errors, or warnings under --strict
    USAGE = 2  # the command line asked for something that cannot be done
    INTERRUPTED = 130  # Ctrl-C, as shells report it


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    level: Level
    message: str
    rule: str = ""  # the writing coach's rule that found it, shown as `[coach:rule]`

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
        tag = f" [coach:{self.rule}]" if self.rule else ""
        return f"{_one_line(str(shown))}:{self.line}: {self.level}: {_one_line(self.message)}{tag}"


# Characters that would break a problem's one line or hide what it says on a terminal: line
# ends, controls, lone surrogates (unprintable) and bidi overrides. They are shown as escapes.
_UNSHOWABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _one_line(text: str) -> str:
    return _UNSHOWABLE.sub(lambda found: ascii(found.group(0))[1:-1], text)


@dataclass
class Problems:
    """A collector that every loading step appends to, so one pass reports everything."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, Level.ERROR, message))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, Level.WARNING, message))

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


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean `x`?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


class UsageError(Exception):
    """The command was given something it cannot use (exit status 2)."""


class TimeError(ValueError):
    """A written time that cannot be read; the message says what to write instead."""


class FrontMatterError(Exception):
    """The front matter cannot be read at all; the rest of the file is not looked at."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class RenderError(Exception):
    """A template failed; names the template file and line so the theme author can fix it."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __reduce__(self) -> tuple[type[RenderError], tuple[Path, int, str]]:
        return RenderError, (self.path, self.line, self.message)  # it may cross from a worker


class FileRefused(Exception):
    """A file statusgen will not read: not a regular file, or larger than the limit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PublishError(Exception):
    """The output cannot be published safely; nothing was changed."""
