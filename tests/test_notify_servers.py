"""The notify tests' servers work with the clients statusgen uses: smtplib, urllib, Apprise."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import smtplib
import ssl
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from urllib.error import HTTPError, URLError

import apprise
import pytest
from notify_servers import (
    Cert,
    Receiver,
    SmtpMode,
    SmtpServer,
    certificate,
    receiver,
    smtp_server,
    tls_certificate,
    verify,
)
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = ["receiver", "smtp_server", "tls_certificate"]  # fixtures, used by name

SECRET = "whsec_" + base64.b64encode(b"a secret of thirty-two bytes!!!!").decode()


def mail(subject: str = "Card payments failing", to: str = "ann@example.org") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "status@status.test"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("We are looking into it.\nNext update by 15:00.\n")
    return message


def post(url: str, body: bytes, headers: dict[str, str] | None = None, timeout: float = 5) -> int:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


def post_status(url: str) -> int:
    """The status of a POST, also when urllib raises it as an HTTPError."""
    try:
        return post(url, b"{}")
    except HTTPError as error:
        error.close()  # it holds the response open: unclosed, a ResourceWarning
        return error.code


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- Certificate --------------------------------------------------------------------------------


def test_the_certificate_is_self_signed_for_both_local_names(tmp_path: Path) -> None:
    cert = certificate(tmp_path / "tls")
    text = subprocess.run(
        ["/usr/bin/openssl", "x509", "-in", cert.cert_path, "-noout", "-text"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "IP Address:127.0.0.1" in text
    assert "DNS:localhost" in text
    assert "ASN1 OID: prime256v1" in text
    assert cert.key_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")


CLIENT = textwrap.dedent("""\
    import smtplib, ssl, sys
    try:
        with smtplib.SMTP_SSL(sys.argv[1], int(sys.argv[2]), timeout=5,
                              context=ssl.create_default_context()) as client:
            client.noop()
    except ssl.SSLCertVerificationError as error:
        print(error.verify_message)
        sys.exit(3)
""")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_clients_trust_the_certificate_through_ssl_cert_file(
    tls_certificate: Cert, host: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    with SmtpServer("smtps", cert=tls_certificate) as server:
        command = [sys.executable, "-c", CLIENT, host, str(server.port)]
        trusted = subprocess.run(command, env=env | tls_certificate.env, capture_output=True)
        untrusted = subprocess.run(command, env=env, capture_output=True, text=True)
    assert trusted.returncode == 0, trusted.stderr
    assert untrusted.returncode == 3, untrusted.stderr
    assert "self-signed certificate" in untrusted.stdout
    assert server.connections == 2


# --- SMTP ---------------------------------------------------------------------------------------


def test_a_plain_server_keeps_what_it_receives(smtp_server: SmtpServer) -> None:
    assert smtp_server.url == f"smtp://127.0.0.1:{smtp_server.port}"
    with smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5) as client:
        client.send_message(mail(), to_addrs=["ann@example.org", "bob@example.org"])
    [got] = smtp_server.mails
    assert got.sender == "status@status.test"
    assert got.recipients == ("ann@example.org", "bob@example.org")
    assert got.message["Subject"] == "Card payments failing"
    assert got.message.get_content() == "We are looking into it.\nNext update by 15:00.\n"
    assert b"Subject: Card payments failing\r\n" in got.raw
    assert (got.login, got.tls, got.connection) == (None, False, 1)


def test_the_server_counts_connections_so_reuse_shows(smtp_server: SmtpServer) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5) as client:
        for n in range(3):
            client.send_message(mail(f"Update {n}"))
    assert smtp_server.connections == 1
    with smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5) as client:
        client.send_message(mail("Another"))
    assert smtp_server.connections == 2
    assert [m.connection for m in smtp_server.mails] == [1, 1, 1, 2]


def test_starttls_is_offered_and_the_mail_then_travels_encrypted(tls_certificate: Cert) -> None:
    with SmtpServer("starttls", cert=tls_certificate) as server:
        with smtplib.SMTP("localhost", server.port, timeout=5) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            client.starttls(context=tls_certificate.client_context())
            client.send_message(mail())
        [got] = server.mails
    assert got.tls
    assert server.url.startswith("smtp://")


def test_require_starttls_refuses_mail_before_it(tls_certificate: Cert) -> None:
    with SmtpServer("starttls", cert=tls_certificate, require_starttls=True) as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.send_message(mail())
            assert refused.value.smtp_code == 530
        assert server.mails == []


def test_smtps_is_tls_from_the_first_byte(tls_certificate: Cert) -> None:
    with SmtpServer("smtps", cert=tls_certificate) as server:
        assert server.url == f"smtps://127.0.0.1:{server.port}"
        context = tls_certificate.client_context()
        context.verify_flags |= ssl.VERIFY_X509_STRICT  # Python 3.13's default, set here too
        with smtplib.SMTP_SSL("127.0.0.1", server.port, timeout=5, context=context) as client:
            client.send_message(mail())
        [got] = server.mails
    assert got.tls
    assert server.connections == 1  # the Controller's own start-up probe is not counted


@pytest.mark.parametrize("mode", ["plain", "starttls", "smtps"])
def test_auth_login_and_plain_in_every_mode(
    tls_certificate: Cert, mode: SmtpMode, caplog: pytest.LogCaptureFixture
) -> None:
    with SmtpServer(mode, cert=tls_certificate, auth=("status", "s3cret")) as server:
        for mechanism in ("LOGIN", "PLAIN"):
            with connect(server, tls_certificate) as client:
                client.ehlo()
                assert client.has_extn("auth")
                client.user, client.password = "status", "s3cret"
                client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))
                client.send_message(mail(mechanism))
        with connect(server, tls_certificate) as client:
            with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
                client.login("status", "wrong")
            assert wrong.value.smtp_code == 535
        with connect(server, tls_certificate) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as anonymous:
                client.send_message(mail())
            assert anonymous.value.smtp_code == 530
    assert [(m.message["Subject"], m.login) for m in server.mails] == [
        ("LOGIN", "status"),
        ("PLAIN", "status"),
    ]
    assert problems(caplog) == []  # not even aiosmtpd's "Session.login_data is deprecated"


def connect(server: SmtpServer, cert: Cert) -> smtplib.SMTP:
    """A client connected as statusgen would: TLS from the start or after STARTTLS."""
    if server.mode == "smtps":
        return smtplib.SMTP_SSL("127.0.0.1", server.port, timeout=5, context=cert.client_context())
    client = smtplib.SMTP("127.0.0.1", server.port, timeout=5)
    if server.mode == "starttls":
        client.starttls(context=cert.client_context())
    return client


def test_starttls_offers_auth_only_after_starttls(tls_certificate: Cert) -> None:
    server = SmtpServer("starttls", cert=tls_certificate, auth=("status", "s3cret"))
    with server, smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("auth")
        plain = base64.b64encode(b"\0status\0s3cret").decode()
        assert client.docmd("AUTH", f"PLAIN {plain}")[0] == 538
        client.starttls(context=tls_certificate.client_context())
        client.ehlo()
        assert client.has_extn("auth")
        assert client.docmd("AUTH", f"PLAIN {plain}")[0] == 235


def test_refused_recipients_get_550(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_recipients = {"gone@example.org"}
    with smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5) as client:
        refused = client.send_message(mail(), to_addrs=["gone@example.org", "ann@example.org"])
        assert refused == {
            "gone@example.org": (550, b"5.1.1 <gone@example.org>: Recipient address rejected")
        }
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.send_message(mail(), to_addrs=["gone@example.org"])
    assert [m.recipients for m in smtp_server.mails] == [("ann@example.org",)]


def test_after_n_messages_data_fails_with_451_until_told_otherwise(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.fail_after = 2
    with smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5) as client:
        client.send_message(mail("1"))
        client.send_message(mail("2"))
        for _ in range(2):
            with pytest.raises(smtplib.SMTPDataError) as failed:
                client.send_message(mail("3"))
            assert failed.value.smtp_code == 451
        smtp_server.fail_after = None
        client.send_message(mail("3"))
    assert [m.message["Subject"] for m in smtp_server.mails] == ["1", "2", "3"]
    assert smtp_server.connections == 1


def test_after_n_messages_the_server_can_hang_up_instead(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.fail_after, smtp_server.fail_mode = 1, "disconnect"
    client = smtplib.SMTP("127.0.0.1", smtp_server.port, timeout=5)
    try:
        client.send_message(mail("1"))
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.send_message(mail("2"))
    finally:
        client.close()
    assert [m.message["Subject"] for m in smtp_server.mails] == ["1"]
    assert problems(caplog) == []


def test_stopping_closes_connections_clients_left_open(tls_certificate: Cert) -> None:
    before = threading.active_count()
    server = SmtpServer("smtps", cert=tls_certificate).start()
    client = smtplib.SMTP_SSL(
        "127.0.0.1", server.port, timeout=5, context=tls_certificate.client_context()
    )
    client.ehlo()
    server.stop()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.noop()
    client.close()
    assert threading.active_count() == before


# --- HTTP receiver ------------------------------------------------------------------------------


def test_the_receiver_keeps_each_post(receiver: Receiver) -> None:
    assert receiver.url("hooks/a") == f"http://127.0.0.1:{receiver.port}/hooks/a"
    status = post(receiver.url("/hooks/a?x=1"), b'{"a": 1}', {"Content-Type": "application/json"})
    assert status == 204
    [got] = receiver.requests
    assert (got.method, got.path, got.query, got.body) == ("POST", "/hooks/a", "x=1", b'{"a": 1}')
    assert got.headers["content-type"] == got.headers["Content-Type"] == "application/json"
    assert "Content-Type" in list(got.headers)
    assert got.json() == {"a": 1}
    assert receiver.requests_to("/hooks/a") == [got]
    assert receiver.requests_to("/hooks/b") == []


def test_scripted_answers_per_path(receiver: Receiver) -> None:
    receiver.respond("/flaky", 500, 503, 500)
    receiver.always("/gone", 410)
    assert [post_status(receiver.url("/flaky")) for _ in range(5)] == [500, 503, 500, 204, 204]
    assert [post_status(receiver.url("/gone")) for _ in range(2)] == [410, 410]
    assert post_status(receiver.url("/other")) == 204
    times = [r.at for r in receiver.requests]
    assert times == sorted(times)


def test_a_hanging_path_makes_clients_time_out(receiver: Receiver) -> None:
    receiver.hang("/slow", 5, times=1)
    started = time.monotonic()
    with pytest.raises((TimeoutError, URLError)):
        post(receiver.url("/slow"), b"{}", timeout=0.2)
    assert time.monotonic() - started < 2
    assert post(receiver.url("/slow"), b"{}") == 204  # only the first one hung
    assert len(receiver.requests_to("/slow")) == 2


def test_stopping_wakes_hanging_requests() -> None:
    before = threading.active_count()
    with Receiver() as server:
        server.hang("/slow", 30)
        with pytest.raises((TimeoutError, URLError)):
            post(server.url("/slow"), b"{}", timeout=0.2)
        started = time.monotonic()
    assert time.monotonic() - started < 2
    assert threading.active_count() == before


# --- Standard Webhooks --------------------------------------------------------------------------


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """A Standard Webhooks signature made by hand, as the specification describes it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def webhook(receiver: Receiver, body: bytes, signature: str, timestamp: int) -> None:
    headers = {
        "Content-Type": "application/json",
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature,
    }
    post(receiver.url("/hook"), body, headers)


def test_a_hand_made_signature_verifies_and_a_wrong_one_does_not(receiver: Receiver) -> None:
    body = json.dumps({"incident": {"name": "Card payments failing"}}).encode()
    now = int(time.time())
    webhook(receiver, body, sign(SECRET, "msg_1", now, body), now)
    other = "whsec_" + base64.b64encode(b"another secret").decode()
    webhook(receiver, body, sign(other, "msg_1", now, body), now)
    webhook(receiver, body, sign(SECRET, "msg_2", now, body), now)  # signed for another id
    webhook(receiver, body, sign(SECRET, "msg_1", now - 600, body), now - 600)  # too old
    good, *bad = receiver.requests
    assert verify(good, SECRET) == {"incident": {"name": "Card payments failing"}}
    for request in bad:
        with pytest.raises(WebhookVerificationError):
            verify(request, SECRET)


# --- Apprise ------------------------------------------------------------------------------------

# What Apprise 2.3 sends for json://HOST:PORT/PATH: a POST to http://HOST:PORT/PATH with
# headers User-Agent: Apprise, Content-Type: application/json (plus requests' Accept,
# Accept-Encoding, Connection: keep-alive) and the body
#   {"version": "1.0", "title": ..., "message": ..., "attachments": [], "type": "info"}
# ("type" is the notify_type: info, success, warning, failure).


def test_apprise_json_posts_title_and_message(receiver: Receiver) -> None:
    url = receiver.url("/chat").replace("http://", "json://")
    notifier = apprise.Apprise()
    assert notifier.add(url)
    # notify() answers an AppriseResult, true on success; closed, it drops any log it kept on disk
    with notifier.notify(body="Card payments are failing.", title="Investigating") as result:
        assert result
    [got] = receiver.requests_to("/chat")
    assert got.method == "POST"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == "Apprise"
    assert got.json() == {
        "version": "1.0",
        "title": "Investigating",
        "message": "Card payments are failing.",
        "attachments": [],
        "type": "info",
    }


def test_apprise_reports_a_failed_delivery_as_false(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.always("/chat", 500)
    notifier = apprise.Apprise()
    notifier.add(receiver.url("/chat").replace("http://", "json://"))
    with notifier.notify(body="Card payments are failing.", title="Investigating") as result:
        assert not result
        assert result.failed_count == 1
    assert len(receiver.requests_to("/chat")) == 1  # Apprise does not retry
    assert any("error=500" in message for message in problems(caplog))
