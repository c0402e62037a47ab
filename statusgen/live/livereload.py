"""Live reload: pages are changed as they are sent, never on disk. An open tab listens to
`/_statusgen/events`; after a build that published something it reloads, and after a build with
problems it shows them over the page until the next good save."""

from __future__ import annotations

import html
import http.server
import json
import re
import threading
import urllib.parse
from pathlib import Path
from typing import Any

from statusgen.build import BuildResult

EVENTS = "/_statusgen/events"
SCRIPT = "/_statusgen/live.js"
KEEPALIVE = 15.0
_BODY_END = re.compile(rb"</body>", re.IGNORECASE)

LIVE_JS = b"""// statusgen serve: reload after each published build; show problems until fixed,
// and the writing coach's advice on what was published.
(() => {
  const me = document.currentScript;
  let seen = Number(me.dataset.version);
  let box = null;
  function show(lines, failed) {
    if (!lines.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1em;color:#fff;font:14px/1.4 monospace;" +
        "z-index:2147483647;box-shadow:0 -2px 8px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.setAttribute("role", failed ? "alert" : "status");
    box.style.background = failed ? "#5c0011" : "#1d3557";
    box.textContent = "";
    const title = document.createElement("strong");
    title.textContent = failed
      ? "Not published: customers still see the last good site. Fix these and save again."
      : "Published. The writing coach suggests (customers read these words as written):";
    const list = document.createElement("pre");
    list.style.cssText = "white-space:pre-wrap;margin:.5em 0 0";
    list.textContent = lines.join("\\n");
    box.append(title, list);
  }
  const events = new EventSource("/_statusgen/events");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (state.version !== seen) { location.reload(); return; }
    if (state.problems.length) { show(state.problems, true); } else { show(state.advice, false); }
  });
})();
"""


class LiveState:
    """What open tabs follow: how many builds published, and the last build's problems."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.problems: list[str] = []
        self.advice: list[str] = []  # the coach's findings on what was published
        self.closed = False

    def record(self, result: BuildResult, base: Path, strict: bool) -> None:
        with self._changed:
            if result.written:
                self.version += 1
            failed = result.problems.fails(strict)
            shown = [p for p in result.problems.sorted() if failed or p.rule]
            self.problems = [p.format(base) for p in shown] if failed else []
            self.advice = [] if failed else [p.format(base) for p in shown]
            self._changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        with self._changed:
            return self._state()

    def wait_for_change(self, seen: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The new state, or None if nothing changed in `timeout` or the server is closing."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state() != seen, timeout)
            if self.closed:
                return None
            now = self._state()
            return now if now != seen else None

    def _state(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "problems": list(self.problems),
            "advice": list(self.advice),
        }

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class LiveHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, with the live-reload script added to every page as it is sent."""

    live: LiveState
    root: Path

    def log_message(self, format: str, *args: object) -> None:
        pass  # a request log would bury the build messages people need to read

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        if urllib.parse.urlsplit(self.path).path.startswith("/api/"):
            # Widgets and dashboards on other sites read the API from their own pages.
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self) -> None:
        try:
            self._get()
        except ValueError:  # a path no file can have, e.g. with a NUL byte
            self.send_error(400, "Bad path")

    def do_HEAD(self) -> None:
        try:
            super().do_HEAD()
        except ValueError:
            self.send_error(400, "Bad path")

    def _get(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if "\0" in urllib.parse.unquote(path):
            raise ValueError("a NUL byte in the path")
        if path == EVENTS:
            self._events()
        elif path == SCRIPT:
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
        elif not self.root.exists():
            self._not_built()
        else:
            page = self._page(path)
            if page is None:
                super().do_GET()
            else:
                self._send(200, "text/html; charset=utf-8", self._inject(page.read_bytes()))

    def _page(self, path: str) -> Path | None:
        """The HTML file this request would get, if it is one."""
        target = Path(self.translate_path(path))
        if target.is_dir():
            if not path.endswith("/"):
                return None  # the parent class redirects to the folder with a slash
            target = target / "index.html"
        return target if target.suffix == ".html" and target.is_file() else None

    def _inject(self, page: bytes) -> bytes:
        version = self.live.snapshot()["version"]
        tag = f'<script src="{SCRIPT}" data-version="{version}"></script>'.encode()
        found = list(_BODY_END.finditer(page))
        if not found:
            return page + tag
        at = found[-1].start()
        return page[:at] + tag + page[at:]

    def _not_built(self) -> None:
        problems = "\n".join(self.live.snapshot()["problems"])
        body = (
            '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Not built yet'
            "</title><h1>The site has not built yet</h1><p>Fix these problems and save; "
            f"this page reloads by itself.</p><pre>{html.escape(problems)}</pre></html>"
        )
        self._send(503, "text/html; charset=utf-8", self._inject(body.encode("utf-8")))

    def _send(self, code: int, kind: str, data: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.live.snapshot()
        try:
            self._state(seen)
            while not self.live.closed:
                state = self.live.wait_for_change(seen, KEEPALIVE)
                if state is None:
                    self.wfile.write(b": still here\n\n")  # keeps the connection open
                    self.wfile.flush()
                else:
                    self._state(state)
                    seen = state
        except OSError:
            pass  # the tab was closed

    def _state(self, state: dict[str, Any]) -> None:
        self.wfile.write(f"event: state\ndata: {json.dumps(state)}\n\n".encode())
        self.wfile.flush()
