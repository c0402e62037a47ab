"""What people read in the terminal: problems as `path:line: level: message`, and counts."""

from __future__ import annotations

import sys
from pathlib import Path

from statusgen.problems import Problems


def say(message: str) -> None:
    """A message for the person at the terminal, apart from what a command outputs."""
    print(message, file=sys.stderr)


def print_problems(problems: Problems, conclusion: str | None = None) -> None:
    """Every problem on standard error, paths relative to where the command was run."""
    for problem in problems.sorted():
        print(problem.format(Path.cwd()), file=sys.stderr)
    if conclusion:
        print(conclusion, file=sys.stderr)


def counts(problems: Problems) -> str:
    """`1 error, 2 warnings`."""
    errors, warnings = len(problems.errors), len(problems.warnings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
