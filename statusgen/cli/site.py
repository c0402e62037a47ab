"""`init`, `check`, `build`, `watch` and `serve`: the command line's words for the one build."""

from __future__ import annotations

import argparse
from datetime import UTC
from pathlib import Path

from statusgen.authoring.scaffold import init_site
from statusgen.build import Builder, BuildOptions, BuildResult, build
from statusgen.config import CONFIG_NAME, find_config, load_config
from statusgen.problems import ExitCode, Problems, UsageError
from statusgen.source.times import resolve_now
from statusgen.terminal import counts, print_problems, say


def config_path(given: str | None) -> Path:
    """`--config`, or the nearest `statusgen.toml` from here up."""
    if given:
        path = Path(given)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.is_file():
            raise UsageError(f"--config: `{given}` does not exist")
        return path.resolve()
    found = find_config(Path.cwd())
    if found is None:
        raise UsageError(
            f"no {CONFIG_NAME} in this folder or any folder above it; "
            "run `statusgen init` to start a site, or pass --config PATH"
        )
    return found.resolve()


def build_options(
    args: argparse.Namespace, write: bool = True, preview: bool = False
) -> BuildOptions:
    out = getattr(args, "out", None)
    return BuildOptions(
        config_path(args.config),
        now=args.now,
        out=Path(out) if out else None,
        strict=args.strict,
        write=write,
        preview=preview,
    )


def _summary(result: BuildResult, strict: bool, verb: str) -> ExitCode:
    print_problems(result.problems)
    summary = counts(result.problems)
    if result.problems.fails(strict):
        why = "" if result.problems.errors else " (warnings count as errors with --strict)"
        if verb == "check":
            say(f"{summary}{why}.")
        else:
            say(f"{summary}{why}: nothing was published; the last good site stays as it was.")
        return ExitCode.PROBLEMS
    if verb == "check":
        print(f"Checked: {summary}.")
    elif result.written:
        print(
            f"Published {len(result.files) + len(result.reused)} files to {result.output} "
            f"({summary}); {len(result.files)} rendered, {len(result.reused)} unchanged."
        )
    else:
        print(f"Nothing changed: {result.output} is up to date ({summary}).")
    return ExitCode.OK


def check(args: argparse.Namespace) -> ExitCode:
    options = build_options(args, write=False)
    builder = Builder(options)
    result = builder.build()
    config = builder.config
    email = config.notify.email if config else None
    # A mistake there would stop `notify` at the worst moment. The list may be kept out of the
    # repository (it holds customers' addresses), so only one that is there is checked.
    if config is not None and email is not None:
        from statusgen.notify.preflight import template_problems
        from statusgen.notify.subscribers import read_subscribers

        if email.subscribers.exists():
            read_subscribers(email.subscribers, config.site.components, result.problems)
        if result.site is not None and result.theme is not None:
            template_problems(config, result.site, result.theme, result.problems)
    return _summary(result, options.strict, "check")


def build_site(args: argparse.Namespace) -> ExitCode:
    options = build_options(args)
    return _summary(build(options), options.strict, "build")


def init(args: argparse.Namespace) -> ExitCode:
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"`{folder}` is a file, not a folder")
    try:
        written = init_site(folder, resolve_now(args.now, UTC))
    except FileExistsError as exc:
        say(f"statusgen: {exc}")
        return ExitCode.PROBLEMS
    for path in written:
        print(f"created {path}")
    here = folder.resolve() == Path.cwd().resolve()
    print("Next: statusgen serve" if here else f"Next: cd {folder} && statusgen serve")
    return ExitCode.OK


def watch(args: argparse.Namespace) -> ExitCode:
    from statusgen.live.watch import watch as watch_site

    options = build_options(args)
    if args.notify and not _ready_to_notify(options.config_path):
        return ExitCode.PROBLEMS
    return watch_site(Builder(options), notify=args.notify)


def _ready_to_notify(path: Path) -> bool:
    """`watch --notify` checks its channels before the first build, not at the first update."""
    from statusgen.notify.send import missing_secrets, require_channels

    problems = Problems()
    config = load_config(path, problems)
    if config is None:
        print_problems(problems, "Nothing was built or sent.")
        return False
    require_channels(config)
    missing = missing_secrets(config)
    for sentence in missing:
        say(f"statusgen: {sentence}")
    if missing:
        say("Nothing was built or sent. Secrets come from the environment.")
    return not missing


def serve(args: argparse.Namespace) -> ExitCode:
    from statusgen.live.serve import serve as serve_site

    return serve_site(Builder(build_options(args, preview=True)), args.port)
