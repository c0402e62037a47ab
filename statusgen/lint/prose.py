"""Markdown as a customer reads it: the words, where each sentence begins and ends, what is only
quoted, and the line each word is on. Rules match this text, never the Markdown around it.

Every pattern here runs once over a whole passage and is linear in its length: an incident
file may be a megabyte of pasted log."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from statusgen.lint.dispatch import WORDS

# A fenced block, to its closing fence or the end: code and logs are not prose.
_FENCED = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,})[^\n]*+(?:\n(?! {0,3}(?P=fence))[^\n]*+)*+(?:\n[^\n]*+)?",
    re.MULTILINE,
)
# A comment left open runs to the end, as in Markdown: one match, so never quadratic.
_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")
_QUOTE_LINE = re.compile(r"^ {0,3}>[^\n]*+", re.MULTILINE)
# What Markdown adds to the words: list markers and task boxes, link targets, code ticks,
# emphasis, tags. Each is blanked to spaces so that every word keeps its column and line.
_MARKERS = re.compile(
    r"^[ \t]*+(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?=\s)|#{1,6}(?=\s)|>++)", re.MULTILINE
)
_LINK_TARGET = re.compile(
    r"\]\((?:[^()\s]|\([^()\s]*+\))*+(?:\s+\"[^\"\n]*+\")?\)|<(?:https?|mailto):[^<>\s]*+>"
)
_BARE_URL = re.compile(r"\bhttps?://\S++")
_MARKUP = re.compile(r"!?\[|\]|`++|\*++|(?<!\w)_++|_++(?!\w)|</?[A-Za-z][^<>\n]*+>|\|")
# Where a sentence ends: stops and a space (abbreviations are put back in `_sentences`).
_STOP = re.compile(r"(?<![.!?…])[.!?…]++[\"”')\]]*+\s+")
_ABBREVIATION = re.compile(r"(?:\be\.g|\bi\.e|\betc|\bvs|\bapprox|\bca)\.$", re.IGNORECASE)
_BLANK = re.compile(r"\n[ \t]*+\n")
# A quotation may run onto the next line, never past a paragraph.
_QUOTED = re.compile(
    r"\"(?:[^\"\n]|\n(?![ \t]*\n)){1,300}\""
    "|\u201c[^\u201d]{1,300}\u201d"  # “double”
    "|\u2018[^\u2019\n]{1,300}\u2019"  # ‘single’  # noqa: RUF003
    "|\u00ab[^\u00bb]{1,300}\u00bb"  # «guillemets»
    "|\u201e[^\u201c\u201d]{1,300}[\u201c\u201d]"  # „German“
)


def _blank(found: re.Match[str]) -> str:
    return "".join("\n" if c == "\n" else " " for c in found.group(0))


@dataclass(frozen=True)
class Prose:
    """One passage's words: `text` has the Markdown's lines and columns, markup blanked."""

    text: str
    first_line: int
    starts: tuple[int, ...]  # where each line of `text` begins
    sentences: tuple[int, ...]  # where each sentence begins; the text's end closes the last
    quoted: tuple[tuple[int, int], ...]  # spans only quoted, apart and in order
    lower: str = field(repr=False)  # `text` in lower case, the same length
    vocabulary: frozenset[str] = frozenset()  # every word in it, in lower case

    def where(self, word: str) -> list[int]:
        """Where the word (lower case, from `vocabulary`) starts in the text."""
        pattern = re.compile(rf"(?<![\w']){re.escape(word)}(?!\w)")
        return [m.start() for m in pattern.finditer(self.lower)]

    def line_of(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.starts, offset) - 1

    def sentence(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, offset) - 1
        start = self.sentences[max(index, 0)]
        end = self.sentences[index + 1] if index + 1 < len(self.sentences) else len(self.text)
        return start, end

    def is_quoted(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.quoted, (start, len(self.text) + 1)) - 1
        return index >= 0 and self.quoted[index][1] >= end


def read_prose(markdown: str, first_line: int) -> Prose:
    """The words of a passage of Markdown starting on `first_line` of its file."""
    text = _COMMENT.sub(_blank, markdown)
    text = _FENCED.sub(_blank, text)
    quoted = [(m.start(), m.end()) for m in _QUOTE_LINE.finditer(text)]
    items = [m.start() for m in _MARKERS.finditer(text)]  # each list item starts a sentence
    for pattern in (_MARKERS, _LINK_TARGET, _BARE_URL, _MARKUP):
        text = pattern.sub(_blank, text)
    quoted += [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    # Apostrophes come in two shapes; rules are written with the typewriter one.
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    lower = text.lower()  # the same length: the same words at the same places
    return Prose(
        text,
        first_line,
        tuple(starts),
        _sentences(text, items),
        _apart(quoted),
        lower,
        frozenset(WORDS.findall(lower)),
    )


def _sentences(text: str, items: list[int]) -> tuple[int, ...]:
    bounds = {0, *items}
    for stop in _STOP.finditer(text):
        if not _ABBREVIATION.search(text, max(0, stop.start() - 7), stop.start() + 1):
            bounds.add(stop.end())
    bounds.update(m.end() for m in _BLANK.finditer(text))
    return tuple(sorted(bounds))


def _apart(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans that overlap (a quote inside a `>` quote) joined, in order."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return tuple(joined)


def squeeze(words: str, limit: int = 80) -> str:
    """Matched words as one line, short enough to quote in a message."""
    one = " ".join(words.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"
