"""`statusgen report`: the reliability report (SPEC §5) for the team, in the terminal, as
report.json's exact bytes, or as CSV for a spreadsheet."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo

from statusgen import words
from statusgen.cli.published import load_published
from statusgen.problems import ExitCode, Problems
from statusgen.report import (
    CSV_COLUMNS,
    Month,
    Promise,
    PromiseKind,
    Report,
    as_json,
    as_rows,
    compute_report,
)
from statusgen.terminal import print_problems, say

HEADER = (
    "MONTH",
    "INCIDENTS",
    "FIRST UPDATE",
    "RESTORE",
    "UPDATES ON TIME",
    "ESTIMATES MET",
    "ACTIONS DONE",
    "MAINTENANCE ON TIME",
)


def report(args: argparse.Namespace) -> ExitCode:
    # Drafts are not on the page, so customers were promised nothing in them.
    site, problems = load_published(args)
    if site is None:
        print_problems(problems)
        return ExitCode.PROBLEMS
    found = compute_report(site)
    write: dict[str, Callable[[Report, tzinfo], None]] = {
        "table": _table,
        "json": _json,
        "csv": _csv,
    }
    write[args.format](found, site.info.zone)
    if problems.errors:  # a file that does not load is a month that reads better than it was
        print_problems(Problems(problems.errors))
        say(
            "The figures leave out the files with the errors above: fix them and run "
            "`statusgen report` again (`statusgen check` shows every problem)."
        )
        return ExitCode.PROBLEMS
    return ExitCode.OK


def _json(found: Report, zone: tzinfo) -> None:
    sys.stdout.buffer.write(as_json(found))
    sys.stdout.flush()


def _csv(found: Report, zone: tzinfo) -> None:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in as_rows(found):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    sys.stdout.write(out.getvalue())


def _minutes(median: float | None, longest: float | None) -> str:
    if median is None or longest is None:
        return "-"
    return f"{median:g} / {longest:g} min"


def _of(part: int, whole: int) -> str:
    return f"{part} of {whole}" if whole else "-"


def _row(month: Month) -> tuple[str, ...]:
    f = month.figures
    impacts = [
        f"{number} {name}"
        for number, name in (
            (f.by_impact.critical, "critical"),
            (f.by_impact.major, "major"),
            (f.by_impact.minor, "minor"),
            (f.by_impact.none, "no impact"),
        )
        if number
    ]
    return (
        month.month,
        f"{f.incidents} ({', '.join(impacts)})" if impacts else str(f.incidents),
        _minutes(f.first_update_minutes.median, f.first_update_minutes.max),
        _minutes(f.restore_minutes.median, f.restore_minutes.max),
        _of(f.next_update_promises.kept, f.next_update_promises.made),
        _of(f.restore_estimates.met, f.restore_estimates.given),
        _of(f.prevention_actions.done, f.prevention_actions.total),
        _of(f.maintenance.on_time, f.maintenance.total),
    )


def _slip(promise: Promise, now: datetime, zone: tzinfo) -> str:
    """What slipped, in the words the team would use."""
    incident, promised = promise.incident, words.show_time(promise.promised, zone)
    late = words.duration(promise.late(now))
    if promise.kind is PromiseKind.NEXT_UPDATE:
        what = (
            f"next update promised by {promised} came {late} late"
            if promise.delivered is not None
            else f"next update promised by {promised} has not come ({late} so far)"
        )
    elif promise.kind is PromiseKind.RESTORE:
        what = f"restored {late} after the estimate of {promised}"
    else:
        what = f"completed {late} after its window ended at {promised}"
    return f"{incident.slug} ({incident.title}): {what}"


def _table(found: Report, zone: tzinfo) -> None:
    now = found.generated_at
    print(f"Reliability report at {words.show_time(now, zone)}, months in {zone}, newest first.")
    if not found.months:
        print("Nothing to report: no incident or maintenance has been published.")
        return
    rows = [HEADER, *(_row(month) for month in found.months)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    print()
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    print()
    print(
        "FIRST UPDATE and RESTORE: median / longest, in minutes. A promise whose time is "
        "still ahead is not counted yet."
    )
    slips = [(month.month, month.worst) for month in found.months if month.worst is not None]
    if slips:
        print()
        print("The promise that slipped most each month:")
        for name, slip in slips:
            print(f"  {name}  {_slip(slip, now, zone)}")
