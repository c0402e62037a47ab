"""The model into HTML pages: {output path: bytes}. No I/O happens here."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import jinja2

from statusgen import parallel, words
from statusgen.digest import digest, digest_fields
from statusgen.model import Component, Incident, SectionKey, Site
from statusgen.outputs.badges import render_badges
from statusgen.source.theme import Theme
from statusgen.source.times import iso_utc
from statusgen.state import status, uptime
from statusgen.state.history import Month, months

RECENT_ON_COMPONENT = 50
# Forking pays off only when there are enough pages to share out.
PARALLEL_PAGES = 300


class RenderError(Exception):
    """A template failed; names the template file and line so the theme author can fix it."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __reduce__(self) -> tuple[type[RenderError], tuple[Path, int, str]]:
        return RenderError, (self.path, self.line, self.message)  # it may cross from a worker


class _ThemeLoader(jinja2.BaseLoader):
    """Serves templates already read into memory, keeping their real paths for error messages."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.theme.templates:
            raise jinja2.TemplateNotFound(template)
        source, path = self.theme.templates[template]
        return source, str(path), lambda: True


# Compiling the templates takes longer than drawing a few pages: `watch` reuses them while the
# theme and the zone stay the same.
_COMPILED: dict[str, jinja2.Environment] = {}


def _templates_digest(theme: Theme) -> str:
    parts: list[str | bytes] = []
    for name, (source, path) in sorted(theme.templates.items()):
        parts += [name, str(path), source]
    return digest(*parts)


def environment(theme: Theme, site: Site, templates: str | None = None) -> jinja2.Environment:
    """`templates` is `_templates_digest(theme)` when the caller already has it."""
    key = digest(templates or _templates_digest(theme), site.config.timezone)
    if key not in _COMPILED:
        if len(_COMPILED) > 4:
            _COMPILED.clear()
        _COMPILED[key] = _environment(theme, site.config.zone)
    return _COMPILED[key]


def _environment(theme: Theme, zone: tzinfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_ThemeLoader(theme),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        time=lambda t: words.show_time(t, zone),
        iso=iso_utc,
        duration=words.duration,
        promise=lambda i: words.promise(i, zone),
    )
    return env


def _relative(page: str) -> Callable[[str], str]:
    """Links from one page to another that work under any path and straight from the disk."""
    folder = [part for part in posixpath.dirname(page).split("/") if part]

    def url(target: str) -> str:
        # posixpath.relpath would ask the system for the working folder on every link.
        parts = target.split("/")
        shared = 0
        while shared < min(len(folder), len(parts) - 1) and folder[shared] == parts[shared]:
            shared += 1
        return "/".join([".."] * (len(folder) - shared) + parts[shared:]) or "."

    return url


def incident_path(incident: Incident) -> str:
    return f"incidents/{incident.slug}/index.html"


def component_path(component_id: str) -> str:
    return f"components/{component_id}/index.html"


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    values: Callable[[], dict[str, Any]]  # made only if the page is drawn
    key: str | None = None  # names every input of the page; None: drawn on every build


@dataclass
class Pages:
    files: dict[str, bytes] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # path → key, for pages a later build
    reused: set[str] = field(default_factory=set)  # may reuse; and paths not drawn this time


def _clocked(clock: datetime, live: bool) -> dict[str, Any]:
    """What a page may know about time. On incident and month pages the clock stops once
    everything on the page is over (see `status.page_clock`), so those pages stop changing."""
    return {
        "now": clock,
        "live": live,
        "is_overdue": lambda i: status.is_overdue(i, clock),
        "window": lambda i: status.window(i, clock),
        "phase": lambda i: status.phase_label(i, clock),
        "estimate_passed": lambda i: status.estimate_passed(i, clock),
    }


def _common(site: Site) -> dict[str, Any]:
    """What every page may use: the configuration and helpers that do not depend on the clock."""
    return {
        "site": site.config,
        "kind_label": status.kind_label,
        "component_name": site.config.name_of,
        "incident_path": incident_path,
        "component_path": component_path,
        "Section": SectionKey,
        "month_of": lambda i: Month.of(i.started, site.config.zone).path,
        "uptime_rule": status.uptime_rule(),
    }


def _current(site: Site) -> dict[str, Any]:
    """The state of everything now: only on pages that are drawn on every build."""
    statuses = status.component_statuses(site)
    return {
        **_clocked(site.now, True),
        "statuses": statuses,
        "overall": status.overall(site),
        "groups": status.groups(site, statuses),
        "active": status.active(site),
        "upcoming": status.upcoming(site),
        "recent": status.recent_days(site),
    }


def _pages(site: Site, salt: str) -> Iterator[Page]:
    """Every page. Incident and month pages see only their own incidents and a clock that
    stops, so their key can say when the copy already published is still right."""
    common = _common(site)
    current = {**common, **_current(site)}

    def stopped(incidents: tuple[Incident, ...], template: str,
                *parts: str) -> tuple[Callable[[], dict[str, Any]], str]:
        clock, live = status.page_clock(incidents, site.now)
        key = digest_fields(salt, template, iso_utc(clock), str(live), *parts,
                            *(f"{i.slug}:{i.source}" for i in incidents))
        return lambda: {**common, **_clocked(clock, live)}, key

    yield Page("index.html", "index.html", lambda: current)
    for incident in site.incidents:
        values, key = stopped((incident,), "incident.html")
        yield Page(incident_path(incident), "incident.html",
                   functools.partial(_with, values, incident=incident), key)
    all_months = months(site)
    links = tuple(m.link for m in all_months)
    yield Page("history/index.html", "history.html",
               lambda: {**common, **_clocked(site.now, True), "months": links})
    calendar = digest(*(f"{m.path}:{m.count}" for m in links))
    for month in all_months:
        if month.incidents:
            values, key = stopped(month.incidents, "month.html", month.path, calendar)
            yield Page(month.path, "month.html",
                       functools.partial(_with, values, month=month, months=links), key)
    for component in site.config.components:
        yield Page(component_path(component.id), "component.html",
                   functools.partial(_component, site, component, current))


def _with(values: Callable[[], dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {**values(), **more}


def _component(site: Site, component: Component, current: dict[str, Any]) -> dict[str, Any]:
    related = status.incidents_for(site, component.id)
    return {
        **current,
        "component": component,
        "uptime": uptime.uptime(site, component.id),
        "related": related[:RECENT_ON_COMPONENT],
        "older": len(related) > RECENT_ON_COMPONENT,
    }


def theme_salt(templates: str, site: Site, code: str) -> str:
    """Everything every page shares: a different theme, configuration or program draws anew."""
    return digest(code, repr(site.config), templates)


def render_pages(site: Site, theme: Theme, code: str = "",
                 published: Mapping[str, str] | None = None) -> Pages:
    """Draw every page, except those `published` already holds under the same key."""
    templates = _templates_digest(theme)
    env = environment(theme, site, templates)
    result = Pages()
    todo: list[Page] = []
    for page in _pages(site, theme_salt(templates, site, code)):
        if page.key is not None:
            result.keys[page.path] = page.key
            if published is not None and published.get(page.path) == page.key:
                result.reused.add(page.path)
                continue
        todo.append(page)

    def draw(pages: Sequence[Page]) -> list[bytes]:
        return [_render(env, p.template, {**p.values(), "url": _relative(p.path), "page": p.path})
                for p in pages]

    for page, data in zip(todo, parallel.split(draw, todo, minimum=PARALLEL_PAGES), strict=True):
        result.files[page.path] = data
    result.files.update(render_badges(site, lambda name, values: _render(env, name, values)))
    return result


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    try:
        return env.get_template(name).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(Path(exc.filename or name), exc.lineno, exc.message or "") from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(Path(name), 1, f"template `{exc.name}` is missing") from None
    except Exception as exc:  # a template bug names its file and line instead of a traceback
        path, line = _template_frame(exc)
        raise RenderError(path or Path(name), line, f"{type(exc).__name__}: {exc}") from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int]:
    """The innermost template file and line in a traceback Jinja has rewritten."""
    found: tuple[Path | None, int] = (None, 1)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg", ".txt")):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
