"""Replace a file in one step, so that no reader (an editor, a build, a web server) ever sees
half of it, and a failure leaves the old file as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(path: Path, mode: int = 0o644, durable: bool = True) -> Iterator[BinaryIO]:
    """A new file beside `path` to write into; renamed over `path` if the block succeeds.

    `durable`: flushed to the disk before the rename, so a power cut leaves the old file or
    the new one, never an empty one (only a cache, rebuilt at will, can do without)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to a new file beside `path`, then rename it over `path`."""
    with atomic_file(path, mode) as handle:
        handle.write(data)
