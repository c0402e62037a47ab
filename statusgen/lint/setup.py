"""The coach a site gets: the shipped rules, its own file of rules and words to avoid, less the
rules it turned off; every name it gets wrong is a problem at its line in `statusgen.toml`."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from pathlib import Path

from statusgen.config import CoachSettings
from statusgen.digest import digest
from statusgen.lint.coach import Coach
from statusgen.lint.rules import (
    Rule,
    RuleBook,
    compile_words,
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
    book = shipped_book()
    rules = list(book.rules)
    own = ""
    if settings.rules is not None:
        own = _read_own(config_path, settings, problems)
        rules += read_site_rules(settings.rules, own, book.ids, problems)
    if settings.avoid:
        tokens = [re.escape(phrase).replace(r"\ ", " ") for phrase in settings.avoid]
        rules.append(Rule(AVOID, _AVOID_MESSAGE, settings.line, tokens=compile_words(tokens)))
    known = list(dict.fromkeys(r.id for r in rules))
    for name in settings.disable:
        if name not in known:
            problems.warning(
                config_path,
                settings.line,
                f"[coach] `disable` names `{name}`, which is not a coach rule"
                f"{suggest(name, known)}; the rules are {', '.join(known)}",
            )
    book = replace(book, rules=tuple(rules))
    key = digest(shipped(), own, repr(settings.avoid), repr(sorted(settings.disable)))
    return Coach(book, frozenset(settings.disable), key)


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
