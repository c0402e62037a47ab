"""The writing coach: reads an incident as a customer would and finds where it breaks their
trust, each finding a warning at the line that holds the words, with a better way to say it."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from statusgen import words
from statusgen.digest import digest
from statusgen.lint.dispatch import key
from statusgen.lint.promises import promised_time
from statusgen.lint.prose import Prose, read_prose, squeeze
from statusgen.lint.rules import Rule, RuleBook
from statusgen.model import Impact, Incident, SectionKey, UpdateStatus
from statusgen.problems import Level, Problem, suggest

# How far back from the site's newest news the coach reads notes, unless told otherwise.
REACH = timedelta(days=90)
_PROSE_HINT = (
    "; end the update with a `Next update: <time>` line as well, so the page shows the "
    "promise, counts down to it, and the reliability report counts whether it was kept"
)
# Bounded: a comment left open must not cost a scan of the rest of the file at every `<!--`.
_ALLOW = re.compile(r"<!--\s*coach\s*:\s*allow\b((?:(?!-->)[^<]){0,300}?)-->", re.IGNORECASE)
_SECTION_TITLES = {"problem": "Problem", "cause": "Cause", "prevention": "Prevention plan"}


@dataclass(frozen=True)
class Passage:
    """Words a customer reads, and where they are: the title, a section, or an update."""

    scope: str  # one of rules.SCOPES
    line: int  # the file line its text starts on
    text: str  # Markdown
    heading: int = 0  # for a section or an update: the line of its heading


def _promise_line(incident: Incident, attribute: str, moment: datetime) -> int:
    """The file line of the promise line (`Next update: …`) that made a promise standing now."""
    update = next((u for u in incident.updates if getattr(u, attribute) == moment), None)
    if update is None:
        return 1
    return int(getattr(update, f"{attribute}_line")) or update.line


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


class Coach:
    """The rules in force for a site: the shipped ones and its own, less those it turned off.

    The rules are read and compiled only when a file is first reviewed: a build that finds
    every file in its parse cache never pays for them.
    """

    def __init__(
        self,
        make_book: Callable[[], RuleBook],
        ids: tuple[str, ...],
        disabled: frozenset[str] = frozenset(),
        key: str = "",
        reach: timedelta | None = REACH,
    ) -> None:
        self._make_book = make_book
        self.ids = ids  # every rule's name, turned off or not
        self.disabled = disabled
        self.reach = reach  # None: every note, however old
        # Changes with anything that changes findings: part of the parse cache's key.
        self.key = key or digest(repr(sorted(set(ids) - disabled)))

    @functools.cached_property
    def book(self) -> RuleBook:
        return self._make_book()

    @functools.cached_property
    def _rules(self) -> list[Rule]:
        return [r for r in self.book.rules if r.id not in self.disabled]

    def prepare(self) -> None:
        """Read and compile the rules now: before forking, so that workers share them."""
        _ = self._anchors

    def in_reach(self, incident: Incident, newest: datetime | None) -> bool:
        """Whether the coach reads this note: what is open, planned or a draft, and what
        happened within `reach` of the site's newest news. Years of history written before
        the coach would bury today's advice, and nobody rewrites a note from 2021."""
        if self.reach is None or newest is None or incident.draft or not incident.is_resolved:
            return True
        return incident.last_time >= newest - self.reach

    @property
    def active(self) -> bool:
        return bool(set(self.ids) - self.disabled)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self._rules if r.id == rule_id), None)

    @functools.cached_property
    def _anchors(self) -> _Anchors:
        """Every rule's tokens by their anchor words (see `dispatch`)."""
        whole: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        start: dict[str, list[tuple[str, int, re.Pattern[str]]]] = {}
        for index, rule in enumerate(self._rules):
            for entries in rule.finder.anchored.values() if rule.finder else ():
                for (letters, is_whole), pattern in entries:
                    if is_whole:
                        whole.setdefault(letters, []).append((index, pattern))
                    else:
                        start.setdefault(key(letters), []).append((letters, index, pattern))
        return _Anchors(
            {w: tuple(found) for w, found in whole.items()},
            {k: tuple(found) for k, found in start.items()},
        )

    def review(self, incident: Incident, reading: Reading, zone: tzinfo) -> Review:
        path = incident.path
        allowed, found = self._allowed(path, reading)
        wanted = [
            i for i, r in enumerate(self._rules) if r.id not in allowed and _applies(r, incident)
        ]
        proses = _Proses()
        for passage in reading.passages:
            here = {
                i
                for i in wanted
                if self._rules[i].finder is not None
                and (self._rules[i].scope is None or passage.scope in self._rules[i].scope)  # type: ignore[operator]
            }
            if here:
                found += self._find(here, proses.of(passage), incident)
        found = _once_per_line(found)
        checks = {self._rules[i].check: self._rules[i] for i in wanted if self._rules[i].check}
        found += self._structure(checks, incident, reading, proses)  # type: ignore[arg-type]
        dues = self._dues(incident, reading, zone, proses) if "overdue" in checks else ()
        return Review(tuple(found), dues)

    def _find(self, here: set[int], prose: Prose, incident: Incident) -> list[Problem]:
        """The findings of the rules `here` in one passage: each token is tried only in the
        sentences that hold one of its anchor words."""
        text = prose.text
        anchors = self._anchors
        hits: dict[int, list[re.Match[str]]] = {}
        tried: set[tuple[re.Pattern[str], int]] = set()
        for word in prose.vocabulary:
            found = [(i, p) for i, p in anchors.whole.get(word, ()) if i in here]
            found += [
                (i, p)
                for letters, i, p in anchors.start.get(key(word), ())
                if i in here and word.startswith(letters)
            ]
            if not found:
                continue
            for start in prose.where(word):
                first, last = prose.sentence(start)
                for index, pattern in found:
                    if (pattern, first) not in tried:
                        tried.add((pattern, first))
                        hits.setdefault(index, []).extend(pattern.finditer(text, first, last))
        for index in here:
            finder = self._rules[index].finder
            if finder is not None and finder.scan is not None:
                hits.setdefault(index, []).extend(finder.scan.finditer(text))
        problems: list[Problem] = []
        for index in sorted(hits):
            matches = sorted(hits[index], key=lambda m: m.start())
            problems += self._accept(self._rules[index], matches, prose, incident)
        return problems

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

    def _dues(
        self, incident: Incident, reading: Reading, zone: tzinfo, proses: _Proses
    ) -> tuple[Due, ...]:
        """Promises standing now that nothing has answered yet: each falls due at its time."""
        if incident.is_resolved or incident.is_maintenance:
            return ()
        dues = []
        pending = incident.pending_next_update
        if pending is not None:
            line = reading.keys.get("next_update") or _promise_line(
                incident, "next_update", pending
            )
            dues.append(Due(line, pending, "the next update"))
        elif incident.latest is not None:  # no promise standing in the front matter
            due = self._prose_promise(incident, reading, zone, proses)
            if due is not None:
                dues.append(due)
        estimate = incident.estimated_restore
        latest = incident.latest.time if incident.latest else incident.started
        if (
            estimate is not None
            and latest < estimate
            and incident.phase in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED)
        ):
            line = reading.keys.get("estimated_restore") or _promise_line(
                incident, "expected_restore", estimate
            )
            dues.append(Due(line, estimate, "the restore time"))
        return tuple(dues)

    def _prose_promise(
        self, incident: Incident, reading: Reading, zone: tzinfo, proses: _Proses
    ) -> Due | None:
        """A next update the newest update promises in words ("next update by 15:30 UTC")."""
        latest = incident.latest
        passage = next((p for p in reading.passages if latest and p.heading == latest.line), None)
        if latest is None or passage is None:
            return None
        prose = proses.of(passage)
        bounds = [*prose.sentences, len(prose.text)]
        for start, end in itertools.pairwise(bounds):
            sentence = prose.text[start:end]
            # A line of its own ("Next update: 15:45 UTC") first, then the sentence it is in.
            offset = 0
            for part in [*sentence.split("\n"), sentence]:
                promise = self.book.next_update.search(part)
                due = promised_time(part, latest.time, zone, promise.start()) if promise else None
                if promise is not None and due is not None:
                    at = start + (offset if part is not sentence else 0) + promise.start()
                    return Due(prose.line_of(at), due, "the next update", _PROSE_HINT)
                offset += len(part) + 1
        return None

    def _allowed(self, path: Path, reading: Reading) -> tuple[set[str], list[Problem]]:
        """The rules this file turns off for itself, and problems with how it says so."""
        allowed: set[str] = set()
        found: list[Problem] = []
        known = [r.id for r in self.book.rules]
        for match in _ALLOW.finditer(reading.body):
            line = reading.body_line + reading.body.count("\n", 0, match.start())
            names = [n for n in re.split(r"[\s,:]+", match.group(1).strip()) if n]
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

    def _accept(
        self, rule: Rule, matches: list[re.Match[str]], prose: Prose, incident: Incident
    ) -> list[Problem]:
        """The matches that stand, one per line: not quoted, not excused, not explained."""
        text = prose.text
        found: list[Problem] = []
        lines: set[int] = set()
        excused: bool | None = None  # whether the passage excuses the rule, once asked
        sentences: dict[int, bool] = {}  # sentence start → whether it holds an exception
        for match in matches:
            start, end = match.span()
            line = prose.line_of(start)
            if line in lines or end == start:
                continue
            if not rule.quoted and prose.is_quoted(start, end):
                continue
            first, last = prose.sentence(start)
            if rule.exceptions is not None:
                if first not in sentences:
                    sentences[first] = bool(rule.exceptions.search(text[first:last]))
                if sentences[first]:
                    continue
            if rule.after is not None and rule.after.match(text[end : min(last, end + 300)]):
                continue
            if rule.before is not None and rule.before.search(
                text[max(first, start - 300) : start]
            ):
                continue
            if rule.excused_by is not None:
                if excused is None:
                    excused = bool(rule.excused_by.search(text))
                if excused:
                    continue
            lines.add(line)
            words = squeeze(match.group(0))
            found.append(_finding(incident.path, line, rule, words=words, impact=incident.impact))
        return found

    def _structure(
        self, rules: dict[str, Rule], incident: Incident, reading: Reading, proses: _Proses
    ) -> list[Problem]:
        found: list[Problem] = []
        if incident.is_maintenance:
            return found
        path = incident.path
        wanted = ["problem"] + (["cause", "prevention"] if incident.is_resolved else [])
        for name in wanted:
            rule = rules.get(name)
            if rule is not None:
                empty = self._empty_section(name, incident, reading, proses)
                if empty is not None:
                    found.append(_finding(path, empty[0], rule, what=empty[1]))
        rule = rules.get("estimate")
        if (
            rule is not None
            and _needs_estimate(incident)
            and not self._promised(incident, reading, proses)
        ):
            line = incident.latest.line if incident.latest else reading.keys.get("started", 1)
            found.append(_finding(path, line, rule))
        return found

    def _empty_section(
        self, name: str, incident: Incident, reading: Reading, proses: _Proses
    ) -> tuple[int, str] | None:
        """Where a section is missing, empty or only holds its place, and how to say so."""
        title = _SECTION_TITLES[name]
        when = "resolved, but " if name != "problem" else ""
        passage = next((p for p in reading.passages if p.scope == name), None)
        if passage is None:
            return 1, f"{when}there is no `## {title}` section"
        prose = proses.of(passage)
        said = " ".join(prose.text.split())
        if incident.section(SectionKey(name)) is None or not said:
            return passage.heading, f"{when}the `## {title}` section is empty"
        if name != "problem" and self._placeholder(prose):
            first = prose.line_of(len(prose.text) - len(prose.text.lstrip()))
            return first, f'{when}the `## {title}` section only says "{squeeze(said, 60)}"'
        return None

    def _placeholder(self, prose: Prose) -> bool:
        """Only words that hold a place ("details to follow"), or next to nothing at all. A
        sentence of its own that says something ("A configuration change.") is a cause."""
        said = " ".join(prose.text.split())
        rest = self.book.placeholders.sub(" ", said)
        content = self._content(rest)
        if not content:
            return True
        if rest == said or len(content) >= 3:
            return False
        return not any(
            not self.book.placeholders.search(sentence) and len(self._content(sentence)) >= 2
            for sentence in _sentences(prose)
        )

    def _content(self, text: str) -> list[str]:
        words = re.findall(r"[\w'-]+", text.lower())
        return [w for w in words if w not in self.book.filler and len(w) > 1]

    def _promised(self, incident: Incident, reading: Reading, proses: _Proses) -> bool:
        """Whether the words customers read now give a time: for service, or for more news."""
        newest = incident.latest.line if incident.latest else -1
        for passage in reading.passages:
            if passage.scope in ("restore", "problem", "cause") or passage.heading == newest:
                for sentence in _sentences(proses.of(passage)):
                    if self.book.times.search(sentence) and (
                        self.book.next_update.search(sentence) or self.book.restore.search(sentence)
                    ):
                        return True
        return False


@dataclass(frozen=True)
class _Anchors:
    whole: dict[str, tuple[tuple[int, re.Pattern[str]], ...]]  # word → (rule, token)
    start: dict[str, tuple[tuple[str, int, re.Pattern[str]], ...]]  # key → (letters, rule, token)


def _once_per_line(found: list[Problem]) -> list[Problem]:
    """A rule written as several entries says a line's words once."""
    seen: set[tuple[str, int]] = set()
    kept = []
    for problem in found:
        if not problem.rule or (problem.rule, problem.line) not in seen:
            seen.add((problem.rule, problem.line))
            kept.append(problem)
    return kept


class _Proses:
    """Each passage read once per review, however many rules look at it."""

    def __init__(self) -> None:
        self._read: dict[Passage, Prose] = {}

    def of(self, passage: Passage) -> Prose:
        prose = self._read.get(passage)
        if prose is None:
            prose = self._read[passage] = read_prose(passage.text, passage.line)
        return prose


def _plain_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


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
        and incident.pending_next_update is None
        and incident.phase in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED)
    )


def _sentences(prose: Prose) -> Iterator[str]:
    bounds = [*prose.sentences, len(prose.text)]
    for start, end in itertools.pairwise(bounds):
        yield prose.text[start:end]


def _finding(path: Path, line: int, rule: Rule, **values: object) -> Problem:
    message = rule.message
    for name, value in values.items():
        message = message.replace("{" + name + "}", str(value))
    return Problem(path, line, Level.WARNING, message, rule.id)
