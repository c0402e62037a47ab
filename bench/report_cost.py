#!/usr/bin/env python3
"""What the reliability report costs a build of N generated incidents (bench.py's site).

    .venv/bin/python bench/report_cost.py 1000 10000 [--runs 5]

The report is computed and drawn in every build, cold or not, so its own work is timed in
process (medians): counting every month from scratch (a cold build), counting again with the
months an earlier build kept (what `watch` does after an edit), writing report.json, and
drawing report/index.html. Beside them, one cold `statusgen build` process of the same site,
so each can be read as a share of it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from inprocess import loaded, main, median_ms

from bench import clean, make_site, timed_build
from statusgen import urls
from statusgen.outputs import context
from statusgen.outputs.reliability import report_context
from statusgen.outputs.templates import TemplateCache, render_template, templates_digest
from statusgen.problems import Problems
from statusgen.report import KeptMonths, as_json, compute_report
from statusgen.source.theme import load_theme


def report_cost(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_site(folder, count)
        clean(folder)
        cold_build = timed_build(folder)[0]
        config, site = loaded(folder)
        now = site.now
        problems = Problems()
        theme = load_theme(config.templates_dir, problems)
        env = TemplateCache().environment(
            theme, templates_digest(theme), config.site.timezone, config.site.zone
        )
        kept = KeptMonths()
        report = compute_report(site, kept)
        values = {
            **context.common(site),
            **context.clocked(now, True),
            **report_context(report),
            "url": urls.relative(urls.REPORT),
            "page": urls.REPORT,
        }
        parts = {
            "count (cold)": median_ms(lambda: compute_report(site), runs),
            "count (kept months)": median_ms(lambda: compute_report(site, kept), runs),
            "report.json": median_ms(lambda: as_json(report), runs),
            "page": median_ms(lambda: render_template(env, "report.html", values), runs),
        }
        cold = parts["count (cold)"] + parts["report.json"] + parts["page"]
        print(
            f"{count:>6} incidents, {len(report.months)} months: cold build {cold_build:.2f} s; "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in parts.items())
            + f"; the report's share of a cold build {cold / 10 / cold_build:.2f}%"
            f" (medians of {runs})",
            flush=True,
        )


if __name__ == "__main__":
    main(__doc__, report_cost)
