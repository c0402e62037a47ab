"""One writer at a time in a folder: in an incidents folder, so that no update anyone was told
was added is lost to another writer's rename; in a site, so that two `notify` runs never send
the same update twice."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WRITERS = "Waiting for another `statusgen new` or `statusgen update` in this site to finish..."


@contextmanager
def writing(folder: Path, waiting: str = WRITERS) -> Iterator[None]:
    """Hold the folder's lock, saying `waiting` while another process holds it. Files are
    replaced by rename, so the lock is on something that stays: the folder itself, which also
    leaves nothing behind in it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = _open(folder)
    try:
        _lock(fd, waiting)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


if sys.platform == "win32":  # pragma: no cover - a folder cannot be opened there
    import msvcrt

    def _open(folder: Path) -> int:
        # Hidden, so never read as an incident; never deleted, since removing a lock file
        # while another process waits on it would let a third lock a new one beside it.
        return os.open(folder / ".statusgen.lock", os.O_RDWR | os.O_CREAT, 0o644)

    def _lock(fd: int, waiting: str) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

else:
    import fcntl

    def _open(folder: Path) -> int:
        return os.open(folder, os.O_RDONLY)

    def _lock(fd: int, waiting: str) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Say why nothing happens yet, rather than look hung at 3 a.m.
            print(waiting, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
