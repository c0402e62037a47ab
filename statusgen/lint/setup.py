"""The coach a site gets: the shipped rules, its own file of rules and words to avoid, less the
rules it turned off; every name it gets wrong is a problem at its line in `statusgen.toml`."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from statusgen.config import CoachSettings
from statusgen.digest import digest
from statusgen.lint.coach import Coach
from statusgen.lint.rules import (
    Rule,
    RuleBook,
    finder,
    read_rule_book,
    read_site_rules,
    shipped,
)
from statusgen.problems import Problems, suggest

# A rule file is a few kilobytes; anything far larger is not one.
_MAX_RULE_FILE = 1_000_000
AVOID = "avoid"
_AVOID_MESSAGE = (
    '"{words}" is one of our own words (`avoid` in statusgen.toml lists it), and customers do not '
    "know it; say what it is or what it does for them"
)


@functools.cache
def shipped_book() -> RuleBook:
    return read_rule_book(shipped())


def coach_for(config_path: Path, settings: CoachSettings, problems: Problems) -> Coach:
    text = shipped()
    extra: list[Rule] = []
    own = ""
    if settings.rules is not None:
        own = _read_own(config_path, settings, problems)
        if own:
            extra += read_site_rules(settings.rules, own, shipped_ids(text), problems)
    if settings.avoid:
        tokens = [re.escape(phrase).replace(r"\ ", " ") for phrase in settings.avoid]
        extra.append(Rule(AVOID, _AVOID_MESSAGE, settings.line, finder=finder(tokens)))
    known = list(dict.fromkeys([*shipped_ids(text), *(r.id for r in extra)]))
    for name in settings.disable:
        if name not in known:
            problems.warning(
                config_path,
                settings.disable_line,
                f"[coach] `disable` names `{name}`, which is not a coach rule"
                f"{suggest(name, known)}; the rules are {', '.join(known)}",
            )

    def make_book() -> RuleBook:
        book = shipped_book()
        return replace(book, rules=(*book.rules, *extra))

    key = digest(text, own, repr(settings.avoid), repr(sorted(settings.disable)))
    reach = timedelta(days=settings.recent_days) if settings.recent_days else None
    return Coach(make_book, tuple(known), frozenset(settings.disable), key, reach)


_ID = re.compile(r"^  - id: ([a-z][a-z0-9-]*)\s*$", re.MULTILINE)


def shipped_ids(text: str) -> tuple[str, ...]:
    """The shipped rules' names, without reading the whole file as YAML (which costs a third
    of a second, worth paying only when a file has to be reviewed)."""
    return tuple(dict.fromkeys(_ID.findall(text)))


def _read_own(config_path: Path, settings: CoachSettings, problems: Problems) -> str:
    assert settings.rules is not None
    try:
        with settings.rules.open("rb") as handle:
            data = handle.read(_MAX_RULE_FILE + 1)
    except OSError as exc:
        problems.error(
            config_path,
            settings.line,
            f"[coach] `rules`: cannot read {settings.rules}: {exc.strerror}",
        )
        return ""
    if len(data) > _MAX_RULE_FILE:
        problems.error(settings.rules, 1, "is larger than 1 MB, far more than a rule file needs")
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.error(settings.rules, 1, "is not UTF-8 text: save the file as UTF-8")
        return ""
