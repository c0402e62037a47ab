"""Replace a file in one step, so that no reader (an editor, a build, a web server) ever sees
half of it, and a failure leaves the old file as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def _beside(
    path: Path, mode: int, durable: bool, place: Callable[[str], None]
) -> Iterator[BinaryIO]:
    """A new file beside `path` to write into, handed to `place` once the block succeeds;
    the temporary name is gone afterwards whatever happens."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        place(temporary)
    finally:
        Path(temporary).unlink(missing_ok=True)


@contextmanager
def atomic_file(path: Path, mode: int = 0o644, durable: bool = True) -> Iterator[BinaryIO]:
    """A new file beside `path` to write into; renamed over `path` if the block succeeds.

    `durable`: flushed to the disk before the rename, so a power cut leaves the old file or
    the new one, never an empty one (only a cache, rebuilt at will, can do without)."""
    with _beside(path, mode, durable, lambda temporary: os.replace(temporary, path)) as handle:
        yield handle


def create_new(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Write a new file in one step; False, and nothing changed, if `path` exists.

    The bytes go to a temporary file first and are then linked into place, which fails
    rather than replace a file: nobody ever reads half of it, nor loses the one there."""

    def place(temporary: str) -> None:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: create it exclusively instead
            with path.open("xb") as handle:
                handle.write(data)

    try:
        with _beside(path, mode, True, place) as handle:
            handle.write(data)
    except FileExistsError:
        return False
    return True


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to a new file beside `path`, then rename it over `path`."""
    with atomic_file(path, mode) as handle:
        handle.write(data)
