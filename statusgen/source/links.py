"""Relative links and images in incident text, checked against the paths a build produces.

Only the build knows every path, so the incidents carry their relative targets until then.
A link that leads nowhere is a warning: the page still says what it must, minus one picture.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable
from urllib.parse import unquote

from statusgen import urls
from statusgen.model import Incident
from statusgen.problems import Problems


def warn_broken_links(
    incidents: Iterable[Incident],
    produced: Collection[str],
    problems: Problems,
    drafts: Iterable[str] = (),
) -> None:
    """A warning for each relative target, read from its incident's own page, that names no
    path `build` publishes: `produced` less the pages of the `drafts` (slugs), which `check`
    and `serve` draw but `build` leaves out, so all three warn alike."""
    draft_pages = {urls.incident_page(slug): slug for slug in drafts}
    for incident in incidents:
        folder = posixpath.dirname(urls.incident_page(incident.slug))
        for target, line in incident.relative_links:
            path = _site_path(folder, target)
            for candidate in (path, f"{path}/{urls.INDEX}") if path is not None else ():
                if candidate in draft_pages:
                    problems.warning(
                        incident.path,
                        line,
                        f"`{target}` leads to the draft `{draft_pages[candidate]}`, which is not "
                        "published: publish it first (remove `draft: true`), or remove the link",
                    )
                    break
                if candidate in produced:
                    break
            else:
                problems.warning(
                    incident.path,
                    line,
                    f"`{target}` leads nowhere: the site has no such page or file; link to a "
                    "full address (`https://...`) or to one of the site's pages",
                )


def _site_path(folder: str, target: str) -> str | None:
    """The published file `target` names from a page in `folder`; None outside the site."""
    bare = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not bare:
        return urls.INDEX if not folder else f"{folder}/{urls.INDEX}"
    path = posixpath.normpath(posixpath.join(folder, bare))
    if path == ".." or path.startswith("../"):
        return None
    if bare.endswith("/") or path == ".":
        path = urls.INDEX if path == "." else f"{path}/{urls.INDEX}"
    return path
