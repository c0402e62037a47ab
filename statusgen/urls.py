"""Every address statusgen publishes, made here and nowhere else: page paths inside the site,
links between pages, and absolute URLs for feeds, the API and calendars."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date

from statusgen.model import Update

INDEX = "index.html"
HISTORY = "history/index.html"
BADGE = "badge.svg"
CALENDAR = "maintenance.ics"
API_ROOT = "api/"  # everything a machine reads, under one prefix
API = API_ROOT + "v2/"
RSS = "feed.xml"
ATOM = "atom.xml"
REPORT = "report/index.html"
REPORT_JSON = "report/report.json"
HEADERS = "_headers"  # Netlify and Cloudflare Pages: headers per path


def incident_page(slug: str) -> str:
    return f"incidents/{slug}/index.html"


def component_page(component_id: str) -> str:
    return f"components/{component_id}/index.html"


def month_page(first: date) -> str:
    return f"history/{first:%Y-%m}/index.html"


def feed_folder(component_id: str | None) -> str:
    """Where the feeds for everything, or for one component, live."""
    return "" if component_id is None else f"components/{component_id}/"


def feed(component_id: str | None, atom: bool) -> str:
    """The RSS or Atom feed for everything, or for one component."""
    return feed_folder(component_id) + (ATOM if atom else RSS)


# The pages and files every page links to, by the names templates use.
LINKED = {
    "index": INDEX,
    "history": HISTORY,
    "rss": RSS,
    "atom": ATOM,
    "calendar": CALENDAR,
    "summary": API + "summary.json",
    "report": REPORT,
    "report_json": REPORT_JSON,
}


def badge(component_id: str | None) -> str:
    return BADGE if component_id is None else f"components/{component_id}/{BADGE}"


def api(name: str) -> str:
    """`summary.json` → `api/v2/summary.json`."""
    return API + name


def update_anchor(update: Update) -> str:
    """A fragment id that stays the same across builds: the update's time in UTC, and for a
    second update at the same time, its number among them from the bottom of the file."""
    anchor = "update-" + update.time.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{anchor}-{update.twins_below + 1}" if update.twins_below else anchor


def absolute(base_url: str, path: str) -> str:
    """Where a path of the site is published: feeds, the API and calendars give these."""
    return base_url + path


def incident_url(base_url: str, slug: str) -> str:
    """An incident's page, as a folder so that the address stays short."""
    return absolute(base_url, f"incidents/{slug}/")


def update_url(base_url: str, slug: str, update: Update) -> str:
    return f"{incident_url(base_url, slug)}#{update_anchor(update)}"


def relative(page: str) -> Callable[[str], str]:
    """Links from one page to another that work under any path and straight from the disk."""
    folder = [part for part in page.split("/")[:-1] if part]

    def url(target: str) -> str:
        # posixpath.relpath would ask the system for the working folder on every link.
        parts = target.split("/")
        shared = 0
        while shared < min(len(folder), len(parts) - 1) and folder[shared] == parts[shared]:
            shared += 1
        return "/".join([".."] * (len(folder) - shared) + parts[shared:]) or "."

    return url
