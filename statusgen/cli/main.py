"""`statusgen`: parse the command line, run the command, turn what happened into an exit code."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

from statusgen.cli.authoring import new, update
from statusgen.cli.listing import list_open
from statusgen.cli.migrate import import_pages
from statusgen.cli.parser import parser
from statusgen.cli.report import report
from statusgen.cli.site import build_site, check, init, serve, watch
from statusgen.problems import ExitCode, UsageError
from statusgen.terminal import say


def notify(args: argparse.Namespace) -> ExitCode:
    # Apprise and the mail and HTTP clients take a while to import: only `notify` needs them.
    from statusgen.cli.notify import notify as send

    return send(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], ExitCode]] = {
    "init": init,
    "check": check,
    "build": build_site,
    "watch": watch,
    "serve": serve,
    "new": new,
    "update": update,
    "list": list_open,
    "report": report,
    "import": import_pages,
    "notify": notify,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except UsageError as exc:
        say(f"statusgen: {exc}")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        say(f"Stopped before finishing; {_SAFE.get(args.command, _PUBLISHED)}")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # the person at 3 a.m. needs a sentence, not a traceback
        if os.environ.get("STATUSGEN_DEBUG"):
            raise
        safe = _SAFE.get(args.command, _PUBLISHED)
        say(
            f"statusgen: unexpected {type(exc).__name__}: {exc}. {safe[0].upper()}{safe[1:]} "
            "Set STATUSGEN_DEBUG=1 to see the details, and please report it."
        )
        return ExitCode.PROBLEMS


_PUBLISHED = "nothing half-done was published."
# What stays true when a command stops part way, for commands that publish nothing.
_SAFE = {
    "notify": "every message sent so far is in the ledger, and the next run sends the rest.",
}
