#!/usr/bin/env python3
"""Benchmark full builds on N generated incidents: medians of several runs and peak memory.

    .venv/bin/python bench/bench.py 100 1000 [--runs 3]

Each build runs in a fresh process (`statusgen build`), so the figures include start-up and
are what a person waits for. Disk writes on shared machines are noisy: compare medians.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

COMPONENTS = ["checkout", "payments-api", "search", "login", "public-api", "webhooks"]
NOW = "2026-11-20T14:50:00Z"
WORDS = [
    "customers", "payments", "checkout", "requests", "timeout", "database", "replica", "network",
    "cache", "release", "configuration", "latency", "errors", "retry", "queue", "servers",
    "traffic", "region", "certificate", "storage", "rollback", "monitoring", "alert", "capacity",
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
    updates = [(start + timedelta(minutes=minutes / 4), "Investigating"),
               (start + timedelta(minutes=minutes / 2), "Identified"), (end, "Resolved")]
    body = "\n\n".join(f"### {t:%Y-%m-%d %H:%M} UTC — {s}\n{paragraph(rng, 25)}"
                       for t, s in reversed(updates))
    return slug, (
        f"---\ntitle: {sentence(rng, 5)[:-1]}\nimpact: {rng.choice(['minor', 'major', 'critical'])}"
        f"\ncomponents: [{', '.join(parts)}]\nstarted: {start:%Y-%m-%dT%H:%M:%SZ}\n"
        f"estimated_restore: {start + timedelta(hours=3):%Y-%m-%dT%H:%M:%SZ}\n"
        f"resolved: {end:%Y-%m-%dT%H:%M:%SZ}\n---\n\n"
        f"## Problem\n{paragraph(rng, 40)}\n\n## Cause\n{paragraph(rng, 40)}\n\n"
        f"## Restore time\n{paragraph(rng, 20)}\n\n## Prevention plan\n"
        "- [x] Alert earlier\n- [ ] Stage changes\n- [ ] Add capacity\n\n"
        f"## Updates\n\n{body}\n"
    )


def make_site(folder: Path, count: int) -> None:
    rng = random.Random(count)
    config = ['[site]\ntitle = "Bench Status"\nbase_url = "https://status.example.com/"\n'
              'timezone = "Europe/Berlin"\ncontact = "mailto:support@example.com"\n']
    config += [f'[[components]]\nid = "{c}"\nname = "{c.title()}"\ngroup = "G{i % 2}"\n'
               for i, c in enumerate(COMPONENTS)]
    (folder / "statusgen.toml").write_text("\n".join(config))
    incidents = folder / "incidents"
    incidents.mkdir()
    first = datetime(2021, 11, 20, tzinfo=UTC)
    span = (datetime(2026, 11, 19, tzinfo=UTC) - first).total_seconds()
    for number in range(count):
        start = first + timedelta(seconds=int(span * number / count))
        slug, text = incident(rng, number, start)
        (incidents / f"{slug}.md").write_text(text)


def timed_build(folder: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one `statusgen build` process."""
    statusgen = Path(sys.executable).parent / "statusgen"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([str(statusgen), "build", "--now", NOW, "--config",
                    str(folder / "statusgen.toml")], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def bench(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_site(folder, count)
        cold, warm, peaks = [], [], []
        for _ in range(runs):
            shutil.rmtree(folder / "site", ignore_errors=True)
            (folder / "site").unlink(missing_ok=True)
            shutil.rmtree(folder / ".site.statusgen", ignore_errors=True)
            seconds, peak = timed_build(folder)
            cold.append(seconds)
            peaks.append(peak)
            seconds, peak = timed_build(folder)
            warm.append(seconds)
            peaks.append(peak)
        files = sum(1 for p in (folder / "site").resolve().rglob("*") if p.is_file())
        print(f"{count:>6} incidents, {files:>6} files: full build {statistics.median(cold):6.2f} s"
              f" | unchanged rebuild {statistics.median(warm):6.2f} s"
              f" | peak memory {max(peaks):5.0f} MB (median of {runs})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("counts", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for count in args.counts:
        bench(count, args.runs)


if __name__ == "__main__":
    main()
