"""Markdown to safe HTML: the only way author text reaches a page or a feed."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3

_SCHEMES = {"http", "https", "mailto", "tel"}
_TASK = re.compile(r"<li>(\s*<p>)?\[( |x|X)\]\s+")
_TASK_SOURCE = re.compile(r"^\s*[-*+]\s+\[( |x|X)\]\s", re.MULTILINE)
_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_BARE_LINK = '<a rel="noopener noreferrer">'
_IMAGE = re.compile(r"<img\b[^>]*>")


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

    def to_html(self, source: str) -> str:
        """Render Markdown, remove anything that could run or mislead, and draw task boxes."""
        self._parser.reset()
        raw = self._parser.convert(source)
        clean = nh3.clean(
            raw,
            url_schemes=_SCHEMES,
            link_rel="noopener noreferrer",
            attribute_filter=_filter_attribute,
        )
        # nh3 keeps a link whose unsafe href it removed, and an image without src or alt:
        # both are invalid HTML, so the first loses its rel and the second is mended or dropped.
        clean = _IMAGE.sub(_mend_image, clean.replace(_BARE_LINK, "<a>"))
        return _TASK.sub(_task_box, clean).strip()


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
    marks = _TASK_SOURCE.findall(source)
    return sum(1 for m in marks if m != " "), len(marks)


def plain_text(source: str) -> str:
    """Author text with every tag removed, for plain-text readers: the JSON API and calendars."""
    return html.unescape(nh3.clean(source, tags=set())).strip()
