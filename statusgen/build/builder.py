"""One build: load and validate everything, render it to bytes, then publish it in one step."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from statusgen.build import fingerprint
from statusgen.config import Config, load_config
from statusgen.digest import digest
from statusgen.model import Site
from statusgen.outputs.api import render_api
from statusgen.outputs.calendar import render_calendar
from statusgen.outputs.feeds import render_feeds
from statusgen.outputs.pages import Pages, RenderError, render_pages
from statusgen.problems import Problems
from statusgen.publish.writer import PublishError, publish, published, store_for
from statusgen.source.cache import ParseCache
from statusgen.source.load import load_incidents
from statusgen.source.theme import Theme, load_theme
from statusgen.source.times import TimeError, resolve_now
from statusgen.state.status import clock_warnings, next_change

CACHE = "parsed.cache"


class UsageError(Exception):
    """The command was given something it cannot use (exit status 2)."""


@dataclass
class BuildResult:
    problems: Problems
    output: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # drawn in this build
    reused: set[str] = field(default_factory=set)  # already published exactly so
    written: bool = False
    # When a page depends on the clock next changes, e.g. a maintenance window opens.
    next_change: datetime | None = None


def render_site(site: Site, theme: Theme, code: str = "",
                published: Mapping[str, str] | None = None) -> Pages:
    """Every output file as bytes, except pages `published` already holds under the same key.
    Two parts claiming one path is a bug, not a choice."""
    pages = render_pages(site, theme, code, published)
    files = dict(theme.assets)
    for part in (pages.files, render_feeds(site), render_api(site), render_calendar(site)):
        clash = files.keys() & part.keys()
        if clash:
            raise RuntimeError(f"two outputs claim {sorted(clash)[0]}")
        files.update(part)
    return Pages(files, pages.keys, pages.reused)


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


def cache_file(output: Path) -> Path:
    return store_for(output) / CACHE


class Builder:
    """Builds one site again and again, redoing only what changed since the last build.

    What it keeps never changes the output: parsed incidents are keyed by their bytes and the
    configuration, pages by every input they are drawn from (see `render.Page.key`).
    """

    def __init__(self, config_path: Path, now: str | None = None, out: Path | None = None,
                 strict: bool = False, write: bool = True) -> None:
        self.config_path, self.now, self.out = config_path, now, out
        self.strict, self.write = strict, write
        # Saving the parsed incidents costs time in proportion to the site: `watch` keeps them
        # in memory and saves them only now and then (see `save_cache`).
        self.keep_cache = True
        self._cache: ParseCache | None = None
        self._output: Path | None = None
        self.config: Config | None = None  # as the last build read it; None if it was broken
        self.moment: datetime | None = None  # the moment the last build described

    def save_cache(self, output: Path | None = None) -> None:
        output = output or self._output
        if self._cache is not None and output is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be kept only costs time
                self._cache.save(cache_file(output))

    def _parse_cache(self, config: Config, output: Path) -> ParseCache:
        context = digest(fingerprint.code(), repr(config))
        if self._cache is None or self._cache.context != context:
            self._cache = ParseCache.load(cache_file(output), context)
        return self._cache

    def build(self, at: datetime | None = None) -> BuildResult:
        """Check everything, and unless there is a problem, publish the whole site.

        `at` overrides the clock for this one build (`watch` looks again at the same moment).
        """
        problems = Problems()
        config = self.config = load_config(self.config_path, problems)
        if config is None:
            return BuildResult(problems)
        try:
            moment = self.moment = at or resolve_now(self.now, config.zone)
        except TimeError as exc:
            raise UsageError(f"--now: {exc}" if self.now else str(exc)) from None
        output = self.out if self.out is not None else config.output_dir
        if self.write:
            _check_output(config, output, problems)
        usable = not problems.errors
        self._output = output if usable else None
        cache = self._parse_cache(config, output)
        incidents = load_incidents(config, problems, cache)
        # The model is large and long-lived: without this, the cycle collector would walk all
        # of it again and again while the pages are drawn (a fifth of a rebuild at 10,000).
        gc.freeze()
        if self.write and usable and self.keep_cache:
            self.save_cache(output)
        theme = load_theme(config.templates_dir, problems)
        if problems.errors:
            return BuildResult(problems, output)
        site = Site(config, incidents, moment)
        clock_warnings(site, problems)
        upcoming = next_change(site)
        try:
            rendered = render_site(site, theme, fingerprint.code(),
                                   published(output) if self.write else None)
        except RenderError as exc:
            problems.error(exc.path, exc.line, f"template error: {exc.message}")
            return BuildResult(problems, output)
        result = BuildResult(problems, output, rendered.files, rendered.reused,
                             next_change=upcoming)
        if problems.fails(self.strict) or not self.write:
            return result
        try:
            result.written = publish(rendered.files, output, rendered.keys, rendered.reused)
        except (PublishError, OSError) as exc:
            problems.error(output, 1, f"cannot publish: {exc}")
        return result


def build(config_path: Path, now: str | None = None, out: Path | None = None,
          strict: bool = False, write: bool = True) -> BuildResult:
    """Check everything, and unless there is a problem, publish the whole site."""
    return Builder(config_path, now, out, strict, write).build()
