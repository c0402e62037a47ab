"""The coach's rules as data: the YAML file shipped in the package, and a site's own file of the
same shape (Vale's "existence" rules, read in Python): read, checked and compiled once."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from statusgen.lint.dispatch import Dispatch, anchors, dispatch
from statusgen.model import Impact, Kind
from statusgen.problems import Problems, suggest

SCOPES = ("title", "problem", "cause", "restore", "prevention", "updates", "other")
# Checks that look at the incident as a whole rather than at its words: written in code, worded
# here. `promises` and `placeholders` say what counts as a promise and as an empty section.
CHECKS = ("problem", "cause", "prevention", "estimate", "overdue")
_RULE_KEYS = (
    "id",
    "message",
    "tokens",
    "exceptions",
    "excused_by",
    "after",
    "before",
    "impact",
    "kind",
    "scope",
    "state",
    "quoted",
    "check",
)
_FILE_KEYS = ("rules", "placeholders", "filler", "promises")
_PROMISE_KEYS = ("next_update", "restore", "times")
STATES = ("open", "resolved")


@dataclass(frozen=True)
class Rule:
    id: str
    message: str  # what a reader would feel, and a better way to say it; `{words}` is quoted
    line: int  # where the rule is written, for problems with the rule itself
    check: str | None = None
    finder: Dispatch | None = None  # how the rule's tokens are found; None for a check
    exceptions: re.Pattern[str] | None = None  # anywhere in the sentence
    excused_by: re.Pattern[str] | None = None  # anywhere in the same section or update
    after: re.Pattern[str] | None = None  # right after the words: an explanation
    before: re.Pattern[str] | None = None  # right before the words, in the same sentence
    impact: frozenset[Impact] | None = None
    kind: Kind | None = None
    scope: frozenset[str] | None = None
    state: str | None = None
    quoted: bool = False  # whether words in quotation marks count: usually they are reported


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    placeholders: re.Pattern[str]
    filler: frozenset[str]
    next_update: re.Pattern[str]
    restore: re.Pattern[str]
    times: re.Pattern[str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.id for rule in self.rules))


def compile_words(tokens: list[str], bounded: bool = True) -> re.Pattern[str]:
    """One pattern for a list of regular expressions, each space matching any run of blanks
    (a line break too), each match starting and ending at a word's edge."""
    body = _alternatives(tokens)
    if bounded:
        body = rf"(?<![\w'])(?:{body})(?![\w'])"
    return re.compile(body, re.IGNORECASE)


_BLANKS = r"\s+"


def _alternatives(tokens: list[str]) -> str:
    """A space before a quantifier (` ?`, ` *`) is one blank that the quantifier repeats."""
    return "|".join("(?:" + _ONE_BLANK.sub(r"\\s", t).replace(" ", _BLANKS) + ")" for t in tokens)


_ONE_BLANK = re.compile(r" (?=[?*+{])")


class RuleFileError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


@dataclass(frozen=True)
class _Node:
    """A YAML value with the line it was written on."""

    value: Any
    line: int


@functools.cache
def shipped() -> str:
    return resources.files("statusgen.lint").joinpath("rules.yml").read_text(encoding="utf-8")


def read_rule_book(text: str) -> RuleBook:
    """The shipped rules; a mistake in them is a bug, so it is raised."""
    return _book(_read_yaml(text))


def read_site_rules(
    path: Path, text: str, known: tuple[str, ...], problems: Problems
) -> list[Rule]:
    """A site's own rules, in the shipped file's shape; every mistake is a problem at its line."""
    try:
        top = _read_yaml(text)
        if not isinstance(top.value, dict) or set(top.value) != {"rules"}:
            raise RuleFileError(top.line, "a rule file holds one key, `rules:`, a list of rules")
        return _rules(top.value["rules"], known, site=True)
    except RuleFileError as exc:
        problems.error(path, exc.line, f"coach rules: {exc.message}")
        return []


# libyaml's parser when PyYAML has it: the same nodes and lines, five times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(text: str) -> _Node:
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):  # aliases can multiply a small file
                mark = event.start_mark
                line = mark.line + 1 if mark is not None else 1
                raise RuleFileError(line, "aliases (`*name`) are not used")
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RuleFileError(line, f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(1, f"not valid YAML: {exc}") from None
    if node is None:
        raise RuleFileError(1, "the file is empty")
    return _plain(node)


def _plain(node: yaml.Node) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _Node({str(k.value): _plain(v) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_plain(item) for item in node.value], line)
    return _Node(node.value, line)  # every scalar as written: `no` is a word, not false


def _book(top: _Node) -> RuleBook:
    data = top.value
    unknown = set(data) - set(_FILE_KEYS)
    if unknown:
        raise RuleFileError(top.line, f"unknown keys {sorted(unknown)}")
    promises = data["promises"].value
    return RuleBook(
        rules=tuple(_rules(data["rules"], (), site=False)),
        placeholders=compile_words(_texts(data["placeholders"])),
        filler=frozenset(w.lower() for w in _texts(data["filler"])),
        next_update=compile_words(_texts(promises["next_update"])),
        restore=compile_words(_texts(promises["restore"])),
        times=compile_words(_texts(promises["times"])),
    )


def _rules(node: _Node, known: tuple[str, ...], site: bool) -> list[Rule]:
    if not isinstance(node.value, list):
        raise RuleFileError(node.line, "`rules` must be a list of rules, each starting `- id:`")
    rules = []
    for item in node.value:
        rule = _rule(item, site)
        # One rule may be written as several entries (each with its own conditions), but a
        # site's own rule never takes the name of a shipped one.
        if rule.id in known:
            raise RuleFileError(
                item.line, f"`{rule.id}` is already a shipped rule: pick another id"
            )
        rules.append(rule)
    return rules


def _rule(node: _Node, site: bool) -> Rule:
    if not isinstance(node.value, dict):
        raise RuleFileError(node.line, "each rule is a mapping of keys such as `id:` and `tokens:`")
    data: dict[str, _Node] = node.value
    for key, value in data.items():
        if key not in _RULE_KEYS:
            raise RuleFileError(value.line, f"unknown key `{key}`{suggest(key, _RULE_KEYS)}")
    rule_id = _text(data, "id", node.line)
    if not re.fullmatch(r"[a-z][a-z0-9-]*", rule_id):
        raise RuleFileError(data["id"].line, "a rule id uses lower-case letters, digits and `-`")
    check = data["check"].value if "check" in data else None
    if check is not None and (site or check not in CHECKS):
        raise RuleFileError(data["check"].line, "`check` names a check written in statusgen")
    if check is None and "tokens" not in data:
        raise RuleFileError(node.line, f"the rule `{rule_id}` needs `tokens:`, the words to find")
    return Rule(
        id=rule_id,
        message=_text(data, "message", node.line),
        line=node.line,
        check=check,
        finder=_finder(data),
        exceptions=_pattern(data, "exceptions"),
        excused_by=_pattern(data, "excused_by"),
        after=_pattern(data, "after", bounded=False, anchor="^(?:"),
        before=_pattern(data, "before", bounded=False, anchor="(?:", end=r")\s*$"),
        impact=_choices(data, "impact", Impact),
        kind=_one(data, "kind", Kind),
        scope=_scope(data),
        state=_state(data),
        quoted=str(data["quoted"].value).lower() == "true" if "quoted" in data else False,
    )


def _finder(data: dict[str, _Node]) -> Dispatch | None:
    if "tokens" not in data:
        return None
    tokens = _texts(data["tokens"])
    if not tokens:
        raise RuleFileError(data["tokens"].line, "`tokens` lists no words to find")
    _check_patterns(data["tokens"], tokens)
    try:
        return finder(tokens)
    except re.error as exc:
        raise RuleFileError(data["tokens"].line, f"the tokens do not compile: {exc}") from None


def finder(tokens: list[str]) -> Dispatch:
    """How a rule's tokens are found (see `dispatch`)."""
    found = [(token, anchors(_alternatives([token]))) for token in tokens]
    anchored = [(words, compile_words([token])) for token, words in found if words]
    unknown = [token for token, words in found if not words]
    return dispatch(anchored, compile_words(unknown) if unknown else None)


def _check_patterns(node: _Node, tokens: list[str]) -> None:
    for token in tokens:
        try:
            re.compile(token)
        except re.error as exc:
            raise RuleFileError(node.line, f"`{token}` is not a pattern: {exc}") from None


def _text(data: dict[str, _Node], key: str, line: int) -> str:
    node = data.get(key)
    if node is None or not isinstance(node.value, str) or not node.value.strip():
        raise RuleFileError(node.line if node else line, f"`{key}` must be some text")
    return " ".join(node.value.split())


def _texts(node: _Node) -> list[str]:
    items = node.value if isinstance(node.value, list) else [node]
    texts = []
    for item in items:
        if not isinstance(item.value, str) or not item.value:
            raise RuleFileError(item.line, "expected a list of words or patterns")
        texts.append(item.value)
    return texts


def _pattern(
    data: dict[str, _Node], key: str, bounded: bool = True, anchor: str = "", end: str = ""
) -> re.Pattern[str] | None:
    if key not in data:
        return None
    tokens = _texts(data[key])
    if not tokens:
        return None
    _check_patterns(data[key], tokens)
    try:
        if anchor:
            body = _alternatives(tokens)
            return re.compile(f"{anchor}{body}{end or ')'}", re.IGNORECASE)
        return compile_words(tokens, bounded)
    except re.error as exc:  # each compiles alone, not together (a group name used twice)
        raise RuleFileError(data[key].line, f"the `{key}` do not compile together: {exc}") from None


def _choices(data: dict[str, _Node], key: str, enum: type[Impact]) -> frozenset[Impact] | None:
    if key not in data:
        return None
    chosen = set()
    for word in _texts(data[key]):
        if word not in enum.__members__.values():
            raise RuleFileError(data[key].line, f"`{word}` is not an impact")
        chosen.add(enum(word))
    return frozenset(chosen)


def _one(data: dict[str, _Node], key: str, enum: type[Kind]) -> Kind | None:
    if key not in data:
        return None
    word = data[key].value
    if word not in enum.__members__.values():
        raise RuleFileError(data[key].line, f"`{key}` is `incident` or `maintenance`")
    return enum(word)


def _scope(data: dict[str, _Node]) -> frozenset[str] | None:
    if "scope" not in data:
        return None
    scope = _texts(data["scope"])
    for name in scope:
        if name not in SCOPES:
            raise RuleFileError(
                data["scope"].line, f"`{name}` is not a scope: use {', '.join(SCOPES)}"
            )
    return frozenset(scope)


def _state(data: dict[str, _Node]) -> str | None:
    if "state" not in data:
        return None
    state = data["state"].value
    if state not in STATES:
        raise RuleFileError(data["state"].line, "`state` is `open` or `resolved`")
    return str(state)
