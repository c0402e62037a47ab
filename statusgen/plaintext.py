"""Sanitised HTML read as plain text: update bodies in the API and calendars, and the plain-text
part of a notification email. Pure: no files, no configuration."""

from __future__ import annotations

from html.parser import HTMLParser

from statusgen.model import INVISIBLE

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
