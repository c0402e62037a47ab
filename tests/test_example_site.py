"""The repository's example site, read the way its customers, subscribers and validators read it.

The example is built once per module at the fixed moment NOW (two active incidents, one upcoming
maintenance) and checked against a reviewed golden copy, the Nu HTML checker, a real feed reader
and a link walker. Refresh the golden copy after a deliberate change with

    STATUSGEN_REFRESH_GOLDEN=1 .venv/bin/pytest tests/test_example_site.py -k golden

and review the diff before committing it.
"""

from __future__ import annotations

import contextlib
import difflib
import email.utils
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import yaml
from conftest import CONFIG, NOW, ROOT, Project, make_incident, young_example
from test_report import FILES as REPORT_FILES

from statusgen.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden" / "example"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BASE = "https://status.example.com/"
LATER = "2026-11-21T09:30:00Z"  # a different clock; every update of the example is before both
_CONFIG = tomllib.loads((ROOT / "statusgen.toml").read_text(encoding="utf-8"))
FEED_LIMIT = int(_CONFIG["site"].get("feed_entries", 50))
SCOPES = ["", *(f"components/{c['id']}/" for c in _CONFIG["components"])]
ATOM = "{http://www.w3.org/2005/Atom}"
RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? "
    r"(?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|Z)$"
)
# What a shown time ends with: a zone abbreviation (CET, CEST, UTC) or an offset.
ZONED = re.compile(r"(?:\b[A-Z]{2,5}|[+-]\d{2}:?\d{2})$")
# Characters that are not allowed in HTML or XML 1.0 text.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SCRIPTING_TAGS = {"script", "iframe", "frame", "object", "embed", "applet", "base"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
}
SCRIPTING_SCHEMES = ("javascript:", "vbscript:", "data:")


# --- building ----------------------------------------------------------------------------------


@dataclass
class Built:
    """One finished build of a site: where its sources are, where it was published, what it said."""

    root: Path
    site: Path
    code: int
    out: str
    err: str


def _build(root: Path, now: str, out: Path | None = None) -> Built:
    """Run `statusgen build` as a user would, keeping what it printed."""
    site = out if out is not None else root / "site"
    stdout, stderr = io.StringIO(), io.StringIO()
    args = ["build", "--config", str(root / "statusgen.toml"), "--now", now]
    if out is not None:
        args += ["--out", str(out)]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(args)
    return Built(root, site, code, stdout.getvalue(), stderr.getvalue())


def _copy_example(folder: Path) -> Path:
    shutil.copy(ROOT / "statusgen.toml", folder / "statusgen.toml")
    shutil.copytree(ROOT / "incidents", folder / "incidents")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site at NOW, built once for the whole module."""
    result = _build(_copy_example(tmp_path_factory.mktemp("example")), NOW)
    assert result.code == 0, f"the example site does not build:\n{result.err}"
    return result


@pytest.fixture(scope="module")
def built_later(built: Built) -> Built:
    """The same sources built with another clock, for ids that must not move."""
    result = _build(built.root, LATER, built.root / "site-later")
    assert result.code == 0, result.err
    return result


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a published folder (following its link) and its exact bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _pages(site: Path) -> dict[str, str]:
    return {
        path: data.decode("utf-8") for path, data in _tree(site).items() if path.endswith(".html")
    }


# --- reading HTML ------------------------------------------------------------------------------


@dataclass
class Block:
    tag: str
    attrs: dict[str, str]
    text: str

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class Page(HTMLParser):
    """What a reader of one HTML page gets: its tags, ids, visible text and main blocks."""

    TRACKED = ("article", "section", "h1", "h3", "time", "title")
    # Elements a browser lays out on their own line: their text never runs into its neighbour's.
    BLOCKS = frozenset(
        {
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "details",
            "div",
            "dl",
            "dt",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "section",
            "summary",
            "table",
            "td",
            "th",
            "tr",
            "ul",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.blocks: list[Block] = []
        self._words: list[str] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    @classmethod
    def of(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def _break(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.handle_data(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.add(values["id"])
        if tag in self.TRACKED:
            self._open.append((tag, values, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.add(values["id"])

    def handle_endtag(self, tag: str) -> None:
        self._break(tag)
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                name, attrs, words = self._open.pop(index)
                self.blocks.append(Block(name, attrs, " ".join("".join(words).split())))
                break

    def handle_data(self, data: str) -> None:
        self._words.append(data)
        for _, _, words in self._open:
            words.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self._words).split())

    def all(self, tag: str, css_class: str | None = None) -> list[Block]:
        return [
            b for b in self.blocks if b.tag == tag and (css_class is None or css_class in b.classes)
        ]

    def section(self, labelled_by: str) -> Block:
        found = [
            b
            for b in self.blocks
            if b.tag == "section" and b.attrs.get("aria-labelledby") == labelled_by
        ]
        assert found, f"no section labelled by #{labelled_by}"
        return found[0]


def _scripting_markup(html: str) -> list[str]:
    """Markup in `html` that could run script: tags, event handlers, scripting URLs."""
    found = []
    if "<script" in html.lower():
        found.append("the text `<script`")
    for tag, attrs in Page.of(html).tags:
        if tag in SCRIPTING_TAGS:
            found.append(f"a <{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(SCRIPTING_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
    return found


# --- reading the incident files ourselves, as the oracle for the feeds ----------------------------


@dataclass(frozen=True)
class Source:
    slug: str
    components: frozenset[str]
    updates: int  # the `###` updates, plus the closing update derived from `resolved:`/`completed:`


def _sources(incidents: Path) -> list[Source]:
    found = []
    for path in sorted(incidents.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        parts = re.split(r"^##[ \t]+Updates[ \t]*$", body, flags=re.MULTILINE | re.IGNORECASE)
        updates = re.split(r"^##[ \t]", parts[1], flags=re.MULTILINE)[0] if len(parts) > 1 else ""
        headings = [h.strip().lower() for h in re.findall(r"^###[ \t]+(.+)$", updates, re.M)]
        closing = "completed" if meta.get("kind") == "maintenance" else "resolved"
        derived = bool(meta.get(closing)) and not any(h.endswith(closing) for h in headings)
        found.append(Source(path.stem, frozenset(meta["components"]), len(headings) + derived))
    return found


def _expected_entries(scope: str) -> int:
    component = scope.removeprefix("components/").rstrip("/") or None
    total = sum(
        s.updates
        for s in _sources(ROOT / "incidents")
        if component is None or component in s.components
    )
    return min(total, FEED_LIMIT)


# --- a) the golden copy ------------------------------------------------------------------------


def _golden_report(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    changed = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    lines = [
        "The example site no longer matches tests/golden/example/.",
        "If the change is intended, refresh the golden copy with "
        "STATUSGEN_REFRESH_GOLDEN=1 and review what customers now see.",
    ]
    if missing:
        lines += ["", f"Missing from the build ({len(missing)}):", *(f"  {p}" for p in missing)]
    if extra:
        lines += ["", f"New in the build ({len(extra)}):", *(f"  {p}" for p in extra)]
    if changed:
        lines += ["", f"Changed ({len(changed)}):", *(f"  {p}" for p in changed)]
        for path in changed:
            try:
                old = expected[path].decode("utf-8").splitlines(keepends=True)
                new = actual[path].decode("utf-8").splitlines(keepends=True)
            except UnicodeDecodeError:
                continue
            diff = list(difflib.unified_diff(old, new, f"golden/{path}", f"build/{path}"))
            lines += [
                "",
                f"First differing text file, {path}:",
                *(d.rstrip("\n") for d in diff[:150]),
            ]
            if len(diff) > 150:
                lines.append(f"... and {len(diff) - 150} more diff lines")
            break
    return "\n".join(lines)


def test_example_site_matches_reviewed_golden_copy(built: Built) -> None:
    actual = _tree(built.site)
    assert actual, "the build published nothing"
    if os.environ.get("STATUSGEN_REFRESH_GOLDEN") == "1":
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for path, data in actual.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # Not a pass: nothing was compared, and the new copy still needs a person to read it.
        pytest.skip("golden copy refreshed: review `git diff tests/golden` before committing")
    if not GOLDEN.is_dir():
        pytest.fail(
            f"there is no golden copy at {GOLDEN}: create it with "
            "STATUSGEN_REFRESH_GOLDEN=1 and review it"
        )
    expected = _tree(GOLDEN)
    if expected != actual:
        pytest.fail(_golden_report(expected, actual), pytrace=False)


def test_example_builds_without_problems(built: Built) -> None:
    assert built.err == "", built.err
    assert "(0 errors, 0 warnings)" in built.out, built.out


# --- b) determinism ----------------------------------------------------------------------------


def test_builds_are_byte_for_byte_repeatable(example: Project) -> None:
    first = example.build("--out", "out-one")
    assert first.code == 0, first.err
    # The second build runs in another process, with another hash seed and another local zone:
    # nothing in the output may depend on set order or on the machine's clock settings.
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(PYTHONHASHSEED="4242", TZ="Pacific/Auckland")
    second = subprocess.run(
        [sys.executable, "-m", "statusgen", "build", "--now", NOW, "--out", "out-two"],
        cwd=example.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    one, two = _tree(example.root / "out-one"), _tree(example.root / "out-two")
    assert one, "the build published nothing"
    assert sorted(one) == sorted(two)
    differing = [path for path in one if one[path] != two[path]]
    assert not differing, f"two builds of the same input at the same moment differ: {differing}"

    published = example.build()
    assert published.code == 0, published.err
    assert "Published" in published.out
    again = example.build()
    assert again.code == 0, again.err
    assert "Nothing changed" in again.out, again.out
    assert _tree(example.site) == one


# --- c) HTML validity and hostile input ----------------------------------------------------------


ZALGO = "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349A\u0317L"
NAUGHTY_TEXT = [  # from the Big List of Naughty Strings, written out so no download is needed
    "\u7530\u4e2d\u3055\u3093\u306b\u3042\u3052\u3066\u4e0b\u3055\u3044",
    "\U0001f47e \U0001f647 \U0001f481 \U0001f645",
    "\u062b\u0645 \u0646\u0641\u0633 \u0633\u0642\u0637\u062a",
    "\u202atest\u202a",
    "\u202etest\u202e",
    "zero\u200bwidth",
    "b\ufeffom",
    ZALGO,
    "\u03a9\u2248\u00e7\u221a\u222b\u02dc\u00b5\u2264\u2265\u00f7",
    "{{ 7*7 }} ${7*7} <%= 7*7 %> %s%n%x",
    "&lt;script&gt;alert(&#39;123&#39;);&lt;/script&gt;",
    "'; DROP TABLE incidents; --",
]
HOSTILE_TITLE = "<script>alert('title')</script> \"><img src=x onerror=alert(1)> " + " ".join(
    NAUGHTY_TEXT[:9]
)
HOSTILE_NAME = '<script>alert(\'name\')</script> "onmouseover="alert(1)" \u00c9vil'
HOSTILE_CONFIG = f"""\
[site]
title = "Hostile Status"
base_url = "https://status.test/sub/"
timezone = "Europe/Berlin"
description = "Hostile input"
contact = "mailto:help@status.test"

[[components]]
id = "evil"
name = {json.dumps(HOSTILE_NAME, ensure_ascii=False)}
group = {json.dumps("<img src=x onerror=alert('group')>")}
description = {
    json.dumps("<svg onload=alert(1)><script>alert('d')</script> " + ZALGO, ensure_ascii=False)
}

[[components]]
id = "calm"
name = "Calm"
"""


def _incident(title: str, body: str, update: str) -> str:
    return make_incident(
        title=json.dumps(title, ensure_ascii=False),
        impact="major",
        components=["evil", "calm"],
        started="2026-11-20T14:02:00Z",
        next_update="2026-11-20T15:30:00Z",
        body=body,
        updates=[
            ("2026-11-20 14:20 UTC | Identified", update),
            ("2026-11-20 14:10 UTC | Investigating", "We are looking into it."),
        ],
    )


# Script tags, event handlers and BLNS strings that a sanitiser can make safe and still valid.
HOSTILE_BODY = "\n\n".join(
    [
        "## Problem",
        "<script>alert('problem')</script>",
        "<ScRiPt>alert(123)</sCripT>",
        '<<SCRIPT>alert("XSS");//<</SCRIPT>',
        "<svg><script>123<1>alert(123)</script></svg>",
        "\"><script>alert(123)</script> '><script>alert(123)</script>",
        '<p onclick="alert(1)" title="t">A paragraph with a handler.</p>',
        '<img src="graph.png" alt="A graph" onerror="alert(1)" onload="alert(2)">',
        '<a href="https://example.com/help" onmouseover="alert(1)">Help</a>',
        '<a href="//evil.example/path">Protocol-relative</a>',
        '<details open ontoggle="alert(1)"><summary>More</summary>Details</details>',
        "<table><tr><td onmouseover=alert(1)>cell</td></tr></table>",
        "<body onload=alert('test1')>",
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        "<style>body{display:none}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        'ABC<div style="x:expression(javascript:alert(1)">DEF</div>',
        "## Cause",
        "`<script>alert(1)</script>` shown as code.",
        *NAUGHTY_TEXT,
    ]
)
HOSTILE_UPDATE = (
    '<script>alert(\'update\')</script><img src="x.png" alt="" onerror=alert(1)> '
    '<b onmouseover=alert(1)>bold</b> "><script>alert(123)</script> ' + NAUGHTY_TEXT[0]
)

# Links and images whose URL the sanitiser must remove: what is left must still be valid HTML.
STRIPPED_BODY = "\n\n".join(
    [
        "## Problem",
        '<a href="javascript:alert(1)">javascript link</a>',
        "[markdown javascript link](javascript:alert(2))",
        '<a href=" JaVaScRiPt:alert(3)">mixed case</a>',
        '<a href="&#106;avascript:alert(4)">entity</a>',
        '<a href="java\nscript:alert(5)">split</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
        '<a href="vbscript:msgbox(1)">vbscript</a>',
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<img src=x onerror=alert(1)>",
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button>'
        "</form>",
    ]
)


def _hostile_site(folder: Path, title: str, body: str, update: str) -> Built:
    (folder / "incidents").mkdir()
    (folder / "statusgen.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    (folder / "incidents" / "2026-11-20-hostile.md").write_text(
        _incident(title, body, update), encoding="utf-8"
    )
    result = _build(folder, NOW)
    assert result.code == 0, f"the hostile site does not build:\n{result.err}"
    return result


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _hostile_site(
        tmp_path_factory.mktemp("hostile"), HOSTILE_TITLE, HOSTILE_BODY, HOSTILE_UPDATE
    )


@pytest.fixture(scope="module")
def hostile_links(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _hostile_site(
        tmp_path_factory.mktemp("hostile-links"),
        '<a href="javascript:alert(1)">Links that run script</a>',
        STRIPPED_BODY,
        "[Status](javascript:alert(6)) <img src=x>",
    )


CANARY = '<!DOCTYPE html>\n<html lang="en"><title>canary</title><p><div>invalid</p></html>\n'


@pytest.fixture(scope="module")
def report_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The reliability report's hand-worked site (tests/test_report.py): every figure shown."""
    folder = tmp_path_factory.mktemp("report")
    (folder / "statusgen.toml").write_text(CONFIG, encoding="utf-8")
    for path, text in REPORT_FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    result = _build(folder, NOW)
    assert result.code == 0, f"the report's site does not build:\n{result.err}"
    return result


@pytest.fixture(scope="module")
def young(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example with records that begin inside the uptime bars' 90 days: days of no data."""
    result = _build(young_example(tmp_path_factory.mktemp("young")), NOW)
    assert result.code == 0, f"the young example does not build:\n{result.err}"
    return result


@pytest.fixture(scope="module")
def vnu(
    tmp_path_factory: pytest.TempPathFactory,
    built: Built,
    hostile: Built,
    hostile_links: Built,
    report_site: Built,
    young: Built,
) -> dict[str, list[str]]:
    """Run the Nu HTML checker once over every built site; its error messages per site."""
    java = shutil.which("java")
    # CI sets STATUSGEN_REQUIRE_TOOLS so that a missing checker fails there instead of skipping.
    missing = pytest.fail if os.environ.get("STATUSGEN_REQUIRE_TOOLS") else pytest.skip
    if java is None:
        missing("java is not installed, so the Nu HTML checker cannot run (CI installs it)")
    if not VNU.is_file():
        missing(
            f"the Nu HTML checker is missing at {VNU} (CI installs it with "
            "`npm install --prefix .tools vnu-jar`)"
        )
    canary = tmp_path_factory.mktemp("canary")
    (canary / "broken.html").write_text(CANARY, encoding="utf-8")
    folders = {
        "example": built.site.resolve(),
        "hostile": hostile.site.resolve(),
        "hostile_links": hostile_links.site.resolve(),
        "report": report_site.site.resolve(),
        "young": young.site.resolve(),
        "canary": canary.resolve(),
    }
    run = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            *(str(f) for f in folders.values()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(run.stderr or run.stdout)
    except ValueError:
        pytest.fail(
            f"the Nu HTML checker gave no report (exit {run.returncode}):\n{run.stderr[-3000:]}"
        )
    found: dict[str, list[str]] = {name: [] for name in folders}
    for message in report["messages"]:
        where = Path(unquote(urlsplit(message.get("url", "")).path))
        owner = next((n for n, f in folders.items() if where.is_relative_to(f)), None)
        assert owner is not None, f"the checker could not check something: {message}"
        shown = where.relative_to(folders[owner]).as_posix()
        found[owner].append(
            f"{shown}:{message.get('lastLine', '?')}: {message['message']} "
            f"[{' '.join(message.get('extract', '').split())}]"
        )
    assert found["canary"], "the checker found nothing wrong with a broken page: it is not working"
    return found


def test_every_example_page_is_valid_html(vnu: dict[str, list[str]]) -> None:
    assert vnu["example"] == [], "\n".join(vnu["example"])


def test_hostile_site_is_valid_html(vnu: dict[str, list[str]]) -> None:
    assert vnu["hostile"] == [], "\n".join(vnu["hostile"])


def test_hostile_links_site_is_valid_html(vnu: dict[str, list[str]]) -> None:
    assert vnu["hostile_links"] == [], "\n".join(vnu["hostile_links"])


def test_report_site_is_valid_html(vnu: dict[str, list[str]]) -> None:
    assert vnu["report"] == [], "\n".join(vnu["report"])


def test_young_site_is_valid_html(vnu: dict[str, list[str]]) -> None:
    assert vnu["young"] == [], "\n".join(vnu["young"])


# The theme's own head: its local-time script and an empty icon (so browsers ask for no
# favicon). Each must appear exactly once, in the head, and is the only script allowed.
_THEME_HEAD = (
    re.compile(rb'<script src="(\.\./)*assets/local-time\.js" defer></script>\n'),
    re.compile(rb'<link rel="icon" href="data:,">\n'),
)


def _without_theme_head(path: str, data: bytes) -> bytes:
    head, end, body = data.partition(b"</head>")
    for tag in _THEME_HEAD:
        head, count = tag.subn(b"", head)
        assert count == 1, f"{path}: the theme's {tag.pattern!r} is missing from the head"
    return head + end + body


def _payloads(path: str, data: bytes) -> list[str]:
    """The HTML a browser or feed reader renders from one output file."""
    if path.endswith((".html", ".svg")):
        return [data.decode("utf-8")]
    root = ET.fromstring(data)
    html = [root.findtext("channel/description") or ""]
    for element in root.iter():
        if element.tag in (
            "description",
            f"{ATOM}content",
            f"{ATOM}summary",
            "{http://purl.org/rss/1.0/modules/content/}encoded",
        ):
            html.append(element.text or "")
    return html


@pytest.mark.parametrize("name", ["hostile", "hostile_links"])
def test_hostile_input_never_becomes_script(name: str, request: pytest.FixtureRequest) -> None:
    site: Built = request.getfixturevalue(name)
    problems = []
    checked = 0
    for path, data in _tree(site.site).items():
        if not path.endswith((".html", ".svg", ".xml")):
            continue
        checked += 1
        if path.endswith(".html"):
            data = _without_theme_head(path, data)
        if b"<script" in data.lower():
            problems.append(f"{path}: contains `<script`")
        for html in _payloads(path, data):
            problems += [f"{path}: {found}" for found in _scripting_markup(html)]
    assert checked >= 10, "too few pages and feeds were built to check"
    assert not problems, "\n".join(problems)


def test_hostile_text_is_shown_as_written(hostile: Built) -> None:
    """Escaped, not stripped: customers see the title and component name exactly as written."""
    story = Page.of((hostile.site / "incidents/2026-11-20-hostile/index.html").read_text("utf-8"))
    assert story.all("h1")[0].text == " ".join(HOSTILE_TITLE.split())
    component = Page.of((hostile.site / "components/evil/index.html").read_text("utf-8"))
    assert component.all("h1")[0].text == " ".join(HOSTILE_NAME.split())
    assert "49" not in story.text.split(), "a template expression in the text was evaluated"


def test_control_characters_never_reach_pages_or_feeds(project: Project) -> None:
    project.write(
        "incidents/2026-11-20-terminal-paste.md",
        make_incident(
            title="Pasted from a terminal",
            impact="minor",
            components=["login"],
            started="2026-11-20T14:02:00Z",
            body={"Problem": "The log said \x1b[31mERROR\x1b[0m and rang a bell \x07."},
            updates=[("2026-11-20 14:10 UTC | Investigating", "Log line: \x1b[31mERROR\x1b[0m")],
        ),
    )
    run = project.build()
    if run.code != 0:  # refusing the file is fine, if the author is told where and why
        assert re.search(r"2026-11-20-terminal-paste\.md:\d+: error: ", run.err), run.err
        return
    for path, data in _tree(project.site).items():
        if path.endswith((".html", ".xml", ".svg", ".json", ".ics")):
            found = FORBIDDEN_CHARACTERS.search(data.decode("utf-8"))
            assert found is None, f"{path} contains the control character {found.group()!r}"


# --- d) feeds, as a subscriber's reader sees them -----------------------------------------------


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.rstrip("/") or "site")
def test_feeds_read_like_a_subscriber_expects(built: Built, built_later: Built, scope: str) -> None:
    expected = _expected_entries(scope)
    assert expected > 0, f"the example has no updates for {scope or 'the site'}"
    pages = _pages(built.site)
    ids: dict[str, list[str]] = {}
    for name in ("feed.xml", "atom.xml"):
        data = (built.site / scope / name).read_bytes()
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, f"{scope}{name}: {parsed.get('bozo_exception')}"
        entries = parsed.entries
        assert len(entries) == expected, (
            f"{scope}{name} has {len(entries)} entries, but the incidents have {expected} updates"
        )
        ids[name] = [e.id for e in entries]
        assert len(set(ids[name])) == len(entries), f"{scope}{name} repeats an entry id"
        later = feedparser.parse((built_later.site / scope / name).read_bytes())
        assert [e.id for e in later.entries] == ids[name], (
            f"{scope}{name}: entry ids changed when only the build clock changed"
        )
        for entry in entries:
            assert entry.link.startswith(BASE), entry.link
            assert entry.title_detail.type == "text/plain", entry.title
            assert not re.search(r"<[A-Za-z/!]", entry.title), entry.title
            target, _, fragment = entry.link.removeprefix(BASE).partition("#")
            page = pages.get(target + "index.html")
            assert page is not None, f"{entry.link} points at no page in the build"
            assert fragment in Page.of(page).ids, f"{entry.link}: no such update on the page"
    assert ids["feed.xml"] == ids["atom.xml"], "RSS and Atom list different updates"

    rss = ET.fromstring((built.site / scope / "feed.xml").read_bytes())
    channel = rss.find("channel")
    assert channel is not None
    assert channel.findtext("link") == BASE + scope, "the RSS channel link must be the page"
    dates = [
        channel.findtext("lastBuildDate") or "",
        *(item.findtext("pubDate") or "" for item in channel.iter("item")),
    ]
    for date in dates:
        assert RFC822.match(date), f"{scope}feed.xml: `{date}` is not an RFC 822 date"
        assert email.utils.parsedate_to_datetime(date).tzinfo is not None, date
    for item in channel.iter("item"):
        assert (item.findtext("link") or "").startswith(BASE)
        assert not re.search(r"<[A-Za-z/!]", item.findtext("title") or ""), "title has tags"

    atom = ET.fromstring((built.site / scope / "atom.xml").read_bytes())
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links.get("alternate") == BASE + scope
    assert links.get("self") == BASE + scope + "atom.xml"
    for entry in atom.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        assert link is not None and (link.get("href") or "").startswith(BASE)


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_feed_entry_for_a_known_update(built: Built, name: str) -> None:
    entries = {e.id: e for e in feedparser.parse((built.site / name).read_bytes()).entries}
    signed = entries.get(BASE + "incidents/2026-11-03-sign-in-failures/#update-20261103T094000Z")
    assert signed is not None, "the Resolved update of the 3 November incident is not in the feed"
    assert signed.title == "Sign-in failing for some customers: Resolved"
    assert signed.link == BASE + "incidents/2026-11-03-sign-in-failures/#update-20261103T094000Z"
    assert tuple(signed.published_parsed)[:5] == (2026, 11, 3, 9, 40)
    assert "Sign-in works normally again." in signed.summary
    # `resolved:` with no Resolved update: subscribers still hear that it is over.
    derived = entries.get(BASE + "incidents/2026-08-21-webhooks-delayed/#update-20260821T112000Z")
    assert derived is not None, "the derived Resolved update of the webhooks incident is missing"
    assert derived.title == "Webhook deliveries delayed: Resolved"


# --- e) what a customer reads ---------------------------------------------------------------------


def _page(built: Built, path: str) -> Page:
    return Page.of((built.site / path).read_text(encoding="utf-8"))


def test_front_page_tells_customers_what_is_wrong(built: Built) -> None:
    index = _page(built, "index.html")
    headline = index.all("h1")[0].text
    assert headline.startswith("Partial outage affecting"), headline
    assert "Payments" in headline, headline
    # The page says it in words; the API in Statuspage's own, which clients compare against.
    api = json.loads((built.site / "api/v2/status.json").read_text(encoding="utf-8"))
    assert api["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert api["status"]["indicator"] == "major"

    cards = {
        card.text.split(" Major impact")[0].split(" Minor impact")[0]: card.text
        for card in index.all("article", "incident")
    }
    assert sorted(cards) == ["Slow product search", "Some card payments failing at checkout"]
    card = cards["Some card payments failing at checkout"]
    for words in (
        "What is wrong About one in three card payments fails",
        "Cause At 13:52 UTC we moved our payments database",
        "Expected restore: by 20 Nov 2026, 17:30 CET",
        "Next update by 20 Nov 2026, 16:15 CET",
        "Latest update Update 20 Nov 2026, 15:45 CET Four of the eleven",
    ):
        assert words in card, f"the card payments card does not say: {words}\n{card}"
    search = cards["Slow product search"]
    for words in (
        "Investigating · began 20 Nov 2026, 15:20 CET, 30 minutes ago",
        "we do not have an estimate yet",
        "Next update by 20 Nov 2026, 16:20 CET",
    ):
        assert words in search, f"the search card does not say: {words}\n{search}"

    upcoming = index.section("upcoming-heading").text
    assert "Payments database upgrade" in upcoming, upcoming
    assert "Window: 24 Nov 2026, 02:00 CET to 24 Nov 2026, 03:30 CET" in upcoming, upcoming
    # Four days before the window nothing is under maintenance yet: say what it will affect.
    assert "Will affect: Checkout, Payments" in upcoming, upcoming
    assert "Under maintenance" not in upcoming, upcoming


def test_incident_pages_keep_promises_honest(built: Built) -> None:
    sign_in = _page(built, "incidents/2026-11-03-sign-in-failures/index.html").text
    assert "2 of 4 prevention actions done" in sign_in
    assert "Restored 1 hour 20 minutes before our estimate (3 Nov 2026, 12:00 CET)" in sign_in
    assert "Duration 1 hour 28 minutes" in sign_in
    checkout = _page(built, "incidents/2026-10-14-checkout-outage/index.html").text
    # The estimate was revised once; the first one, missed, is not hidden behind the second.
    assert (
        "Restored 12 minutes before our revised estimate (14 Oct 2026, 20:00 CEST); "
        "48 minutes after our first (14 Oct 2026, 19:00 CEST)." in checkout
    )
    assert "2 of 3 prevention actions done" in checkout
    card = _page(built, "incidents/2026-11-20-card-payment-errors/index.html").text
    assert "Next update by 20 Nov 2026, 16:15 CET" in card
    assert "0 of 3 prevention actions done" in card
    assert "Restored" not in card, "an ongoing incident must not claim to be restored"


def test_every_time_shown_has_a_zone(built: Built) -> None:
    bare = []
    for path, html in _pages(built.site).items():
        for time in Page.of(html).all("time"):
            if not ZONED.search(time.text):
                bare.append(f"{path}: `{time.text}`")
    assert not bare, "times shown without a zone:\n" + "\n".join(bare)


# --- f) relative links work from the disk and under any path --------------------------------------


def test_every_relative_link_resolves_to_a_published_file(built: Built) -> None:
    files = set(_tree(built.site))
    pages = {path: Page.of(html) for path, html in _pages(built.site).items()}
    broken = []
    checked = 0
    for path, page in pages.items():
        folder = posixpath.dirname(path)
        for tag, attrs in page.tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                if (
                    value is None
                    or value.startswith(("http:", "https:", "mailto:", "tel:"))
                    or value == "data:,"
                ):
                    continue
                checked += 1
                target, _, fragment = value.partition("#")
                if not target:  # a link within the page
                    if fragment not in page.ids:
                        broken.append(f"{path}: <{tag} {name}={value!r}>: no such id")
                    continue
                resolved = posixpath.normpath(
                    posixpath.join(folder, unquote(urlsplit(target).path))
                )
                if resolved.startswith("../") or resolved not in files:
                    broken.append(f"{path}: <{tag} {name}={value!r}> finds no file ({resolved})")
                elif fragment and resolved in pages and fragment not in pages[resolved].ids:
                    broken.append(f"{path}: <{tag} {name}={value!r}>: no such id in {resolved}")
    assert checked > 100, f"only {checked} relative links found: is the parser reading the pages?"
    assert not broken, "\n".join(broken)
