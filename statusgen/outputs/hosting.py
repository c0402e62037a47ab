"""What static hosts need to serve the site well: `_headers`, read by Netlify and Cloudflare
Pages (the README gives the same rules for nginx and Caddy)."""

from __future__ import annotations

from urllib.parse import urlsplit

from statusgen import urls
from statusgen.model import Site

# A status page cached for ten minutes during an outage is a broken status page: browsers and
# CDNs may keep any file for a minute at most, then ask again.
MAX_AGE = 60


def render_headers(site: Site) -> dict[str, bytes]:
    root = urlsplit(site.info.base_url).path.rstrip("/") + "/"
    text = (
        "# Netlify and Cloudflare Pages read this file. Every page, feed and JSON file may be\n"
        f"# cached for {MAX_AGE} seconds at most, so customers see an outage as it changes, and\n"
        "# the API may be read by widgets and dashboards on other sites.\n"
        f"{root}*\n"
        f"  Cache-Control: public, max-age={MAX_AGE}, must-revalidate\n"
        f"{root}{urls.API_ROOT}*\n"
        "  Access-Control-Allow-Origin: *\n"
    )
    return {urls.HEADERS: text.encode("utf-8")}
