"""Markdown as a customer reads it: the words, where each sentence begins and ends, what is only
quoted, and the line each word is on. Rules match this text, never the Markdown around it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_QUOTE_LINE = re.compile(r"^ {0,3}>")
# What Markdown adds to the words: list markers and task boxes, link targets, code ticks,
# emphasis, tags. Each is blanked to spaces so that every word keeps its column and line.
_MARKERS = re.compile(r"^\s*(?:[-*+]|\d+[.)])(?:\s+\[[ xX]\])?(?=\s)|^\s*#{1,6}(?=\s)|^\s*>+")
_LINK_TARGET = re.compile(
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|<(?:https?|mailto):[^>\s]*>"
)
_BARE_URL = re.compile(r"\bhttps?://\S+")
_MARKUP = re.compile(r"!?\[|\]|`+|\*+|(?<!\w)_+|_+(?!\w)|</?[A-Za-z][^>\n]*>|\|")
# Where a sentence ends: a stop and a space, unless the stop ends a common abbreviation.
_STOP = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bapprox)(?<!\bca)[.!?…]+[\"”')\]]*\s+"
)
_BLANK = re.compile(r"\n[ \t]*\n")
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
    quoted: tuple[tuple[int, int], ...]  # spans only quoted (in quotation marks or `>`)

    def line_of(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.starts, offset) - 1

    def sentence(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, offset) - 1
        start = self.sentences[max(index, 0)]
        end = self.sentences[index + 1] if index + 1 < len(self.sentences) else len(self.text)
        return start, end

    def is_quoted(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)


def read_prose(markdown: str, first_line: int) -> Prose:
    """The words of a passage of Markdown starting on `first_line` of its file."""
    text = _COMMENT.sub(_blank, markdown)
    lines = text.split("\n")
    fence: str | None = None
    quoted_lines: list[int] = []
    items: list[int] = []  # list items and headings: each starts a sentence of its own
    for index, line in enumerate(lines):
        marker = _FENCE.match(line)
        if marker or fence is not None:
            if marker and fence is None:
                fence = marker.group(1)[0] * len(marker.group(1))
            elif marker and fence is not None and marker.group(1).startswith(fence):
                fence = None
            lines[index] = ""  # code and logs are not prose: nobody is meant to read them so
            continue
        if _QUOTE_LINE.match(line):
            quoted_lines.append(index)
        if _MARKERS.match(line):
            items.append(index)
        line = _MARKERS.sub(_blank, line)
        line = _LINK_TARGET.sub(_blank, line)
        line = _BARE_URL.sub(_blank, line)
        lines[index] = _MARKUP.sub(_blank, line)
    text = "\n".join(lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    quoted += [(starts[i], starts[i] + len(lines[i])) for i in quoted_lines]
    # Apostrophes come in two shapes; rules are written with the typewriter one.
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    bounds = {0, *(starts[i] for i in items)}
    bounds.update(m.end() for m in _STOP.finditer(text))
    bounds.update(m.end() for m in _BLANK.finditer(text))
    return Prose(text, first_line, tuple(starts), tuple(sorted(bounds)), tuple(quoted))


def squeeze(words: str, limit: int = 80) -> str:
    """Matched words as one line, short enough to quote in a message."""
    one = " ".join(words.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"
