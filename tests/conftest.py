"""Fixtures that build tiny status sites in a temporary folder and run the real command."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from statusgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T14:50:00Z"

CONFIG = """\
[site]
title = "Test Status"
base_url = "https://status.test/"
timezone = "Europe/Berlin"
description = "Status of the test services"
contact = "mailto:help@status.test"

[[components]]
id = "checkout"
name = "Checkout"
group = "Shop"

[[components]]
id = "payments-api"
name = "Payments API"
group = "Shop"

[[components]]
id = "login"
name = "Login"
"""


def _yaml_value(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else f"[{', '.join(value)}]"


def make_incident(
    *,
    body: Mapping[str, str] | str = "",
    updates: Sequence[tuple[str, str]] | None = None,
    **fields: str | Sequence[str],
) -> str:
    """The text of an incident file, laid out as support staff write it:

        ---
        <one `key: value` line per field, in the order given; a list is written [a, b]>
        ---

        ## <section>            (per entry of `body`, a blank line between them)
        <text>

        ## Updates              (only when `updates` is given)

        ### <heading>           (per (heading, text) of `updates`, e.g.
        <text>                   ("2026-11-20 13:31 UTC — Resolved", "Card payments work again."))

    `body` may also be Markdown to use as it is, for text the sections cannot express.
    """
    front = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in fields.items())
    if isinstance(body, str):
        parts = [body if body.endswith("\n") else body + "\n"] if body else []
    else:
        parts = [f"## {name}\n{text}\n" for name, text in body.items()]
    if updates is not None:
        parts.append("## Updates\n" + "".join(f"\n### {head}\n{text}\n" for head, text in updates))
    return f"---\n{front}---\n\n" + "\n".join(parts)


# Tests name lines of this file in expected messages (line 29 is the Identified update's heading,
# 32 the Investigating one's): derive variants with .replace() and keep the layout.
RESOLVED = make_incident(
    title="Card payments failing at checkout",
    impact="major",
    components=["checkout", "payments-api"],
    started="2026-11-20T12:02:00Z",
    estimated_restore="2026-11-20T14:00:00Z",
    resolved="2026-11-20T13:31:00Z",
    body={
        "Problem": "Some customers could not pay by card.",
        "Cause": "A configuration change lowered the connection limit.",
        "Restore time": "Payments were fully restored at 13:31 UTC.",
        "Prevention plan": (
            "- [x] Alert at 80% of the limit\n"
            "- [x] Review the change process\n"
            "- [ ] Stage configuration changes"
        ),
    },
    updates=[
        ("2026-11-20 13:31 UTC — Resolved", "Card payments work again for everyone."),
        ("2026-11-20 12:40 UTC — Identified", "We found the cause and are rolling back."),
        ("2026-11-20 12:10 UTC — Investigating", "We are looking into failed card payments."),
    ],
)


def with_site_lines(*lines: str) -> str:
    """CONFIG with more lines of TOML at the end of its `[site]` table (the first from line 7)."""
    return CONFIG.replace(
        "\n\n[[components]]", "\n" + "".join(f"{line}\n" for line in lines) + "\n[[components]]", 1
    )


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A status site in a temporary folder, and the `statusgen` command run inside it."""

    root: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def run(self, *args: str) -> Run:
        self.monkeypatch.chdir(self.root)
        self.capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def build(self, *args: str) -> Run:
        return self.run("build", "--now", NOW, *args)

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")

    def snapshot(self) -> dict[str, str]:
        """Every published file and a digest of its bytes."""
        return {
            p.relative_to(self.site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.site.rglob("*"))
            if p.is_file()
        }


@pytest.fixture
def project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Project:
    """A small valid site: three components, one resolved incident."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = Project(tmp_path / "status", capsys, monkeypatch)
    site.write("statusgen.toml", CONFIG)
    site.write("incidents/2026-11-20-card-payments.md", RESOLVED)
    return site


@pytest.fixture
def example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Project:
    """A copy of the repository's example site (statusgen.toml and incidents/)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(ROOT / "statusgen.toml", root / "statusgen.toml")
    shutil.copytree(ROOT / "incidents", root / "incidents")
    return Project(root, capsys, monkeypatch)


# The example as if its records began inside the uptime bars' 90 days: its component pages show
# days of "no data" before a major outage (14 October) and, on Payments, a partial one (today).
YOUNG_SINCE = "2026-10-12"


def young_example(root: Path) -> Path:
    """A copy of the example site in `root` whose `[site] since` is YOUNG_SINCE."""
    root.mkdir(parents=True, exist_ok=True)
    config = (ROOT / "statusgen.toml").read_text(encoding="utf-8")
    young = re.sub(r'(?m)^since = "[^"]*"', f'since = "{YOUNG_SINCE}"', config, count=1)
    assert young != config, "the example's statusgen.toml has no `since` to move"
    (root / "statusgen.toml").write_text(young, encoding="utf-8")
    shutil.copytree(ROOT / "incidents", root / "incidents")
    return root


Factory = Callable[..., Project]


# The system's Chromium, as Playwright launches it for the browser tests (never `playwright install`).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 (any free port) by a plain static server; its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The one headless Chromium of the session. Playwright's sync API runs a single instance
    per thread: a second `sync_playwright()` while the first is open fails, so every browser
    test file shares this one. Skips (fails on CI) when Chromium or playwright is missing."""
    missing = pytest.fail if os.environ.get("STATUSGEN_REQUIRE_TOOLS") else pytest.skip
    if not CHROMIUM.is_file():
        missing(f"Chromium is missing at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (`python3 dev.py test` installs it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
