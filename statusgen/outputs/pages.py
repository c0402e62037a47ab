"""The model into HTML pages: {output path: bytes}. No I/O happens here."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from statusgen import parallel, urls
from statusgen.digest import digest, digest_fields
from statusgen.model import Incident, Site, Theme
from statusgen.outputs import context
from statusgen.outputs.badges import render_badges
from statusgen.outputs.months import month_view
from statusgen.outputs.reliability import report_context
from statusgen.outputs.templates import TemplateCache, render_template, templates_digest
from statusgen.outputs.timestamps import iso_utc
from statusgen.report import Report, compute_report
from statusgen.state.clock import page_clock
from statusgen.state.history import months

# Forking pays off only when there are enough pages to share out.
PARALLEL_PAGES = 300


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


class PageKeys:
    """The keys of pages about settled incidents only, from the build before (`watch` builds
    again and again). Such a key is a function of the same incidents, the same parts and a
    clock that has stopped, so it is taken again rather than worked out again: at ten
    thousand incidents that halves what the unchanged pages cost a rebuild."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[tuple[Incident, ...], tuple[str, ...], datetime, str]] = {}
        self._next: dict[str, tuple[tuple[Incident, ...], tuple[str, ...], datetime, str]] = {}

    def get(
        self, path: str, incidents: tuple[Incident, ...], parts: tuple[str, ...], now: datetime
    ) -> tuple[datetime, str] | None:
        held = self._held.get(path)
        if held is None:
            return None
        were, were_parts, clock, key = held
        # A clock after `now` (a build for an earlier moment) may not have stopped yet. The
        # incidents compare by identity first, so the same objects cost next to nothing.
        if clock > now or were != incidents or were_parts != parts:
            return None
        self._next[path] = held
        return clock, key

    def put(
        self,
        path: str,
        incidents: tuple[Incident, ...],
        parts: tuple[str, ...],
        clock: datetime,
        key: str,
    ) -> None:
        self._next[path] = (incidents, parts, clock, key)

    def turn(self) -> None:
        """The build is over: keep only what it used, so deleted incidents are let go."""
        self._held, self._next = self._next, {}


def _pages(
    site: Site, salt: str, report: Report | None = None, held: PageKeys | None = None
) -> Iterator[Page]:
    """Every page. Incident and month pages see only their own incidents and a clock that
    stops, so their key can say when the copy already published is still right."""
    common = context.common(site)
    now = {**common, **context.current(site)}

    def stopped(
        incidents: tuple[Incident, ...], template: str, path: str, *parts: str
    ) -> tuple[Callable[[], dict[str, Any]], str]:
        signs = (salt, template, *parts)
        found = held.get(path, incidents, signs, site.now) if held else None
        if found is not None:
            clock, key = found
            return lambda: {**common, **context.clocked(clock, False)}, key
        clock, live = page_clock(incidents, site.now)
        key = digest_fields(
            salt,
            template,
            iso_utc(clock),
            str(live),
            *parts,
            *(f"{i.slug}:{i.source}" for i in incidents),
        )
        if held is not None and not live:
            held.put(path, incidents, signs, clock, key)
        return lambda: {**common, **context.clocked(clock, live)}, key

    yield Page(urls.INDEX, "index.html", lambda: now)
    for incident in site.incidents:
        path = urls.incident_page(incident.slug)
        values, key = stopped((incident,), "incident.html", path)
        yield Page(
            path,
            "incident.html",
            functools.partial(_with, values, incident=incident),
            key,
        )
    views = [month_view(m) for m in months(site)]
    links = tuple(v.link for v in views)
    yield Page(
        urls.HISTORY,
        "history.html",
        lambda: {**common, **context.clocked(site.now, True), "months": links},
    )
    calendar = digest(*(f"{m.path}:{m.count}" for m in links))
    for view in views:
        if view.incidents:
            values, key = stopped(view.incidents, "month.html", view.path, view.path, calendar)
            yield Page(
                view.path,
                "month.html",
                functools.partial(_with, values, month=view, months=links),
                key,
            )
    # Every figure of the report depends on the clock (a promise falls due), so it is drawn anew.
    yield Page(
        urls.REPORT,
        "report.html",
        lambda: {
            **common,
            **context.clocked(site.now, True),
            **report_context(report or compute_report(site)),
        },
    )
    for component in site.info.components:
        yield Page(
            urls.component_page(component.id),
            "component.html",
            functools.partial(context.component, site, component, now),
        )


def _with(values: Callable[[], dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {**values(), **more}


def theme_salt(templates: str, site: Site, code: str) -> str:
    """Everything every page shares: a different theme, site or program draws anew."""
    return digest(code, site.info.key, templates)


def render_pages(
    site: Site,
    theme: Theme,
    code: str = "",
    published: Mapping[str, str] | None = None,
    compiled: TemplateCache | None = None,
    report: Report | None = None,
    held: PageKeys | None = None,
) -> Pages:
    """Draw every page, except those `published` already holds under the same key. `report`
    is the site's reliability report when the caller has it already; `held` the keys of
    settled pages from the build before."""
    templates = templates_digest(theme)
    env = (compiled or TemplateCache()).environment(
        theme, templates, site.info.timezone, site.info.zone
    )
    result = Pages()
    todo: list[Page] = []
    for page in _pages(site, theme_salt(templates, site, code), report, held):
        if page.key is not None:
            result.keys[page.path] = page.key
            if published is not None and published.get(page.path) == page.key:
                result.reused.add(page.path)
                continue
        todo.append(page)
    if held is not None:
        held.turn()

    def draw(pages: Sequence[Page]) -> list[bytes]:
        return [
            render_template(
                env, p.template, {**p.values(), "url": urls.relative(p.path), "page": p.path}
            )
            for p in pages
        ]

    for page, data in zip(todo, parallel.split(draw, todo, minimum=PARALLEL_PAGES), strict=True):
        result.files[page.path] = data
    result.files.update(render_badges(site, functools.partial(render_template, env)))
    return result
