"""What one incident file may cost a build: its size, and the time to read and render it.

Markdown and our own patterns have inputs that take minutes (`[` repeated thousands of times, a
table of a million cells); one such save must never stop the page from updating. A timer signal
interrupts the work, even inside a regular expression, and the file gets a problem instead.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Real incident files are a few kilobytes; a megabyte is a pasted log.
MAX_BYTES = 1_000_000
# Parsing and rendering a real file takes milliseconds, even on a busy machine.
MAX_SECONDS = 5.0


class TooComplex(BaseException):
    """The time budget ran out. A BaseException, so that no `except Exception` on the way
    (a reader guarding against odd input) mistakes it for that input's own problem."""


def _expired(signum: int, frame: FrameType | None) -> None:
    raise TooComplex


@contextmanager
def time_limit(seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Raise TooComplex in the block once `seconds` have passed.

    Only the main thread may receive signals: anywhere else (a caller running builds in a
    thread) the block runs unbounded, still guarded by the size limit. Forked workers run
    in their own main thread, so they are bounded too.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # Processor time, not the wall clock: a busy or suspended machine must not make an
    # ordinary file "too complex".
    previous = signal.signal(signal.SIGPROF, _expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def size_text(size: int) -> str:
    """`2.1 MB`, `840 KB`: how people see file sizes."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{max(size // 1000, 1)} KB"
