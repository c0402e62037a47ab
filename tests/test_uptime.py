"""Honest uptime: a component page claims no day before the site's records begin.

Every site here is built at NOW (2026-11-20 15:50 in Europe/Berlin), so the bars run from
Sun 23 Aug to Fri 20 Nov 2026. The project's one incident is a partial outage of Checkout from
12:02 to 13:31 UTC today: 89 minutes, of which 30% (26.7) count as down. The browser's view of
the same pages (colours, a phone without hover, axe) is in test_browser.py, beside the shared
Chromium; the Nu checker reads them in test_example_site.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import NOW, Project, make_incident, with_site_lines

CHECKOUT = "components/checkout/index.html"
LOGIN = "components/login/index.html"


def _heading(page: str) -> str:
    match = re.search(r'<h2 id="uptime-heading">(.*?)</h2>\s*(?:<p class="quiet">(.*?)</p>)?', page)
    assert match is not None, "no uptime heading"
    return " ".join(part for part in match.groups() if part)


def _bars(page: str) -> list[str]:
    """Each day's words, oldest first, as a screen reader reads them."""
    found = re.findall(
        r'<li class="bar [^"]*"[^>]*>.*?<span class="visually-hidden">(.*?)</span>', page
    )
    assert len(found) == 90
    return found


def _outage(started: str, resolved: str, impact: str = "critical", **more: str) -> str:
    return make_incident(
        title="Login down",
        impact=impact,
        components=["login"],
        started=started,
        resolved=resolved,
        **more,
        body={"Problem": "x", "Cause": "y", "Prevention plan": "- [ ] z"},
        updates=[(f"{started} — Investigating", "Looking.")],
    )


# --- `[site] since` ------------------------------------------------------------------------------


def test_a_site_begun_yesterday_claims_only_two_days(project: Project) -> None:
    project.write("statusgen.toml", with_site_lines('since = "2026-11-19"'))
    assert project.build().code == 0
    login = project.page(LOGIN)
    assert _heading(login) == (
        "Last 2 days: 100.00% uptime Our records begin on Thu 19 Nov 2026: the 88 days before "
        "it show as no data and are not counted."
    )
    bars = _bars(login)
    assert bars[:88] == [f"{day}: No data" for day in _days()[:88]]
    assert bars[88:] == ["Thu 19 Nov 2026: Operational", "Fri 20 Nov 2026: Operational"]
    assert login.count('<li class="bar no-data"') == 88
    assert "99.99%" not in login and "100.00% uptime" in login
    assert "Every day on record was fully operational." in login
    # 26.7 minutes down over the 39 h 50 min from Thursday's midnight to now: 98.88%.
    checkout = project.page(CHECKOUT)
    assert _heading(checkout).startswith("Last 2 days: 98.88% uptime ")
    assert "Fri 20 Nov 2026: Partial outage, 27 minutes counted as down" in _bars(checkout)
    day = re.search(r'<li id="day-2026-11-20">(.*?)</li>\n', checkout, re.DOTALL)
    assert day is not None, "today is not listed in words"
    words = " ".join(re.sub(r"<[^>]+>", " ", day.group(1)).split())
    assert words == (
        "Fri 20 Nov 2026 Partial outage Counted as down: 27 minutes. "
        "Card payments failing at checkout"
    )
    assert 'href="../../incidents/2026-11-20-card-payments/index.html"' in day.group(1)
    assert '<a href="#day-2026-11-20">' in checkout


@pytest.mark.parametrize(
    "since",
    [
        'since = "2026-11-19T18:00:00+01:00"',  # the evening: the whole day still counts
        'since = "2026-11-18T23:30:00Z"',  # 00:30 on the 19th in Berlin
        'since = "2026-11-19 00:30"',  # read in the site's zone
        "since = 2026-11-19",  # a TOML date
        "since = 2026-11-19T12:00:00+01:00",  # a TOML time
    ],
)
def test_the_day_history_begins_counts_from_its_midnight(project: Project, since: str) -> None:
    project.write("statusgen.toml", with_site_lines(since))
    assert project.build().code == 0
    assert _heading(project.page(CHECKOUT)).startswith(
        "Last 2 days: 98.88% uptime Our records begin on Thu 19 Nov 2026: the 88 days"
    )


def test_since_long_ago_counts_all_ninety_days(project: Project) -> None:
    project.write("statusgen.toml", with_site_lines('since = "2024-01-01"'))
    assert project.build().code == 0
    page = project.page(CHECKOUT)
    assert _heading(page) == "Last 90 days: 99.97% uptime"
    assert "no-data" not in page and "No data" not in page


def test_since_in_the_future_shows_no_data_yet(project: Project) -> None:
    project.write("statusgen.toml", with_site_lines('since = "2026-12-01"'))
    assert project.build().code == 0
    page = project.page(CHECKOUT)
    assert _heading(page) == (
        "Last 90 days: no uptime data yet Our records begin on Tue 1 Dec 2026; until then every "
        "day shows as no data."
    )
    assert page.count('<li class="bar no-data"') == 90
    assert "% uptime" not in page and "Days not fully operational" not in page


# --- without `since`: the first incident or maintenance --------------------------------------------


def test_without_since_history_begins_at_the_first_incident(project: Project) -> None:
    assert project.build().code == 0
    # Only today: 26.7 minutes down over the 15 h 50 min since midnight in Berlin.
    assert _heading(project.page(CHECKOUT)) == (
        "Today: 97.18% uptime Our records begin on Fri 20 Nov 2026: the 89 days before it show "
        "as no data and are not counted."
    )


def test_without_since_an_earlier_maintenance_begins_it_and_drafts_do_not(
    project: Project,
) -> None:
    project.write(
        "incidents/2026-11-08-upgrade.md",
        make_incident(
            title="Network upgrade",
            kind="maintenance",
            components=["login"],
            scheduled_start="2026-11-08T01:00:00Z",
            scheduled_end="2026-11-08T03:00:00Z",
            completed="2026-11-08T02:00:00Z",
            body={"What we are doing": "Upgrading.", "What you will notice": "Nothing."},
            updates=[("2026-11-01 09:00 UTC — Scheduled", "We will upgrade the network.")],
        ),
    )
    project.write(
        "incidents/2026-10-01-draft.md",
        _outage("2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", draft="true"),
    )
    assert project.build().code == 0
    page = project.page(LOGIN)
    assert _heading(page).startswith("Last 13 days: 100.00% uptime Our records begin on Sun 8 Nov")
    assert "Sun 8 Nov 2026: Under maintenance" in _bars(page)
    assert "Network upgrade" in page


def test_no_history_at_all_is_no_data_never_100(project: Project) -> None:
    (project.root / "incidents" / "2026-11-20-card-payments.md").unlink()
    assert project.build().code == 0
    page = project.page(LOGIN)
    assert _heading(page) == (
        "Last 90 days: no uptime data yet We have no records yet, so there is no uptime to "
        "show: it is counted from the day our history begins."
    )
    assert _bars(page) == [f"{day}: No data" for day in _days()]
    assert "% uptime" not in page and "Days not fully operational" not in page


# --- mistakes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"2026-13-01"', "`since` = `2026-13-01` is not a date or a time"),
        ('"yesterday"', "`since` = `yesterday` is not a date or a time"),
        ('"01.03.2026"', "`since` = `01.03.2026` is not a date or a time"),
        ('""', "`since` is empty"),
        ("3", "`since` = `3` is not a date"),
        ("10:00:00", "`since` = `10:00:00` is not a date"),
        ('"0999-01-01"', "`since` = `0999-01-01` is in the year 999"),
    ],
)
def test_a_bad_since_is_an_error_at_its_line(project: Project, value: str, message: str) -> None:
    project.write("statusgen.toml", with_site_lines(f"since = {value}"))
    result = project.run("check")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if "statusgen.toml" in line]
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"statusgen.toml:7: error: {message}")
    assert 'e.g. `since = "2026-03-01"`' in lines[0]
    assert project.build().code == 1 and not project.site.exists()


def test_an_incident_before_since_is_a_warning(project: Project) -> None:
    project.write("statusgen.toml", with_site_lines('since = "2026-11-19"'))
    project.write(
        "incidents/2026-10-01-login.md", _outage("2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z")
    )
    project.write(
        "incidents/2026-10-02-draft.md",
        _outage("2026-10-02T10:00:00Z", "2026-10-02T11:00:00Z", draft="true"),
    )
    result = project.run("check")
    assert result.code == 0
    found = [line for line in result.err.splitlines() if "since" in line]
    assert found == [
        "incidents/2026-10-01-login.md:1: warning: it falls before `[site] since` (2026-11-19) in statusgen.toml, so "
        "the uptime bars show its days as no data: if the site's history includes it, move "
        "`since` back"
    ]
    assert project.build().code == 0
    assert "Thu 1 Oct 2026: No data" in _bars(project.page(LOGIN))


# --- a new site starts honest --------------------------------------------------------------------


def test_init_writes_since_today(project: Project) -> None:
    fresh = project.root.parent / "fresh"
    assert project.run("init", str(fresh), "--now", NOW).code == 0
    config = (fresh / "statusgen.toml").read_text(encoding="utf-8")
    assert '\nsince = "2026-11-20"\n' in config
    assert project.run("build", "--config", str(fresh / "statusgen.toml"), "--now", NOW).code == 0
    page = (fresh / "site" / "components" / "website" / "index.html").read_text(encoding="utf-8")
    assert _heading(page).startswith("Today: 100.00% uptime Our records begin on Fri 20 Nov 2026")


def _days() -> list[str]:
    """The 90 days of the bars at NOW, as the page names them."""
    last = date.fromisoformat(NOW[:10])
    return [f"{d:%a} {d.day} {d:%b %Y}" for d in (last - timedelta(days=89 - n) for n in range(90))]
