"""Finding a rule's words fast: each token is tried only in the sentences that hold a word it
cannot match without, instead of one large pattern being tried at every position of the text.

A regular expression of a hundred alternatives costs a hundred attempts at every character; at
ten thousand incidents that doubled a cold build. Here each token gets an anchor worked out from
the token itself, so it can never disagree with it: the first letters of a word every match
must hold, the rarest such word the token has ("guarantee" in `(?:we )?guarantee`). A passage
is read once into the keys of its words; a token runs only in the sentences where its anchor
is. A token without a certain word (it starts with a class such as `[A-Z]`) is scanned as
before.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

_sre: Any = importlib.import_module("re._parser")  # the parser `re` itself compiles with
_OPS: Any = importlib.import_module("re._constants")
_REPEATS = (_OPS.MAX_REPEAT, _OPS.MIN_REPEAT, _OPS.POSSESSIVE_REPEAT)
_SKIPPED = (_OPS.AT, _OPS.ASSERT, _OPS.ASSERT_NOT)  # zero-width: they add no letters
_LETTER = re.compile(r"[\w']")  # a word goes on over an apostrophe (`can't`), as in WORDS
WORDS = re.compile(r"(?<![\w'])\w+")  # where a word starts, as a token's own start requires

# Words in almost every note: an anchor among them would let a token run nearly everywhere.
_COMMON = (
    "a an the we our us you your they their it its this that these those is are was were be "
    "been being am to of in on at by for from with as if so or and but not no do does did "
    "can will may might could would should shall have has had all any some more most customers "
    "users people service services issue issues problem problems now up out into about"
)


def key(word: str) -> str:
    """How a word of the text is looked up: its first three letters, or all of a short one."""
    return word[:3].lower()


_COMMON_KEYS = frozenset(key(word) for word in _COMMON.split())


# A word a match must hold: its first letters, and whether they are the whole word.
Anchor = tuple[str, bool]


@dataclass(frozen=True)
class Dispatch:
    # key → (anchor, token): the token runs where a word with that key fits the anchor.
    anchored: dict[str, tuple[tuple[Anchor, re.Pattern[str]], ...]]
    scan: re.Pattern[str] | None  # tokens without an anchor, tried everywhere


def dispatch(
    compiled: list[tuple[set[Anchor], re.Pattern[str]]], scan: re.Pattern[str] | None
) -> Dispatch:
    """`compiled`: each token's anchors (`anchors`) and its pattern; `scan`: the tokens without
    anchors, compiled together."""
    anchored: dict[str, list[tuple[Anchor, re.Pattern[str]]]] = {}
    for words, pattern in compiled:
        for found in words:
            anchored.setdefault(key(found[0]), []).append((found, pattern))
    return Dispatch({k: tuple(v) for k, v in anchored.items()}, scan)


def anchors(body: str) -> set[Anchor] | None:
    """Words one of which every match of `body` holds, or None."""
    return _best(list(_sre.parse(body, re.IGNORECASE)), True, True)


def _best(items: list[Any], word_start: bool, then_break: bool) -> set[Anchor] | None:
    """The most telling anchors of a sequence; `word_start`: it begins where a word may;
    `then_break`: what follows it surely begins with something that is not a letter."""
    best: set[Anchor] | None = None

    def consider(found: set[Anchor] | None) -> None:
        nonlocal best
        if found and (best is None or _score(found) > _score(best)):
            best = found

    index = 0
    while index < len(items):
        op, value = items[index]
        if op is _OPS.LITERAL:
            end = index
            letters = ""
            while end < len(items) and items[end][0] is _OPS.LITERAL:
                letters += chr(items[end][1]).lower()
                end += 1
            if word_start:
                consider(_word(letters, _breaks(items[end:], then_break)))
            word_start = not _LETTER.match(letters[-1])
            index = end
            continue
        after = _breaks(items[index + 1 :], then_break)
        if op is _OPS.SUBPATTERN:
            consider(_best(list(value[3]), word_start, after))
            word_start = _ends_break(list(value[3]))
        elif op is _OPS.ATOMIC_GROUP:
            consider(_best(list(value), word_start, after))
            word_start = _ends_break(list(value))
        elif op is _OPS.BRANCH:
            consider(_union([_best(list(b), word_start, after) for b in value[1]]))
            word_start = all(_ends_break(list(branch)) for branch in value[1])
        elif op in _REPEATS:
            low, high, body = value
            if low >= 1:
                # Another round of the body may follow it, unless it runs only once.
                consider(_best(list(body), word_start, after and high == 1))
            # After a part that may be left out, a word starts only if it does either way.
            ends = _ends_break(list(body))
            word_start = ends if low >= 1 else (word_start and ends)
        elif op not in _SKIPPED:
            word_start = _not_letter(op, value) or (
                op is _OPS.IN and all(_not_letter(*member) for member in value)
            )
        index += 1
    return best


def _word(letters: str, ends: bool) -> set[Anchor] | None:
    """The word `letters` begin, if it is sure: three letters or more, or a whole word."""
    start = re.match(r"\w*", letters)
    assert start is not None
    word = start.group(0)
    whole = len(word) < len(letters) or ends
    if len(word) >= 3 or (word and whole):
        return {(word, whole)}
    return None


def _score(found: set[Anchor]) -> tuple[int, int, int]:
    rare = not any(key(word) in _COMMON_KEYS for word, _ in found)
    return (int(rare), min(len(word) for word, _ in found), -len(found))


def _breaks(items: list[Any], then_break: bool) -> bool:
    """Whether `items` surely begin with something that is not a letter (`then_break`: what
    follows them does)."""
    if not items:
        return then_break
    op, value = items[0]
    rest = items[1:]
    if op in _REPEATS:
        low, _, body = value
        starts = _breaks(list(body), False)
        return starts if low >= 1 else starts and _breaks(rest, then_break)
    if op is _OPS.SUBPATTERN:
        return _breaks([*value[3], *rest], then_break)
    if op is _OPS.BRANCH:
        return all(_breaks([*branch, *rest], then_break) for branch in value[1])
    if op in _SKIPPED:
        return _breaks(rest, then_break)
    return _not_letter(op, value) or (
        op is _OPS.IN and all(_not_letter(*member) for member in value)
    )


def _ends_break(items: list[Any]) -> bool:
    """Whether `items` surely end with something that is not a letter."""
    if not items:
        return False
    op, value = items[-1]
    if op is _OPS.SUBPATTERN:
        return _ends_break(list(value[3]))
    if op is _OPS.BRANCH:
        return all(_ends_break(list(branch)) for branch in value[1])
    if op in _REPEATS:
        return bool(value[0] >= 1 and _ends_break(list(value[2])))
    return _not_letter(op, value) or (
        op is _OPS.IN and all(_not_letter(*member) for member in value)
    )


def _not_letter(op: Any, value: Any) -> bool:
    """A character class, or one character, that never holds a letter (`\\s`, `-`)."""
    if op is _OPS.CATEGORY:
        return bool(value in (_OPS.CATEGORY_SPACE, _OPS.CATEGORY_NOT_WORD))
    return bool(op is _OPS.LITERAL and not _LETTER.match(chr(value)))


def _union(found: list[set[Anchor] | None]) -> set[Anchor] | None:
    if any(keys is None for keys in found):
        return None
    return set().union(*found)  # type: ignore[arg-type]
