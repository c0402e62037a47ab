"""One incident file read and parsed within its limits: the build, `new`, `update` and `list`
all read through here, so no command can hang on a pipe or spend minutes on one file."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.lint import Coach, Due
from statusgen.model import Incident, SiteInfo
from statusgen.problems import FileRefused, Problems
from statusgen.source.budget import MAX_BYTES, MAX_SECONDS, TooComplex, size_text, time_limit
from statusgen.source.incident import parse_incident
from statusgen.source.markup import MarkdownRenderer

NOT_REGULAR = (
    "is not a regular file (a pipe, a device or a link to one) and is not read: "
    "replace it with an ordinary file, or remove it"
)
TOO_COMPLEX = (
    f"is too complex to render: reading it took more than {MAX_SECONDS:g} seconds "
    "(a line of thousands of brackets, `*` or `#`, or a table of thousands of cells); "
    "shorten or split what you pasted, or put it in a ``` code block"
)


def read_limited(path: Path | str) -> bytes:
    """The bytes of a regular file of at most the size limit; FileRefused says why not.

    Opened without blocking and checked after opening: a pipe would block the build, a link
    to `/dev/zero` would fill the memory, and the name may change between looking and reading.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused(NOT_REGULAR)
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"is {size_text(max(len(data), status.st_size))}; incident files may be at most "
            f"{size_text(MAX_BYTES)}: keep long logs elsewhere and link to them"
        )
    return data


@dataclass(frozen=True)
class Read:
    incident: Incident | None
    problems: Problems
    timed_out: bool = False  # the time budget ran out
    dues: tuple[Due, ...] = ()  # promises the coach holds the incident to, by the clock
    coached: bool = False  # the coach read it


def parse_limited(
    path: Path,
    data: bytes,
    info: SiteInfo,
    renderer: MarkdownRenderer,
    coach: Coach | None = None,
    newest: datetime | None = None,
) -> Read:
    """`parse_incident` (and the coach, with one) within the time budget."""
    try:
        with time_limit():
            incident, found, review = parse_incident(path, data, info, renderer, coach, newest)
    except TooComplex:
        found = Problems()
        found.error(path, 1, TOO_COMPLEX)
        return Read(None, found, True)
    if review is None:
        return Read(incident, found)
    return Read(incident, found, False, review.dues, True)
