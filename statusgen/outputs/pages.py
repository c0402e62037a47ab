"""The model into HTML pages: {output path: bytes}. No I/O happens here."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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


def _pages(site: Site, salt: str, report: Report | None = None) -> Iterator[Page]:
    """Every page. Incident and month pages see only their own incidents and a clock that
    stops, so their key can say when the copy already published is still right."""
    common = context.common(site)
    now = {**common, **context.current(site)}

    def stopped(
        incidents: tuple[Incident, ...], template: str, *parts: str
    ) -> tuple[Callable[[], dict[str, Any]], str]:
        clock, live = page_clock(incidents, site.now)
        key = digest_fields(
            salt,
            template,
            iso_utc(clock),
            str(live),
            *parts,
            *(f"{i.slug}:{i.source}" for i in incidents),
        )
        return lambda: {**common, **context.clocked(clock, live)}, key

    yield Page(urls.INDEX, "index.html", lambda: now)
    for incident in site.incidents:
        values, key = stopped((incident,), "incident.html")
        yield Page(
            urls.incident_page(incident.slug),
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
            values, key = stopped(view.incidents, "month.html", view.path, calendar)
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
) -> Pages:
    """Draw every page, except those `published` already holds under the same key. `report`
    is the site's reliability report when the caller has it already."""
    templates = templates_digest(theme)
    env = (compiled or TemplateCache()).environment(
        theme, templates, site.info.timezone, site.info.zone
    )
    result = Pages()
    todo: list[Page] = []
    for page in _pages(site, theme_salt(templates, site, code), report):
        if page.key is not None:
            result.keys[page.path] = page.key
            if published is not None and published.get(page.path) == page.key:
                result.reused.add(page.path)
                continue
        todo.append(page)

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
