"""`statusgen list`: what is open now, and which promises to customers have fallen due, so
the person on call sees at once what needs an update."""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo

from statusgen import words
from statusgen.cli.published import load_published
from statusgen.problems import ExitCode, Problems
from statusgen.state.on_call import Open, open_now
from statusgen.terminal import print_problems, say

HEADER = ("SLUG", "KIND", "PHASE", "NEEDS")


def list_open(args: argparse.Namespace) -> ExitCode:
    # Drafts are not on the page, so nobody is waiting on them.
    site, problems = load_published(args)
    if site is None:
        print_problems(problems)
        return ExitCode.PROBLEMS
    found = open_now(site)
    now, zone = site.now, site.info.zone
    if found:
        print(f"Open at {words.show_time(now, zone)}:")
        _table([HEADER, *(_row(entry, now, zone) for entry in found)])
    else:
        print(
            f"Nothing is open at {words.show_time(now, zone)}: no unresolved incident, "
            "no maintenance in progress or to come."
        )
    if problems.errors:  # a broken file may be the very incident someone is waiting on
        print_problems(Problems(problems.errors))
        say(
            "Files with the errors above are not listed, and no build publishes until they are "
            "fixed (`statusgen check` shows every problem)."
        )
        return ExitCode.PROBLEMS
    return ExitCode.OK


def _row(entry: Open, now: datetime, zone: tzinfo) -> tuple[str, ...]:
    incident = entry.incident
    return (
        incident.slug,
        words.kind_label(incident).lower(),
        words.phase_label(incident, entry.window),
        "; ".join(_needs(entry, now, zone)) or "-",
    )


def _needs(entry: Open, now: datetime, zone: tzinfo) -> list[str]:
    """The promises fallen due, then what comes next."""
    incident, needs = entry.incident, []
    if entry.update_overdue is not None:
        late = words.duration(now - entry.update_overdue)
        needs.append(
            f"next update overdue since {words.show_time(entry.update_overdue, zone)} ({late})"
        )
    elif incident.pending_next_update is not None:
        needs.append(f"next update due {words.show_time(incident.pending_next_update, zone)}")
    if entry.estimate_missed is not None:
        needs.append(f"restore estimate {words.show_time(entry.estimate_missed, zone)} passed")
    if entry.window is not None and incident.scheduled_start and incident.scheduled_end:
        start, end = incident.scheduled_start, incident.scheduled_end
        if now < start:
            needs.append(f"starts {words.show_time(start, zone)}")
        elif now < end:
            needs.append(f"ends {words.show_time(end, zone)}")
        else:
            needs.append(
                f"window ended {words.show_time(end, zone)}: mark it completed (update --resolve)"
            )
    return needs


def _table(rows: list[tuple[str, ...]]) -> None:
    """Columns aligned for reading in a terminal; the last one runs on."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
