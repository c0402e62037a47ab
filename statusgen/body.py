"""The structure of an incident body: `##` sections and, under Updates, `###` updates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from statusgen.model import SectionKey

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
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
SECTION_TITLES = {
    SectionKey.PROBLEM: "Problem",
    SectionKey.CAUSE: "Cause",
    SectionKey.RESTORE: "Restore time",
    SectionKey.PREVENTION: "Prevention plan",
}


@dataclass(frozen=True)
class Block:
    """A heading and the Markdown under it, with the file line of the heading."""

    title: str
    line: int
    text: str


def section_key(title: str) -> SectionKey:
    return _SECTION_NAMES.get(" ".join(title.lower().split()), SectionKey.OTHER)


def split_blocks(text: str, first_line: int, level: int) -> tuple[str, list[Block]]:
    """Split Markdown at headings of exactly `level`; return the text before the first one."""
    preface: list[str] = []
    blocks: list[tuple[str, int, list[str]]] = []
    fence: str | None = None
    for offset, line in enumerate(text.split("\n")):
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        heading = HEADING.match(line) if fence is None else None
        if heading and len(heading.group(1)) == level:
            blocks.append((heading.group(2).strip(), first_line + offset, []))
        elif blocks:
            blocks[-1][2].append(line)
        else:
            preface.append(line)
    return (
        "\n".join(preface).strip(),
        [Block(title, line, "\n".join(lines)) for title, line, lines in blocks],
    )
