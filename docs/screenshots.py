#!/usr/bin/env python3
"""Take the README's screenshots of the example site in headless Chromium.

    .venv/bin/python docs/screenshots.py

Builds the example at its snapshot moment, serves it on 127.0.0.1 and saves the first screen of
the front page on a phone (390x844) and a desktop (1280x900) as docs/phone.png and
docs/desktop.png. Needs /usr/bin/chromium and `pip install playwright` (never
`playwright install`).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T14:50:00Z"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = {"phone.png": {"width": 390, "height": 844}, "desktop.png": {"width": 1280, "height": 900}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(ROOT / "statusgen.toml", folder)
        shutil.copytree(ROOT / "incidents", folder / "incidents")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "statusgen",
                "build",
                "--now",
                NOW,
                "--config",
                str(folder / "statusgen.toml"),
            ],
            check=True,
            capture_output=True,
        )
        handler = functools.partial(_Quiet, directory=str((folder / "site").resolve()))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for name, viewport in SHOTS.items():
                    # The site's own zone, so the shots show the times as the files give them.
                    context = browser.new_context(
                        viewport=viewport,
                        timezone_id="Europe/Berlin",
                        device_scale_factor=2 if viewport["width"] < 500 else 1,
                    )
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{server.server_port}/")
                    page.screenshot(path=str(ROOT / "docs" / name))
                    context.close()
                    print(f"docs/{name}")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
