"""RSS 2.0 and Atom: one entry per update, so a subscriber's reader shows each new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from statusgen import urls, words
from statusgen.model import Incident, Site, Update


@dataclass(frozen=True)
class Entry:
    incident: Incident
    update: Update


def newest_first(site: Site) -> list[Incident]:
    """Incidents by their latest time, newest first: sorted once and shared by every feed."""
    return sorted(site.incidents, key=lambda i: i.last_time, reverse=True)


def entries(
    site: Site, component_id: str | None = None, ordered: list[Incident] | None = None
) -> list[Entry]:
    """The newest updates first, for every incident or for those touching one component.

    No update is later than its incident's last time, so the walk stops at the first incident
    that cannot reach the updates already found.
    """
    limit = site.info.feed_entries
    found: list[tuple[tuple[datetime, str, int], Entry]] = []
    for incident in newest_first(site) if ordered is None else ordered:
        if len(found) >= limit and incident.last_time < found[limit - 1][0][0]:
            break
        if component_id is not None and component_id not in dict(incident.components):
            continue
        for position, update in enumerate(incident.updates):
            found.append(((update.time, incident.slug, -position), Entry(incident, update)))
        found.sort(key=lambda pair: pair[0], reverse=True)
        del found[limit:]
    return [entry for _, entry in found]


def _content(site: Site, entry: Entry) -> str:
    # Names only: a status in an old entry goes stale, and the all-clear must not say "outage".
    names = ", ".join(site.info.name_of(c) for c, _ in entry.incident.components)
    promised = "".join(
        f"\n<p>{_escape(line)}</p>" for line in words.promised_lines(entry.update, site.info.zone)
    )
    return (
        f"<p><strong>{words.label(entry.update.status)}</strong> · "
        f"{words.kind_label(entry.incident)}"
        f" · {_escape(names)}</p>\n{entry.update.html}{promised}"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _generator(
    site: Site, feed_url: str, page_url: str, title: str, found: list[Entry], atom: bool
) -> FeedGenerator:
    info = site.info
    feed = FeedGenerator()
    feed.id(page_url)
    feed.title(title)
    feed.description(words.feed_description(info.title, info.description))
    feed.author(name=info.title)
    feed.language("en")
    feed.generator("statusgen")
    # feedgen's RSS channel link is the last one added: the self link goes first.
    feed.link(href=feed_url, rel="self")
    feed.link(href=page_url, rel="alternate")
    newest: datetime = found[0].update.time if found else site.now
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for entry in found:
        link = urls.update_url(info.base_url, entry.incident.slug, entry.update)
        item = feed.add_entry(order="append")
        item.id(link)
        item.guid(link, permalink=True)
        item.title(words.entry_title(entry.incident.title, entry.update.status))
        item.link(href=link)
        item.published(entry.update.time)
        item.updated(entry.update.time)
        if atom:
            item.content(_content(site, entry), type="html")
        else:
            item.description(_content(site, entry))
    return feed


def render_feeds(site: Site) -> dict[str, bytes]:
    """`feed.xml` and `atom.xml` for the site, and the same two for every component."""
    info = site.info
    output: dict[str, bytes] = {}
    scopes: list[tuple[str, str | None]] = [(words.feed_title(info.title, None), None)]
    scopes += [(words.feed_title(info.title, c.name), c.id) for c in info.components]
    ordered = newest_first(site)
    for title, component_id in scopes:
        found = entries(site, component_id, ordered)
        page = urls.absolute(info.base_url, urls.feed_folder(component_id))
        rss_path, atom_path = (
            urls.feed(component_id, atom=False),
            urls.feed(component_id, atom=True),
        )
        rss = _generator(site, urls.absolute(info.base_url, rss_path), page, title, found, False)
        atom = _generator(site, urls.absolute(info.base_url, atom_path), page, title, found, True)
        output[rss_path] = rss.rss_str(pretty=True)
        output[atom_path] = atom.atom_str(pretty=True)
    return output
