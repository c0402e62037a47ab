"""Parsed incidents kept between builds: a file whose bytes did not change is not parsed again,
and one whose size and times did not change is not even read."""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from statusgen.atomic import atomic_file
from statusgen.model import Incident
from statusgen.problems import Problem

FORMAT = 1
# File times are kept at a coarse tick (a few milliseconds; whole seconds on some file systems,
# two on FAT): a file written within this long before it was read may change again without its
# times changing, so it is read again next time to be sure.
RACY_NS = 2_000_000_000

Signature = tuple[int, int, int, int]


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@dataclass(frozen=True)
class Parsed:
    signature: Signature
    read_at: int  # time.time_ns() just before the file was looked at
    source: str  # digest of the bytes
    incident: Incident | None
    problems: tuple[Problem, ...]

    def unchanged(self, now: Signature) -> bool:
        """True when the file surely still holds the bytes that were parsed."""
        return now == self.signature and self.signature[2] < self.read_at - RACY_NS


@dataclass
class ParseCache:
    context: str  # the site and the program it was made with
    entries: dict[str, Parsed] = field(default_factory=dict)
    dirty: bool = False

    def put(self, path: str, parsed: Parsed) -> None:
        self.entries[path] = parsed
        self.dirty = True

    def keep_only(self, paths: set[str]) -> None:
        gone = self.entries.keys() - paths
        for path in gone:
            del self.entries[path]
        self.dirty = self.dirty or bool(gone)

    @staticmethod
    def load(file: Path, context: str) -> ParseCache:
        """The cache saved at `file`, or an empty one if it is missing, damaged or stale."""
        try:
            with file.open("rb") as handle:
                saved = pickle.load(handle)
            if saved["format"] == FORMAT and saved["context"] == context:
                return ParseCache(context, saved["entries"])
        except Exception:  # anything wrong with a cache only costs time
            pass
        return ParseCache(context)

    def save(self, file: Path) -> None:
        if not self.dirty:
            return
        data = {"format": FORMAT, "context": self.context, "entries": self.entries}
        # Only the builder may read what it wrote; streamed, so no second copy is in memory.
        with atomic_file(file, mode=0o600) as handle:
            pickle.dump(data, handle, pickle.HIGHEST_PROTOCOL)
        self.dirty = False


def clock_ns() -> int:
    """The wall clock, as file times are (a seam for tests of coarse file systems)."""
    return time.time_ns()
