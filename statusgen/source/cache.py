"""Parsed incidents kept between builds: a file whose bytes did not change is not parsed again,
and one whose size and times did not change is not even read."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from statusgen.atomic import atomic_file
from statusgen.lint import Due
from statusgen.model import Incident
from statusgen.problems import Problem
from statusgen.source.cache_format import codec_for

FORMAT = 2  # 1 was a pickle, which could run code when read
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
    timed_out: bool = False  # the time budget ran out: kept in memory only
    dues: tuple[Due, ...] = ()  # promises the coach holds the incident to, by the clock
    coached: bool = False  # the writing coach has read it (see `load._coach_all`)

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

    def refresh(self, path: str, parsed: Parsed) -> None:
        """The same bytes, looked at again: kept in memory, but no reason to save the cache.
        Saving costs time in proportion to the site (seconds at ten thousand files), while a
        build that finds the old entry again only reads and digests that one file again."""
        self.entries[path] = parsed

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
                header = json.loads(handle.readline())
                if header != {"format": FORMAT, "context": context}:
                    return ParseCache(context)
                decode = codec_for(Parsed).decode
                entries = {}
                for line in handle:
                    path, parsed = json.loads(line)
                    entries[path] = decode(parsed)
            return ParseCache(context, entries)
        except Exception:  # anything wrong with a cache only costs time
            return ParseCache(context)

    def save(self, file: Path) -> None:
        """One line of JSON for the header, then one per file in path order: the same
        entries always give the same bytes, and no second copy of the whole is in memory."""
        if not self.dirty:
            return
        encode = codec_for(Parsed).encode
        # Only the builder may read what it wrote.
        with atomic_file(file, mode=0o600, durable=False) as handle:
            header = {"format": FORMAT, "context": self.context}
            handle.write(_line(header))
            for path in sorted(self.entries):
                if not self.entries[path].timed_out:
                    handle.write(_line([path, encode(self.entries[path])]))
        self.dirty = False


def _line(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("ascii") + b"\n"


def clock_ns() -> int:
    """The wall clock, as file times are (a seam for tests of coarse file systems)."""
    return time.time_ns()
