"""What the in-process benches share: timing a piece of work, and the model of a generated site."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench import NOW
from statusgen.config import Config, load_config
from statusgen.model import Site
from statusgen.problems import Problems
from statusgen.source.load import load_incidents
from statusgen.source.times import resolve_now


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def loaded(folder: Path) -> tuple[Config, Site]:
    """The site at `folder` as a build at bench's NOW sees it."""
    problems = Problems()
    config = load_config(folder / "statusgen.toml", problems)
    assert config is not None
    now = resolve_now(NOW, config.site.zone)
    return config, Site(config.site, load_incidents(config, problems), now)


def main(doc: str, cost: Callable[[int, int], None]) -> None:
    """The command line every in-process bench shares: counts of incidents, and --runs."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="timings of each part (default 5)")
    args = parser.parse_args()
    for count in args.counts:
        cost(count, args.runs)
