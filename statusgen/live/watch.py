"""`statusgen watch`: the one build, run again whenever a source changes or the clock moves on.

File events are only a hint that something changed: a batch of them (an editor's save through a
temporary file and a rename is several) starts one build once they settle, and the build itself
finds what changed. Only the incidents, the templates and the configuration are watched, never
the output, and opening or reading a file is not a change.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from statusgen.build import Builder, BuildResult
from statusgen.live.sources import Changes, Sources, sources_of
from statusgen.notify.events import next_due
from statusgen.problems import ExitCode, Problems, UsageError
from statusgen.terminal import counts, print_problems, say

# An editor's save is a burst of events a few milliseconds apart: wait this long for quiet.
SETTLE = 0.03
# ...but never longer than this after the first event, even if a tool keeps writing.
MOST = 1.0
FULL_COLLECTION_EVERY = 100
LONGEST_WAIT = 24 * 60 * 60.0
RETRY_NOTIFY = timedelta(minutes=1)


class Watcher:
    """Runs `builder` now, then after every settled batch of changes and whenever the pages
    would read differently because time has passed."""

    def __init__(
        self,
        builder: Builder,
        report: Callable[[BuildResult], None],
        follow_clock: bool,
        after: Callable[[BuildResult], datetime | None] | None = None,
    ) -> None:
        """`after` runs after every build, and names the next moment it wants a build at."""
        self.builder, self.report, self.follow_clock = builder, report, follow_clock
        self.after = after
        self._wanted: datetime | None = None
        self._wake = threading.Condition()
        self._first_change: float | None = None
        self._last_change = 0.0
        self._stopped = False
        self._observer: BaseObserver | None = None
        self._folders: list[tuple[Path, bool]] = []
        self._builds = 0
        self._quiet_unless_changed: BuildResult | None = None

    def changed(self) -> None:
        with self._wake:
            now = time.monotonic()
            if self._first_change is None:
                self._first_change = now
            self._last_change = now
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def build(self, unless_same_as: BuildResult | None = None) -> BuildResult:
        """Build, report and follow the sources. A second look (`unless_same_as`) is drawn at
        the same moment and says nothing if nothing changed."""
        at = self.builder.moment if unless_same_as is not None else None
        result = self._build_safely(at)
        # Later builds keep parsed incidents in memory; they are saved again on the way out.
        self.builder.keep_cache = False
        if (
            unless_same_as is None
            or result.written
            or result.problems.items != unless_same_as.problems.items
        ):
            self.report(result)
        if self.after is not None:
            self._wanted = self.after(result)
        # The model is large: the next build must not have to hold two of them.
        result.site = result.theme = None
        self._builds += 1
        if self._builds % FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()  # now and then, also what `build` set aside and has since died
        gc.collect()  # this build's leftovers only: what lasts was set aside by `build`
        if self._follow(sources_of(self.builder.config_path, self.builder.config)):
            # Watching anew may have missed a change made meanwhile: look once more, quietly.
            self._quiet_unless_changed = result
            self.changed()
        return result

    def _build_safely(self, at: datetime | None) -> BuildResult:
        """A build that fails in a way nobody foresaw is one more problem to report: the
        page must keep updating, so the last good site stays and the next save is built."""
        try:
            return self.builder.build(at)
        except UsageError:  # `--now` cannot be read: no build ever could
            raise
        except Exception as exc:  # anything a build raises; Ctrl-C still stops the watch
            if os.environ.get("STATUSGEN_DEBUG"):
                traceback.print_exc()
            problems = Problems()
            problems.error(
                self.builder.config_path,
                1,
                f"this build stopped on a fault in statusgen, not in your files ("
                f"{exc or type(exc).__name__}); customers still see the last good site. Save "
                "again to retry, and please report it with the files you changed "
                "(STATUSGEN_DEBUG=1 shows the details)",
            )
            return BuildResult(problems)

    def run(self, first: BuildResult | None = None) -> None:
        """Until `stop`. `first` is a build already made, so it is not made again."""
        result = first if first is not None else self.build()
        # The first build ran before anything was watched (so it could use every core): a
        # save made meanwhile is caught by looking once more, quietly if nothing changed.
        result = self.build(unless_same_as=result)
        try:
            while True:
                due = self._next_clock_build(result)
                if not self._wait(due):
                    return
                previous, self._quiet_unless_changed = self._quiet_unless_changed, None
                result = self.build(unless_same_as=previous)
        finally:
            if self._observer is not None:
                self._observer.stop()
                self._observer.join()
            self.builder.save_cache()

    def _next_clock_build(self, result: BuildResult) -> float | None:
        """When, on the monotonic clock, time itself changes what the pages say."""
        moments = [t for t in (result.next_change, self._wanted) if t is not None]
        if not self.follow_clock or not moments:
            return None
        seconds = (min(moments) - datetime.now(UTC)).total_seconds()
        # A change centuries ahead is beyond what a wait accepts (OverflowError): look again
        # after a day, which only rebuilds if something did change.
        return time.monotonic() + min(max(seconds, 1.0), LONGEST_WAIT)

    def _wait(self, due: float | None) -> bool:
        """Until a batch of changes has settled or `due` comes; False once stopped."""
        with self._wake:
            while not self._stopped:
                now = time.monotonic()
                timeout: float | None = None
                if self._first_change is not None:
                    ready = min(self._last_change + SETTLE, self._first_change + MOST)
                    if now >= ready:
                        self._first_change = None
                        return True
                    timeout = ready - now
                elif due is not None:
                    if now >= due:
                        return True
                    timeout = due - now
                self._wake.wait(timeout)
            return False

    def _follow(self, sources: Sources) -> bool:
        """Watch the site's sources; the configuration may have moved them. True when the
        watch was started again."""
        folders = sources.folders()  # a folder created since is now watched in full
        if folders == self._folders and self._observer is not None:
            return False
        restarted = self._observer is not None
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
        observer = Observer()
        handler = Changes(sources, self.changed)
        for folder, recursive in folders:
            observer.schedule(handler, str(folder), recursive=recursive)
        observer.daemon = True
        observer.start()
        self._observer, self._folders = observer, folders
        return restarted


def report_build(result: BuildResult, strict: bool) -> None:
    """One line per build, with the problems above it."""
    print_problems(result.problems)
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    summary = counts(result.problems)
    if result.problems.fails(strict):
        print(
            f"{stamp} Not published ({summary}): the last good site stays as it was. "
            "Fix the file and save again.",
            file=sys.stderr,
            flush=True,
        )
    elif result.written:
        print(
            f"{stamp} Published: {len(result.files)} files rendered, {len(result.reused)} "
            f"unchanged ({summary}).",
            flush=True,
        )
    else:
        print(f"{stamp} Up to date ({summary}).", flush=True)


@contextmanager
def stop_on_terminate() -> Iterator[None]:
    """`kill` (SIGTERM) stops a watch as cleanly as Ctrl-C does."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def watch(builder: Builder, notify: bool = False) -> ExitCode:
    strict = builder.options.strict
    watcher = Watcher(
        builder,
        lambda r: report_build(r, strict),
        follow_clock=follows_clock(builder),
        after=(lambda r: notify_after(builder, r)) if notify else None,
    )
    with stop_on_terminate():
        try:
            first = watcher.build()  # before any thread starts, so it may use every core
            print("Watching for changes (Ctrl-C to stop).", flush=True)
            watcher.run(first)
        except KeyboardInterrupt:
            watcher.stop()
            print("Stopped.", flush=True)
    return ExitCode.OK


def follows_clock(builder: Builder) -> bool:
    """With `--now` or SOURCE_DATE_EPOCH time stands still, so there is nothing to follow."""
    return builder.now is None and not os.environ.get("SOURCE_DATE_EPOCH")


def notify_after(builder: Builder, result: BuildResult) -> datetime | None:
    """Tell subscribers what this build published, and name the next moment to build again
    for them: when a reminder or a window falls due, or, after a failure, a minute from now
    (a reminder that waited for the next save could miss its hour)."""
    site, theme, config = result.site, result.theme, builder.config
    if site is None or theme is None or config is None or not result.output:
        return None
    if result.problems.fails(builder.options.strict):
        return None
    from statusgen.notify.send import send  # Apprise is slow to import: only when asked

    try:
        sent = send(config, site, theme) == ExitCode.OK
    except Exception as exc:  # the page must keep updating whatever a channel does
        if os.environ.get("STATUSGEN_DEBUG"):
            traceback.print_exc()
        say(f"statusgen: notify stopped on a fault ({exc or type(exc).__name__})")
        sent = False
    due = next_due(site)
    if sent:
        return due
    say("statusgen: notify tries again in a minute.")
    again = datetime.now(UTC) + RETRY_NOTIFY
    return min(due, again) if due is not None else again
