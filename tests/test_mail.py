"""Notification emails as a subscriber reads them: the subject their client threads on, the first
line that says what changed, the promises, the link, why they got it and how to stop, in plain
text and in HTML that the Nu checker accepts. The example site's mails are kept, for a person to
read, in tests/golden/mail/; refresh them after a deliberate change with

    STATUSGEN_REFRESH_GOLDEN=1 .venv/bin/pytest tests/test_mail.py -k golden
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import pytest
from conftest import NOW, RESOLVED, ROOT, Project, make_incident

from statusgen.config import load_config
from statusgen.model import Incident, Site
from statusgen.outputs.mail import WIDTH, Mail, render_mail
from statusgen.outputs.templates import TemplateCache, templates_digest
from statusgen.problems import Problems, RenderError
from statusgen.source.load import load_incidents
from statusgen.source.theme import load_theme
from statusgen.source.times import resolve_now

GOLDEN = Path(__file__).resolve().parent / "golden" / "mail"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
UNSUBSCRIBE = "https://status.test/unsubscribe?token=abc&list=all"
SLUG = "2026-11-20-card-payments"

OPEN = make_incident(
    title="Card payments failing at checkout",
    impact="major",
    components=["checkout", "payments-api"],
    started="2026-11-20T12:02:00Z",
    body={
        "Problem": 'Some customers could not pay by card; they saw "payment declined" & fewer than 1 < 2 retries worked.',
        "Cause": "We are looking into it.",
    },
    updates=[
        (
            "2026-11-20 12:55 UTC — Update",
            "Half of the payment servers are back. See [the earlier outage](../2026-10-14-checkout-outage/) "
            "and ![a graph of failed payments](graph.png).",
        ),
        (
            "2026-11-20 12:40 UTC — Identified",
            "We found the cause and are rolling back.\n\nNext update: 13:10 UTC\n"
            "Expected restore: 2026-11-20 14:00 UTC",
        ),
        ("2026-11-20 12:10 UTC — Investigating", "We are looking into failed card payments."),
    ],
)

MAINTENANCE = make_incident(
    title="Payments database upgrade",
    kind="maintenance",
    components=["checkout", "payments-api"],
    scheduled_start="2026-11-24T02:00:00Z",
    scheduled_end="2026-11-24T03:30:00Z",
    body={"What you will notice": "Placing an order may fail for up to 10 minutes."},
    updates=[("2026-11-17 10:00 UTC — Scheduled", "We will upgrade the payments database.")],
)


@dataclass
class Loaded:
    site: Site
    env: jinja2.Environment

    def incident(self, slug: str) -> Incident:
        return next(i for i in self.site.incidents if i.slug == slug)


def load(root: Path, now: str = NOW) -> Loaded:
    """The site at `root` and its theme's templates, as `build` and `notify` read them."""
    problems = Problems()
    config = load_config(root / "statusgen.toml", problems)
    assert config is not None, problems.items
    incidents = load_incidents(config, problems)
    theme = load_theme(config.templates_dir, problems)
    assert not problems.errors, problems.items
    info = config.site
    env = TemplateCache().environment(theme, templates_digest(theme), info.timezone, info.zone)
    return Loaded(Site(info, incidents, resolve_now(now, info.zone)), env)


def mail(
    loaded: Loaded,
    slug: str,
    index: int | None = 0,
    topics: tuple[str, ...] | None = None,
    unsubscribe: str = UNSUBSCRIBE,
) -> Mail:
    """The mail for the update at `index` (newest first) of an incident, or its reminder."""
    incident = loaded.incident(slug)
    update = None if index is None else incident.updates[index]
    return render_mail(loaded.env, loaded.site, incident, update, topics, unsubscribe)


@pytest.fixture
def site(project: Project) -> Loaded:
    project.write(f"incidents/{SLUG}.md", OPEN)
    project.write("incidents/2026-11-24-database.md", MAINTENANCE)
    return load(project.root)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _flat(text: str) -> str:
    """The text as one line: what it says, whatever the wrapping."""
    return " ".join(text.split())


# --- what the subscriber sees first ------------------------------------------------------------


def test_subject_is_the_same_for_every_update_so_clients_thread_them(site: Loaded) -> None:
    mails = [mail(site, SLUG, i) for i in range(3)]
    assert {m.subject for m in mails} == {"[Test Status] Card payments failing at checkout"}
    assert {m.thread_id for m in mails} == {f"<{SLUG}@status.test>"}
    assert [m.message_id for m in mails] == [
        f"<{SLUG}.update-20261120T125500Z@status.test>",
        f"<{SLUG}.update-20261120T124000Z@status.test>",
        f"<{SLUG}.update-20261120T121000Z@status.test>",
    ]


def test_first_line_says_the_status_and_time_as_the_page_does(site: Loaded) -> None:
    identified = mail(site, SLUG, 1)
    assert _lines(identified.text)[:2] == [
        "Identified · 20 Nov 2026, 13:40 CET",
        "Card payments failing at checkout",
    ]
    assert '<p style="margin:0;font-weight:bold;">Identified · 20 Nov 2026, 13:40 CET</p>' in (
        identified.html
    )
    # The first text of the HTML body is what a client previews in the inbox.
    body = identified.html.split("<body", 1)[1].split(">", 1)[1]
    assert re.sub(r"<[^>]+>", "", body).strip().startswith("Identified · 20 Nov 2026, 13:40 CET")
    assert _lines(mail(site, SLUG, 0).text)[0] == "Update · 20 Nov 2026, 13:55 CET"


def test_the_updates_own_words_and_what_is_wrong(site: Loaded) -> None:
    identified = mail(site, SLUG, 1)
    assert "\n\nWe found the cause and are rolling back.\n\n" in identified.text
    assert "<p>We found the cause and are rolling back.</p>" in identified.html
    # The promise lines are the page's, not the author's raw `Next update:` lines.
    assert "Next update: 13:10 UTC" not in identified.text
    assert "\nProblem\nSome customers could not pay by card" in identified.text
    assert ">Problem</h2>" in identified.html
    assert "Major impact" in identified.text
    assert "Affected: Checkout (partial outage), Payments API (partial outage)" in identified.text
    assert "Started: 20 Nov 2026, 13:02 CET" in identified.text


def test_the_cause_once_written_and_the_prevention_plan_once_service_is_back(
    project: Project,
) -> None:
    resolved = mail(load(project.root), SLUG, 0)
    assert "\nCause\nA configuration change lowered the connection limit.\n" in resolved.text
    assert (
        "\nPrevention plan\n2 of 3 prevention actions done\n\n"
        "- [x] Alert at 80% of the limit\n- [x] Review the change process\n"
        "- [ ] Stage configuration changes\n"
    ) in resolved.text
    # Mail clients drop form controls: the boxes are marks, as in the plain text.
    assert "<input" not in resolved.html
    assert "[x] Alert at 80% of the limit" in resolved.html
    open_ = mail(load(project.root), SLUG, 1)  # Identified: not over yet
    assert "Prevention plan" not in open_.text and "Prevention plan" not in open_.html


# --- promises ----------------------------------------------------------------------------------


def test_promises_made_by_the_update(site: Loaded) -> None:
    identified = mail(site, SLUG, 1)
    for body in (identified.text, identified.html):
        assert "Expected restore: by 20 Nov 2026, 15:00 CET." in body
        assert "Next update by 20 Nov 2026, 14:10 CET." in body


def test_a_follow_up_repeats_the_promises_still_standing(site: Loaded) -> None:
    follow_up = mail(site, SLUG, 0)
    assert "Expected restore: by 20 Nov 2026, 15:00 CET." in follow_up.text
    assert "Next update by 20 Nov 2026, 14:10 CET." in follow_up.text


def test_an_earlier_update_does_not_borrow_promises_made_later(site: Loaded) -> None:
    first = mail(site, SLUG, 2)
    assert "Next update by" not in first.text
    assert (
        "Expected restore: we do not have an estimate yet and will give one as soon as we can."
        in _flat(first.text)
    )


def test_a_passed_estimate_is_admitted(project: Project) -> None:
    late = OPEN.replace("2026-11-20 12:55 UTC — Update", "2026-11-20 14:20 UTC — Update")
    project.write(f"incidents/{SLUG}.md", late)
    text = mail(load(project.root), SLUG, 0).text
    assert "Restore estimate passed: we expected service back by 20 Nov 2026, 15:00" in text
    assert "Next update by" not in text  # 13:10 UTC has passed: this update came after it


def test_resolution_says_when_and_how_the_estimate_was_kept(project: Project) -> None:
    resolved = mail(load(project.root), SLUG, 0)
    assert _lines(resolved.text)[0] == "Resolved · 20 Nov 2026, 14:31 CET"
    assert "Restored 20 Nov 2026, 14:31 CET, after 1 hour 29 minutes." in resolved.text
    assert "Restored 29 minutes before our estimate (20 Nov 2026, 15:00 CET)." in resolved.text
    assert "Next update by" not in resolved.text
    assert "Expected restore" not in resolved.text


# --- the link and the footer -------------------------------------------------------------------


def test_link_to_the_update_on_the_incident_page(site: Loaded) -> None:
    identified = mail(site, SLUG, 1)
    url = f"https://status.test/incidents/{SLUG}/#update-20261120T124000Z"
    assert f"\n{url}\n" in identified.text
    assert f'<a href="{url}"' in identified.html


def test_footer_for_everything(site: Loaded) -> None:
    everything = mail(site, SLUG, 1)
    reason = "You get these emails because you subscribed to every update from Test Status."
    assert reason in everything.html
    assert reason in _flat(everything.text)
    assert "\n-- \n" in everything.text  # the signature separator mail clients recognise
    assert f"To stop these emails: {UNSUBSCRIBE}" in everything.text
    assert f'<a href="{UNSUBSCRIBE.replace("&", "&amp;")}"' in everything.html
    assert "Need a person? Contact us: help@status.test" in everything.text


def test_footer_for_chosen_components(site: Loaded) -> None:
    chosen = mail(site, SLUG, 1, topics=("Checkout", "Payments API"))
    said = (
        "You get these emails because you subscribed to updates about Checkout and Payments API "
        "from Test Status."
    )
    assert said in chosen.html
    assert _flat(chosen.text).count(said) == 1


def test_unsubscribe_by_mail(site: Loaded) -> None:
    by_mail = mail(site, SLUG, 1, unsubscribe="mailto:leave@status.test")
    assert "To stop these emails: leave@status.test" in by_mail.text
    assert '<a href="mailto:leave@status.test"' in by_mail.html


@pytest.mark.parametrize("address", ["javascript:alert(1)", "http://status.test/x", ""])
def test_unsubscribe_must_be_mailto_or_https(site: Loaded, address: str) -> None:
    with pytest.raises(ValueError, match="unsubscribe"):
        mail(site, SLUG, 1, unsubscribe=address)


# --- maintenance -------------------------------------------------------------------------------


def test_maintenance_reminder(site: Loaded) -> None:
    reminder = mail(site, "2026-11-24-database", None)
    assert reminder.subject == "[Test Status] Payments database upgrade"
    assert reminder.message_id == "<2026-11-24-database.reminder-20261124T020000Z@status.test>"
    assert reminder.thread_id == "<2026-11-24-database@status.test>"
    text = reminder.text
    assert _lines(text)[0] == "Reminder · starts 24 Nov 2026, 03:00 CET"
    assert (
        "The maintenance we announced starts 24 Nov 2026, 03:00 CET and is planned to\n"
        "end by 24 Nov 2026, 04:30 CET." in text
    )
    assert "Will affect: Checkout, Payments API" in text
    assert "What you will notice\nPlacing an order may fail for up to 10 minutes." in text
    assert "\nhttps://status.test/incidents/2026-11-24-database/\n" in text
    assert "Reminder · starts 24 Nov 2026, 03:00 CET" in reminder.html


def test_maintenance_update_gives_the_window(site: Loaded) -> None:
    scheduled = mail(site, "2026-11-24-database", 0)
    assert _lines(scheduled.text)[0] == "Scheduled · 17 Nov 2026, 11:00 CET"
    assert "Window: 24 Nov 2026, 03:00 CET to 24 Nov 2026, 04:30 CET." in scheduled.text


def test_only_a_maintenance_has_a_reminder(site: Loaded) -> None:
    with pytest.raises(ValueError, match="only a maintenance"):
        mail(site, SLUG, None)


# --- plain text and HTML -----------------------------------------------------------------------


def test_plain_text_is_not_html_escaped_and_html_is(site: Loaded) -> None:
    identified = mail(site, SLUG, 1)
    said = 'they saw "payment declined" & fewer than 1 < 2 retries worked.'
    assert said in _flat(identified.text)
    assert "&amp;" not in identified.text and "&lt;" not in identified.text
    assert '"payment declined" &amp; fewer than 1 &lt; 2 retries' in identified.html


def test_plain_text_is_wrapped_and_addresses_are_whole(site: Loaded) -> None:
    for index in range(3):
        text = mail(site, SLUG, index).text
        for line in _lines(text):
            assert len(line) <= WIDTH or " " not in line.strip(), line


def test_relative_links_work_from_the_mail_and_images_become_words(site: Loaded) -> None:
    follow_up = mail(site, SLUG, 0)
    earlier = "https://status.test/incidents/2026-10-14-checkout-outage/"
    assert f'<a href="{earlier}"' in follow_up.html
    assert f"the earlier outage ({earlier})" in _flat(follow_up.text)
    assert "<img" not in follow_up.html and "graph.png" not in follow_up.html
    assert "a graph of failed payments" in follow_up.html
    assert "a graph of failed payments" in _flat(follow_up.text)


def test_same_inputs_same_bytes(project: Project, site: Loaded) -> None:
    again = load(project.root)  # a new environment, compiled afresh
    for index in (0, 1, 2):
        assert mail(site, SLUG, index) == mail(again, SLUG, index)
    assert mail(site, "2026-11-24-database", None) == mail(again, "2026-11-24-database", None)


# --- the theme ---------------------------------------------------------------------------------


def test_a_sites_own_email_txt_is_used(project: Project) -> None:
    project.write(f"incidents/{SLUG}.md", OPEN)
    project.write("templates/email.txt", "{{ heading }}: <{{ incident.title }}> & more\n")
    custom = mail(load(project.root), SLUG, 1)
    assert (
        custom.text
        == "Identified · 20 Nov 2026, 13:40 CET: <Card payments failing at checkout> &\nmore\n"
    )
    assert "<!DOCTYPE html>" in custom.html  # the default email.html is still there


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ heading }}\n\n{{ nothing.here }}\n", "UndefinedError: 'nothing' is undefined"),
        ("{{ heading }}\n\n{% if %}\n", "Expected an expression"),
    ],
)
def test_a_broken_template_names_its_file_and_line(
    project: Project, source: str, message: str
) -> None:
    project.write(f"incidents/{SLUG}.md", OPEN)
    path = project.write("templates/email.txt", source)
    with pytest.raises(RenderError) as caught:
        mail(load(project.root), SLUG, 1)
    assert (caught.value.path, caught.value.line) == (path, 3)
    assert message in caught.value.message


# --- the example site: golden copy and the Nu HTML checker --------------------------------------


def _example_mails() -> dict[str, Mail]:
    """The newest update of each example incident, and the reminder of each maintenance still
    to come, as a subscriber to everything gets them."""
    loaded = load(ROOT)
    found: dict[str, Mail] = {}
    for incident in loaded.site.incidents:
        if incident.updates:
            found[incident.slug] = mail(loaded, incident.slug, 0, None, "mailto:leave@example.com")
        start = incident.scheduled_start
        if incident.is_maintenance and start is not None and start > loaded.site.now:
            topics = tuple(loaded.site.info.name_of(c) for c, _ in incident.components)
            found[f"{incident.slug}.reminder"] = mail(
                loaded, incident.slug, None, topics, "https://status.example.com/unsubscribe/abc"
            )
    return found


def _golden_files(mails: dict[str, Mail]) -> dict[str, str]:
    files = {}
    for name, m in mails.items():
        headers = f"Subject: {m.subject}\nMessage-ID: {m.message_id}\nThread: {m.thread_id}\n\n"
        files[f"{name}.txt"] = headers + m.text
        files[f"{name}.html"] = m.html
    return files


def test_example_mails_match_reviewed_golden_copy() -> None:
    actual = _golden_files(_example_mails())
    if os.environ.get("STATUSGEN_REFRESH_GOLDEN") == "1":
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        GOLDEN.mkdir(parents=True)
        for name, text in actual.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
        pytest.skip("golden mails refreshed: review `git diff tests/golden/mail` before committing")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*"))}
    assert sorted(expected) == sorted(actual)
    for name, text in actual.items():
        assert text == expected[name], f"{name} differs from tests/golden/mail/{name}"


def test_example_mails_are_valid_html(tmp_path: Path, project: Project) -> None:
    java = shutil.which("java")
    missing = pytest.fail if os.environ.get("STATUSGEN_REQUIRE_TOOLS") else pytest.skip
    if java is None:
        missing("java is not installed, so the Nu HTML checker cannot run (CI installs it)")
    if not VNU.is_file():
        missing(f"the Nu HTML checker is missing at {VNU} (`npm install --prefix .tools vnu-jar`)")
    mails = _example_mails()
    project.write(f"incidents/{SLUG}.md", OPEN)
    project.write("incidents/2026-11-24-database.md", MAINTENANCE)
    test_site = load(project.root)
    for index in range(3):
        mails[f"test-{index}"] = mail(test_site, SLUG, index, ("Checkout",))
    mails["test-reminder"] = mail(test_site, "2026-11-24-database", None)
    folder = tmp_path / "mails"
    folder.mkdir()
    for name, m in mails.items():
        (folder / f"{name}.html").write_text(m.html, encoding="utf-8")
    (folder / "canary.html").write_text("<!DOCTYPE html><html><p><div></p>", encoding="utf-8")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stderr or run.stdout)
    found = [
        f"{Path(unquote(urlsplit(m.get('url', '')).path)).name}:{m.get('lastLine', '?')}: "
        f"{m['message']}"
        for m in report["messages"]
    ]
    assert any(f.startswith("canary.html") for f in found), "the checker is not working"
    assert [f for f in found if not f.startswith("canary.html")] == []


def test_resolved_fixture_is_what_conftest_says() -> None:
    # The resolution test above counts on these times; fail here, not there, if they move.
    assert "estimated_restore: 2026-11-20T14:00:00Z" in RESOLVED
    assert "resolved: 2026-11-20T13:31:00Z" in RESOLVED
