"""`statusgen serve`: the site answers on 127.0.0.1 with live reload, and a bad build keeps the old one."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import NOW, RESOLVED, Project
from test_watch import INCIDENT, OLD_TITLE, PUBLISHED, SLUG, WAIT, Command, edit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(root: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "statusgen", "serve", "--port", str(port), "--now", NOW],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.terminate()
    out, err = process.communicate(timeout=10)
    return out, err


def test_serve_answers_on_loopback(project: Project) -> None:
    port = _free_port()
    process = _serve(project.root, port)
    try:
        page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 15)
        assert "Test Status" in page and "All systems operational" in page
        feed = _get(f"http://127.0.0.1:{port}/feed.xml", time.monotonic() + 5)
        assert "<rss" in feed
        # A status widget on another site's page reads the API across origins (CORS), and
        # sees a missing endpoint as a 404 rather than as a blocked request.
        for path, code in (("api/v2/summary.json", 200), ("api/v2/no-such.json", 404)):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/{path}", headers={"Origin": "http://other.test"}
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    got, headers = response.status, response.headers
            except urllib.error.HTTPError as exc:
                with exc:
                    got, headers = exc.code, exc.headers
            assert got == code, path
            assert headers["Access-Control-Allow-Origin"] == "*", path
    finally:
        out, _ = _stop(process)
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_keeps_the_last_good_site_when_the_build_fails(project: Project) -> None:
    assert project.build().code == 0
    project.write("incidents/broken.md", "no front matter\n")
    port = _free_port()
    process = _serve(project.root, port)
    try:
        page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 15)
        assert "Card payments failing at checkout" in page
    finally:
        _, err = _stop(process)
    assert "incidents/broken.md:1: error: no front matter" in err
    assert "the last good site stays as it was" in err


def _live(project: Project) -> tuple[Command, str]:
    """`statusgen serve --port 0`, and where it answers once the first build is done."""
    command = Command(project.root, "serve", "--port", "0", "--now", NOW)
    try:
        line = command.wait_for_line(" with live reload")
    except BaseException:
        command.kill()
        raise
    found = re.search(r"at (http://127\.0\.0\.1:\d+/) with live reload", line)
    assert found, line
    return command, found.group(1)


def _fetch(url: str) -> tuple[int, str, str]:
    """Status, body and content type, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return (
                response.status,
                response.read().decode("utf-8"),
                response.headers["Content-Type"],
            )
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8"), exc.headers["Content-Type"]


class Events:
    """The `state` events of one open `/_statusgen/events` stream, as they arrive."""

    def __init__(self, url: str) -> None:
        self.response = urllib.request.urlopen(url, timeout=60)
        assert self.response.headers["Content-Type"] == "text/event-stream"
        self.states: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        event, data = "", ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = line.removeprefix("data: ")
                elif not line and event == "state":
                    with self._arrived:
                        self.states.append(json.loads(data))
                        self._arrived.notify_all()
                    event, data = "", ""
        except (OSError, ValueError):
            pass  # closed at the end of the test

    def wait_for(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first state received so far, or from now on, that `wanted` accepts."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: any(wanted(s) for s in self.states), timeout):
                raise AssertionError(f"no such state within {timeout} s; got {self.states}")
            return next(s for s in self.states if wanted(s))

    def close(self) -> None:
        """Once the server has gone: closing waits for the reader, which waits for data."""
        self.response.close()
        self._reader.join(timeout=WAIT)


def test_serve_injects_live_reload_and_streams_each_build(project: Project) -> None:
    command, base = _live(project)
    events: Events | None = None
    try:
        code, page, kind = _fetch(base)
        assert code == 200 and kind == "text/html; charset=utf-8"
        tag = '<script src="/_statusgen/live.js" data-version="1"></script>'
        assert page.count("/_statusgen/live.js") == 1
        assert f"{tag}</body>" in page
        assert OLD_TITLE in page
        # serve publishes its preview (drafts included) beside the site, never into site/
        preview = project.root / ".site.statusgen" / "preview"
        on_disk = (preview / "index.html").read_text(encoding="utf-8")
        assert "_statusgen" not in on_disk
        assert page.replace(tag, "") == on_disk
        code, story, _ = _fetch(f"{base}incidents/{SLUG}/")
        assert code == 200 and tag in story
        assert "_statusgen" not in (preview / f"incidents/{SLUG}/index.html").read_text("utf-8")
        code, feed, _ = _fetch(f"{base}feed.xml")
        assert code == 200 and "_statusgen" not in feed

        code, script, kind = _fetch(f"{base}_statusgen/live.js")
        assert code == 200 and kind.startswith("text/javascript")
        assert 'new EventSource("/_statusgen/events")' in script

        events = Events(f"{base}_statusgen/events")
        assert events.wait_for(lambda s: True) == {"version": 1, "problems": [], "advice": []}

        edit(project, INCIDENT, (f"title: {OLD_TITLE}", "title: Card payments declined"))
        state = events.wait_for(lambda s: s["version"] > 1)
        assert state == {"version": 2, "problems": [], "advice": []}
        _, page, _ = _fetch(base)
        assert "Card payments declined" in page and 'data-version="2"' in page

        edit(project, INCIDENT, ("impact: major", "impact: [major"))
        state = events.wait_for(lambda s: s["problems"])
        assert state["version"] == 2
        assert len(state["problems"]) == 1
        assert state["problems"][0].startswith(f"{INCIDENT}:")
        assert ": error: front matter is not valid YAML" in state["problems"][0]
        code, page, _ = _fetch(base)  # customers still get the last good site
        assert code == 200 and "Card payments declined" in page

        edit(
            project,
            INCIDENT,
            ("impact: [major", "impact: major"),
            ("title: Card payments declined", "title: Card payments back"),
        )
        state = events.wait_for(lambda s: s["version"] > 2)
        assert state == {"version": 3, "problems": [], "advice": []}
        assert "Card payments back" in _fetch(base)[1]

        # The coach's advice is shown over the published page, not instead of it.
        edit(
            project,
            INCIDENT,
            ("Card payments work again for everyone.", "Fixed. This will never happen again."),
        )
        state = events.wait_for(lambda s: s["version"] > 3)
        assert state["problems"] == []
        assert len(state["advice"]) == 1
        assert state["advice"][0].endswith("[coach:overpromise]")
        assert "This will never happen again." in _fetch(f"{base}incidents/{SLUG}/")[1]

        assert command.signal(signal.SIGINT) == 0, command.transcript()
        assert command.out[-1] == "Stopped."
    finally:
        command.kill()  # first: the stream's reader holds it open until the server goes away
        if events is not None:
            events.close()


BROKEN = "incidents/2026-11-21-search.md"


def test_serve_shows_the_problems_until_the_first_good_build(project: Project) -> None:
    project.write(BROKEN, "no front matter\n")
    command, base = _live(project)
    events: Events | None = None
    try:
        command.wait_for_line("The site has not built yet: fix the problems above and save.")
        problem = f"{BROKEN}:1: error: no front matter"
        assert problem in "\n".join(command.err)
        assert not project.site.exists()
        code, page, kind = _fetch(base)
        assert code == 503 and kind == "text/html; charset=utf-8"
        assert problem in page
        assert '<script src="/_statusgen/live.js" data-version="0"></script>' in page
        code, _, _ = _fetch(f"{base}incidents/{SLUG}/")
        assert code == 503

        events = Events(f"{base}_statusgen/events")
        first = events.wait_for(lambda s: True)
        assert first["version"] == 0 and problem in first["problems"][0]
        project.write(BROKEN, RESOLVED.replace(OLD_TITLE, "Search was slow"))
        assert events.wait_for(lambda s: s["version"] > 0) == {
            "version": 1,
            "problems": [],
            "advice": [],
        }
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        code, page, _ = _fetch(base)
        assert code == 200
        assert "Test Status" in page and "Search was slow" in page and OLD_TITLE in page
        assert '<script src="/_statusgen/live.js" data-version="1"></script>' in page
        assert "not built yet" not in page
    finally:
        command.kill()  # first: the stream's reader holds it open until the server goes away
        if events is not None:
            events.close()
