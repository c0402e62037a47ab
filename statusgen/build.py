"""One build: load and validate everything, render it to bytes, then publish it in one step."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from statusgen.api import render_api
from statusgen.calendar import render_calendar
from statusgen.config import Config, load_config
from statusgen.feeds import render_feeds
from statusgen.load import load_incidents
from statusgen.model import Site
from statusgen.problems import Problems
from statusgen.render import RenderError, render_pages
from statusgen.status import clock_warnings
from statusgen.theme import Theme, load_theme
from statusgen.times import TimeError, resolve_now
from statusgen.write import PublishError, publish


class UsageError(Exception):
    """The command was given something it cannot use (exit status 2)."""


@dataclass
class BuildResult:
    problems: Problems
    output: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    written: bool = False


def render_site(site: Site, theme: Theme) -> dict[str, bytes]:
    """Every output file as bytes. Two parts claiming one path is a bug, not a choice."""
    files: dict[str, bytes] = dict(theme.assets)
    for part in (render_pages(site, theme), render_feeds(site), render_api(site),
                 render_calendar(site)):
        clash = files.keys() & part.keys()
        if clash:
            raise RuntimeError(f"two outputs claim {sorted(clash)[0]}")
        files.update(part)
    return files


def _check_output(config: Config, output: Path, problems: Problems) -> None:
    """The output is replaced wholesale, so it must never hold or sit in the site's sources."""
    target = output.resolve()
    for source in (config.root, config.incidents_dir, config.templates_dir):
        if target == source.resolve() or target in source.resolve().parents:
            problems.error(config.path, 1, f"the output folder `{output}` would replace "
                           f"`{source}`: choose another output folder")
    for source in (config.incidents_dir, config.templates_dir):
        if source.resolve() in target.parents:
            problems.error(config.path, 1, f"the output folder `{output}` is inside "
                           f"`{source}`: choose a folder outside it")


def build(config_path: Path, now: str | None = None, out: Path | None = None,
          strict: bool = False, write: bool = True) -> BuildResult:
    """Check everything, and unless there is a problem, publish the whole site."""
    problems = Problems()
    config = load_config(config_path, problems)
    if config is None:
        return BuildResult(problems)
    try:
        moment = resolve_now(now, config.zone)
    except TimeError as exc:
        raise UsageError(f"--now: {exc}" if now else str(exc)) from None
    incidents = load_incidents(config, problems)
    theme = load_theme(config.templates_dir, problems)
    output = out if out is not None else config.output_dir
    if write:
        _check_output(config, output, problems)
    if problems.errors:
        return BuildResult(problems, output)
    site = Site(config, incidents, moment)
    clock_warnings(site, problems)
    try:
        files = render_site(site, theme)
    except RenderError as exc:
        problems.error(exc.path, exc.line, f"template error: {exc.message}")
        return BuildResult(problems, output)
    if problems.fails(strict) or not write:
        return BuildResult(problems, output, files)
    try:
        written = publish(files, output)
    except (PublishError, OSError) as exc:
        problems.error(output, 1, f"cannot publish: {exc}")
        return BuildResult(problems, output, files)
    return BuildResult(problems, output, files, written)
