"""The example site in a real browser (Chromium driven by Playwright), as its customers meet it.

The example is built once per session at NOW (two active incidents), served on 127.0.0.1 and
opened in one shared headless Chromium. axe-core checks accessibility in light and dark colour
schemes at phone and desktop widths; the other tests check what a reader would notice: errors,
requests to other hosts, times in their own zone, horizontal scrolling, the first screen on a
phone, keyboard use, feeds and contact, page weight, printing and the uptime bars.

Chromium is the system's (/usr/bin/chromium, never `playwright install`); axe-core comes from npm
(`npm install --prefix .tools axe-core`). Without them these tests skip, unless
STATUSGEN_REQUIRE_TOOLS is set (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from conftest import CHROMIUM, NOW, ROOT, serving, young_example

from statusgen.cli import main

# Playwright is a test dependency; CI (STATUSGEN_REQUIRE_TOOLS) fails without it, others skip.
playwright_api: Any = (
    importlib.import_module("playwright.sync_api")
    if os.environ.get("STATUSGEN_REQUIRE_TOOLS")
    else pytest.importorskip("playwright.sync_api")
)

AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_RUN = """async tags => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {violations: r.violations, passes: r.passes.length};
}"""

INDEX = "index.html"
ACTIVE = "incidents/2026-11-20-card-payment-errors/index.html"
RESOLVED = "incidents/2026-10-14-checkout-outage/index.html"
COMPONENT = "components/checkout/index.html"
HISTORY = "history/index.html"
MONTH = "history/2026-11/index.html"
REPORT = "report/index.html"
PAGES = [INDEX, ACTIVE, RESOLVED, COMPONENT, HISTORY, MONTH, REPORT]
# Payments: a major outage on 14 October and a partial one today, each a day listed in words.
YOUNG_COMPONENT = "components/payments-api/index.html"

SITE_ZONE = ZoneInfo("Europe/Berlin")
READER_ZONE = "America/New_York"
CONTACT = "mailto:support@example.com"  # statusgen.toml's `contact`

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
# A smaller phone, for pages with charts and tables that have the least room there.
SMALL_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 375, "height": 667}}
SCHEMES = ["light", "dark"]
WEIGHT_LIMIT = 30 * 1024
FONT_FILE = re.compile(r"\.(?:woff2?|ttf|otf|eot)(?:$|[?#])", re.IGNORECASE)


# --- the site, a server and a browser ------------------------------------------------------------


def _built(root: Path) -> Path:
    """The site in `root` built at NOW; the published folder (resolved)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", "--config", str(root / "statusgen.toml"), "--now", NOW])
    assert code == 0, f"{root.name} does not build:\n{err.getvalue()}"
    return (root / "site").resolve()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example site built at NOW; the published folder (resolved)."""
    root = tmp_path_factory.mktemp("browser-example")
    shutil.copy(ROOT / "statusgen.toml", root / "statusgen.toml")
    shutil.copytree(ROOT / "incidents", root / "incidents")
    return _built(root)


@pytest.fixture(scope="session")
def base_url(example_site: Path) -> Iterator[str]:
    """The example site served on 127.0.0.1 (any free port) for the whole session."""
    with serving(example_site) as url:
        yield url


@pytest.fixture(scope="session")
def young_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example whose records begin inside the 90 days (see conftest.young_example),
    served for the whole session: component pages with days of "no data"."""
    with serving(_built(young_example(tmp_path_factory.mktemp("browser-young")))) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Iterator[Any]:
    """One headless Chromium shared by every test of the session."""
    # CI sets STATUSGEN_REQUIRE_TOOLS so that a missing browser fails there instead of skipping.
    missing = pytest.fail if os.environ.get("STATUSGEN_REQUIRE_TOOLS") else pytest.skip
    if not CHROMIUM.is_file():
        missing(
            f"Chromium is missing at {CHROMIUM}, so the browser tests cannot run "
            "(CI installs it with `apt-get install chromium`)"
        )
    if not AXE.is_file():
        missing(
            f"axe-core is missing at {AXE} (CI installs it with "
            "`npm install --prefix .tools axe-core`)"
        )
    yield chromium


class Contexts:
    """Browser contexts shared by the session, one per set of settings, and pages in them."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.cache: dict[str, Any] = {}

    def get(self, **options: Any) -> Any:
        settings = {**DESKTOP, "timezone_id": READER_ZONE, "locale": "en-GB", **options}
        key = repr(sorted(settings.items()))
        if key not in self.cache:
            self.cache[key] = self.browser.new_context(**settings)
        return self.cache[key]

    @contextlib.contextmanager
    def page(self, **options: Any) -> Iterator[Any]:
        """A fresh page (desktop size and a New York reader unless told), closed afterwards."""
        page = self.get(**options).new_page()
        try:
            yield page
        finally:
            page.close()

    def close(self) -> None:
        for context in self.cache.values():
            context.close()
        self.cache.clear()


@pytest.fixture(scope="session")
def contexts(browser: Any) -> Iterator[Contexts]:
    shared = Contexts(browser)
    try:
        yield shared
    finally:
        shared.close()


def _open(page: Any, base_url: str, path: str) -> Any:
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    return response


# --- expected times ------------------------------------------------------------------------------


def _shown(moment: str, zone: str | ZoneInfo) -> str:
    """A time as the site shows it: '20 Nov 2026, 15:50 CET'."""
    local = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(
        zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    )
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def _times(page: Any) -> list[dict[str, str]]:
    return list(
        page.eval_on_selector_all(
            "time[datetime]",
            "els => els.map(e => ({datetime: e.getAttribute('datetime'), text: e.textContent,"
            " title: e.getAttribute('title')}))",
        )
    )


# --- 1. accessibility: axe-core ------------------------------------------------------------------


def _axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"  {node['target']} [{node.get('impact')}] {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def sites(base_url: str, young_url: str) -> dict[str, str]:
    """Where each site the browser tests read is served."""
    return {"example": base_url, "young": young_url}


@pytest.fixture(scope="session")
def axe_results(
    contexts: Contexts, sites: dict[str, str]
) -> Callable[[str, str, str], dict[str, Any]]:
    """axe-core's violations on a page of a site at a width, per colour scheme; each page loads
    once."""
    cache: dict[tuple[str, str, str], dict[str, Any]] = {}

    def run(site: str, path: str, viewport: str) -> dict[str, Any]:
        if (site, path, viewport) not in cache:
            found: dict[str, Any] = {}
            with contexts.page(**VIEWPORTS[viewport]) as page:
                _open(page, sites[site], path)
                page.add_script_tag(path=str(AXE))
                for scheme in SCHEMES:
                    page.emulate_media(color_scheme=scheme)
                    assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
                    found[scheme] = page.evaluate(AXE_RUN, AXE_TAGS)
            cache[(site, path, viewport)] = found
        return cache[(site, path, viewport)]

    return run


# Every page of the example, and a component page with days of "no data" beside its outages.
AXE_PAGES = [*(("example", path) for path in PAGES), ("young", YOUNG_COMPONENT)]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("site", "path"), AXE_PAGES)
def test_axe_finds_no_violations(
    axe_results: Callable[[str, str, str], dict[str, Any]],
    site: str,
    path: str,
    viewport: str,
    scheme: str,
) -> None:
    result = axe_results(site, path, viewport)[scheme]
    assert result["passes"] > 10, f"axe-core checked almost nothing on {path}: {result}"
    assert result["violations"] == [], (
        f"{site}: {path} at {viewport} width, {scheme} scheme:\n{_axe_report(result['violations'])}"
    )


# --- 2. no errors, nothing from other hosts ------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_errors_and_loads_only_local_files(
    contexts: Contexts, base_url: str, path: str
) -> None:
    errors: list[str] = []
    requests: list[str] = []
    # A reader in another zone, so that the local-time script does all of its work.
    with contexts.page() as page:
        page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"console error: {message.text}") if message.type == "error" else None
            ),
        )
        page.on(
            "requestfailed",
            lambda request: errors.append(f"request failed: {request.url} ({request.failure})"),
        )
        page.on("request", lambda request: requests.append(request.url))
        _open(page, base_url, path)
    assert errors == [], f"{path}:\n" + "\n".join(errors)
    elsewhere = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
    assert elsewhere == [], f"{path} asks another host for: {elsewhere}"
    fonts = [url for url in requests if FONT_FILE.search(urlsplit(url).path)]
    assert fonts == [], f"{path} loads web fonts: {fonts}"


# --- 3. times in the reader's own zone ------------------------------------------------------------


def test_every_time_is_rewritten_for_a_reader_elsewhere(contexts: Contexts, base_url: str) -> None:
    with contexts.page(timezone_id=READER_ZONE) as page:
        _open(page, base_url, INDEX)
        first = page.locator(".overall time").first
        assert first.get_attribute("datetime") == NOW
        assert first.inner_text().startswith("20 Nov 2026, 09:50 ")
        assert "20 Nov 2026, 15:50 CET" in (first.get_attribute("title") or "")
        times = _times(page)
    assert len(times) > 5
    wrong = [
        f"{t['datetime']}: shown {t['text']!r} (title {t['title']!r})"
        for t in times
        if not t["text"].startswith(_shown(t["datetime"], READER_ZONE).rsplit(" ", 1)[0] + " ")
        or t["text"] == _shown(t["datetime"], SITE_ZONE)
        or _shown(t["datetime"], SITE_ZONE) not in (t["title"] or "")
    ]
    assert wrong == [], (
        "times not in a New York reader's time, or without the site's text in "
        "the title:\n" + "\n".join(wrong)
    )


def test_readers_zone_is_named_as_they_know_it(contexts: Contexts, base_url: str) -> None:
    with contexts.page(timezone_id=READER_ZONE) as page:
        _open(page, base_url, INDEX)
        first = page.locator(".overall time").first
        shown = first.inner_text()
        times = _times(page)
    assert shown == "20 Nov 2026, 09:50 EST"
    wrong = [
        f"{t['datetime']}: shown {t['text']!r}, expected {_shown(t['datetime'], READER_ZONE)!r}"
        for t in times
        if t["text"] != _shown(t["datetime"], READER_ZONE)
    ]
    assert wrong == [], "times not named in New York's zone (EST):\n" + "\n".join(wrong)


def test_times_stay_as_written_in_the_sites_zone(contexts: Contexts, base_url: str) -> None:
    with contexts.page(timezone_id="Europe/Berlin") as page:
        _open(page, base_url, INDEX)
        first = page.locator(".overall time").first
        assert first.inner_text() == "20 Nov 2026, 15:50 CET"
        assert first.get_attribute("title") is None
        times = _times(page)
    wrong = [
        t for t in times if t["text"] != _shown(t["datetime"], SITE_ZONE) or t["title"] is not None
    ]
    assert wrong == [], f"times changed for a reader in the site's own zone: {wrong}"


def test_page_is_complete_without_javascript(contexts: Contexts, base_url: str) -> None:
    with contexts.page(java_script_enabled=False) as page:
        _open(page, base_url, INDEX)
        headline = page.locator("h1")
        assert headline.is_visible()
        assert " ".join(headline.inner_text().split()) == "Partial outage affecting Payments"
        for title in ("Some card payments failing at checkout", "Slow product search"):
            assert page.locator("article.incident h3", has_text=title).is_visible(), title
        first = page.locator(".overall time").first
        assert first.inner_text() == "20 Nov 2026, 15:50 CET"
        assert first.get_attribute("title") is None
        wrong = [t for t in _times(page) if t["text"] != _shown(t["datetime"], SITE_ZONE)]
    assert wrong == [], f"times without JavaScript are not the site's text: {wrong}"


# --- 4. no horizontal scrolling from 320 px --------------------------------------------------------


NARROW = [
    pytest.param(site, path, width, id=f"{site}-{path}-{width}")
    for site, path in AXE_PAGES
    for width in (320, 390)
]


@pytest.mark.parametrize(("site", "path", "width"), NARROW)
def test_no_horizontal_scrolling(
    contexts: Contexts, sites: dict[str, str], site: str, path: str, width: int
) -> None:
    with contexts.page(**{**PHONE, "viewport": {"width": width, "height": 844}}) as page:
        _open(page, sites[site], path)
        # A phone browser zooms a too-wide page out until it fits, and window.innerWidth grows
        # with it: so compare with the layout width (clientWidth) and check innerWidth too.
        scroll, inner, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " document.documentElement.clientWidth]"
        )
        wide = (
            []
            if scroll <= client
            else page.evaluate(
                """width => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > width + 0.5)
                 .slice(0, 5)
                 .map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}`
                           + ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`)""",
                client,
            )
        )
    assert scroll <= client and inner <= width, (
        f"{path} at {width} px scrolls sideways or is zoomed out: {scroll} px wide, "
        f"window {inner} px; too wide: {wide}"
    )


# --- 5. the first screen on a phone ---------------------------------------------------------------


def test_phone_first_screen_tells_what_is_wrong(contexts: Contexts, base_url: str) -> None:
    with contexts.page(**PHONE) as page:
        _open(page, base_url, INDEX)
        incident = page.locator("article.card.incident").first
        parts = {
            "the overall status headline": page.locator("h1"),
            "the first incident's title": incident.locator("h3").first,
            "its 'What is wrong' heading": incident.locator("h4", has_text="What is wrong"),
            "its 'What is wrong' text": incident.locator("h4:has-text('What is wrong') + .prose"),
            "its 'Expected restore' line": incident.locator("p", has_text="Expected restore"),
            "its 'Next update' line": incident.locator("p", has_text="Next update"),
        }
        assert page.evaluate("window.innerWidth") == 390, "the page is zoomed out to fit"
        below = []
        for name, locator in parts.items():
            assert locator.count() == 1, f"{name}: found {locator.count()} on the page"
            box = locator.bounding_box()
            assert box is not None, f"{name} is not shown"
            if box["y"] + box["height"] > 844:
                below.append(f"{name} ends at {box['y'] + box['height']:.0f} px")
        assert below == [], "below the first screen of a 390x844 phone: " + "; ".join(below)
        headline = page.locator("h1")
        assert headline.locator("svg").count() == 1, "the headline has no icon"
        assert headline.locator("svg").first.is_visible()
        colours = page.evaluate(
            "() => [getComputedStyle(document.querySelector('h1')).color,"
            " getComputedStyle(document.body).color]"
        )
    assert colours[0] != colours[1], f"the headline has the body text's colour {colours[1]}"


# --- 6. keyboard ----------------------------------------------------------------------------------

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (e.hasAttribute('data-tab-stop')) return 'again';
  e.setAttribute('data-tab-stop', '');
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.getAttribute('aria-label') || '').trim(),
          href: e.getAttribute('href'), subscribe: !!e.closest('#subscribe'),
          outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
          shadow: s.boxShadow, x: r.x, y: r.y, w: r.width, h: r.height,
          vw: window.innerWidth, vh: window.innerHeight};
}"""


def test_keyboard_reaches_everything_with_visible_focus(contexts: Contexts, base_url: str) -> None:
    with contexts.page() as page:
        _open(page, base_url, INDEX)
        stops: list[dict[str, Any]] = []
        for _ in range(120):
            page.keyboard.press("Tab")
            stop = page.evaluate(_FOCUSED)
            if stop is None or stop == "again":  # past the last stop, or round again
                break
            stops.append(stop)
    assert stops, "Tab focuses nothing"
    skip = stops[0]
    assert skip["text"] == "Skip to content" and skip["href"] == "#main", skip
    assert (
        skip["x"] >= 0
        and skip["x"] + skip["w"] <= skip["vw"]
        and skip["y"] >= 0
        and skip["y"] + skip["h"] <= skip["vh"]
        and skip["w"] > 0
        and skip["h"] > 0
    ), f"the focused 'Skip to content' link is outside the viewport: {skip}"
    subscribe = [s["text"] for s in stops if s["subscribe"]]
    assert {"RSS feed", "Atom feed"} <= set(subscribe), (
        f"Tab does not reach the Subscribe links; it reached {subscribe}"
    )
    invisible = [
        f"{s['tag']} {s['text']!r} ({s['href']})"
        for s in stops
        if (s["outline"] == "none" or s["outlineWidth"] == 0) and s["shadow"] == "none"
    ]
    assert invisible == [], f"focused without a visible indicator: {invisible}"


# --- 7. feeds and contact -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_page_offers_feeds_and_contact(contexts: Contexts, base_url: str, path: str) -> None:
    with contexts.page() as page:
        _open(page, base_url, path)
        feeds = page.eval_on_selector_all(
            "head link[rel=alternate]", "els => els.map(e => [e.type, e.href])"
        )
        types = {kind for kind, _ in feeds}
        assert "application/rss+xml" in types, f"{path} has no RSS autodiscovery link: {feeds}"
        assert "application/atom+xml" in types, f"{path} has no Atom autodiscovery link: {feeds}"
        for kind, url in feeds:
            response = page.request.get(url)
            assert response.ok, f"{path}: the {kind} feed {url} answers {response.status}"
            assert "<feed" in response.text() or "<rss" in response.text(), url
            response.dispose()
        contact = page.locator(f"a[href='{CONTACT}']")
        assert contact.count() >= 1, f"{path} has no contact link to {CONTACT}"
        assert contact.first.is_visible(), f"{path}: the contact link is not visible"


# --- 8. weight ------------------------------------------------------------------------------------


def test_index_with_everything_it_loads_is_light(contexts: Contexts, base_url: str) -> None:
    responses: list[Any] = []
    failed: list[str] = []
    with contexts.page() as page:
        page.on("response", lambda response: responses.append(response))
        page.on("requestfailed", lambda request: failed.append(request.url))
        _open(page, base_url, INDEX)
        sizes = {response.url: len(response.body()) for response in responses}
        bad = [f"{r.url}: {r.status}" for r in responses if not r.ok]
    assert failed == [] and bad == [], f"failed requests: {failed} {bad}"
    assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)
    total = sum(sizes.values())
    assert total < WEIGHT_LIMIT, f"index.html loads {total} bytes: {sizes}"


# --- 9. print -------------------------------------------------------------------------------------


def test_printed_incident_has_no_navigation(contexts: Contexts, base_url: str) -> None:
    with contexts.page() as page:
        _open(page, base_url, ACTIVE)
        assert page.locator("header.site nav").is_visible()
        page.emulate_media(media="print")
        assert not page.locator("header.site nav").is_visible(), "the site navigation is printed"
        headline = page.locator("h1")
        assert headline.is_visible(), "the incident's title is not printed"
        assert headline.inner_text() == "Some card payments failing at checkout"


# --- 10. the uptime bars -------------------------------------------------------------------------


def test_uptime_bars_are_readable_without_javascript(contexts: Contexts, base_url: str) -> None:
    with contexts.page(java_script_enabled=False) as page:
        _open(page, base_url, COMPONENT)
        days = page.locator("ol.bars > li")
        assert days.count() == 90
        texts = [" ".join(text.split()) for text in days.all_inner_texts()]
        titles = days.evaluate_all("els => els.map(e => e.getAttribute('title'))")
        assert days.first.is_visible()
        rule = page.locator("p", has_text="How we count uptime:")
        assert rule.count() == 1 and rule.is_visible(), "the uptime rule is not on the page"
    assert all(texts), (
        f"days without a text alternative: {[i for i, t in enumerate(texts) if not t]}"
    )
    last = date.fromisoformat(NOW[:10])
    expected = [_day(last - timedelta(days=89 - i)) for i in range(90)]
    assert [t.split(":")[0] for t in texts] == expected, f"days are not the last 90: {texts}"
    assert all(
        title and title.split(":")[0] == day for title, day in zip(titles, expected, strict=True)
    )
    assert texts[-1] == "Fri 20 Nov 2026: Degraded performance"
    assert "Wed 14 Oct 2026: Major outage" in texts[expected.index("Wed 14 Oct 2026")]


def _day(day: date) -> str:
    """A day as the uptime bars name it: 'Wed 14 Oct 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _luminance(css: str) -> float:
    """The relative luminance (WCAG 2) of a computed `rgb(r, g, b)` colour."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_LOOKS = """selectors => Object.fromEntries(selectors.map(selector => {
  const style = getComputedStyle(document.querySelector(selector));
  return [selector, {fill: style.backgroundColor, image: style.backgroundImage, text: style.color}];
}))"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_partial_and_major_outage_differ_in_colour_and_shape(
    contexts: Contexts, young_url: str, scheme: str
) -> None:
    with contexts.page() as page:
        page.emulate_media(color_scheme=scheme)
        _open(page, young_url, YOUNG_COMPONENT)
        partial, major, operational, no_data, body, partial_words, major_words = page.evaluate(
            f"selectors => Object.values(({_LOOKS})(selectors))",
            [
                ".bar.s-partial_outage",
                ".bar.s-major_outage",
                ".bar.s-operational",
                ".bar.no-data",
                "body",
                ".days .status.s-partial_outage",
                ".days .status.s-major_outage",
            ],
        )
        legend = " ".join(page.locator("ul.legend").inner_text().split())
    page_colour = body["fill"]
    assert partial["fill"] != major["fill"], f"{scheme}: partial and major bars are one colour"
    # Lightness too, so that a reader who cannot tell orange from red still sees two states.
    assert _contrast(partial["fill"], major["fill"]) >= 1.5, (scheme, partial, major)
    for name, bar in (("partial", partial), ("major", major), ("operational", operational)):
        assert _contrast(bar["fill"], page_colour) >= 3, f"{scheme}: a {name} bar is faint: {bar}"
    # Not by colour alone: a partial outage's bar is cut into segments, a major one is solid.
    assert partial["image"] != "none" and major["image"] == "none", (partial, major)
    assert no_data["image"] != "none" and no_data["fill"] != operational["fill"], no_data
    assert partial_words["text"] != major_words["text"]
    for words in (partial_words, major_words):
        assert _contrast(words["text"], page_colour) >= 4.5, f"{scheme}: faint words {words}"
    assert all(state in legend for state in ("Partial outage", "Major outage", "No data")), legend


def test_a_days_details_are_visible_on_a_phone_without_hover(
    contexts: Contexts, young_url: str
) -> None:
    phone = {**PHONE, "viewport": {"width": 375, "height": 812}, "java_script_enabled": False}
    with contexts.page(**phone) as page:
        _open(page, young_url, YOUNG_COMPONENT)
        note = page.locator("#uptime-heading + p")
        assert note.is_visible()
        assert " ".join(note.inner_text().split()) == (
            "Our records begin on Mon 12 Oct 2026: the 50 days before it show as no data "
            "and are not counted."
        )
        links = page.locator("ol.bars a[href^='#day-']")
        assert links.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
            "#day-2026-10-14",
            "#day-2026-11-20",
        ]
        shown = {}
        for day in ("2026-10-14", "2026-11-20"):
            item = page.locator(f"#day-{day}")
            box = item.bounding_box()
            assert item.is_visible() and box is not None and box["width"] > 300, (day, box)
            shown[day] = " ".join(item.inner_text().split())
            assert item.locator("a").count() == 1 and item.locator("a").is_visible()
        links.last.tap()  # a thumb on today's bar, no hover
        assert page.evaluate("location.hash") == "#day-2026-11-20"
        box = page.locator("#day-2026-11-20").bounding_box()
        assert box is not None and 0 <= box["y"] < 812, f"today's details are off screen: {box}"
    assert shown == {
        "2026-10-14": (
            "Wed 14 Oct 2026 Major outage Counted as down: 1 hour 43 minutes. Checkout unavailable"
        ),
        "2026-11-20": (
            "Fri 20 Nov 2026 Partial outage Counted as down: 16 minutes. "
            "Some card payments failing at checkout"
        ),
    }


# --- 10. a component's name and its status stay on one line on a phone ------------------------


# Each pair: an element holding a component's name followed by its status (`.status`, or `.state`
# in a resolved incident's "Affected: Website (partial outage)").
PAIRS = ".components li, .group h3, .affected li, .affected .pair"
APART = """selector => [...document.querySelectorAll(selector)].flatMap(pair => {
  const status = pair.querySelector('.status, .state');
  if (!status) return [];
  const before = document.createRange();
  before.setStart(pair, 0);
  before.setEndBefore(status);
  const name = [...before.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  const lines = [...status.getClientRects()];
  const together = name.some(n => lines.some(s => n.top < s.bottom && s.top < n.bottom));
  return together ? [] : [pair.textContent.replace(/\\s+/g, ' ').trim()];
})"""
TOGETHER = [
    pytest.param(path, width, id=f"{path}-{width}")
    for path in (INDEX, ACTIVE, RESOLVED)
    for width in (320, 390)
]


@pytest.mark.parametrize(("path", "width"), TOGETHER)
def test_component_names_and_statuses_stay_together_on_phones(
    contexts: Contexts, base_url: str, path: str, width: int
) -> None:
    with contexts.page(**{**PHONE, "viewport": {"width": width, "height": 844}}) as page:
        _open(page, base_url, path)
        pairs = page.evaluate(f"() => document.querySelectorAll({PAIRS!r}).length")
        apart = page.evaluate(APART, PAIRS)
    assert pairs > 0, f"{path}: no component with its status found; has the theme changed?"
    assert apart == [], f"{path} at {width} px puts a component's status on another line: {apart}"


# --- 12. the reliability report with every table open, on small phones ------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [320, 375])
def test_report_with_its_tables_open_fits_small_phones_and_passes_axe(
    contexts: Contexts, base_url: str, width: int, scheme: str
) -> None:
    size = {**SMALL_PHONE, "viewport": {"width": width, "height": 667}}
    with contexts.page(**size, color_scheme=scheme) as page:
        _open(page, base_url, REPORT)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        tables = page.locator("table").evaluate_all(
            "ts => ts.filter(t => t.offsetHeight > 0).length"
        )
        charts = page.locator("svg.chart[role=img]")
        names = charts.evaluate_all(
            "cs => cs.map(c => c.getAttribute('aria-labelledby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' '))"
        )
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(AXE_RUN, AXE_TAGS)
    assert tables == 7, "not every chart's table is shown when opened"
    assert len(names) == 7 and all(len(name) > 40 for name in names), names
    assert scroll <= client, f"the report at {width} px scrolls sideways: {scroll} px wide"
    assert result["violations"] == [], (
        f"{REPORT} at {width} px, {scheme} scheme, tables open:\n"
        f"{_axe_report(result['violations'])}"
    )
