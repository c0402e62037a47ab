"""The command line's shape: every command, its options and their help."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from statusgen import __version__
from statusgen.config import CONFIG_NAME
from statusgen.model import Impact, UpdateStatus

if TYPE_CHECKING:  # argparse's subparser type is generic only to type checkers
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def parser() -> argparse.ArgumentParser:
    """Each command's parser names the function that runs it as `command`."""
    root = argparse.ArgumentParser(
        prog="statusgen",
        description="Turn Markdown incident files into a static status site, feeds and API.",
    )
    root.add_argument("--version", action="version", version=f"statusgen {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help=f"the site's {CONFIG_NAME} (default: the nearest one above here)",
    )
    clock = argparse.ArgumentParser(add_help=False)
    clock.add_argument(
        "--now",
        metavar="TIME",
        help="build as if it were this time (default: SOURCE_DATE_EPOCH, then the clock)",
    )
    init = commands.add_parser("init", parents=[clock], help="start a new status site")
    init.add_argument("dir", nargs="?", default=".", help="folder to create it in")
    _add_site_commands(commands, [common, clock])
    _add_new(commands, [common, clock])
    _add_update(commands, [common, clock])
    commands.add_parser(
        "list",
        parents=[common, clock],
        help="open incidents and maintenance, and the promises to customers fallen due",
    )
    _add_report(commands, [common, clock])
    _add_notify(commands, [common])
    _add_import(commands, [common])
    return root


def _add_notify(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "notify",
        parents=parents,
        help="send every update not yet sent to the webhooks, email and chat of [notify]",
        description="Send each new update once to every channel of [notify], and record it in "
        "the ledger (notified.json, meant to be committed). The first run records what is "
        "already there and sends nothing. Run it after publishing.",
    )
    command.add_argument(
        "--dry-run",
        action="store_true",
        help="print every message that would be sent; send nothing and change nothing",
    )
    command.add_argument(
        "--now",
        metavar="TIME",
        help="notify as if it were this time (default: the clock; SOURCE_DATE_EPOCH is not used)",
    )


FIFTY = (
    "A page's public incidents.json holds only its latest 50 incidents: to bring the whole "
    "history, also pass incidents.json files saved before (a folder of them works)."
)


def _add_import(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "import",
        help="incident files from another status page (Statuspage, cState)",
        description="Write an incident file for every incident and maintenance of another "
        "status page. Existing files are never changed: importing twice changes nothing.",
    )
    kinds = command.add_subparsers(dest="source_kind", required=True, metavar="FROM")
    fallback = argparse.ArgumentParser(add_help=False)
    fallback.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="ID",
        help="a component of statusgen.toml for incidents that name none (may be repeated)",
    )
    statuspage = kinds.add_parser(
        "statuspage",
        parents=[*parents, fallback],
        help="from Atlassian Statuspage: a page's address or saved JSON",
        description="Import incidents and scheduled maintenances from Atlassian Statuspage. "
        + FIFTY,
    )
    statuspage.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a page's address (https://status.example.com), a saved incidents.json, "
        "scheduled-maintenances.json or incidents/<id>.json, or a folder of them",
    )
    cstate = kinds.add_parser(
        "cstate",
        parents=[*parents, fallback],
        help="from cState: its content/issues folder",
        description="Import cState issues (content/issues/*.md).",
    )
    cstate.add_argument(
        "dir", metavar="DIR", help="the cState site, its content folder or content/issues"
    )


def _add_report(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        parents=parents,
        help="the reliability report: how well promises to customers were kept, month by month",
    )
    report.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (default, for reading), json (report/report.json's bytes) or csv",
    )


def _add_site_commands(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", parents=parents, help="validate everything, write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build = commands.add_parser("build", parents=parents, help="build the site")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    live = argparse.ArgumentParser(add_help=False)
    live.add_argument("--strict", action="store_true", help="treat warnings as errors")
    live.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    watch = commands.add_parser(
        "watch", parents=[*parents, live], help="build, then rebuild whenever a source changes"
    )
    watch.add_argument(
        "--notify",
        action="store_true",
        help="after each build, send new updates to the channels of [notify] (as `notify` does)",
    )
    serve = commands.add_parser(
        "serve",
        parents=[*parents, live],
        help="watch, and serve the site on 127.0.0.1 with live reload",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )


def _add_new(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    new = commands.add_parser("new", parents=parents, help="write a new incident file")
    new.add_argument("title", help='what customers see, e.g. "Card payments failing"')
    new.add_argument(
        "--strict", action="store_true", help="do not write when the writing coach has advice"
    )
    new.add_argument(
        "--components",
        required=True,
        metavar="A,B",
        help="affected components from statusgen.toml (ids or names, any case), comma-separated",
    )
    new.add_argument(
        "--impact",
        type=_word,
        choices=[i.value for i in Impact],
        help="none, minor, major or critical (required for an incident)",
    )
    new.add_argument("--maintenance", action="store_true", help="announce maintenance instead")
    new.add_argument(
        "--again",
        action="store_true",
        help="open it even though an open incident has the same title",
    )
    new.add_argument("--start", metavar="TIME", help="maintenance window start")
    new.add_argument("--end", metavar="TIME", help="maintenance window end")
    new.add_argument(
        "--next-update",
        default="30m",
        metavar="DURATION",
        help="when the next update is promised (default: 30m)",
    )
    new.add_argument("--estimate", metavar="TIME", help=_ESTIMATE)


_ESTIMATE = (
    "promise when service will be back: a time (17:00, 2026-11-20 17:00 UTC) or how long from "
    "now (2h); written as an `Expected restore:` line"
)


def _word(text: str) -> str:
    """`Resolved`, `In progress` and `in-progress` as the words statusgen knows."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _add_update(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    update = commands.add_parser("update", parents=parents, help="add an update to an incident")
    update.add_argument(
        "slug", help="the incident's file name without .md, or its path as `new` printed it"
    )
    update.add_argument("message", help="what customers should know now")
    update.add_argument(
        "--status",
        type=_word,
        choices=[s.value for s in UpdateStatus],
        help="the new status, in any case (default: update)",
    )
    update.add_argument(
        "--resolve",
        action="store_true",
        help="service is restored (or the maintenance is complete)",
    )
    update.add_argument(
        "--next-update", metavar="DURATION", help="promise the next update in this long, e.g. 30m"
    )
    update.add_argument("--estimate", metavar="TIME", help=_ESTIMATE)
    update.add_argument(
        "--strict", action="store_true", help="do not save when the writing coach has advice"
    )
