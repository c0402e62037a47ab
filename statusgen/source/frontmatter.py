"""Split an incident file into YAML front matter and a Markdown body, keeping line numbers.

Values stay as the text the person typed: YAML 1.1 would turn `no` into False and `1:30` into 90,
so every scalar is read as a string and interpreted by the key that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from statusgen.model import INVISIBLE
from statusgen.problems import FrontMatterError, Problems

FENCE = "---"


@dataclass(frozen=True)
class Field:
    key: str
    line: int
    node: yaml.Node


@dataclass(frozen=True)
class Document:
    fields: dict[str, Field]
    body: str
    body_line: int  # the file's line number of the body's first line


class _AliasFreeLoader(yaml.SafeLoader):
    """Refuses anchors and aliases: an alias bomb loads fast and then hangs whatever walks it."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise FrontMatterError(
                event.start_mark.line + 1, "YAML anchors and aliases (&name, *name) are not allowed"
            )
        return super().compose_node(parent, index)


# libyaml reads front matter about ten times faster, which matters at thousands of files.
# PyYAML's wheels include it; without it a build is only slower.
_FAST: Any = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Any:
    """Compose with libyaml when the text is clean; any doubt goes to the pure-Python reader,
    whose messages and line numbers are the ones people see."""
    if _FAST is not None:
        try:
            events = list(yaml.parse(text, Loader=_FAST))
        except Exception:
            events = None
        if events is not None and not any(
            isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in events
        ):
            return yaml.compose(text, Loader=_FAST)
    return yaml.compose(text, Loader=_AliasFreeLoader)


def normalise(text: str) -> str:
    """Drop a byte-order mark and turn CRLF and CR line ends into LF."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def strip_controls(text: str) -> tuple[str, int | None]:
    """Remove control characters; return the text and the first line that had one."""
    found = INVISIBLE.search(text)
    if found is None:
        return text, None
    return INVISIBLE.sub("", text), text.count("\n", 0, found.start()) + 1


def split_front_matter(text: str) -> tuple[list[str], int]:
    """Return the front matter lines and the index of the closing fence."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(1, "no front matter: the file must start with a line `---`")
    for index in range(1, len(lines)):
        if lines[index].strip() in (FENCE, "..."):
            return lines[1:index], index
    raise FrontMatterError(1, "front matter is not closed: add a line `---` after the last key")


def _untab(line: str) -> str:
    # YAML forbids tabs for indentation; editors insert them anyway, and they never carry meaning.
    stripped = line.lstrip("\t")
    return "  " * (len(line) - len(stripped)) + stripped.replace("\t", " ")


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    """The file line of a YAML mistake. An unclosed quote or bracket, or a key without its
    `:`, is only noticed at the next token, often lines later: YAML's context (where the
    quote, the bracket or the key began) is then where the mistake is."""
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    if exc.context_mark is not None and context.startswith(_STARTED_AT):
        mark = exc.context_mark
    return mark.line + 2 if mark is not None else 1  # the front matter starts on line 2


_STARTED_AT = ("while scanning", "while parsing a flow")


def read_document(text: str, problems: Problems, path: Path) -> Document:
    """Parse the front matter into fields with their file line numbers (1-based)."""
    head, close = split_front_matter(text)
    try:
        root = _compose("\n".join(_untab(line) for line in head))
    except FrontMatterError as exc:
        raise FrontMatterError(exc.line + 1, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        line = _error_line(exc)
        hint = ""
        if "mapping values are not allowed" in str(exc.problem):
            hint = " (a value containing `: ` must be in quotes)"
        elif "quoted scalar" in str(exc.context) and "end of stream" in str(exc.problem):
            hint = " (a quote opened on this line is not closed)"
        elif "could not find expected ':'" in str(exc.problem):
            hint = " (write each key as `key: value`)"
        raise FrontMatterError(
            line, f"front matter is not valid YAML: {exc.problem}{hint}"
        ) from None
    except RecursionError:
        raise FrontMatterError(1, "front matter is nested too deeply to read") from None
    except Exception as exc:  # any failure while reading one file is that file's problem
        raise FrontMatterError(1, f"front matter cannot be read ({type(exc).__name__})") from None
    fields: dict[str, Field] = {}
    if root is None:
        raise FrontMatterError(1, "front matter is empty: it needs `title` and `components`")
    if not isinstance(root, yaml.MappingNode):
        raise FrontMatterError(2, "front matter must be `key: value` lines")
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            problems.error(path, line, "front matter keys must be plain words")
            continue
        key = str(key_node.value)
        if key in fields:
            problems.error(path, line, f"`{key}` is given twice (first on line {fields[key].line})")
            continue
        fields[key] = Field(key, line, value_node)
    body = "\n".join(text.split("\n")[close + 1 :])
    return Document(fields, body, close + 2)


def scalar(node: yaml.Node) -> str | None:
    """The typed text of a scalar, None for YAML null, or raise for a list or mapping."""
    if not isinstance(node, yaml.ScalarNode):
        raise ValueError("expected a single value, not a list or mapping")
    if node.tag == "tag:yaml.org,2002:null" and node.style is None:
        return None
    return str(node.value)


def scalar_list(node: yaml.Node) -> list[tuple[str, int]]:
    """A list of scalars (or one scalar) with their line numbers."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    result = []
    for item in items:
        text = scalar(item)
        if text is not None:
            result.append((text.strip(), item.start_mark.line + 2))
    return result


def scalar_mapping(node: yaml.MappingNode) -> list[tuple[str, str | None, int]]:
    """`key: value` pairs of a mapping with their line numbers."""
    return [(str(scalar(k)), scalar(v), k.start_mark.line + 2) for k, v in node.value]
