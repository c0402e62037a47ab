"""`statusgen notify` against real servers on 127.0.0.1: a webhook receiver that checks
signatures with the `standardwebhooks` package, Apprise's `json://` to the same receiver for
chat, and aiosmtpd for mail. Every update reaches every channel once, never a flood of
history, and a failing channel holds back only itself."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_servers import Receiver, SmtpServer, certificate, receiver, smtp_server, verify

from tests.conftest import CONFIG, ROOT, Project, make_incident

__all__ = ["receiver", "smtp_server"]  # fixtures, used by name

SECRET = "whsec_" + base64.b64encode(b"statusgen-test-secret-32-bytes!!").decode()
SLUG = "2026-11-20-card-payments"
OPEN = make_incident(
    title="Card payments failing at checkout",
    impact="major",
    components=["checkout"],
    started="2026-11-20T14:10:00Z",
    body={
        "Problem": "Some customers cannot pay by card at checkout.",
        "Cause": "We are still looking for the cause.",
        "Restore time": "We will give an estimate within the hour.",
        "Prevention plan": "- [ ] Find what failed",
    },
    updates=[("2026-11-20 14:10 UTC — Investigating", "We are looking into failed card payments.")],
)
SUBSCRIBERS = """\
# Who hears about what
ann@customer.test
bob@customer.test: login
cid@customer.test: Checkout, payments-api
"""


def notify_block(receiver: Receiver, smtp: str, retries: int = 2) -> str:
    return f"""
[notify]
retries = {retries}
timeout = 5

[[notify.webhook]]
url = "{receiver.url("/hook")}"
secret_env = "HOOK_SECRET"

[notify.email]
smtp = "{smtp}"
from = "Test Status <status@status.test>"
subscribers = "subscribers.txt"

[[notify.chat]]
url_env = "CHAT_URL"
"""


@pytest.fixture
def site(
    project: Project,
    receiver: Receiver,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Project:
    """The test site with an open incident and one channel of each kind."""
    project.write("statusgen.toml", CONFIG + notify_block(receiver, smtp_server.url))
    project.write("subscribers.txt", SUBSCRIBERS)
    (project.root / "incidents" / "2026-11-20-card-payments.md").unlink()
    project.write(f"incidents/{SLUG}.md", OPEN)
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    monkeypatch.setenv("CHAT_URL", receiver.url("/chat").replace("http://", "json://"))
    return project


def notify(site: Project, now: str = "2026-11-20T14:50:00Z", *more: str) -> tuple[int, str, str]:
    result = site.run("notify", "--now", now, *more)
    return result.code, result.out, result.err


def identified(site: Project) -> None:
    result = site.run(
        "update",
        SLUG,
        "--status",
        "identified",
        "We found the cause: a configuration change. We are undoing it.",
        "--now",
        "2026-11-20T14:40:00Z",
    )
    assert result.code == 0, result.err


def ledger(site: Project) -> dict[str, object]:
    data: dict[str, object] = json.loads((site.root / "notified.json").read_text())
    return data


def test_the_first_run_records_history_and_sends_nothing(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    code, out, err = notify(site)
    assert code == 0, err
    assert out.startswith(
        "No ledger yet (notified.json): recorded the 1 update and 1 component change as "
        "already sent to 3 channels, and sent nothing. From now on each new update is sent once."
    )
    assert receiver.requests == []
    assert smtp_server.mails == []
    channels = ledger(site)["channels"]
    assert isinstance(channels, dict)
    assert sorted(channels) == ["chat CHAT_URL", "email", f"webhook {receiver.url('/hook')}"]
    for channel in channels.values():
        assert channel == {
            "sent": [
                "2026-11-20-card-payments#update-20261120T141000Z",
                "components/checkout#2026-11-20-card-payments-began",
            ]
        }
    # Never a secret in the file meant to be committed.
    text = (site.root / "notified.json").read_text()
    assert SECRET not in text and "json://" not in text


def test_one_update_reaches_each_channel_once_and_each_matching_subscriber(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    code, out, err = notify(site)
    assert code == 0, err
    hooks = receiver.requests_to("/hook")
    assert len(hooks) == 1
    payload = verify(hooks[0], SECRET)  # raises unless the signature is right
    incident = payload["incident"]
    assert incident["id"] == SLUG
    assert incident["status"] == "identified"
    assert [u["status"] for u in incident["incident_updates"]] == ["identified", "investigating"]
    assert incident["incident_updates"][0]["body"].startswith("We found the cause")
    assert payload["page"]["status_indicator"] in ("minor", "major", "critical")
    assert set(payload["meta"]) == {"unsubscribe", "documentation"}

    chats = receiver.requests_to("/chat")
    assert len(chats) == 1
    said = chats[0].json()
    assert said["title"] == "Card payments failing at checkout: Identified"
    assert "We found the cause: a configuration change." in said["message"]
    assert f"https://status.test/incidents/{SLUG}/#update-20261120T144000Z" in said["message"]

    # ann wants everything, cid chose Checkout; bob only Login.
    assert sorted(r for m in smtp_server.mails for r in m.recipients) == [
        "ann@customer.test",
        "cid@customer.test",
    ]
    assert {m.connection for m in smtp_server.mails} == {1}  # one connection for the batch
    assert "Mailed 2 subscribers: Card payments failing at checkout: Identified" in out

    code, out, _ = notify(site)
    assert code == 0
    assert out.startswith("Nothing new to send: notified.json holds every update.")
    assert len(receiver.requests) == 2 and len(smtp_server.mails) == 2


def test_mail_is_threaded_and_can_be_unsubscribed_from(
    site: Project, smtp_server: SmtpServer
) -> None:
    site.write("subscribers.txt", "ann@customer.test\n")
    assert notify(site, "2026-11-20T14:05:00Z")[0] == 0  # before the incident: history is empty
    assert notify(site)[0] == 0
    identified(site)
    assert notify(site)[0] == 0
    first, second = (m.message for m in smtp_server.mails)
    assert first["Subject"] == second["Subject"]
    assert "Card payments failing at checkout" in first["Subject"]
    assert first["Message-ID"] != second["Message-ID"]
    assert second["In-Reply-To"] == first["In-Reply-To"] or second["In-Reply-To"] in (
        first["Message-ID"],
        first["References"],
    )
    assert second["References"]
    assert first["List-Unsubscribe"] == "<mailto:status@status.test?subject=Unsubscribe>"
    assert first["Auto-Submitted"] == "auto-generated"
    assert first["To"] == "ann@customer.test"
    assert first.get_content_type() == "multipart/alternative"
    plain = first.get_body(("plain",))
    html = first.get_body(("html",))
    assert plain is not None and html is not None
    assert "We are looking into failed card payments." in plain.get_content()
    assert "We are looking into failed card payments." in html.get_content()
    assert f"https://status.test/incidents/{SLUG}/" in plain.get_content()


def test_a_failing_channel_exits_1_and_gets_its_update_next_time(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    receiver.always("/hook", 500)
    code, _, err = notify(site)
    assert code == 1
    attempts = receiver.requests_to("/hook")
    assert len(attempts) == 2  # retries = 2
    assert attempts[1].at - attempts[0].at >= 0.9  # it waited before trying again
    assert len({r.headers["webhook-id"] for r in attempts}) == 1
    assert (
        f"statusgen: webhook {receiver.url('/hook')} failed: the receiver answered 500 "
        "Internal Server Error (2 attempts). 1 update waits for it: run `statusgen notify` "
        "again to send it; the other channels are not held back." in err
    )
    assert len(receiver.requests_to("/chat")) == 1
    assert len(smtp_server.mails) == 2

    receiver.always("/hook", 204)
    code, _out, err = notify(site)
    assert code == 0, err
    delivered = receiver.requests_to("/hook")[2:]
    assert len(delivered) == 1
    assert delivered[0].headers["webhook-id"] == attempts[0].headers["webhook-id"]
    verify(delivered[0], SECRET)
    assert len(receiver.requests_to("/chat")) == 1
    assert len(smtp_server.mails) == 2
    assert notify(site)[1].startswith("Nothing new to send")


def test_an_unreachable_webhook_names_the_reason(site: Project, receiver: Receiver) -> None:
    assert notify(site)[0] == 0
    config = (site.root / "statusgen.toml").read_text()
    site.write("statusgen.toml", config.replace(receiver.url("/hook"), "http://127.0.0.1:9/hook"))
    # A changed address is a new channel: it starts from now, and the old one is forgotten.
    code, out, _ = notify(site)
    assert code == 0
    assert "New channel webhook http://127.0.0.1:9/hook" in out
    assert list(ledger(site)["channels"]) == [  # type: ignore[call-overload]
        "chat CHAT_URL",
        "email",
        "webhook http://127.0.0.1:9/hook",
    ]
    identified(site)
    code, out, err = notify(site)
    assert code == 1
    assert (
        "statusgen: webhook http://127.0.0.1:9/hook failed: could not connect: Connection "
        "refused (2 attempts)." in err
    )
    assert len(receiver.requests_to("/chat")) == 1


def test_a_new_channel_starts_from_now(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    config = (site.root / "statusgen.toml").read_text()
    without_chat = config.split("[[notify.chat]]")[0]
    site.write("statusgen.toml", without_chat)
    assert notify(site)[0] == 0
    site.write("statusgen.toml", config)
    code, out, _ = notify(site)
    assert code == 0
    assert (
        "New channel chat CHAT_URL: the 1 update and 1 component change before it count as "
        "sent; it gets every update from now on." in out
    )
    assert receiver.requests == []
    identified(site)
    assert notify(site)[0] == 0
    assert len(receiver.requests_to("/chat")) == 1


def test_a_malformed_subscriber_line_stops_everything_before_sending(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    assert notify(site)[0] == 0
    before = (site.root / "notified.json").read_bytes()
    identified(site)
    site.write(
        "subscribers.txt", SUBSCRIBERS + "dan at customer.test\neve@customer.test: chekout\n"
    )
    code, _out, err = notify(site)
    assert code == 1
    assert (
        "subscribers.txt:5: error: `dan at customer.test` is not an e-mail address: write one "
        "address a line, optionally followed by `: component, component`" in err
    )
    assert (
        "subscribers.txt:6: error: `chekout` is not a component of statusgen.toml "
        "(did you mean `checkout`?)" in err
    )
    assert "Nothing was sent." in err
    assert receiver.requests == [] and smtp_server.mails == []
    assert (site.root / "notified.json").read_bytes() == before


def test_a_missing_secret_is_named_before_anything_is_sent(
    site: Project, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    monkeypatch.delenv("CHAT_URL")
    code, _, err = notify(site)
    assert code == 1
    assert (
        "statusgen: CHAT_URL is not set: it should hold the chat's address for Apprise, such "
        "as its webhook URL (named in statusgen.toml)" in err
    )
    assert receiver.requests == []


def test_a_dry_run_prints_every_message_and_changes_nothing(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    before = (site.root / "notified.json").read_bytes()
    code, out, err = notify(site, "2026-11-20T14:50:00Z", "--dry-run")
    assert code == 0, err
    assert f"Would POST to {receiver.url('/hook')}" in out
    assert '"status":"identified"' in out
    assert "Would post to chat CHAT_URL:\nCard payments failing at checkout: Identified" in out
    assert "Would mail 1 subscriber (ann@customer.test):" in out
    assert "Would mail 1 subscriber (cid@customer.test):" in out
    assert out.rstrip().endswith("Dry run: nothing was sent and the ledger was not changed.")
    assert receiver.requests == [] and smtp_server.mails == []
    assert (site.root / "notified.json").read_bytes() == before


def test_the_first_dry_run_writes_no_ledger(site: Project) -> None:
    code, out, _ = notify(site, "2026-11-20T14:50:00Z", "--dry-run")
    assert code == 0
    assert "would record the 1 update and 1 component change as already sent" in out
    assert not (site.root / "notified.json").exists()


def test_a_damaged_ledger_stops_the_run(site: Project, receiver: Receiver) -> None:
    site.write("notified.json", '{"channels": {\n  "email": [\n}\n')
    code, _, err = notify(site)
    assert code == 1
    assert "notified.json:3: error: is not valid JSON" in err
    assert "Nothing was sent." in err
    assert receiver.requests == []


def test_component_changes_reach_webhooks_in_statuspage_form(
    site: Project, receiver: Receiver
) -> None:
    assert notify(site, "2026-11-20T14:05:00Z")[0] == 0
    code, _out, err = notify(site)
    assert code == 0, err
    bodies = [verify(r, SECRET) for r in receiver.requests_to("/hook")]
    changes = [b for b in bodies if "component_update" in b]
    assert len(changes) == 1
    change = changes[0]
    assert change["component_update"]["component_id"] == "checkout"
    assert change["component_update"]["old_status"] == "operational"
    assert change["component_update"]["new_status"] == "partial_outage"
    assert change["component"]["id"] == "checkout"
    assert change["component"]["status"] == "partial_outage"
    # The incident first, then the change it made (as Statuspage sends them).
    assert "incident" in bodies[0]
    # Chat and mail are told of the incident only, not of each component.
    assert len(receiver.requests_to("/chat")) == 1


def test_a_maintenance_reminder_goes_once_an_hour_before(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    site.write(
        "incidents/2026-11-21-database-upgrade.md",
        make_incident(
            title="Database upgrade",
            kind="maintenance",
            components=["login"],
            scheduled_start="2026-11-21T02:00:00Z",
            scheduled_end="2026-11-21T03:00:00Z",
            body={
                "What we are doing": "We upgrade the database that holds orders.",
                "What you will notice": "Checkout pauses for up to ten minutes.",
            },
            updates=[
                (
                    "2026-11-20 14:30 UTC — Scheduled",
                    "We will upgrade the order database from 02:00 to 03:00 UTC.",
                )
            ],
        ),
    )
    assert notify(site)[0] == 0  # announced before this first run: history
    assert notify(site, "2026-11-21T00:30:00Z")[1].startswith("Nothing new to send")
    code, out, err = notify(site, "2026-11-21T01:10:00Z")
    assert code == 0, err
    assert "Sent to chat CHAT_URL: Database upgrade: starts 21 Nov 2026, 03:00 CET" in out
    chat = receiver.requests_to("/chat")
    assert len(chat) == 1
    assert chat[0].json()["title"] == "Database upgrade: starts 21 Nov 2026, 03:00 CET"
    assert len(receiver.requests_to("/hook")) == 1
    assert sorted(r for m in smtp_server.mails for r in m.recipients) == [
        "ann@customer.test",
        "bob@customer.test",
    ]
    assert notify(site, "2026-11-21T01:20:00Z")[1].startswith("Nothing new to send")
    # At the window: the component goes under maintenance (webhooks only).
    assert notify(site, "2026-11-21T02:01:00Z")[0] == 0
    changes = [verify(r, SECRET) for r in receiver.requests_to("/hook")[1:]]
    assert [c["component_update"]["new_status"] for c in changes] == ["under_maintenance"]


@pytest.mark.parametrize("mode", ["smtps", "starttls"])
def test_mail_over_tls_with_a_login(
    site: Project,
    mode: str,
    tmp_path: Path,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert = certificate(tmp_path / "cert")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert.cert_path))
    monkeypatch.setenv("SMTP_USER", "status")
    monkeypatch.setenv("SMTP_PASSWORD", "correct horse")
    with SmtpServer(
        mode,  # type: ignore[arg-type]
        cert=cert,
        auth=("status", "correct horse"),
        require_starttls=mode == "starttls",
    ) as server:
        config = (site.root / "statusgen.toml").read_text()
        start, end = config.index('smtp = "'), config.index("\n", config.index('smtp = "'))
        site.write(
            "statusgen.toml",
            config[:start]
            + f'smtp = "{server.url}"\nuser_env = "SMTP_USER"\npassword_env = "SMTP_PASSWORD"'
            + config[end:],
        )
        assert notify(site)[0] == 0
        identified(site)
        code, _, err = notify(site)
        assert code == 0, err
        assert len(server.mails) == 2
        assert all(m.tls and m.login == "status" for m in server.mails)


def test_an_untrusted_certificate_is_refused(
    site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert = certificate(tmp_path / "cert")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with SmtpServer("smtps", cert=cert) as server:
        config = (site.root / "statusgen.toml").read_text()
        site.write("statusgen.toml", config.replace("smtp://127.0.0.1:", "smtps://127.0.0.1:"))
        site.write(
            "statusgen.toml",
            (site.root / "statusgen.toml")
            .read_text()
            .replace(config.split('smtp = "')[1].split('"')[0].split(":")[-1], str(server.port)),
        )
        assert notify(site)[0] == 0
        identified(site)
        code, _, err = notify(site)
        assert code == 1
        assert "statusgen: email failed: the mail server's certificate cannot be trusted" in err
        assert server.mails == []


def test_a_refused_address_is_named_and_the_others_still_get_theirs(
    site: Project, smtp_server: SmtpServer
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    smtp_server.refuse_recipients.add("ann@customer.test")
    code, _, err = notify(site)
    assert code == 1
    assert "statusgen: email: the server refused ann@customer.test: 550" in err
    assert [m.recipients for m in smtp_server.mails] == [("cid@customer.test",)]
    # Not tried again: it would be refused again, and block the run every time.
    smtp_server.refuse_recipients.clear()
    assert notify(site)[1].startswith("Nothing new to send")


def test_a_server_that_drops_the_connection_mid_batch_resumes_where_it_stopped(
    site: Project, smtp_server: SmtpServer
) -> None:
    site.write("subscribers.txt", "".join(f"s{n}@customer.test\n" for n in range(10)))
    assert notify(site)[0] == 0
    identified(site)
    smtp_server.fail_after = 4
    smtp_server.fail_mode = "disconnect"
    code, _, err = notify(site)
    assert code == 1
    assert "statusgen: email failed: " in err
    assert len(smtp_server.mails) == 4
    smtp_server.fail_after = None
    code, out, err = notify(site)
    assert code == 0, err
    assert "Mailed 6 subscribers" in out
    counts = Counter(r for m in smtp_server.mails for r in m.recipients)
    assert len(counts) == 10 and set(counts.values()) == {1}


def _environment(site: Project) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_a_kill_mid_batch_repeats_at_most_one_mail(site: Project, smtp_server: SmtpServer) -> None:
    people = [f"p{n:04}@customer.test" for n in range(1500)]
    site.write("subscribers.txt", "".join(f"{p}\n" for p in people))
    assert notify(site)[0] == 0
    identified(site)
    command = [sys.executable, "-m", "statusgen", "notify", "--now", "2026-11-20T14:50:00Z"]
    process = subprocess.Popen(
        command,
        cwd=site.root,
        env=_environment(site),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(smtp_server.mails) < 200 and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stopped_at = len(smtp_server.mails)
    assert 200 <= stopped_at < len(people), "the run finished before it could be killed"
    assert (site.root / "notified.json.journal").exists()

    code, _out, err = notify(site)
    assert code == 0, err
    counts = Counter(r for m in smtp_server.mails for r in m.recipients)
    assert set(counts) == set(people)
    assert sum(counts.values()) - len(people) <= 1
    assert not (site.root / "notified.json.journal").exists()
    assert notify(site)[1].startswith("Nothing new to send")


def test_watch_notify_sends_what_each_build_publishes(site: Project, receiver: Receiver) -> None:
    assert notify(site)[0] == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "statusgen", "watch", "--notify"],
        cwd=site.root,
        env=_environment(site),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _line_from(process, "Watching for changes")
        identified(site)
        deadline = time.monotonic() + 30
        while not receiver.requests_to("/chat") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.requests_to("/chat")) == 1
        assert len(receiver.requests_to("/hook")) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()


def _line_from(process: subprocess.Popen[str], wanted: str) -> bool:
    assert process.stdout is not None
    return any(wanted in line for line in _lines(process))


def _lines(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            return
        yield line


def test_a_chat_address_apprise_does_not_know_is_named_before_anything_is_sent(
    site: Project, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    monkeypatch.setenv("CHAT_URL", "slak://T000/B000/XXXX")
    code, _, err = notify(site)
    assert code == 1
    assert (
        "statusgen: CHAT_URL does not hold an address Apprise knows (`slak://` is not one of "
        "its services)" in err
    )
    assert receiver.requests == []


def test_check_names_a_bad_subscriber_line(site: Project) -> None:
    site.write("subscribers.txt", SUBSCRIBERS + "ann@customer.test: login\n")
    result = site.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    assert (
        "subscribers.txt:5: error: `ann@customer.test` is listed twice (first on line 2)"
        in result.err
    )
    # A list kept out of the repository is notify's business, not check's.
    (site.root / "subscribers.txt").unlink()
    assert site.run("check", "--now", "2026-11-20T14:50:00Z").code == 0


def test_a_failing_chat_counts_only_what_it_would_have_been_sent(
    site: Project, receiver: Receiver
) -> None:
    assert notify(site, "2026-11-20T14:05:00Z")[0] == 0
    receiver.always("/chat", 503)
    code, _, err = notify(site)  # the incident opened: an update and a component change
    assert code == 1
    assert (
        "statusgen: chat CHAT_URL failed: Apprise says: Failed to send JSON POST notification: "
        "Servers are overloaded., error=503 (2 attempts)." in err
    )
    assert "1 update waits for it" in err
    assert len(receiver.requests_to("/hook")) == 2  # the webhook had both, untroubled


def test_a_renamed_file_does_not_send_its_history_again(
    site: Project, receiver: Receiver, smtp_server: SmtpServer
) -> None:
    assert notify(site, "2026-11-20T14:05:00Z")[0] == 0
    identified(site)
    monitoring = site.run(
        "update", SLUG, "--status", "monitoring", "The fix is out; we are watching payments.",
        "--now", "2026-11-20T17:00:00Z",
    )  # fmt: skip
    assert monitoring.code == 0, monitoring.err
    assert notify(site, "2026-11-20T17:05:00Z")[0] == 0
    before = len(smtp_server.mails)
    old = site.root / "incidents" / f"{SLUG}.md"
    old.rename(site.root / "incidents" / "2026-11-20-card-payments-failing.md")
    code, out, err = notify(site, "2026-11-20T17:10:00Z")
    assert code == 0, err
    assert (
        "Not sent to email: 2 updates dated more than an hour before the newest it has had "
        "(Card payments failing at checkout: Investigating (20 Nov 2026, 15:10 CET); Card "
        "payments failing at checkout: Identified (20 Nov 2026, 15:40 CET)). They look new "
        "only because a file was renamed, a time corrected or the time zone changed, so they "
        "count as sent." in out
    )
    # Only what is within the hour before the newest goes again (here, the newest itself).
    assert len(smtp_server.mails) - before == 2
    assert notify(site, "2026-11-20T17:15:00Z")[1].startswith("Nothing new to send")


def test_correcting_when_an_incident_ended_does_not_announce_the_change_again(
    site: Project, receiver: Receiver
) -> None:
    assert notify(site, "2026-11-20T14:05:00Z")[0] == 0
    resolved = site.run(
        "update", SLUG, "--resolve", "Card payments work again.", "--now", "2026-11-20T15:00:00Z"
    )
    assert resolved.code == 0, resolved.err
    assert notify(site, "2026-11-20T15:10:00Z")[0] == 0
    changes = [verify(r, SECRET) for r in receiver.requests_to("/hook")]
    assert [c["component_update"]["new_status"] for c in changes if "component_update" in c] == [
        "partial_outage",
        "operational",
    ]
    path = site.root / "incidents" / f"{SLUG}.md"
    path.write_text(
        path.read_text()
        .replace("2026-11-20T15:00:00Z", "2026-11-20T14:58:00Z")
        .replace("2026-11-20 15:00 UTC", "2026-11-20 14:58 UTC")
    )
    assert site.run("check", "--now", "2026-11-20T15:10:00Z").code == 0
    assert notify(site, "2026-11-20T15:12:00Z")[0] == 0
    hooks = [verify(r, SECRET) for r in receiver.requests_to("/hook")[len(changes) :]]
    assert not [h for h in hooks if "component_update" in h]


def test_an_address_beyond_ascii_goes_by_smtputf8_or_is_named(
    site: Project, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.write("subscribers.txt", "ann@customer.test\njörg@customer.test\nzed@customer.test\n")
    assert notify(site)[0] == 0
    identified(site)
    assert notify(site)[0] == 0
    assert sorted(r for m in smtp_server.mails for r in m.recipients) == [
        "ann@customer.test",
        "jörg@customer.test",
        "zed@customer.test",
    ]
    assert b"To: j\xc3\xb6rg@customer.test" in smtp_server.mails[1].raw

    import smtplib

    offered = smtplib.SMTP.has_extn
    monkeypatch.setattr(
        smtplib.SMTP, "has_extn", lambda self, name: name != "smtputf8" and offered(self, name)
    )
    result = site.run(
        "update", SLUG, "--status", "monitoring", "The fix is out.", "--now", "2026-11-20T14:45:00Z"
    )
    assert result.code == 0, result.err
    code, _, err = notify(site)
    assert code == 1
    assert (
        "statusgen: email: jörg@customer.test has letters beyond ASCII, and the mail server "
        "does not accept such addresses (it does not offer SMTPUTF8)" in err
    )
    assert len(smtp_server.mails) == 5
    assert notify(site)[1].startswith("Nothing new to send")


def test_an_address_refused_for_now_waits_alone(
    site: Project, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.write("subscribers.txt", "ann@customer.test\nbob@customer.test\nzed@customer.test\n")
    assert notify(site)[0] == 0
    identified(site)
    import smtplib  # the test server refuses only for good: greylisting is made here

    sendmail = smtplib.SMTP.sendmail

    def greylist(
        self: smtplib.SMTP, sender: str, to: list[str], *args: object, **kw: object
    ) -> object:
        if to == ["bob@customer.test"] and greylisting:
            raise smtplib.SMTPRecipientsRefused({"bob@customer.test": (450, b"Greylisted")})
        return sendmail(self, sender, to, *args, **kw)  # type: ignore[arg-type]

    greylisting = True
    monkeypatch.setattr(smtplib.SMTP, "sendmail", greylist)
    code, _, err = notify(site)
    assert code == 1
    assert (
        "statusgen: email: the server refused bob@customer.test: 450 Greylisted (2 attempts); "
        "that address is tried again at the next run" in err
    )
    assert sorted(r for m in smtp_server.mails for r in m.recipients) == [
        "ann@customer.test",
        "zed@customer.test",
    ]
    greylisting = False
    code, out, err = notify(site)
    assert code == 0, err
    assert "Mailed 1 subscriber" in out
    assert [m.recipients for m in smtp_server.mails][-1] == ("bob@customer.test",)


def test_a_broken_email_template_is_named_before_anything_is_sent(
    site: Project, receiver: Receiver
) -> None:
    assert notify(site)[0] == 0
    identified(site)
    site.write("templates/email.html", "<p>\n{{ update.text | nosuchfilter }}\n</p>\n")
    result = site.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    assert "templates/email.html:2: error: the notification email cannot be drawn" in result.err
    code, _, err = notify(site)
    assert code == 1
    assert "templates/email.html:2: error: the notification email cannot be drawn" in err
    assert receiver.requests == []


def test_a_webhook_address_with_a_token_lives_in_the_environment(
    site: Project, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (site.root / "statusgen.toml").read_text()
    hook = receiver.url("/hook")
    with_token = config.replace(f'url = "{hook}"', 'url_env = "HOOK_URL"')
    site.write("statusgen.toml", with_token)
    monkeypatch.setenv("HOOK_URL", hook + "?token=s3cr3t")
    assert notify(site)[0] == 0
    identified(site)
    code, out, err = notify(site)
    assert code == 0, err
    assert "Sent to webhook HOOK_URL:" in out
    assert receiver.requests_to("/hook")[0].query == "token=s3cr3t"
    assert "s3cr3t" not in (site.root / "notified.json").read_text()


def test_a_dry_run_makes_not_even_the_ledgers_folder(site: Project) -> None:
    config = (site.root / "statusgen.toml").read_text()
    site.write(
        "statusgen.toml", config.replace("[notify]\n", '[notify]\nledger = "state/notified.json"\n')
    )
    code, out, _ = notify(site, "2026-11-20T14:50:00Z", "--dry-run")
    assert code == 0
    assert "No ledger yet (notified.json): would record" in out
    assert "and would send nothing" in out
    assert not (site.root / "state").exists()
