"""The `statusgen` command: thin layers over loading, building and the file helpers."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path

from statusgen import __version__
from statusgen.build.builder import Builder, BuildResult, UsageError, build
from statusgen.config import CONFIG_NAME, Config, find_config, load_config
from statusgen.problems import Problems, print_problems

OK, PROBLEMS, USAGE = 0, 1, 2


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def config_path(args: argparse.Namespace) -> Path:
    if args.config:
        path = Path(args.config)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.is_file():
            raise UsageError(f"--config: `{args.config}` does not exist")
        return path.resolve()
    found = find_config(Path.cwd())
    if found is None:
        raise UsageError(f"no {CONFIG_NAME} in this folder or any folder above it; "
                         "run `statusgen init` to start a site, or pass --config PATH")
    return found.resolve()


def load_config_or_fail(args: argparse.Namespace) -> Config:
    problems = Problems()
    config = load_config(config_path(args), problems)
    print_problems(problems)
    if config is None:
        raise SystemExit(PROBLEMS)
    return config


def _summary(result: BuildResult, strict: bool, verb: str) -> int:
    print_problems(result.problems)
    errors, warnings = len(result.problems.errors), len(result.problems.warnings)
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if result.problems.fails(strict):
        why = "" if errors else " (warnings count as errors with --strict)"
        if verb == "check":
            _say(f"{counts}{why}.")
        else:
            _say(f"{counts}{why}: nothing was published; the last good site stays as it was.")
        return PROBLEMS
    if verb == "check":
        print(f"Checked: {counts}.")
    elif result.written:
        print(f"Published {len(result.files) + len(result.reused)} files to {result.output} "
              f"({counts}); {len(result.files)} rendered, {len(result.reused)} unchanged.")
    else:
        print(f"Nothing changed: {result.output} is up to date ({counts}).")
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    result = build(config_path(args), now=args.now, strict=args.strict, write=False)
    return _summary(result, args.strict, "check")


def cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    result = build(config_path(args), now=args.now, out=out, strict=args.strict)
    return _summary(result, args.strict, "build")


def cmd_init(args: argparse.Namespace) -> int:
    from statusgen.authoring.scaffold import init_site
    from statusgen.source.times import resolve_now

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"`{folder}` is a file, not a folder")
    try:
        written = init_site(folder, resolve_now(args.now, UTC))
    except FileExistsError as exc:
        _say(f"statusgen: {exc}")
        return PROBLEMS
    for path in written:
        print(f"created {path}")
    print(f"Next: cd {folder} && statusgen serve")
    return OK


def cmd_new(args: argparse.Namespace) -> int:
    from statusgen.authoring.commands import new_incident

    return new_incident(args, load_config_or_fail(args))


def cmd_update(args: argparse.Namespace) -> int:
    from statusgen.authoring.commands import update_incident

    return update_incident(args, load_config_or_fail(args))


def _builder(args: argparse.Namespace) -> Builder:
    return Builder(config_path(args), now=args.now, out=Path(args.out) if args.out else None,
                   strict=args.strict)


def cmd_watch(args: argparse.Namespace) -> int:
    from statusgen.live.watch import watch

    return watch(_builder(args), args.strict)


def cmd_serve(args: argparse.Namespace) -> int:
    from statusgen.live.serve import serve

    return serve(_builder(args), args.port, args.strict)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="statusgen",
        description="Turn Markdown incident files into a static status site, feeds and API.",
    )
    root.add_argument("--version", action="version", version=f"statusgen {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH",
                        help=f"the site's {CONFIG_NAME} (default: the nearest one above here)")
    clock = argparse.ArgumentParser(add_help=False)
    clock.add_argument("--now", metavar="TIME",
                       help="build as if it were this time (default: SOURCE_DATE_EPOCH, "
                            "then the clock)")

    init = commands.add_parser("init", parents=[clock], help="start a new status site")
    init.add_argument("dir", nargs="?", default=".", help="folder to create it in")
    init.set_defaults(run=cmd_init)

    check = commands.add_parser("check", parents=[common, clock],
                                help="validate everything, write nothing")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.set_defaults(run=cmd_check)

    build_ = commands.add_parser("build", parents=[common, clock], help="build the site")
    build_.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    build_.set_defaults(run=cmd_build)

    live = argparse.ArgumentParser(add_help=False)
    live.add_argument("--strict", action="store_true", help="treat warnings as errors")
    live.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    watch = commands.add_parser("watch", parents=[common, clock, live],
                                help="build, then rebuild whenever a source changes")
    watch.set_defaults(run=cmd_watch)
    serve = commands.add_parser("serve", parents=[common, clock, live],
                                help="watch, and serve the site on 127.0.0.1 with live reload")
    serve.add_argument("--port", type=int, default=8000,
                       help="port (default: 8000; 0 picks a free one)")
    serve.set_defaults(run=cmd_serve)

    from statusgen.authoring.commands import add_new, add_update

    add_new(commands, [common, clock], cmd_new)
    add_update(commands, [common, clock], cmd_update)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as exc:
        _say(f"statusgen: {exc}")
        return USAGE
    except KeyboardInterrupt:
        _say("Stopped before finishing; nothing half-done was published.")
        return 130
    except Exception as exc:  # the person at 3 a.m. needs a sentence, not a traceback
        if os.environ.get("STATUSGEN_DEBUG"):
            raise
        _say(f"statusgen: unexpected {type(exc).__name__}: {exc}. Nothing was published. "
             "Set STATUSGEN_DEBUG=1 to see the details, and please report it.")
        return PROBLEMS
