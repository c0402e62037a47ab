"""Another page's update text made safe to put under a `###` heading of an incident file.

Statuspage bodies are plain text: every character must show as it was typed, so Markdown's
marks are written as character references (`&#42;` for `*`). References, unlike backslash
escapes, read the same to the page's Markdown and to any plain-text reader such as the
JSON API. Only marks that could change what is shown are written so: most text stays as it
was. cState bodies are Markdown already and keep their marks; in both, a line that would end
the update (a heading) or read as a promise (`Next update: …`) is defused."""

from __future__ import annotations

import html
import re

from statusgen.model import INVISIBLE

_EVERYWHERE = {"*": "&#42;", "`": "&#96;", "[": "&#91;"}
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_EMPHASIS = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# A backslash before a character Python-Markdown lets it escape is a mark.
_BACKSLASH = re.compile(r"\\(?=[\\`*_{}\[\]()>#+\-.!|])")
# What a line may start with that makes it something else: a heading, a quote, a list, a
# rule or a setext underline, a fence, a table row.
_LIST = re.compile(r"^([-+*])(?=\s|$)")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LINE_MARKS = {"#": "&#35;", ">": "&#62;", "=": "&#61;", "~": "&#126;", "|": "&#124;", "-": "&#45;"}
_PROMISE = re.compile(r"^([\s*_]*(?:next\s+update|expected\s+restore)[\s*_]*):", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,3})(?=[^#]|$)")


def text_lines(text: str) -> list[str]:
    """The text's lines without `\\r`, invisible characters or blanks at their ends."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.rstrip() for line in text.split("\n")]


def paragraphs(lines: list[str]) -> str:
    """Lines with one blank line between paragraphs and none at the ends."""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


def markdown_from_plain(body: str) -> str:
    """Plain text that may hold HTML entities (`&amp;`, `&#39;`) as Markdown that shows it."""
    lines = [_escape_line(line.strip()) for line in text_lines(html.unescape(body))]
    # Statuspage shows each line break as it was typed: within a paragraph, a line ends in a
    # Markdown hard break (two blanks), which the page shows as a break and the API as one.
    broken = [
        line + "  " if line and index + 1 < len(lines) and lines[index + 1] else line
        for index, line in enumerate(lines)
    ]
    return paragraphs(broken)


def _escape_line(line: str) -> str:
    # Blanks at the start would make a code block, two at the end a line break.
    line = _ENTITY.sub("&amp;", line)
    line = _BACKSLASH.sub("&#92;", line)
    line = _TAG_START.sub("&lt;", line)
    line = "".join(_EVERYWHERE.get(c, c) for c in line)
    line = _EMPHASIS.sub("&#95;", line)
    numbered = _NUMBERED.match(line)
    if numbered:
        mark = "&#46;" if numbered.group(2) == "." else "&#41;"
        line = numbered.group(1) + mark + line[numbered.end() :]
    elif _LIST.match(line) or (line[:1] in _LINE_MARKS):
        line = _LINE_MARKS.get(line[0], f"&#{ord(line[0])};") + line[1:]
    if "|" in line and set(line) <= set("|:- "):
        line = line.replace("|", "&#124;")  # a table's separator row
    return defuse_promise(line)


def defuse_promise(line: str) -> str:
    """`Next update: soon` said in a sentence, not a promise line statusgen would read."""
    return _PROMISE.sub(r"\1&#58;", line, count=1)


def markdown_from_markdown(text: str) -> str:
    """Markdown from another tool, kept as written, except headings that would split the
    file (made level 4) and lines that would read as promises."""
    lines = []
    for line in text_lines(text):
        heading = _HEADING.match(line)
        if heading:
            line = "####" + line[heading.end() :]
        lines.append(defuse_promise(line))
    return paragraphs(lines)
