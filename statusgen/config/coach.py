"""`[coach]`: which of the writing coach's rules a site turns off, and the words of its own that
customers should never read (code names, team names), or a file of rules of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusgen.config.keys import KeyLines, warn_unknown
from statusgen.problems import Problems

_COACH_KEYS = ("disable", "avoid", "rules", "recent_days")


@dataclass(frozen=True)
class CoachSettings:
    """As written in `statusgen.toml`, each value with its line; checked against the rules
    when the coach is made, since only the rules know their names."""

    disable: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    rules: Path | None = None  # a site's own rule file, in the shipped file's shape
    line: int = 1  # where `[coach]` is, for problems with what it names
    disable_line: int = 1
    # How many days back from the site's newest news notes are read; 0 reads every note.
    recent_days: int = 90


def read_coach(path: Path, raw: Any, lines: KeyLines, problems: Problems) -> CoachSettings:
    if raw is None:
        return CoachSettings()
    if not isinstance(raw, dict):
        problems.error(path, lines.of("coach"), "`coach` must be a table: write `[coach]`")
        return CoachSettings()
    warn_unknown(path, raw, _COACH_KEYS, "coach", 0, lines, problems)
    rules = raw.get("rules")
    if rules is not None and (not isinstance(rules, str) or not rules.strip()):
        problems.error(
            path,
            lines.of("coach", "rules"),
            '`rules` must be the path of a rule file in quotes, e.g. `rules = "coach.yml"`',
        )
        rules = None
    days = raw.get("recent_days", 90)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        problems.error(
            path,
            lines.of("coach", "recent_days"),
            "`recent_days` must be a whole number of days, or 0 for every note",
        )
        days = 90
    return CoachSettings(
        disable=_names(path, raw, "disable", lines, problems),
        avoid=_names(path, raw, "avoid", lines, problems),
        rules=path.parent / rules if rules else None,
        line=lines.of("coach"),
        disable_line=lines.of("coach", "disable"),
        recent_days=days,
    )


def _names(
    path: Path, raw: dict[str, Any], key: str, lines: KeyLines, problems: Problems
) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        example = '["jargon"]' if key == "disable" else '["Project Falcon", "the blue cluster"]'
        problems.error(
            path,
            lines.of("coach", key),
            f"`{key}` must be a list of words in quotes, e.g. {example}",
        )
        return ()
    return tuple(" ".join(v.split()) for v in value)
