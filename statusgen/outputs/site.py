"""The whole site as bytes: pages, feeds, the API, the calendar and the theme's assets."""

from __future__ import annotations

from collections.abc import Mapping

from statusgen.model import Site, Theme
from statusgen.outputs.api import render_api
from statusgen.outputs.calendar import render_calendar
from statusgen.outputs.feeds import render_feeds
from statusgen.outputs.hosting import render_headers
from statusgen.outputs.pages import PageKeys, Pages, render_pages
from statusgen.outputs.reliability import render_report_json
from statusgen.outputs.templates import TemplateCache
from statusgen.report import KeptMonths, compute_report


def render_site(
    site: Site,
    theme: Theme,
    code: str = "",
    published: Mapping[str, str] | None = None,
    compiled: TemplateCache | None = None,
    kept: KeptMonths | None = None,
    held: PageKeys | None = None,
    held_api: PageKeys | None = None,
) -> Pages:
    """Every output file as bytes, except pages `published` already holds under the same key.
    Two parts claiming one path is a bug, not a choice. `kept` holds the report's months, and
    `held` and `held_api` the keys of settled pages and API files from earlier builds."""
    report = compute_report(site, kept)  # once, for its page and its JSON
    pages = render_pages(site, theme, code, published, compiled, report, held)
    api = render_api(site, code, published, held_api)
    files = dict(theme.assets)
    parts = (
        pages.files,
        render_feeds(site),
        api.files,
        render_calendar(site),
        render_headers(site),
        render_report_json(report),
    )
    for part in parts:
        clash = files.keys() & part.keys()
        if clash:
            raise RuntimeError(f"two outputs claim {sorted(clash)[0]}")
        files.update(part)
    return Pages(files, {**pages.keys, **api.keys}, pages.reused | api.reused)
