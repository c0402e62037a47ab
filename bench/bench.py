#!/usr/bin/env python3
"""Benchmark statusgen on N generated incidents: medians of several runs and peak memory.

    .venv/bin/python bench/bench.py 100 1000 10000 [--runs 3] [--edits 15]

- cold build: a fresh `statusgen build` process with no output and no cache, as a site's
  first build;
- unchanged: the same build again with nothing changed;
- edit to published: under a running `statusgen watch`, from saving an edited incident to the
  moment its page, the site's feeds and the JSON API on disk all show the edit.

Each build runs in a fresh process, so the figures include start-up and are what a person
waits for. Disk writes on shared machines are noisy: compare medians.

With `--coach-cost`, cold and unchanged builds are run in turn with the writing coach on and
with every rule turned off (`[coach] disable`), and the difference is printed; add
`--coach-everything` to have the coach read all the notes, not only the recent ones.
"""

from __future__ import annotations

import argparse
import queue
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

COMPONENTS = ["checkout", "payments-api", "search", "login", "public-api", "webhooks"]
NOW = "2026-11-20T14:50:00Z"
STATUSGEN = Path(sys.executable).parent / "statusgen"
WORDS = [
    "customers",
    "payments",
    "checkout",
    "requests",
    "timeout",
    "database",
    "replica",
    "network",
    "cache",
    "release",
    "configuration",
    "latency",
    "errors",
    "retry",
    "queue",
    "servers",
    "traffic",
    "region",
    "certificate",
    "storage",
    "rollback",
    "monitoring",
    "alert",
    "capacity",
]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(sentence(rng, 10) for _ in range(max(words // 10, 1)))


def incident(rng: random.Random, number: int, start: datetime) -> tuple[str, str]:
    """About 230 words of Markdown, like a real incident write-up."""
    slug = f"{start:%Y-%m-%d}-incident-{number}"
    end = start + timedelta(minutes=rng.randint(20, 300))
    parts = rng.sample(COMPONENTS, rng.randint(1, 3))
    minutes = (end - start).total_seconds() / 60
    updates = [
        (start + timedelta(minutes=minutes / 4), "Investigating"),
        (start + timedelta(minutes=minutes / 2), "Identified"),
        (end, "Resolved"),
    ]
    estimate = start + timedelta(hours=3)
    # Promise lines as SPEC §1 writes them: some kept, some late, for the report to count.
    first_promise = updates[1][0] + timedelta(minutes=rng.randint(-5, 5))
    promises = {
        "Investigating": f"Next update: {first_promise:%H:%M} UTC",
        "Identified": (
            f"Next update: {end + timedelta(minutes=rng.randint(-10, 10)):%Y-%m-%d %H:%M} UTC\n"
            f"Expected restore: {estimate:%Y-%m-%d %H:%M} UTC"
        ),
        "Resolved": "",
    }
    body = "\n\n".join(
        f"### {t:%Y-%m-%d %H:%M} UTC — {s}\n{paragraph(rng, 25)}\n\n{promises[s]}".rstrip()
        for t, s in reversed(updates)
    )
    return slug, (
        f"---\ntitle: {sentence(rng, 5)[:-1]}\nimpact: {rng.choice(['minor', 'major', 'critical'])}"
        f"\ncomponents: [{', '.join(parts)}]\nstarted: {start:%Y-%m-%dT%H:%M:%SZ}\n"
        f"estimated_restore: {estimate:%Y-%m-%dT%H:%M:%SZ}\n"
        f"resolved: {end:%Y-%m-%dT%H:%M:%SZ}\n---\n\n"
        f"## Problem\n{paragraph(rng, 40)}\n\n## Cause\n{paragraph(rng, 40)}\n\n"
        f"## Restore time\n{paragraph(rng, 20)}\n\n## Prevention plan\n"
        "- [x] Alert earlier\n- [ ] Stage changes\n- [ ] Add capacity\n\n"
        f"## Updates\n\n{body}\n"
    )


def make_site(folder: Path, count: int) -> None:
    rng = random.Random(count)
    config = [
        '[site]\ntitle = "Bench Status"\nbase_url = "https://status.example.com/"\n'
        'timezone = "Europe/Berlin"\ncontact = "mailto:support@example.com"\n'
    ]
    config += [
        f'[[components]]\nid = "{c}"\nname = "{c.title()}"\ngroup = "G{i % 2}"\n'
        for i, c in enumerate(COMPONENTS)
    ]
    (folder / "statusgen.toml").write_text("\n".join(config))
    incidents = folder / "incidents"
    incidents.mkdir()
    first = datetime(2021, 11, 20, tzinfo=UTC)
    span = (datetime(2026, 11, 19, tzinfo=UTC) - first).total_seconds()
    for number in range(count):
        start = first + timedelta(seconds=int(span * number / count))
        slug, text = incident(rng, number, start)
        (incidents / f"{slug}.md").write_text(text)


def set_coach(folder: Path, on: bool, everything: bool = False) -> None:
    """Every coach rule on (the default) or off, by the site's `[coach] disable`; with
    `everything`, the coach reads every note however old (`recent_days = 0`)."""
    from statusgen.lint import shipped_book

    config = folder / "statusgen.toml"
    text = config.read_text().split("\n[coach]")[0]
    if not on:
        text += f"\n[coach]\ndisable = {list(shipped_book().ids)!r}\n".replace("'", '"')
    elif everything:
        text += "\n[coach]\nrecent_days = 0\n"
    config.write_text(text)


def coach_cost(count: int, runs: int, everything: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_site(folder, count)
        times: dict[tuple[bool, str], list[float]] = {}
        for _ in range(runs):
            for on in (True, False):
                set_coach(folder, on, everything)
                clean(folder)
                times.setdefault((on, "cold"), []).append(timed_build(folder)[0])
                times.setdefault((on, "unchanged"), []).append(timed_build(folder)[0])
        line = [f"{count:>6} incidents:"]
        for kind in ("cold", "unchanged"):
            on = statistics.median(times[(True, kind)])
            off = statistics.median(times[(False, kind)])
            line.append(
                f"{kind} {off:6.2f} s without the coach, {on:6.2f} s with it "
                f"({(on - off) / off * 100:+.1f}%)"
            )
        print(" | ".join(line) + f" (medians of {runs})", flush=True)


def timed_build(folder: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one `statusgen build` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [str(STATUSGEN), "build", "--now", NOW, "--config", str(folder / "statusgen.toml")],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def clean(folder: Path) -> None:
    """No output and no cache: the first build a site ever has."""
    (folder / "site").unlink(missing_ok=True)
    shutil.rmtree(folder / "site", ignore_errors=True)
    shutil.rmtree(folder / ".site.statusgen", ignore_errors=True)


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def _recent(folder: Path, count: int) -> Path:
    """A recent incident, so the edit reaches the feeds too (they hold the newest updates)."""
    return sorted((folder / "incidents").glob("*.md"))[-1 - count % 5]


def edit_cycles(folder: Path, edits: int) -> tuple[list[float], float]:
    """Save an edited incident under a running `statusgen watch` and time until its page and
    every feed on disk show the edit. Returns the seconds of each cycle and the watch's peak
    memory (MB)."""
    watch = subprocess.Popen(
        [str(STATUSGEN), "watch", "--now", NOW, "--config", str(folder / "statusgen.toml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert watch.stdout is not None
    threading.Thread(target=_lines, args=(watch.stdout, lines), daemon=True).start()
    try:
        while "Watching" not in lines.get(timeout=600):
            pass
        cycles = []
        for number in range(edits):
            path = _recent(folder, number)
            slug = path.stem
            marker = f"edit{number}x{random.randrange(10**9)}"
            text = path.read_text()
            # The newest update is the first `### ` heading's paragraph: feeds carry it.
            head, _, rest = text.partition("\n### ")
            heading, _, body = rest.partition("\n")
            edited = f"{head}\n### {heading}\n{marker} {body}"
            affected = [
                folder / "site" / "incidents" / slug / "index.html",
                folder / "site" / "feed.xml",
                folder / "site" / "atom.xml",
                folder / "site" / "api" / "v2" / "incidents.json",
            ]
            start = time.perf_counter()
            path.write_text(edited)
            while not all(_shows(page, marker) for page in affected):
                if time.perf_counter() - start > 60:
                    raise RuntimeError(f"edit {number} never reached the site")
                time.sleep(0.002)
            cycles.append(time.perf_counter() - start)
            time.sleep(0.3)  # like a person: one save, then the next
        return cycles, _peak_mb(watch.pid)
    finally:
        watch.terminate()
        watch.wait(timeout=30)


def _shows(page: Path, marker: str) -> bool:
    try:
        return marker in page.read_text()
    except OSError:
        return False


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench(count: int, runs: int, edits: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_site(folder, count)
        cold, warm, peaks = [], [], []
        for _ in range(runs):
            clean(folder)
            seconds, peak = timed_build(folder)
            cold.append(seconds)
            peaks.append(peak)
            seconds, peak = timed_build(folder)
            warm.append(seconds)
            peaks.append(peak)
        files = sum(1 for p in (folder / "site").resolve().rglob("*") if p.is_file())
        cycles, watch_peak = edit_cycles(folder, edits) if edits else ([float("nan")], 0.0)
        print(
            f"{count:>6} incidents, {files:>6} files: "
            f"cold build {statistics.median(cold):6.2f} s | "
            f"unchanged {statistics.median(warm):5.2f} s | "
            f"edit to published {statistics.median(cycles) * 1000:5.0f} ms "
            f"(max {max(cycles) * 1000:.0f}) | "
            f"peak memory {max(peaks):4.0f} MB build, {watch_peak:4.0f} MB watch "
            f"(medians of {runs} builds, {len(cycles)} edits)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("counts", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind (default 3)")
    parser.add_argument("--edits", type=int, default=15, help="edit cycles (default 15)")
    parser.add_argument(
        "--coach-cost", action="store_true", help="compare builds with the coach on and off"
    )
    parser.add_argument(
        "--coach-everything",
        action="store_true",
        help="with --coach-cost: the coach reads every note, however old (recent_days = 0)",
    )
    args = parser.parse_args()
    for count in args.counts:
        if args.coach_cost:
            coach_cost(count, args.runs, args.coach_everything)
        else:
            bench(count, args.runs, args.edits)


if __name__ == "__main__":
    main()
