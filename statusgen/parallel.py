"""Share a long list of pure work between the machine's cores.

Workers are forked, so they start at once with everything already in memory (the model, the
compiled templates) and only results travel back. Forking is only safe while this process has
a single thread: `watch` and `serve` start their threads after the first build, and later
builds there are small.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 8


def workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def split(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], minimum: int) -> list[R]:
    """`work(items)`, run in slices on several cores when there are at least `minimum` items.

    The result is in the order of `items`, exactly as one call would give it.
    """
    count = workers()
    if len(items) < minimum or count < 2 or not _can_fork():
        return work(items)
    size = -(-len(items) // count)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    children: list[tuple[int, int]] = []
    try:
        for part in slices[1:]:
            children.append(_fork(work, part))
        results = work(slices[0])
        while children:
            pid, fd = children.pop(0)
            results.extend(_collect(pid, fd))
        return results
    finally:
        for pid, fd in children:  # the parent failed: do not leave workers behind
            os.close(fd)
            os.waitpid(pid, 0)


def _fork(work: Callable[[Sequence[T]], list[R]], part: Sequence[T]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)  # the worker: never returns from here
    code = 0
    try:
        try:
            data = pickle.dumps((True, work(part)), pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            try:
                data = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:
                data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _collect(pid: int, fd: int) -> list[R]:
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("a worker process ended without a result")
    ok, value = pickle.loads(data)
    if not ok:
        raise value
    return list(value)
