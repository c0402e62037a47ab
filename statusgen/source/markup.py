"""Markdown to safe HTML: the only way author text reaches a page or a feed."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3

from statusgen.model import INVISIBLE
from statusgen.plaintext import html_text as html_text  # where `source` always found it

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
