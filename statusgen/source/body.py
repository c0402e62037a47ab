"""The structure of an incident body: `##` sections and, under Updates, `###` updates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from statusgen.model import SectionKey

# Python-Markdown, unlike CommonMark, takes `##Problem` as a heading too: so do we. The closing
# `#`s are stripped in Python: a lazy title followed by `#*` takes quadratic time on a long line.
HEADING = re.compile(r"^ {0,3}(#{1,6})(.*)$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SECTION_NAMES = {
    "problem": SectionKey.PROBLEM,
    "cause": SectionKey.CAUSE,
    "restore time": SectionKey.RESTORE,
    "restoration": SectionKey.RESTORE,
    "prevention plan": SectionKey.PREVENTION,
    "prevention": SectionKey.PREVENTION,
    "updates": SectionKey.UPDATES,
}


@dataclass(frozen=True)
class Block:
    """A heading and the Markdown under it, with the file line of the heading."""

    title: str
    line: int
    text: str


def section_key(title: str) -> SectionKey:
    return _SECTION_NAMES.get(" ".join(title.lower().split()), SectionKey.OTHER)


def headings(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(index, level, title) of each ATX heading outside fenced code, as Markdown sees them."""
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        heading = HEADING.match(line) if fence is None else None
        title = _title(heading.group(2)) if heading else ""
        if heading and title:
            yield index, len(heading.group(1)), title


def _title(text: str) -> str:
    """A heading's text without its closing `#`s and the blanks around them."""
    return text.strip(" \t").rstrip("#").rstrip(" \t").strip()


def split_blocks(text: str, first_line: int, level: int) -> tuple[str, list[Block]]:
    """Split Markdown at headings of exactly `level`; return the text before the first one."""
    lines = text.split("\n")
    starts = [(i, title) for i, depth, title in headings(lines) if depth == level]
    preface_end = starts[0][0] if starts else len(lines)
    blocks = []
    for n, (index, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        blocks.append(Block(title, first_line + index, "\n".join(lines[index + 1 : end])))
    return "\n".join(lines[:preface_end]).strip(), blocks
