"""The README's nginx recipe, for real: Debian's nginx serves `site/` while statusgen republishes
it again and again, and a reader fetching pages the whole time never gets an error or a page
that is part one version and part the other.

nginx comes from Debian (`apt-get install nginx-light`); without it this test skips and says so,
unless STATUSGEN_REQUIRE_TOOLS is set (CI), where it fails.

Tried the other way round: with nginx pointed at one of the two copies instead of the link,
this test fails with hundreds of 404s while that copy is brought up to date.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONFIG, NOW, RESOLVED

from statusgen.build import Builder, BuildOptions

REPUBLISHES = 300
SLUG = "2026-11-20-card-payments"
# Three versions in turn: with two, each of the two copies would already hold its version after
# the first round, and every later build would only switch the link without writing a file.
VERSIONS = (
    "Card payments failing at checkout",
    "Card payments failed at checkout",
    "Card payments declined at checkout",
)
# What the reader fetches: pages through nginx's index lookup and directly, feeds, the API.
PATHS = (
    "/",
    "/index.html",
    f"/incidents/{SLUG}/",
    f"/incidents/{SLUG}/index.html",
    "/feed.xml",
    "/atom.xml",
    "/api/v2/summary.json",
    "/history/2026-11/index.html",
    "/badge.svg",
)


def _nginx() -> Path:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        reason = "nginx is missing (Debian: apt-get install nginx-light), so the recipe is untested"
        if os.environ.get("STATUSGEN_REQUIRE_TOOLS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(found)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recipe(site: Path, port: int) -> str:
    """The README's server block, with the port and paths of this test."""
    return f"""
    server {{
        listen 127.0.0.1:{port};
        root {site};          # the link itself, never the copy it points at
        index index.html;
        add_header Cache-Control "public, max-age=60, must-revalidate" always;
        location / {{
            try_files $uri $uri/ =404;
        }}
        location /api/ {{
            add_header Cache-Control "public, max-age=60, must-revalidate" always;
            add_header Access-Control-Allow-Origin "*" always;
            try_files $uri =404;
        }}
    }}
    """


def _config(tmp: Path, site: Path, port: int) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read files under tmp_path
    temps = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log off;\n{temps}" + recipe(site, port) + "}\n"
    )


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """nginx serving `<tmp_path>/status/site` on a free port; the port and the site."""
    binary = _nginx()
    run = tmp_path / "nginx"
    run.mkdir()
    site = tmp_path / "status" / "site"
    port = _free_port()
    conf = run / "nginx.conf"
    conf.write_text(_config(run, site, port))
    output = (run / "output.log").open("wb")
    process = subprocess.Popen(
        [str(binary), "-p", str(run), "-e", str(run / "error.log"), "-c", str(conf)],
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                said = (run / "output.log").read_text() + _text(run / "error.log")
                pytest.fail(f"nginx stopped at once:\n{said}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"nginx did not listen within 10 s:\n{_text(run / 'error.log')}")
                time.sleep(0.05)
        yield port, site
    finally:
        process.terminate()
        process.wait(timeout=10)
        output.close()


def _text(file: Path) -> str:
    return file.read_text(errors="replace") if file.exists() else ""


def _write_version(root: Path, number: int) -> None:
    text = RESOLVED.replace(VERSIONS[0], VERSIONS[number])
    (root / "incidents" / f"{SLUG}.md").write_text(text, encoding="utf-8")


def test_nginx_serves_whole_pages_while_300_builds_republish(
    nginx: tuple[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, site = nginx
    root = site.parent
    (root / "incidents").mkdir(parents=True)
    (root / "statusgen.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    builder = Builder(BuildOptions(root / "statusgen.toml", now=NOW))

    # Every version as published, to compare each response with.
    expected: list[dict[str, bytes]] = []
    for number in range(len(VERSIONS)):
        _write_version(root, number)
        assert not builder.build().problems.errors
        expected.append({path: _read(site, path) for path in PATHS})
    assert expected[0]["/index.html"] != expected[1]["/index.html"]

    failures: list[str] = []
    fetched = [0]
    stop = threading.Event()

    def reader() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop.is_set():
            for path in PATHS:
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    failures.append(f"{path}: {exc!r}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    continue
                fetched[0] += 1
                if response.status != 200:
                    failures.append(f"{path}: HTTP {response.status}")
                elif all(body != version[path] for version in expected):
                    failures.append(f"{path}: {len(body)} bytes, none of the versions")
        connection.close()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for build in range(REPUBLISHES):
            _write_version(root, build % len(VERSIONS))
            result = builder.build()
            assert result.written and not result.problems.errors, result.problems.items
    finally:
        stop.set()
        thread.join(timeout=30)

    assert failures == []
    assert fetched[0] > len(PATHS) * 10, "the reader hardly ran; the test proved nothing"


def _read(site: Path, path: str) -> bytes:
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return (site / relative).read_bytes()


def test_nginx_recipe_keeps_pages_fresh_and_lets_other_sites_read_the_api(
    nginx: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, site = nginx
    root = site.parent
    (root / "incidents").mkdir(parents=True)
    (root / "statusgen.toml").write_text(CONFIG, encoding="utf-8")
    _write_version(root, 0)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert not Builder(BuildOptions(root / "statusgen.toml", now=NOW)).build().problems.errors
    seen = {}
    for path in ("/", "/api/v2/summary.json", "/api/v2/incidents/unresolved.json"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path, headers={"Origin": "https://elsewhere.test"})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, path
        seen[path] = (
            response.getheader("Cache-Control"),
            response.getheader("Access-Control-Allow-Origin"),
        )
    fresh = "public, max-age=60, must-revalidate"
    assert seen == {
        "/": (fresh, None),
        "/api/v2/summary.json": (fresh, "*"),
        "/api/v2/incidents/unresolved.json": (fresh, "*"),
    }
