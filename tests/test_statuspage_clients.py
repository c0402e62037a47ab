"""Real clients written for Atlassian Statuspage read a statusgen site served on 127.0.0.1.

Each client is used as its users use it, with only its base URL changed:

- PyPI `statuspage-prometheus-exporter`: its daemon, configured by a `services.json`, polls
  `api/v2/summary.json`; the test scrapes its Prometheus endpoint.
- PyPI `statuscheck`: its command line (`statuscheck github --verbose`) with the one method that
  builds its base URL, `_get_base_url`, patched to point here. Its pins (click 7.1, httpx 0.16)
  would hold back the test tools, so it runs in a virtual environment of its own under `.tools/`.
- npm `statuspage.io` 3.3.8 (3.4 needs a newer Node): `setApiUrl`, then every call it offers,
  run by `node`.
- npm `@statuspage/status-widget`, Atlassian's own web component, in headless Chromium on a page
  from the site's own origin and on one from another origin (which needs CORS on `api/`).

The site is served by `statusgen serve` at NOW, in the middle of an outage: an incident on a
component in a group, with a follow-up update; a maintenance in progress and one to come; and a
resolved incident. A second site has only the resolved incident: all clear.

The clients come from `python3 dev.py test` (the `test` extra and `.tools/`); Chromium is the
system's. Without them these tests skip and say why, unless STATUSGEN_REQUIRE_TOOLS is set (CI),
where they fail.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import pytest
from conftest import CONFIG, NOW, RESOLVED, ROOT, make_incident, serving
from test_serve import _free_port
from test_watch import WAIT, Command

NODE_MODULES = ROOT / ".tools" / "node_modules"
STATUSCHECK_VENV = ROOT / ".tools" / "statuscheck-venv"
STATUSPAGE_IO = NODE_MODULES / "statuspage.io"
WIDGET = NODE_MODULES / "@statuspage" / "status-widget" / "dist" / "index.js"


def _missing(reason: str) -> NoReturn:
    """Skip, or fail in CI (STATUSGEN_REQUIRE_TOOLS), where every client must be installed."""
    if os.environ.get("STATUSGEN_REQUIRE_TOOLS"):
        pytest.fail(reason)
    pytest.skip(reason)


# --- the sites -----------------------------------------------------------------------------------

INCIDENT = "2026-11-20-payments-api-errors"
INCIDENT_NAME = "Payments API errors"
FOLLOW_UP = "We moved half of the payment traffic to a healthy database."
ACTIVE_WORK = "2026-11-20-login-upgrade"
ACTIVE_NAME = "Login database upgrade"
UPCOMING_WORK = "2026-11-25-checkout-reindex"
UPCOMING_NAME = "Checkout search reindex"
RESOLVED_NAME = "Card payments failing at checkout"

OUTAGE_FILES = {
    f"incidents/{INCIDENT}.md": make_incident(
        title=INCIDENT_NAME,
        impact="major",
        components=["payments-api"],
        started="2026-11-20T14:02:00Z",
        body={
            "Problem": "Some payments fail with an error.",
            "Cause": "One of our payment databases is overloaded.",
            "Restore time": "We expect payments to work normally again by 16:00 UTC.",
        },
        updates=[
            ("2026-11-20 14:40 UTC — Update", FOLLOW_UP),
            ("2026-11-20 14:20 UTC — Identified", "An overloaded database fails payments."),
            ("2026-11-20 14:05 UTC — Investigating", "We are looking into failed payments."),
        ],
    ),
    f"incidents/{ACTIVE_WORK}.md": make_incident(
        title=ACTIVE_NAME,
        kind="maintenance",
        components=["login"],
        scheduled_start="2026-11-20T14:00:00Z",
        scheduled_end="2026-11-20T16:00:00Z",
        body={
            "What we are doing": "We upgrade the database that keeps your sign-in details.",
            "What you will notice": "Signing in may take a few seconds longer.",
        },
        updates=[
            ("2026-11-20 14:00 UTC — In_progress", "The upgrade has begun."),
            ("2026-11-19 09:00 UTC — Scheduled", "We will upgrade the sign-in database."),
        ],
    ),
    f"incidents/{UPCOMING_WORK}.md": make_incident(
        title=UPCOMING_NAME,
        kind="maintenance",
        components=["checkout"],
        scheduled_start="2026-11-25T02:00:00Z",
        scheduled_end="2026-11-25T04:00:00Z",
        body={
            "What we are doing": "We rebuild the product search used at checkout.",
            "What you will notice": "Searching at checkout may be slow.",
        },
        updates=[("2026-11-20 10:00 UTC — Scheduled", "We will rebuild the checkout search.")],
    ),
}

# What the outage site says, in Statuspage's words (SPEC §3): the open major incident sets the
# indicator; a component's status is its own, a group's the worst of its members'.
OUTAGE_INDICATOR, OUTAGE_TEXT = "major", "Partial System Outage"
CLEAR_INDICATOR, CLEAR_TEXT = "none", "All Systems Operational"
OUTAGE_COMPONENTS = {
    "Shop": "partial_outage",
    "Checkout": "operational",
    "Payments API": "partial_outage",
    "Login": "under_maintenance",
}
CLEAR_COMPONENTS = dict.fromkeys(OUTAGE_COMPONENTS, "operational")
STATUSPAGE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@contextlib.contextmanager
def _served(root: Path, files: dict[str, str]) -> Iterator[str]:
    """A site of `files` written to `root`, under `statusgen serve` at NOW; its address."""
    for relative, text in {"statusgen.toml": CONFIG, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    command = Command(root, "serve", "--port", "0", "--now", NOW)
    try:
        line = command.wait_for_line(" with live reload")
        found = re.search(r"at (http://127\.0\.0\.1:\d+/) with live reload", line)
        assert found, command.transcript()
        yield found.group(1)
    finally:
        command.kill()


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The outage site, served; its address."""
    files = {**OUTAGE_FILES, "incidents/2026-11-20-card-payments.md": RESOLVED}
    with _served(tmp_path_factory.mktemp("clients-outage"), files) as url:
        yield url


@pytest.fixture(scope="module")
def all_clear(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The all-clear site (one resolved incident), served; its address."""
    files = {"incidents/2026-11-20-card-payments.md": RESOLVED}
    with _served(tmp_path_factory.mktemp("clients-clear"), files) as url:
        yield url


# --- statuspage-prometheus-exporter --------------------------------------------------------------


def _exporter_metrics(
    site: str, work: Path
) -> tuple[dict[str, list[tuple[dict[str, str], float]]], str]:
    """Run the exporter's daemon on `site`, scrape its metrics once it has polled the site;
    every metric's samples (labels, value), and what it logged."""
    if importlib.util.find_spec("statuspage_prometheus_exporter") is None:
        _missing(
            "statuspage-prometheus-exporter is not installed (`python3 dev.py test` installs it)"
        )
    from prometheus_client.parser import text_string_to_metric_families

    services = work / "services.json"
    services.write_text(
        json.dumps({"statusgen": {"url": f"{site}api/v2/summary.json", "name": "Test Status"}}),
        encoding="utf-8",
    )
    port = _free_port()
    env = {
        **os.environ,
        "SERVICES_JSON_PATH": str(services),
        "METRICS_PORT": str(port),
        "RUN_MODE": "daemon",
    }
    log_file = work / "exporter.log"
    with log_file.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "statuspage_prometheus_exporter.status_monitoring"],
            cwd=work,  # its cache/ folder
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    text = ""
    try:
        # Scrape once its first poll has set every gauge, as it logs.
        deadline = time.monotonic() + WAIT
        while "Status page monitoring completed" not in log_file.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log_file.read_text()
            time.sleep(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=WAIT) as r:
            text = r.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
    log = log_file.read_text(encoding="utf-8")
    metrics: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            metrics.setdefault(sample.name, []).append((sample.labels, sample.value))
    return metrics, log


def _value(metrics: dict[str, list[tuple[dict[str, str], float]]], name: str) -> float:
    [(labels, value)] = metrics[name]
    assert labels["service_name"] == "Test Status", labels
    return value


def _components_seen(metrics: dict[str, list[tuple[dict[str, str], float]]]) -> dict[str, float]:
    return {labels["component_name"]: v for labels, v in metrics["statuspage_component_status"]}


def _set(metrics: dict[str, list[tuple[dict[str, str], float]]], name: str) -> list[dict[str, str]]:
    """The labels of each sample of `name` that is set (1): what the exporter says is active."""
    return sorted(
        (
            {k: v for k, v in labels.items() if k != "service_name"}
            for labels, value in metrics[name]
            if value == 1
        ),
        key=lambda labels: labels.get("incident_id") or labels["maintenance_id"],
    )


def test_prometheus_exporter_reports_the_outage(outage: str, tmp_path: Path) -> None:
    metrics, log = _exporter_metrics(outage, tmp_path)
    assert _value(metrics, "statuspage_probe_check") == 1, log  # it read the page
    assert _value(metrics, "statuspage_service_status") == 0  # 0: not operational
    # It logs the indicator it read (raised to the worst open incident's impact).
    assert f"Test Status: {OUTAGE_INDICATOR} (response time" in log, log
    assert _components_seen(metrics) == {
        name: 1.0 if status == "operational" else 0.0 for name, status in OUTAGE_COMPONENTS.items()
    }
    assert _set(metrics, "statuspage_incident_info") == [
        {
            "incident_id": INCIDENT,
            "incident_name": INCIDENT_NAME,
            "impact": "major",
            "shortlink": f"https://status.test/incidents/{INCIDENT}/",
            "started_at": "2026-11-20T14:02:00Z",  # the exporter drops the milliseconds
            "affected_components": "Payments API",
        }
    ]
    # Every maintenance not yet completed, in progress or to come, with its window.
    assert _set(metrics, "statuspage_maintenance_info") == [
        {
            "maintenance_id": ACTIVE_WORK,
            "maintenance_name": ACTIVE_NAME,
            "scheduled_start": "2026-11-20T14:00:00Z",
            "scheduled_end": "2026-11-20T16:00:00Z",
            "shortlink": f"https://status.test/incidents/{ACTIVE_WORK}/",
            "affected_components": "Login",
        },
        {
            "maintenance_id": UPCOMING_WORK,
            "maintenance_name": UPCOMING_NAME,
            "scheduled_start": "2026-11-25T02:00:00Z",
            "scheduled_end": "2026-11-25T04:00:00Z",
            "shortlink": f"https://status.test/incidents/{UPCOMING_WORK}/",
            "affected_components": "Checkout",
        },
    ]


def test_prometheus_exporter_reports_all_clear(all_clear: str, tmp_path: Path) -> None:
    metrics, log = _exporter_metrics(all_clear, tmp_path)
    assert _value(metrics, "statuspage_probe_check") == 1, log
    assert _value(metrics, "statuspage_service_status") == 1  # 1: operational
    assert f"Test Status: {CLEAR_INDICATOR} (response time" in log, log
    assert _components_seen(metrics) == dict.fromkeys(OUTAGE_COMPONENTS, 1.0)
    assert _set(metrics, "statuspage_incident_info") == []
    assert _set(metrics, "statuspage_maintenance_info") == []


# --- statuscheck ---------------------------------------------------------------------------------


# statuscheck pins click 7.1, attrs 20.3 and httpx 0.16, so it lives in a virtual environment of
# its own (`python3 dev.py test` makes it) and runs there, as its own process, with this driver:
# `cli` runs its command line, `summary` prints what its `get_summary()` returns, as JSON.
STATUSCHECK_RUN = """
import json
import sys

from statuscheck import cli
from statuscheck.services import github
from statuscheck.services.bases._statuspageio import BaseStatusPageAPI

mode, api_url, *arguments = sys.argv[1:]
BaseStatusPageAPI._get_base_url = lambda self: api_url  # the one method that builds its address
if mode == "summary":
    json.dump(github.ServiceAPI().get_summary().as_dict(), sys.stdout, default=str)
else:
    cli.main(arguments, prog_name="statuscheck")
"""


def _statuscheck(site: str, work: Path) -> tuple[Any, str]:
    """`statuscheck github --verbose` pointed at `site`: its summary and what it printed."""
    bin_dir = STATUSCHECK_VENV / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():
        reason = f"statuscheck's virtual environment is missing at {STATUSCHECK_VENV}"
        if sys.version_info >= (3, 13):
            # dev.py makes none there: httpx 0.16 imports `cgi`, gone in Python 3.13.
            pytest.skip(f"{reason}: statuscheck pins httpx 0.16, which needs Python < 3.13")
        _missing(f"{reason} (`python3 dev.py test` makes it)")
    script = work / "statuscheck-run.py"
    script.write_text(STATUSCHECK_RUN, encoding="utf-8")

    def run(*arguments: str) -> str:
        # -I: nothing from this environment (PYTHONPATH, user site) reaches statuscheck's own.
        # httpx 0.16's deprecation warnings (`cgi`, `ssl.PROTOCOL_TLS`) are not statusgen's.
        done = subprocess.run(
            [str(python), "-I", "-W", "ignore::DeprecationWarning", str(script), *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (done.stdout, done.stderr)
        return done.stdout

    api = f"{site}api/v2/"
    printed = run("cli", api, "github", "--verbose")
    summary = json.loads(run("summary", api), object_hook=lambda d: SimpleNamespace(**d))
    return summary, printed


def test_statuscheck_reports_the_outage(outage: str, tmp_path: Path) -> None:
    summary, printed = _statuscheck(outage, tmp_path)
    assert summary.status.code == OUTAGE_INDICATOR
    assert summary.status.name == "Major outage" and not summary.status.is_ok
    names = {"operational": "Operational", "partial_outage": "Partial outage"}
    names["under_maintenance"] = "Under maintenance"
    assert {c.name: c.status for c in summary.components} == {
        name: names[status] for name, status in OUTAGE_COMPONENTS.items()
    }
    # Its "events": the unresolved incidents, then the maintenance in progress or to come.
    assert [
        (e.name, e.status, [(c.name, c.status) for c in e.components]) for e in summary.incidents
    ] == [
        (INCIDENT_NAME, "identified", [("Payments API", "Partial outage")]),
        (ACTIVE_NAME, "in_progress", [("Login", "Under maintenance")]),
        (UPCOMING_NAME, "scheduled", [("Checkout", "Operational")]),
    ]
    assert printed.splitlines() == [
        "Current GitHub status: Major outage",  # its name for the service whose URL we changed
        "Registered events:",
        f"- [identified] {INCIDENT_NAME}",
        "  Affected components:",
        "    - Payments API [Partial outage]",
        f"- [in_progress] {ACTIVE_NAME}",
        "  Affected components:",
        "    - Login [Under maintenance]",
        f"- [scheduled] {UPCOMING_NAME}",
        "  Affected components:",
        "    - Checkout [Operational]",
        "",
        "More: https://www.githubstatus.com/",
    ]
    assert summary.status.description == OUTAGE_TEXT


def test_statuscheck_reads_all_clear_as_ok(all_clear: str, tmp_path: Path) -> None:
    summary, printed = _statuscheck(all_clear, tmp_path)
    assert summary.status.is_ok and summary.status.name == "No issues"
    assert {c.name: c.status for c in summary.components} == dict.fromkeys(
        OUTAGE_COMPONENTS, "Operational"
    )
    assert summary.incidents == []
    assert printed == "Current GitHub status: No issues\n"
    assert summary.status.description == CLEAR_TEXT


# --- statuspage.io (npm) -------------------------------------------------------------------------

STATUSPAGE_IO_RUN = """
const [modulePath, apiUrl] = process.argv.slice(2);
const {Statuspage} = require(modulePath);
const client = new Statuspage("statusgen");  // any page id: setApiUrl replaces its address
client.setApiUrl(apiUrl);
const calls = {
  summary: () => client.api.getSummary(),
  status: () => client.api.getStatus(),
  components: () => client.api.getComponents(),
  incidents: () => client.api.incidents.getAll(),
  unresolved: () => client.api.incidents.getUnresolved(),
  maintenances: () => client.api.scheduledMaintenances.getAll(),
  upcoming: () => client.api.scheduledMaintenances.getUpcoming(),
  active: () => client.api.scheduledMaintenances.getActive(),
};
(async () => {
  const results = {};
  for (const [name, call] of Object.entries(calls)) {
    try {
      results[name] = await call();
    } catch (error) {
      results[name] = {error: String(error.message), url: error.config && error.config.url};
    }
  }
  process.stdout.write(JSON.stringify(results));
})();
"""


def _statuspage_io(site: str, work: Path) -> dict[str, Any]:
    """Every call of npm `statuspage.io` on `site`: its result, or {error, url}."""
    node = shutil.which("node")
    if node is None:
        _missing("node is missing, so the npm Statuspage client cannot run")
    manifest = STATUSPAGE_IO / "package.json"
    if not manifest.is_file():
        _missing(f"npm statuspage.io is missing in {STATUSPAGE_IO.parent} (`python3 dev.py test`)")
    version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    if version != "3.3.8":
        _missing(f"npm statuspage.io is {version}, not 3.3.8 (`python3 dev.py test` pins it)")
    script = work / "statuspage-io.js"
    script.write_text(STATUSPAGE_IO_RUN, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(STATUSPAGE_IO), site],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    return results


@pytest.fixture(scope="module")
def outage_by_statuspage_io(
    outage: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    return _statuspage_io(outage, tmp_path_factory.mktemp("statuspage-io"))


def _got(results: dict[str, Any], call: str) -> Any:
    result = results[call]
    assert "error" not in result, f"{call}: {result}"
    return result


def _times(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (where, time) in a document: the values of `*_at`, `scheduled_for`/`_until`."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and (key.endswith("_at") or key.startswith("scheduled_")):
                yield f"{path}.{key}", value
            else:
                yield from _times(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _times(value, f"{path}[{index}]")


def test_statuspage_io_reads_the_summary_and_status(
    outage_by_statuspage_io: dict[str, Any],
) -> None:
    summary = _got(outage_by_statuspage_io, "summary")
    status = _got(outage_by_statuspage_io, "status")
    expected = {"indicator": OUTAGE_INDICATOR, "description": OUTAGE_TEXT}
    assert summary["status"] == expected
    assert status["status"] == expected and status["page"]["name"] == "Test Status"
    assert {c["name"]: c["status"] for c in summary["components"]} == OUTAGE_COMPONENTS
    [incident] = summary["incidents"]
    assert (incident["id"], incident["name"], incident["status"], incident["impact"]) == (
        INCIDENT,
        INCIDENT_NAME,
        "identified",
        "major",
    )
    # Newest first; the follow-up carries the phase it was posted in, as Statuspage's do.
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["identified", "identified", "investigating"]
    assert updates[0]["body"] == FOLLOW_UP  # plain text
    assert {m["name"]: m["status"] for m in summary["scheduled_maintenances"]} == {
        ACTIVE_NAME: "in_progress",
        UPCOMING_NAME: "scheduled",
    }
    # Statuspage's time format, milliseconds included, for every time the client is given.
    times = dict(_times(summary))
    assert len(times) > 20
    assert {k: v for k, v in times.items() if not STATUSPAGE_TIME.fullmatch(v)} == {}
    assert incident["started_at"] == "2026-11-20T14:02:00.000Z"


def test_statuspage_io_reads_the_components(outage_by_statuspage_io: dict[str, Any]) -> None:
    components = _got(outage_by_statuspage_io, "components")["components"]
    by_name = {c["name"]: c for c in components}
    assert {name: c["status"] for name, c in by_name.items()} == OUTAGE_COMPONENTS
    shop = by_name["Shop"]
    assert shop["group"] is True
    assert shop["components"] == [by_name["Checkout"]["id"], by_name["Payments API"]["id"]]
    # Members say which group they are in and where they stand within it.
    assert [
        (by_name[n]["group_id"], by_name[n]["position"]) for n in ("Checkout", "Payments API")
    ] == [
        (shop["id"], 1),
        (shop["id"], 2),
    ]
    assert by_name["Login"]["group_id"] is None
    # `updated_at` is when a component's status last changed, not when the site was built.
    assert by_name["Payments API"]["updated_at"] == "2026-11-20T14:02:00.000Z"
    assert by_name["Login"]["updated_at"] == "2026-11-20T14:00:00.000Z"


def test_statuspage_io_reads_the_incidents(outage_by_statuspage_io: dict[str, Any]) -> None:
    every = _got(outage_by_statuspage_io, "incidents")["incidents"]
    assert {i["name"]: (i["status"], i["resolved_at"]) for i in every} == {
        INCIDENT_NAME: ("identified", None),
        RESOLVED_NAME: ("resolved", "2026-11-20T13:31:00.000Z"),
    }
    unresolved = _got(outage_by_statuspage_io, "unresolved")["incidents"]
    assert [i["name"] for i in unresolved] == [INCIDENT_NAME]


def test_statuspage_io_reads_the_maintenance(outage_by_statuspage_io: dict[str, Any]) -> None:
    # statuspage.io 3.3.8 asks `scheduled-maintenances/upcoming.json` for all three calls (its
    # getAll and getActive use the upcoming address): what its users get is the one to come.
    for call in ("upcoming", "active", "maintenances"):
        works = _got(outage_by_statuspage_io, call)["scheduled_maintenances"]
        assert [
            (m["id"], m["name"], m["status"], m["scheduled_for"], m["scheduled_until"])
            for m in works
        ] == [
            (
                UPCOMING_WORK,
                UPCOMING_NAME,
                "scheduled",
                "2026-11-25T02:00:00.000Z",
                "2026-11-25T04:00:00.000Z",
            )
        ], call


def test_statuspage_io_reads_all_clear(all_clear: str, tmp_path: Path) -> None:
    results = _statuspage_io(all_clear, tmp_path)
    expected = {"indicator": CLEAR_INDICATOR, "description": CLEAR_TEXT}
    assert _got(results, "summary")["status"] == _got(results, "status")["status"] == expected
    components = _got(results, "components")["components"]
    assert {c["name"]: c["status"] for c in components} == CLEAR_COMPONENTS
    assert [i["name"] for i in _got(results, "incidents")["incidents"]] == [RESOLVED_NAME]
    assert _got(results, "unresolved")["incidents"] == []
    assert _got(results, "upcoming")["scheduled_maintenances"] == []


# --- @statuspage/status-widget in Chromium -------------------------------------------------------

WIDGET_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Our shop</title></head><body>
<statuspage-widget id="basic" src="{site}"></statuspage-widget>
<statuspage-widget id="badge" src="{site}" appearance="badge" title="Test Status"></statuspage-widget>
<script src="status-widget.js"></script>
</body></html>
"""
# What each widget shows, read from its shadow DOM once both have drawn the summary.
WIDGET_SHOWS = """() => [...document.querySelectorAll("statuspage-widget")].map(widget => {
  const find = selector => widget.shadowRoot.querySelector(selector);
  const light = find(".status-indicator");
  return {
    id: widget.id,
    text: find(".status-text").textContent.trim(),
    light: light.textContent.trim(),
    indicator: [...light.classList].filter(name => name !== "status-indicator"),
    colour: getComputedStyle(light).backgroundColor,
    link: find("a").href,
  };
})"""
WIDGET_DRAWN = """() => [...document.querySelectorAll("statuspage-widget")].every(
  widget => widget.shadowRoot && widget.shadowRoot.querySelector(".status-text"))"""
# The widget's own colours for each indicator; anything else is grey (#aaa).
WIDGET_COLOURS = {"none": "rgb(46, 204, 113)", "major": "rgb(230, 126, 34)"}


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium (see conftest), once the widget is there to load in it."""
    if not WIDGET.is_file():
        _missing(f"@statuspage/status-widget is missing at {WIDGET} (`python3 dev.py test`)")
    yield chromium


# The widget's own bundle (1.0.5, dist/index.js) assigns an undeclared `parcelRequire` under
# "use strict" once it has defined the element: it throws this on every page, and still works.
WIDGET_OWN_ERRORS = {"parcelRequire is not defined"}


def _console_error(message: Any) -> str:
    """A console error worth failing for ('' otherwise): not the browser's own favicon request."""
    where = message.location.get("url", "")
    if message.type != "error" or where.endswith("/favicon.ico"):
        return ""
    return f"{message.text} ({where})"


def _widgets(
    browser: Any, page_url: str, site: str, route: dict[str, bytes] | None = None
) -> list[dict[str, Any]]:
    """Open `page_url` (a page with two widgets showing `site`); what the widgets show.
    `route` answers the page's own files from the test instead of from a server."""
    context = browser.new_context()
    problems: list[str] = []
    try:
        if route is not None:
            files = route

            def answer(request: Any) -> None:
                name = request.request.url.rsplit("/", 1)[1]
                request.fulfill(status=200 if name in files else 404, body=files.get(name, b""))

            context.route(f"{page_url.rsplit('/', 1)[0]}/*", answer)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: problems.append(_console_error(m)))
        response = page.goto(page_url, wait_until="load")
        assert response is not None and response.ok, page_url
        try:
            page.wait_for_function(WIDGET_DRAWN, timeout=WAIT * 1000)
        except Exception as exc:  # playwright's TimeoutError
            raise AssertionError(f"the widgets showed nothing: {problems}") from exc
        shown: list[dict[str, Any]] = page.evaluate(WIDGET_SHOWS)
        assert [p for p in problems if p and p not in WIDGET_OWN_ERRORS] == [], shown
        return shown
    finally:
        context.close()


def _expected_widgets(site: str, indicator: str, text: str) -> list[dict[str, Any]]:
    return [
        {
            "id": "basic",
            "text": text,
            "light": "",
            "indicator": [indicator],
            "colour": WIDGET_COLOURS[indicator],
            "link": site,
        },
        {
            "id": "badge",
            "text": "Test Status",  # its title
            "light": text,  # shown in lower case
            "indicator": [indicator],
            "colour": WIDGET_COLOURS[indicator],
            "link": site,
        },
    ]


def _widget_page(site: str) -> dict[str, bytes]:
    return {
        "widget.html": WIDGET_PAGE.format(site=site).encode(),
        "status-widget.js": WIDGET.read_bytes(),
    }


def test_status_widget_on_the_sites_own_origin(browser: Any, outage: str) -> None:
    # The page and the widget's script are answered at the site's own address by the browser's
    # router: statusgen publishes no such page, but its origin is the site's.
    page_url = f"{outage}_widget-test/widget.html"
    shown = _widgets(browser, page_url, outage, route=_widget_page(outage))
    assert shown == _expected_widgets(outage, OUTAGE_INDICATOR, OUTAGE_TEXT)


def test_status_widget_on_another_origin(
    browser: Any, outage: str, all_clear: str, tmp_path: Path
) -> None:
    # A shop's own page on another port (another origin): it reads api/ through CORS.
    for site, indicator, text in (
        (outage, OUTAGE_INDICATOR, OUTAGE_TEXT),
        (all_clear, CLEAR_INDICATOR, CLEAR_TEXT),
    ):
        folder = tmp_path / indicator
        folder.mkdir()
        for name, data in _widget_page(site).items():
            (folder / name).write_bytes(data)
        with serving(folder) as shop:
            assert shop.rsplit(":", 1)[1] != site.rsplit(":", 1)[1]
            shown = _widgets(browser, f"{shop}widget.html", site)
        assert shown == _expected_widgets(site, indicator, text)
