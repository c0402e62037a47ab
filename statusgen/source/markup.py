"""Markdown to safe HTML: the only way author text reaches a page or a feed."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3

from statusgen.model import INVISIBLE

_SCHEMES = {"http", "https", "mailto", "tel"}
_TASK = re.compile(r"<li>(\s*<p>)?\[( |x|X)\]\s+")
_TASK_SOURCE = re.compile(r"^\s*[-*+]\s+\[( |x|X)\]\s", re.MULTILINE)
_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_LINK = re.compile(r"<a\b[^>]*>")
_TARGET = re.compile(r'<(?:a|img)\b[^>]*? (?:href|src)="([^"]*)"')
# Targets that are not a path on this site: another scheme or host, this page, the host's root.
_ELSEWHERE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|#|/)")
_IMAGE = re.compile(r"<img\b[^>]*>")
# Numeric references, bounded in length so that `int()` stays cheap on a hostile file.
_REFERENCE = re.compile(r"&#([0-9]{1,12}|[xX][0-9a-fA-F]{1,12});?")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # A protocol-relative link opened from disk would point at file://host; say https outright.
    if attribute in ("href", "src") and value.startswith("//"):
        return "https:" + value
    return value


@dataclass
class MarkdownRenderer:
    """Reuses one Markdown parser: building one per call costs more than the conversion."""

    _parser: markdown.Markdown = field(
        default_factory=lambda: markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    )
    # Relative link and image targets met since the last `take_relative`, with the line of
    # the text they were in.
    _relative: list[tuple[str, int]] = field(default_factory=list)

    def take_relative(self) -> tuple[tuple[str, int], ...]:
        taken, self._relative = tuple(self._relative), []
        return taken

    def to_html(self, source: str, line: int = 1) -> str:
        """Render Markdown, remove anything that could run or mislead, and draw task boxes.
        `line` is where `source` starts in its file, for the relative links it holds."""
        self._parser.reset()
        raw = self._parser.convert(source)
        clean = nh3.clean(
            raw,
            url_schemes=_SCHEMES,
            link_rel="noopener noreferrer",
            attribute_filter=_filter_attribute,
        )
        # nh3 keeps a link whose unsafe href it removed (with the rel it adds to every link),
        # and an image without src or alt: both are invalid HTML, so the first loses its rel
        # and the second is mended or dropped.
        clean = _IMAGE.sub(_mend_image, _LINK.sub(_mend_link, clean))
        for found in _TARGET.findall(clean):
            target = html.unescape(found)
            if not _ELSEWHERE.match(target):
                at = max(source.find(target), 0)
                self._relative.append((target, line + source.count("\n", 0, at)))
        # A reference such as `&#11;` arrives here as the character itself (see
        # `invisible_reference`, which warns about it).
        return INVISIBLE.sub("", _TASK.sub(_task_box, clean)).strip()


def _mend_link(match: re.Match[str]) -> str:
    tag = match.group(0)
    return tag if " href=" in tag else tag.replace(' rel="noopener noreferrer"', "")


def _mend_image(match: re.Match[str]) -> str:
    tag = match.group(0)
    if " src=" not in tag:
        return ""
    return tag if " alt=" in tag else tag.replace("<img", '<img alt=""', 1)


def _task_box(match: re.Match[str]) -> str:
    done = match.group(2) != " "
    box = (
        '<input type="checkbox" disabled checked aria-label="Done"> '
        if done
        else '<input type="checkbox" disabled aria-label="Not done yet"> '
    )
    return f'<li class="task">{match.group(1) or ""}{box}'


def count_tasks(source: str) -> tuple[int, int]:
    """Return (done, total) for `- [x]` / `- [ ]` items in Markdown source."""
    marks = _TASK_SOURCE.findall(_without_comments(source))
    return sum(1 for m in marks if m != " "), len(marks)


def _without_comments(source: str) -> str:
    """The source without `<!-- ... -->`, which the page never shows (`statusgen new` writes
    its prompts, examples included, as comments). An unclosed one hides the rest, as on the
    page. Found with `find`, which stays linear where a lazy pattern would not."""
    kept: list[str] = []
    position = 0
    while (start := source.find("<!--", position)) != -1:
        kept.append(source[position:start])
        end = source.find("-->", start + 4)
        position = len(source) if end == -1 else end + 3
    kept.append(source[position:])
    return "".join(kept)


_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "dl", "dd", "dt",
}  # fmt: skip
_TIGHT = {"ul", "ol", "table"}  # their items and rows follow one another, line by line
_ROWS = {"li", "tr"}


class _Text(HTMLParser):
    """Rendered HTML read as a person reads it: paragraphs apart, each on one line (the
    author's hard wraps were only for the author), list items and table rows on lines of
    their own, and a link's address after its words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.line: list[str] = []
        self.said = False  # the line holds more than a list item's mark
        self.indent = ""  # a nested list item's depth
        self.pending = ""  # the strongest break asked for since the last text
        self.pre = 0
        self.tight = 0
        self.lists: list[int | None] = []  # per open list: the next number, None if bulleted
        self.links: list[tuple[str | None, int]] = []
        self.cells = 0  # cells begun in this table row

    def _add(self, text: str, words: bool = True) -> None:
        self.line.append(text)
        self.said = self.said or (words and bool(text.strip()))

    def _break(self, gap: str) -> None:
        if self.line and not self.said and not self.pre:
            # Only a list item's mark so far: its words follow (a loose item's paragraph).
            return
        text = "".join(self.line)
        text = text.strip("\n") if self.pre else " ".join(text.split())
        if text and not self.pre:
            text = self.indent + text
        self.line, self.said, self.indent = [], False, ""
        if text:
            if self.out:
                self.out.append(self.pending or " ")
            self.out.append(text)
            self.pending = ""
        self.pending = max(self.pending, gap, key=len)

    def _block(self) -> str:
        return "\n" if self.tight else "\n\n"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _BLOCKS or tag in _TIGHT:
            self._break(self._block())
        elif tag in _ROWS or tag == "br":
            self._break("\n")
        if tag == "pre":
            self.pre += 1
        elif tag in _TIGHT:
            self.tight += 1
            if tag != "table":
                start = found.get("start") or ""
                first = int(start) if start.isdigit() else 1
                self.lists.append(first if tag == "ol" else None)
        elif tag == "li" and self.lists:
            number = self.lists[-1]
            self.indent = "  " * (len(self.lists) - 1)  # a nested item keeps its depth
            self._add("- " if number is None else f"{number}. ", words=False)
            if number is not None:
                self.lists[-1] = number + 1
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self._add(" | ", words=False)
            self.cells += 1
        elif tag == "a":
            self.links.append((found.get("href"), len(self.line)))
        elif tag == "img" and found.get("alt"):
            self._add(found["alt"] or "")
        elif tag == "input" and found.get("type") == "checkbox":
            self._add("[x] " if "checked" in found else "[ ] ", words=False)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            said = "".join(self.line[start:]).strip() if href else ""
            if href and href.removeprefix("mailto:") not in (said, said.rstrip("/")):
                self._add(f" ({href})")
        elif tag in _TIGHT:
            self._break("\n")
            self.tight = max(self.tight - 1, 0)
            if tag != "table" and self.lists:
                self.lists.pop()
            self.pending = max(self.pending, self._block(), key=len)
        elif tag in _BLOCKS:
            self._break(self._block())
        elif tag in _ROWS:
            self._break("\n")
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        self._add(data)


def html_text(fragment: str) -> str:
    """Sanitised HTML as plain text, the way Statuspage's API and calendars carry an update:
    no Markdown syntax, no line breaks in the middle of a sentence."""
    reader = _Text()
    reader.feed(fragment)
    reader.close()
    reader._break("")
    return INVISIBLE.sub("", "".join(reader.out)).strip()


def _as_html_reads(code: int) -> str:
    """HTML reads `&#128;` to `&#159;` as the Windows-1252 characters (`&#128;` is €)."""
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", errors="replace").replace("\ufffd", chr(code))
    return chr(code)


def invisible_reference(source: str) -> int | None:
    """The first line (1-based) with a numeric character reference to an invisible character,
    which HTML would decode into text no feed or calendar may hold."""
    for match in _REFERENCE.finditer(source):
        number = match.group(1)
        code = int(number[1:], 16) if number[0] in "xX" else int(number)
        if code > 0x10FFFF or code == 0 or INVISIBLE.match(_as_html_reads(code)):
            return source.count("\n", 0, match.start()) + 1
    return None
