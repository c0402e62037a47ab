"""`statusgen import`: Statuspage JSON and cState issues into incident files, and back out of a
build's API unchanged."""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import re
import shutil
import threading
import tomllib
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFIG, Project

from statusgen.statuspage import parse_time

FIXTURES = Path(__file__).parent / "fixtures"
SAVED = FIXTURES / "statuspage-import" / "saved"
SINGLE = FIXTURES / "statuspage-import" / "single-incident.json"
CSTATE = FIXTURES / "cstate"
GIT_OPERATIONS = '\n[[components]]\nid = "git-operations"\nname = "Git Operations"\n'


@pytest.fixture
def site(project: Project) -> Project:
    """The test site with no incident of its own."""
    shutil.rmtree(project.root / "incidents")
    return project


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_statuspage_files_become_incident_files(site: Project) -> None:
    run = site.run("import", "statuspage", str(SAVED), str(SINGLE))
    assert run.code == 0, run.err
    names = sorted(p.name for p in (site.root / "incidents").iterdir())
    assert names == [
        "2026-11-15-checkout-database-upgrade.md",
        "2026-11-18-login-slow-for-some-customers.md",
        "2026-11-19-order-emails-delayed.md",
        "2026-11-20-payments-failing-git-pushes-slow.md",
    ]
    for name in names:
        assert f"wrote incidents/{name}" in run.out
    text = (site.root / "incidents" / names[3]).read_text(encoding="utf-8")
    assert text.startswith(
        "---\n# Imported by statusgen from Statuspage k9v2m4x7p1qa; the original: "
        "https://stspg.io/k9v2m4x7\n"
        'title: "Payments failing & Git pushes slow"\n'
        "impact: major\n"
        "components: {payments-api: partial_outage, git-operations: degraded_performance}\n"
        "started: 2026-11-20T14:02:10Z\n"  # 15:02:10.120+01:00
        "resolved: 2026-11-20T15:20:41Z\n---\n"
    )
    assert "## Cause\n<!-- " in text  # the prompt `new` writes, nothing made up
    assert "### 2026-11-20 17:15:00 UTC — Postmortem\n" in text
    assert "### 2026-11-20 14:30:00 UTC — Update\nWe are still renewing" in text  # display_at
    assert "### 2026-11-20 14:20:05 UTC — Identified\n" in text
    # &#39; decoded, and the line break kept as a hard break, as Statuspage shows it.
    assert "we're watching the results.  \nPayments succeed" in text
    assert "didn't watch its expiry date" in text and "\r" not in text
    # Markdown marks show as typed; a body cannot make a heading, a list or a promise.
    assert "\n&#35; Choose" in text and "\nNext update&#58; when" in text
    assert "&#45; retry" in text and "1&#46; Open &#42;Orders&#42;" in text
    assert "snake_case" in text and "&lt;b>tags" in text
    maintenance = (site.root / "incidents" / names[0]).read_text(encoding="utf-8")
    assert "kind: maintenance\ncomponents: [checkout]\n" in maintenance
    assert (
        "scheduled_start: 2026-11-15T02:00:00Z\nscheduled_end: 2026-11-15T04:00:00Z\n"
        in maintenance
    )
    assert "completed: 2026-11-15T03:10:00Z\n" in maintenance
    assert "— Scheduled\n" in maintenance and "— In progress\n" in maintenance
    single = (site.root / "incidents" / names[2]).read_text(encoding="utf-8")
    assert "impact: none\ncomponents: [checkout]\nstarted: 2026-11-19T11:15:00Z\n" in single
    assert "### 2026-11-19 12:00:00 UTC — Update\n" in single  # investigating, repeated


def test_unknown_components_are_printed_as_toml_and_the_files_still_written(
    site: Project,
) -> None:
    run = site.run("import", "statuspage", str(SAVED / "incidents.json"))
    assert run.code == 0
    toml = run.out[run.out.index("[[components]]") : run.out.index("Next:")]
    assert tomllib.loads(toml) == {
        "components": [
            {"id": "git-operations", "name": "Git Operations", "group": "Developer Tools"}
        ]
    }
    assert "Next: add them to statusgen.toml, then run `statusgen check`." in run.out
    assert (site.root / "incidents" / "2026-11-20-payments-failing-git-pushes-slow.md").exists()
    assert site.run("check").code == 1  # until the component is added
    (site.root / "statusgen.toml").write_text(CONFIG + "\n" + toml, encoding="utf-8")
    check = site.run("check")
    assert check.code == 0, check.err
    assert ": error:" not in check.err


def test_importing_twice_changes_nothing(site: Project) -> None:
    site.write("statusgen.toml", CONFIG + GIT_OPERATIONS)
    assert site.run("import", "statuspage", str(SAVED), str(SINGLE)).code == 0
    before = tree(site.root)
    again = site.run("import", "statuspage", str(SINGLE), str(SAVED))
    assert again.code == 0
    assert tree(site.root) == before
    assert "0 written, 4 skipped" in again.out
    assert "skipped incidents/2026-11-19-order-emails-delayed.md: imported before" in again.out


def test_an_existing_file_is_never_overwritten(site: Project) -> None:
    mine = site.write("incidents/2026-11-19-order-emails-delayed.md", "written by hand\n")
    run = site.run("import", "statuspage", str(SINGLE))
    assert run.code == 0
    assert mine.read_text(encoding="utf-8") == "written by hand\n"
    assert (
        "skipped incidents/2026-11-19-order-emails-delayed.md: a file of that name exists"
        in run.out
    )


def test_another_incident_with_the_same_name_and_day_gets_a_file_of_its_own(
    site: Project, tmp_path: Path
) -> None:
    data = json.loads(SINGLE.read_text(encoding="utf-8"))
    data["incident"]["id"] = "zz99other000"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    assert site.run("import", "statuspage", str(SINGLE)).code == 0
    run = site.run("import", "statuspage", str(other))
    assert run.code == 0
    assert "wrote incidents/2026-11-19-order-emails-delayed-zz99other000.md" in run.out


def test_bad_json_names_the_file_and_line_and_writes_nothing(site: Project, tmp_path: Path) -> None:
    bad = tmp_path / "incidents.json"
    bad.write_text('{"incidents": [\n  {"id": "x",}\n]}\n', encoding="utf-8")
    run = site.run("import", "statuspage", str(SINGLE), str(bad))
    assert run.code == 1
    assert f"{bad}:2: error: is not valid JSON" in run.err
    assert "Nothing was written" in run.err
    assert not (site.root / "incidents").exists()


def test_wrong_usage_exits_2(site: Project) -> None:
    assert site.run("import", "statuspage").code == 2
    assert site.run("import", "statuspage", "no-such-file.json").code == 2
    assert site.run("import", "statuspage", str(SINGLE), "--component", "nope").code == 2


def test_json_that_is_not_statuspage_is_an_error(site: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    run = site.run("import", "statuspage", str(other))
    assert run.code == 1 and f"{other}:1: error: is not Statuspage JSON" in run.err


def test_a_saved_copy_of_a_whole_api_folder_imports(site: Project, tmp_path: Path) -> None:
    """`wget -r` of a page's api/v2 brings status.json and components.json along: they hold
    nothing to import, and are no mistake."""
    folder = tmp_path / "api" / "v2"
    shutil.copytree(SAVED, folder)
    page = {"id": "x", "name": "X", "url": "https://x.test", "updated_at": "2026-11-20T14:50:00Z"}
    state = {"indicator": "none", "description": "All Systems Operational"}
    (folder / "status.json").write_text(json.dumps({"page": page, "status": state}))
    (folder / "components.json").write_text(json.dumps({"page": page, "components": []}))
    run = site.run("import", "statuspage", str(folder))
    assert run.code == 0, run.err
    assert "error" not in run.err
    written = sorted((site.root / "incidents").glob("*.md"))
    assert len(written) >= 3 and f"{len(written)} written, 0 skipped" in run.out


def test_an_incident_without_components_needs_one_named(site: Project, tmp_path: Path) -> None:
    data = json.loads(SINGLE.read_text(encoding="utf-8"))
    data["incident"]["components"] = []
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(data), encoding="utf-8")
    run = site.run("import", "statuspage", str(bare))
    assert run.code == 1 and "pass --component ID" in run.out
    assert site.run("import", "statuspage", str(bare), "--component", "checkout").code == 0


@pytest.fixture
def page() -> Iterator[str]:
    """The saved files served as a Statuspage page's public API on 127.0.0.1."""
    files = {
        "/api/v2/incidents.json": (SAVED / "incidents.json").read_bytes(),
        "/api/v2/scheduled-maintenances.json": (SAVED / "scheduled-maintenances.json").read_bytes(),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_page_address_is_fetched(site: Project, page: str) -> None:
    run = site.run("import", "statuspage", page + "/")
    assert run.code == 0, run.err
    assert "wrote incidents/2026-11-20-payments-failing-git-pushes-slow.md" in run.out
    assert "wrote incidents/2026-11-15-checkout-database-upgrade.md" in run.out
    assert "only its latest 50 incidents" in run.out
    assert "components.json: not read (HTTP 404" in run.err  # groups are optional


def test_a_page_that_cannot_be_fetched_is_a_clear_error(site: Project, page: str) -> None:
    run = site.run("import", "statuspage", page + "/missing/")
    assert run.code == 1
    assert "/missing/api/v2/incidents.json:1: error: could not be fetched: HTTP 404" in run.err


def test_help_mentions_the_fifty_incident_limit(site: Project) -> None:
    run = site.run("import", "statuspage", "--help")
    assert run.code == 0 and "only its latest 50" in " ".join(run.out.split())


def _by_name(path: Path, key: str) -> dict[str, dict[str, Any]]:
    return {_plain(i["name"]): i for i in json.loads(path.read_text(encoding="utf-8"))[key]}


def _second(text: str | None) -> str | None:
    return None if text is None else f"{parse_time(text).astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _typed(text: str) -> str:
    """A body as Statuspage shows it: its lines as typed (without blanks at their ends, or
    more than one empty line in a row)."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def test_a_build_gives_back_what_was_imported(site: Project) -> None:
    """Round trip: the built API against the source, field by field (SPEC §3 and §7)."""
    site.write("statusgen.toml", CONFIG + GIT_OPERATIONS)
    assert site.run("import", "statuspage", str(SAVED), str(SINGLE)).code == 0
    built = site.build()
    assert built.code == 0, built.err
    api = site.site / "api" / "v2"
    pairs = [
        (SAVED / "incidents.json", api / "incidents.json", "incidents"),
        (
            SAVED / "scheduled-maintenances.json",
            api / "scheduled-maintenances.json",
            "scheduled_maintenances",
        ),
    ]
    single = json.loads(SINGLE.read_text(encoding="utf-8"))["incident"]
    for source_path, ours_path, key in pairs:
        source = _by_name(source_path, key)
        if key == "incidents":
            source[single["name"]] = single
        ours = _by_name(ours_path, key)
        assert set(ours) == set(source)
        for name, theirs in source.items():
            mine = ours[name]
            assert mine["impact"] == theirs["impact"], name
            for field in ("resolved_at", "scheduled_for", "scheduled_until"):
                assert _second(mine.get(field)) == _second(theirs.get(field)), (name, field)
            if key == "incidents":
                assert _second(mine["started_at"]) == _second(theirs["started_at"]), name
            got = [
                (u["status"], _second(u["display_at"]), u["body"]) for u in mine["incident_updates"]
            ]
            want = [
                (u["status"], _second(u["display_at"]), _typed(_plain(u["body"])))
                for u in theirs["incident_updates"]
            ]
            assert got == want, name


def _plain(text: str) -> str:
    """Statuspage's text as a reader sees it: entities decoded."""
    return html.unescape(text)


def test_cstate_issues_become_incident_files(site: Project) -> None:
    site.write("statusgen.toml", CONFIG + '\n[[components]]\nid = "search"\nname = "Search"\n')
    run = site.run("import", "cstate", str(CSTATE))
    assert run.code == 0, run.err
    login = (site.root / "incidents" / "2026-11-12-login-not-working.md").read_text(
        encoding="utf-8"
    )
    assert "# Imported by statusgen from cState 2026-11-12-login-outage\n" in login
    assert "impact: critical\ncomponents: [login, search]\nstarted: 2026-11-12T08:40:00Z\n" in login
    assert "resolved: 2026-11-12T10:05:00Z\n" in login
    assert re.search(
        r"### 2026-11-12 10:05:00 UTC — Resolved\n\*\*Resolved\*\*: logging in works again", login
    )
    assert "### 2026-11-12 09:15:00 UTC — Update\nWe found the cause" in login
    assert "### 2026-11-12 08:40:00 UTC — Investigating\nNobody can log in" in login
    assert "{{<" not in login
    search = (site.root / "incidents" / "2026-11-16-search-results-slow.md").read_text(
        encoding="utf-8"
    )
    assert "impact: major\ncomponents: [search]\nstarted: 2026-11-16T07:00:00Z\n---" in search
    check = site.run("check")
    assert check.code == 0 and ": error:" not in check.err
    before = tree(site.root)
    assert site.run("import", "cstate", str(CSTATE / "content" / "issues")).code == 0
    assert tree(site.root) == before


def _one_incident(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SINGLE.read_text(encoding="utf-8"))
    data["incident"].update(changes)
    return data


def test_updates_posted_in_the_same_second_keep_their_order(site: Project, tmp_path: Path) -> None:
    """Statuspage lists updates newest first: two in one second are a resolution after its
    investigation, never the other way round."""
    data = _one_incident(resolved_at="2026-11-19T12:30:00.000+01:00")
    updates = data["incident"]["incident_updates"]
    data["incident"]["incident_updates"] = [
        {**updates[0], "display_at": updates[2]["display_at"]},
        updates[2],
    ]
    source = tmp_path / "same-second.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert site.run("import", "statuspage", str(source)).code == 0
    assert site.build().code == 0
    (mine,) = json.loads((site.site / "api/v2/incidents.json").read_text())["incidents"]
    assert mine["status"] == "resolved"
    assert [u["status"] for u in mine["incident_updates"]] == ["resolved", "investigating"]


def test_line_breaks_in_a_body_are_kept(site: Project, tmp_path: Path) -> None:
    data = _one_incident()
    body = "We are investigating.\r\nAffected regions:\r\n- EU\r\n- US\r\n\r\nMore soon."
    data["incident"]["incident_updates"][2]["body"] = body
    source = tmp_path / "breaks.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert site.run("import", "statuspage", str(source)).code == 0
    assert site.build().code == 0
    (mine,) = json.loads((site.site / "api/v2/incidents.json").read_text())["incidents"]
    assert mine["incident_updates"][-1]["body"] == (
        "We are investigating.\nAffected regions:\n- EU\n- US\n\nMore soon."
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"incident_updates": [1]},
        {"incident_updates": "abc"},
        {"started_at": "0001-01-01T00:00:00+01:00"},
        {"name": ["not", "a", "name"]},
    ],
)
def test_a_field_of_the_wrong_shape_is_an_error_at_its_file(
    site: Project, tmp_path: Path, changes: dict[str, Any]
) -> None:
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(_one_incident(**changes)), encoding="utf-8")
    run = site.run("import", "statuspage", str(source))
    assert run.code == 1
    assert f"{source}:1: error:" in run.err and "unexpected" not in run.err, run.err


def test_json_nested_beyond_reason_is_an_error_at_its_file(site: Project, tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    run = site.run("import", "statuspage", str(source))
    assert run.code == 1 and f"{source}:1: error:" in run.err, run.err
