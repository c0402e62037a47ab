"""One build: load and validate everything, render it to bytes, then publish it in one step."""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from statusgen.build.fingerprint import program
from statusgen.config import Config, load_config
from statusgen.digest import digest
from statusgen.lint import Coach, coach_for
from statusgen.model import Incident, Site, Theme
from statusgen.outputs.pages import PageKeys, Pages
from statusgen.outputs.site import render_site
from statusgen.outputs.templates import TemplateCache
from statusgen.problems import Problems, PublishError, RenderError, TimeError, UsageError
from statusgen.publish.manifest import Manifests
from statusgen.publish.writer import publish, published, store_for
from statusgen.report import KeptMonths
from statusgen.source.cache import ParseCache
from statusgen.source.links import warn_broken_links
from statusgen.source.load import load_incidents
from statusgen.source.theme import load_theme
from statusgen.source.times import resolve_now
from statusgen.state.clock import clock_warnings, next_change
from statusgen.state.uptime import history_warnings

CACHE = "parsed.cache"
PREVIEW = "preview"


@dataclass
class BuildResult:
    problems: Problems
    output: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # drawn in this build
    reused: set[str] = field(default_factory=set)  # already published exactly so
    written: bool = False
    # When a page depends on the clock next changes, e.g. a maintenance window opens.
    next_change: datetime | None = None
    # What was published, for `watch --notify` to tell subscribers about.
    site: Site | None = None
    theme: Theme | None = None


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of a build."""

    config_path: Path
    now: str | None = None  # `--now`; otherwise SOURCE_DATE_EPOCH, then the clock
    out: Path | None = None  # `--out`; otherwise the configuration's output folder
    strict: bool = False  # warnings fail the build
    write: bool = True  # False: check only
    # `serve`: drafts included, published to a preview beside the site (`preview_for`) and
    # never to the site itself.
    preview: bool = False


def _check_output(config: Config, output: Path, problems: Problems) -> None:
    """The output is replaced wholesale, so it must never hold or sit in the site's sources."""
    target = output.resolve()
    for source in (config.root, config.incidents_dir, config.templates_dir):
        if target == source.resolve() or target in source.resolve().parents:
            problems.error(
                config.path,
                1,
                f"the output folder `{output}` would replace "
                f"`{source}`: choose another output folder",
            )
    for source in (config.incidents_dir, config.templates_dir):
        if source.resolve() in target.parents:
            problems.error(
                config.path,
                1,
                f"the output folder `{output}` is inside `{source}`: choose a folder outside it",
            )


def cache_file(output: Path) -> Path:
    return store_for(output) / CACHE


def preview_for(output: Path) -> Path:
    """Where `serve` publishes: inside the site's own store, so no web server serving the site
    and no copy of it (`rsync -a site/ ...`) ever sees a draft."""
    return store_for(output) / PREVIEW


class Builder:
    """Builds one site again and again, redoing only what changed since the last build.

    What it keeps never changes the output: parsed incidents are keyed by their bytes and the
    site, pages by every input they are drawn from (see `outputs.pages.Page.key`), compiled
    templates by the theme, manifests by the very file they were read from, the report's
    settled months and the keys of settled pages by the very incidents they count.
    """

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.config_path = options.config_path
        # Saving the parsed incidents costs time in proportion to the site: `watch` keeps them
        # in memory and saves them only now and then (see `save_cache`).
        self.keep_cache = True
        self._cache: ParseCache | None = None
        self._output: Path | None = None
        self.templates = TemplateCache()
        self.report_months = KeptMonths()
        self.page_keys = PageKeys()
        self.api_keys = PageKeys()  # the API's per-incident files, keyed the same way
        self.manifests = Manifests()
        self.config: Config | None = None  # as the last build read it; None if it was broken
        self.moment: datetime | None = None  # the moment the last build described

    @property
    def now(self) -> str | None:
        """The clock as written (`--now`); None follows SOURCE_DATE_EPOCH, then the clock."""
        return self.options.now

    @now.setter
    def now(self, written: str | None) -> None:
        self.options = replace(self.options, now=written)

    def save_cache(self, output: Path | None = None) -> None:
        output = output or self._output
        if self._cache is not None and output is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be kept only costs time
                self._cache.save(cache_file(output))

    def _parse_cache(self, config: Config, output: Path, coach: Coach) -> ParseCache:
        context = digest(program(), config.site.key, coach.key)
        if self._cache is None or self._cache.context != context:
            self._cache = ParseCache.load(cache_file(output), context)
        return self._cache

    def build(self, at: datetime | None = None) -> BuildResult:
        """Check everything, and unless there is a problem, publish the whole site.

        `at` overrides the clock for this one build (`watch` looks again at the same moment).
        """
        result = self._build(at)
        # Only after publishing, so the cache never takes the room the site needs on a nearly
        # full disk, and only beside a site statusgen publishes (a refusal leaves no trace).
        output = self._output
        if self.options.write and self.keep_cache and output and store_for(output).is_dir():
            self.save_cache(output)
        return result

    def _build(self, at: datetime | None) -> BuildResult:
        problems = Problems()
        config = self.config = load_config(
            self.config_path, problems, before_going_live=not self.options.write
        )
        if config is None:
            return BuildResult(problems)
        moment = self.moment = at or self._now(config)
        output = self.site_output(config)
        if self.options.preview:
            output = preview_for(output)
        loaded = self._load(config, output, problems, moment)
        if loaded is None:
            return BuildResult(problems, output)
        site = Site(config.site, self._shown(loaded[0]), moment)
        clock_warnings(site, problems)
        history_warnings(site, problems)
        self._overdue(site, loaded[2], problems)
        rendered = self._render(site, loaded[1], output, problems)
        if rendered is None:
            return BuildResult(problems, output)
        # Only now is every path known that a relative link in an incident may lead to.
        drafts = [i.slug for i in loaded[0] if i.draft]
        warn_broken_links(site.incidents, rendered.files.keys() | rendered.reused, problems, drafts)
        result = BuildResult(
            problems,
            output,
            rendered.files,
            rendered.reused,
            next_change=next_change(site),
            site=site,
            theme=loaded[1],
        )
        if not problems.fails(self.options.strict) and self.options.write:
            self._publish(rendered, output, result)
        return result

    def site_output(self, config: Config) -> Path:
        """The folder `build` publishes (`serve` previews beside it)."""
        return self.options.out if self.options.out is not None else config.output_dir

    def _shown(self, incidents: tuple[Incident, ...]) -> tuple[Incident, ...]:
        """Drafts are left out of everything published; `check` looks at them like any file
        (clock warnings included), and `serve` previews them."""
        if self.options.preview or not self.options.write:
            return incidents
        return tuple(i for i in incidents if not i.draft)

    def _now(self, config: Config) -> datetime:
        try:
            return resolve_now(self.now, config.site.zone)
        except TimeError as exc:
            raise UsageError(f"--now: {exc}" if self.now else str(exc)) from None

    def _load(
        self, config: Config, output: Path, problems: Problems, moment: datetime
    ) -> tuple[tuple[Incident, ...], Theme, Coach] | None:
        """The incidents, the theme and the coach that read them; None when any file has an
        error."""
        if self.options.write:
            _check_output(config, output, problems)
        usable = not problems.errors
        self._output = output if usable else None
        coach = coach_for(config.path, config.coach, problems)
        cache = self._parse_cache(config, output, coach)
        incidents = load_incidents(config, problems, cache, coach, moment)
        # The model is large and long-lived: without this, the cycle collector would walk all
        # of it again and again while the pages are drawn (a fifth of a rebuild at 10,000).
        gc.freeze()
        theme = load_theme(config.templates_dir, problems)
        return None if problems.errors else (incidents, theme, coach)

    def _overdue(self, site: Site, coach: Coach, problems: Problems) -> None:
        """The promises the clock has passed: only the build knows the clock."""
        assert self._cache is not None
        for incident in site.unsettled:
            parsed = self._cache.entries.get(str(incident.path))
            if parsed is not None and parsed.dues:
                problems.items.extend(
                    coach.overdue(incident.path, parsed.dues, site.now, site.info.zone)
                )

    def _render(self, site: Site, theme: Theme, output: Path, problems: Problems) -> Pages | None:
        live = published(output, self.manifests) if self.options.write else None
        try:
            return render_site(
                site,
                theme,
                program(),
                live,
                self.templates,
                self.report_months,
                self.page_keys,
                self.api_keys,
            )
        except RenderError as exc:
            problems.error(exc.path, exc.line, f"template error: {exc.message}")
            return None

    def _publish(self, rendered: Pages, output: Path, result: BuildResult) -> None:
        try:
            result.written = publish(
                rendered.files, output, rendered.keys, rendered.reused, self.manifests
            )
        except (PublishError, OSError) as exc:
            result.problems.error(output, 1, f"cannot publish: {exc}")


def published_model(
    options: BuildOptions, real_clock: bool = False
) -> tuple[tuple[Config, Site, Theme] | None, Problems]:
    """What a build at the same moment publishes, without rendering it (for `notify`): the
    configuration, the site without drafts and the theme; None when anything has an error.
    Incidents come through the parse cache the last build kept, as a build's would: at ten
    thousand that is the difference between seconds and half a minute.

    `real_clock`: without `--now`, the clock even when SOURCE_DATE_EPOCH is set (it pins a
    build's output for reproducibility; subscribers are told when things really happen)."""
    builder, problems = Builder(options), Problems()
    config = load_config(builder.config_path, problems)
    if config is None:
        return None, problems
    if real_clock and not builder.now:
        moment = datetime.now(UTC).replace(microsecond=0)
    else:
        moment = builder._now(config)
    loaded = builder._load(config, builder.site_output(config), problems, moment)
    if loaded is None:
        return None, problems
    incidents, theme, _ = loaded
    return (config, Site(config.site, builder._shown(incidents), moment), theme), problems


def build(options: BuildOptions) -> BuildResult:
    """Check everything, and unless there is a problem, publish the whole site."""
    return Builder(options).build()
