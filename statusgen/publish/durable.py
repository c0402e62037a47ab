"""Getting what a build wrote onto the disk before the link names it: after a power cut the
link must never point at files the disk does not hold."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable
from pathlib import Path

# syncfs(2) flushes one file system in a single journal commit: at ten thousand files that is a
# fraction of a second, where an fsync per file costs several seconds.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def flush(root: Path, files: Iterable[Path], folders: Iterable[Path]) -> None:
    """Every file and folder entry written under `root` reaches the disk."""
    if syncfs(root):
        return
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in sorted(set(folders), reverse=True):
        if folder.is_dir():
            sync_folder(folder)


def syncfs(root: Path) -> bool:
    """Flush the whole file system holding `root`; False where the system cannot."""
    if _LIBC is None or not hasattr(_LIBC, "syncfs"):
        return False
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return int(_LIBC.syncfs(fd)) == 0
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Flush one folder's entries: a rename or a new name in it."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
