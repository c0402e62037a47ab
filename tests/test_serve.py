"""`statusgen serve`: the built site answers on 127.0.0.1, and a bad build keeps the old one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import NOW, Project


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(root: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "statusgen", "serve", "--port", str(port), "--now", NOW],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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
