"""The writing coach: reads an incident as a customer would and finds where it breaks their
trust, each finding a warning at the line that holds the words, with a better way to say it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from statusgen import words
from statusgen.digest import digest
from statusgen.lint.promises import promised_time
from statusgen.lint.prose import Prose, read_prose, squeeze
from statusgen.lint.rules import Rule, RuleBook
from statusgen.model import Impact, Incident, SectionKey, UpdateStatus
from statusgen.problems import Level, Problem, suggest

_PROSE_HINT = (
    "; set `next_update:` as well when you promise an update, so the page shows it and "
    "counts down to it"
)
_ALLOW = re.compile(r"<!--\s*coach\s*:\s*allow\b(.*?)-->", re.IGNORECASE | re.DOTALL)
_SECTION_TITLES = {"problem": "Problem", "cause": "Cause", "prevention": "Prevention plan"}


@dataclass(frozen=True)
class Passage:
    """Words a customer reads, and where they are: the title, a section, or an update."""

    scope: str  # one of rules.SCOPES
    line: int  # the file line its text starts on
    text: str  # Markdown
    heading: int = 0  # for a section or an update: the line of its heading


@dataclass(frozen=True)
class Reading:
    """What the coach reads of one file besides the incident: its words and where its keys are."""

    passages: tuple[Passage, ...]
    keys: dict[str, int]  # front matter key → line
    body: str  # the Markdown after the front matter, for `<!-- coach: allow ... -->`
    body_line: int


@dataclass(frozen=True)
class Due:
    """A promise that becomes overdue once the clock passes `time` (nothing newer answered it)."""

    line: int
    time: datetime
    what: str  # "the next update", "the restore time"
    hint: str = ""  # how to write it better, said with the warning


@dataclass(frozen=True)
class Review:
    problems: tuple[Problem, ...]
    dues: tuple[Due, ...] = ()


@dataclass
class Coach:
    """The rules in force for a site: the shipped ones and its own, less those it turned off."""

    book: RuleBook
    disabled: frozenset[str] = frozenset()
    key: str = ""  # changes with anything that changes findings; part of the parse cache's key
    _rules: list[Rule] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rules = [r for r in self.book.rules if r.id not in self.disabled]
        if not self.key:
            self.key = digest(repr(sorted({r.id for r in self._rules})))

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self._rules if r.id == rule_id), None)

    def review(self, incident: Incident, reading: Reading, zone: tzinfo) -> Review:
        path = incident.path
        allowed, found = self._allowed(path, reading)
        rules = [r for r in self._rules if r.id not in allowed and _applies(r, incident)]
        for passage in reading.passages:
            prose = read_prose(passage.text, passage.line)
            for rule in rules:
                if rule.tokens is not None and (rule.scope is None or passage.scope in rule.scope):
                    found += self._matches(rule, prose, incident, path)
        checks = {r.check: r for r in rules if r.check is not None}
        found += self._structure(checks, incident, reading, zone)
        dues = self._dues(incident, reading, zone) if "overdue" in checks else ()
        return Review(tuple(found), dues)

    def overdue(
        self, path: Path, dues: tuple[Due, ...], now: datetime, zone: tzinfo
    ) -> list[Problem]:
        """The promises that `now` has passed, as warnings."""
        rule = next((r for r in self._rules if r.check == "overdue"), None)
        if rule is None:
            return []
        return [
            _finding(
                path,
                due.line,
                rule,
                what=due.what,
                time=words.show_time(due.time, zone),
                late=words.duration(now - due.time),
                hint=due.hint,
            )
            for due in dues
            if due.time < now
        ]

    def _dues(self, incident: Incident, reading: Reading, zone: tzinfo) -> tuple[Due, ...]:
        """Promises standing now that nothing has answered yet: each falls due at its time."""
        if incident.is_resolved or incident.is_maintenance:
            return ()
        dues = []
        pending = incident.pending_next_update
        if pending is not None:
            dues.append(Due(reading.keys.get("next_update", 1), pending, "the next update"))
        elif incident.next_update is None and incident.latest is not None:
            due = self._prose_promise(incident, reading, zone)
            if due is not None:
                dues.append(due)
        estimate = incident.estimated_restore
        latest = incident.latest.time if incident.latest else incident.started
        if (
            estimate is not None
            and latest < estimate
            and incident.phase in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED)
        ):
            line = reading.keys.get("estimated_restore", 1)
            dues.append(Due(line, estimate, "the restore time"))
        return tuple(dues)

    def _prose_promise(self, incident: Incident, reading: Reading, zone: tzinfo) -> Due | None:
        """A next update the newest update promises in words ("next update by 15:30 UTC")."""
        latest = incident.latest
        passage = next((p for p in reading.passages if latest and p.heading == latest.line), None)
        if latest is None or passage is None:
            return None
        prose = read_prose(passage.text, passage.line)
        bounds = [*prose.sentences, len(prose.text)]
        for start, end in itertools.pairwise(bounds):
            sentence = prose.text[start:end]
            if self.book.next_update.search(sentence):
                due = promised_time(sentence, latest.time, zone)
                if due is not None:
                    line = prose.line_of(start + len(sentence) - len(sentence.lstrip()))
                    return Due(line, due, "the next update", _PROSE_HINT)
        return None

    def _allowed(self, path: Path, reading: Reading) -> tuple[set[str], list[Problem]]:
        """The rules this file turns off for itself, and problems with how it says so."""
        allowed: set[str] = set()
        found: list[Problem] = []
        known = [r.id for r in self.book.rules]
        for match in _ALLOW.finditer(reading.body):
            line = reading.body_line + reading.body.count("\n", 0, match.start())
            names = [n for n in re.split(r"[\s,]+", match.group(1).strip()) if n]
            if not names:
                found.append(
                    Problem(
                        path,
                        line,
                        Level.WARNING,
                        "`coach: allow` names no rule: write e.g. `<!-- coach: allow jargon -->`",
                    )
                )
            for name in names:
                if name in known:
                    allowed.add(name)
                else:
                    found.append(
                        Problem(
                            path,
                            line,
                            Level.WARNING,
                            f"`coach: allow {name}`: there is no coach rule `{name}`"
                            f"{suggest(name, known)}",
                        )
                    )
        return allowed, found

    def _matches(self, rule: Rule, prose: Prose, incident: Incident, path: Path) -> list[Problem]:
        assert rule.tokens is not None
        text = prose.text
        found: list[Problem] = []
        lines: set[int] = set()
        for match in rule.tokens.finditer(text):
            start, end = match.span()
            if end == start or (not rule.quoted and prose.is_quoted(start, end)):
                continue
            first, last = prose.sentence(start)
            sentence = text[first:last]
            if rule.exceptions is not None and rule.exceptions.search(sentence):
                continue
            if rule.after is not None and rule.after.match(text[end:last]):
                continue
            if rule.before is not None and rule.before.search(text[first:start]):
                continue
            if rule.excused_by is not None and rule.excused_by.search(text):
                continue
            line = prose.line_of(start)
            if line in lines:
                continue
            lines.add(line)
            found.append(
                _finding(path, line, rule, words=squeeze(match.group(0)), impact=incident.impact)
            )
        return found

    def _structure(
        self, rules: dict[str, Rule], incident: Incident, reading: Reading, zone: tzinfo
    ) -> list[Problem]:
        found: list[Problem] = []
        if incident.is_maintenance:
            return found
        path = incident.path
        wanted = ["problem"] + (["cause", "prevention"] if incident.is_resolved else [])
        for name in wanted:
            rule = rules.get(name)
            if rule is not None:
                empty = self._empty_section(name, incident, reading)
                if empty is not None:
                    found.append(_finding(path, empty[0], rule, what=empty[1]))
        rule = rules.get("estimate")
        if rule is not None and _needs_estimate(incident) and not self._promised(incident, reading):
            line = incident.latest.line if incident.latest else reading.keys.get("started", 1)
            found.append(_finding(path, line, rule))
        return found

    def _empty_section(
        self, name: str, incident: Incident, reading: Reading
    ) -> tuple[int, str] | None:
        """Where a section is missing, empty or only holds its place, and how to say so."""
        title = _SECTION_TITLES[name]
        when = "resolved, but " if name != "problem" else ""
        passage = next((p for p in reading.passages if p.scope == name), None)
        if passage is None:
            return 1, f"{when}there is no `## {title}` section"
        prose = read_prose(passage.text, passage.line)
        said = " ".join(prose.text.split())
        if incident.section(SectionKey(name)) is None or not said:
            return passage.heading, f"{when}the `## {title}` section is empty"
        if name != "problem" and self._placeholder(said):
            first = prose.line_of(len(prose.text) - len(prose.text.lstrip()))
            return first, f'{when}the `## {title}` section only says "{squeeze(said, 60)}"'
        return None

    def _placeholder(self, said: str) -> bool:
        """Only words that hold a place ("details to follow"), or next to nothing at all."""
        rest = self.book.placeholders.sub(" ", said)
        content = [
            w
            for w in re.findall(r"[\w'-]+", rest.lower())
            if w not in self.book.filler and len(w) > 1
        ]
        return not content or (rest != said and len(content) < 2)

    def _promised(self, incident: Incident, reading: Reading) -> bool:
        """Whether the words customers read now give a time: for service, or for more news."""
        newest = incident.latest.line if incident.latest else -1
        for passage in reading.passages:
            if passage.scope in ("restore", "problem", "cause") or passage.heading == newest:
                for sentence in _sentences(passage):
                    if self.book.times.search(sentence) and (
                        self.book.next_update.search(sentence) or self.book.restore.search(sentence)
                    ):
                        return True
        return False


def _applies(rule: Rule, incident: Incident) -> bool:
    if rule.impact is not None and incident.impact not in rule.impact:
        return False
    if rule.kind is not None and incident.kind is not rule.kind:
        return False
    if rule.state == "open" and incident.is_resolved:
        return False
    return not (rule.state == "resolved" and not incident.is_resolved)


def _needs_estimate(incident: Incident) -> bool:
    """An open incident that still hurts: customers want to know when it ends."""
    return (
        incident.resolved is None
        and incident.impact is not Impact.NONE
        and incident.estimated_restore is None
        and incident.next_update is None
        and incident.phase in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED)
    )


def _sentences(passage: Passage) -> Iterator[str]:
    prose = read_prose(passage.text, passage.line)
    bounds = [*prose.sentences, len(prose.text)]
    for start, end in itertools.pairwise(bounds):
        yield prose.text[start:end]


def _finding(path: Path, line: int, rule: Rule, **values: object) -> Problem:
    message = rule.message
    for name, value in values.items():
        message = message.replace("{" + name + "}", str(value))
    return Problem(path, line, Level.WARNING, message, rule.id)
