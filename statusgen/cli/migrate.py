"""`statusgen import statuspage|cstate`: sources read, files written, and what to do next."""

from __future__ import annotations

import argparse
from pathlib import Path

from statusgen.cli.parser import FIFTY
from statusgen.cli.site import config_path
from statusgen.config import CONFIG_NAME, Config, load_config
from statusgen.migrate import ImportResult, import_records
from statusgen.migrate.files import components_toml
from statusgen.migrate.read import Batch, read_cstate, read_statuspage
from statusgen.problems import ExitCode, Problems, UsageError, suggest
from statusgen.terminal import print_problems, say


def import_pages(args: argparse.Namespace) -> ExitCode:
    problems = Problems()
    config = load_config(config_path(args.config), problems)
    print_problems(problems)
    if config is None:
        return ExitCode.PROBLEMS
    fallback = _fallback(args.component, config)
    if args.source_kind == "statuspage":
        batch = read_statuspage(args.sources, problems)
    else:
        batch = read_cstate(Path(args.dir), config.site.zone, problems)
    for note in batch.notes:
        say(note)
    if problems.errors:
        print_problems(problems, "Nothing was written: fix the sources above and import again.")
        return ExitCode.PROBLEMS
    result = import_records(batch.records, config, fallback)
    print_problems(Problems(batch.unreadable.items + result.problems.items))
    _report(result, batch, config)
    failed = batch.unreadable.errors or result.refused
    return ExitCode.PROBLEMS if failed else ExitCode.OK


def _fallback(given: list[str], config: Config) -> tuple[str, ...]:
    known = [c.id for c in config.site.components]
    for component in given:
        if component not in known:
            raise UsageError(
                f"--component: unknown component `{component}`{suggest(component, known)}; "
                f"known: {', '.join(known)}"
            )
    return tuple(dict.fromkeys(given))


def _report(result: ImportResult, batch: Batch, config: Config) -> None:
    for path in result.written:
        print(f"wrote {_shown(path)}")
    for path, why in result.skipped:
        print(f"skipped {_shown(path)}: {why}")
    for record, why in result.refused:
        print(f"not imported: {record}: {why}")
    left_out = len(batch.unreadable.errors) + len(result.refused)
    print(
        f"{len(result.written)} written, {len(result.skipped)} skipped (existing files are "
        f"never changed), {left_out} not imported."
    )
    if result.new_components:
        print(
            f"\nThe imported files name components that {_shown(config.path)} does not list "
            "yet; add these to it (change the ids if you like, in the files too):\n"
        )
        print(components_toml(result.new_components))
        print(f"Next: add them to {CONFIG_NAME}, then run `statusgen check`.")
    elif result.written:
        print("Next: run `statusgen check`, then `statusgen build`.")
    if batch.maybe_partial:
        print(FIFTY)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
