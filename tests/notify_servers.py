"""Real servers on 127.0.0.1 for the notify tests: SMTP (aiosmtpd) and an HTTP receiver.

Import what a test needs as the tests import conftest (`from notify_servers import Receiver`).
The fixtures live here too: importing one, e.g. `receiver`, makes it a fixture of that module.

- `certificate(folder)`: a self-signed certificate for 127.0.0.1 and localhost. A client trusts
  it with `SSL_CERT_FILE=<cert_path>` in its environment (`ssl.create_default_context()` reads
  OpenSSL's default verify paths, which honour that variable).
- `SmtpServer(mode)`: "plain", "starttls" or "smtps", optional AUTH, every message kept, and
  failures on demand (refused recipients, 451 or a dropped connection after N messages).
- `Receiver()`: an HTTP server that keeps every request and answers as scripted per path.

What the libraries do that a test writer should know:

- aiosmtpd: its Controller probes a new server by connecting to it (through TLS for smtps,
  without verifying), so port 0 cannot be used and that probe is a connection of its own: the
  connection counter starts after it. Implicit TLS (smtps) is not TLS to aiosmtpd's AUTH rule:
  with `auth_require_tls=True` it neither advertises AUTH nor accepts it (538) on smtps, since
  only STARTTLS counts. Here AUTH is allowed on plain and smtps, and only after STARTTLS on
  starttls. `auth_required=True` without `auth_require_tls` raises a UserWarning (an error under
  `filterwarnings = error`), so a required login is enforced here in `handle_MAIL` instead.
  Every successful AUTH makes aiosmtpd log "Session.login_data is deprecated" at WARNING on
  `mail.log`, from its own code: a filter drops that one message. Without a `server_hostname`
  each connection calls `socket.getfqdn()`, a DNS lookup: we pass "localhost".
- Apprise 2.3 (`json://`): the first `add()` in a process loads every plugin, and the e-mail
  plugin imports `imghdr`, a DeprecationWarning on Python 3.11/3.12: the first test to use
  Apprise fails under `filterwarnings = error`. Importing this module imports `imghdr` quietly
  first (statusgen's own chat channel may need the same). After that: no warnings. `notify()`
  returns an `AppriseResult`, not a bool: true only on success, and a context manager (close
  it: its logs may spill to a temporary file). A failed delivery is not retried and logs a
  WARNING on the `apprise` logger ("Failed to send JSON POST notification: ... error=500.").
- standardwebhooks: `Webhook(secret).verify(body, headers)` lower-cases header names itself,
  refuses a timestamp more than five minutes from now, and returns the parsed JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import errno
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from standardwebhooks import Webhook

HOST = "127.0.0.1"


def _import_imghdr_quietly() -> None:
    """Apprise loads all its plugins on first use, and its e-mail plugin imports `imghdr`, which
    warns on Python 3.11 and 3.12 ("slated for removal in Python 3.13"): under `filterwarnings =
    error` the first test to use Apprise would fail, whichever it is. Imported once here, quietly,
    it is already loaded by then. (On 3.13 it is gone and Apprise puts in a silent stand-in.)"""
    with warnings.catch_warnings(), contextlib.suppress(ImportError):
        warnings.simplefilter("ignore", DeprecationWarning)
        import imghdr  # noqa: F401


_import_imghdr_quietly()

# ---------------------------------------------------------------------------------------------
# Certificate


@dataclass(frozen=True)
class Cert:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""

    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        """A server-side context presenting this certificate (no client certificates)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this certificate only, as SSL_CERT_FILE would."""
        return ssl.create_default_context(cafile=self.cert_path)

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that make a client trust this certificate."""
        return {"SSL_CERT_FILE": str(self.cert_path)}


def certificate(folder: Path) -> Cert:
    """Make a self-signed EC certificate in `folder` with openssl (a few milliseconds)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        missing = pytest.fail if os.environ.get("STATUSGEN_REQUIRE_TOOLS") else pytest.skip
        missing(
            "openssl is missing: it makes the test certificate (Debian: apt-get install openssl)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    cert = Cert(folder / "cert.pem", folder / "key.pem")
    # The extensions are explicit so the certificate also passes Python 3.13's
    # VERIFY_X509_STRICT: a critical CA basic constraint and keyCertSign, since the certificate
    # is its own trust anchor; the default configuration adds the key identifiers.
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
         "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
         "-addext", "extendedKeyUsage=serverAuth",
         "-keyout", str(cert.key_path), "-out", str(cert.cert_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert


# ---------------------------------------------------------------------------------------------
# SMTP

SmtpMode = Literal["plain", "starttls", "smtps"]
FailMode = Literal["451", "disconnect"]


@dataclass(frozen=True)
class Mail:
    """One message the SMTP server accepted."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    message: EmailMessage
    login: str | None  # who authenticated on the connection, if anyone
    tls: bool  # whether the connection was encrypted (smtps, or after STARTTLS)
    connection: int  # 1 for the first connection a client opened, 2 for the next, …


class _LoginDeprecation(logging.Filter):
    """Drop the warning aiosmtpd logs about its own use of `Session.login_data` on every AUTH."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Session.login_data is deprecated" not in record.getMessage()


_LOGIN_DEPRECATION = _LoginDeprecation()


class _Controller(Controller):
    """aiosmtpd's threaded Controller, numbering each connection it opens."""

    def __init__(self, owner: SmtpServer, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self.owner = owner
        self.sessions: list[SMTP] = []

    def factory(self) -> SMTP:
        smtp = SMTP(self.handler, **self.SMTP_kwargs)
        self.sessions.append(smtp)
        self.owner.connections += 1
        self.owner._numbers[id(smtp)] = self.owner.connections
        return smtp

    async def close_sessions(self) -> None:
        """Close every connection still open, so none outlives the event loop."""
        for smtp in self.sessions:
            # abort(), not close(): closing TLS waits for the client's close_notify, which a
            # client that is not reading never sends, and the socket under it would be left open.
            if isinstance(smtp.transport, asyncio.Transport):
                smtp.transport.abort()
        for _ in range(100):
            if all(smtp.transport is None for smtp in self.sessions):
                return
            await asyncio.sleep(0.01)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it receives; use it as a context manager.

    `auth=(user, password)` requires that login before MAIL FROM (LOGIN and PLAIN). It is offered
    on plain and smtps connections, and after STARTTLS on starttls ones. The failure controls
    are plain attributes a test may change while the server runs.
    """

    def __init__(
        self,
        mode: SmtpMode = "plain",
        *,
        cert: Cert | None = None,
        require_starttls: bool = False,
        auth: tuple[str, str] | None = None,
        refuse_recipients: Iterable[str] = (),
        fail_after: int | None = None,
        fail_mode: FailMode = "451",
    ) -> None:
        if mode != "plain" and cert is None:
            raise ValueError(f"an {mode} server needs a certificate")
        self.mode: SmtpMode = mode
        self.cert = cert
        self.require_starttls = require_starttls
        self.auth = auth
        self.refuse_recipients: set[str] = set(refuse_recipients)
        self.fail_after = fail_after
        self.fail_mode: FailMode = fail_mode
        self.mails: list[Mail] = []
        self.connections = 0  # connections opened by clients
        self.port = 0
        self._controller: _Controller | None = None
        self._numbers: dict[int, int] = {}  # id(SMTP) → its connection number

    @property
    def url(self) -> str:
        scheme = "smtps" if self.mode == "smtps" else "smtp"
        return f"{scheme}://{HOST}:{self.port}"

    def start(self) -> Self:
        logging.getLogger("mail.log").addFilter(_LOGIN_DEPRECATION)
        for attempt in range(5):
            controller = self._controller_on(_free_port())
            try:
                controller.start()
            except OSError as error:  # another process took the port between probe and bind
                controller.stop(no_assert=True)
                controller.loop.close()
                if error.errno != errno.EADDRINUSE or attempt == 4:
                    raise
                continue
            self._controller = controller
            self.port = controller.port
            self.connections = 0  # the Controller's readiness probe is not a client
            self._numbers.clear()
            return self
        raise AssertionError("unreachable")

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is None:
            return
        asyncio.run_coroutine_threadsafe(controller.close_sessions(), controller.loop).result(5)
        controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _controller_on(self, port: int) -> _Controller:
        context = self.cert.server_context() if self.cert is not None else None
        return _Controller(
            self,
            hostname=HOST,
            port=port,
            server_hostname="localhost",
            ssl_context=context if self.mode == "smtps" else None,
            tls_context=context if self.mode == "starttls" else None,
            require_starttls=self.require_starttls,
            authenticator=self._authenticate,
            # aiosmtpd counts only STARTTLS as TLS: smtps needs False to offer AUTH at all.
            auth_require_tls=self.mode == "starttls",
        )

    # aiosmtpd hooks (run on the server's event loop thread)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            self.auth is not None
            and isinstance(data, LoginPassword)
            and (data.login.decode(), data.password.decode()) == self.auth
        )
        return AuthResult(success=ok, auth_data=data if ok else None, handled=False)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.auth is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.fail_after is not None and len(self.mails) >= self.fail_after:
            if self.fail_mode == "disconnect":
                assert isinstance(server.transport, asyncio.Transport)
                server.transport.abort()  # the reply below is never written
            return "451 4.3.0 Temporary failure, try again later"
        raw = envelope.original_content or b""
        data: Any = session.auth_data  # the LoginPassword _authenticate accepted
        login = data.login.decode() if isinstance(data, LoginPassword) else None
        transport = server.transport
        self.mails.append(
            Mail(
                sender=envelope.mail_from or "",
                recipients=tuple(envelope.rcpt_tos),
                raw=raw,
                message=_parse_mail(raw),
                login=login,
                tls=transport is not None and transport.get_extra_info("ssl_object") is not None,
                connection=self._numbers.get(id(server), 0),
            )
        )
        return "250 2.0.0 OK"


def _parse_mail(raw: bytes) -> EmailMessage:
    """The message as a mail program shows it: lines end in \n, not the wire's \r\n."""
    message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _free_port() -> int:
    """A port free on 127.0.0.1 a moment ago (aiosmtpd's start-up probe cannot use port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


# ---------------------------------------------------------------------------------------------
# HTTP receiver


class Headers(Mapping[str, str]):
    """Request headers, looked up whatever the case; the names keep the client's spelling."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._items = {name.lower(): (name, value) for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self)!r})"


@dataclass(frozen=True)
class Request:
    """One request the receiver got."""

    method: str
    path: str  # without the query string
    query: str
    headers: Headers
    body: bytes
    at: float  # time.monotonic() on arrival: for the delays between retries
    received: datetime  # the wall clock (UTC) on arrival

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Reply:
    status: int | None  # None: the path's usual status
    delay: float = 0.0


@dataclass
class _Script:
    usual: _Reply = field(default_factory=lambda: _Reply(204))
    queue: deque[_Reply] = field(default_factory=deque)


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every request and answers as scripted per path.

    Every path answers 204 unless told otherwise. Use it as a context manager.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._scripts: dict[str, _Script] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{_path(path)}"

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == _path(path)]

    def respond(self, path: str, *statuses: int) -> None:
        """Answer the next requests to `path` with these statuses, one each, then as usual."""
        with self._lock:
            self._script(path).queue.extend(_Reply(status) for status in statuses)

    def always(self, path: str, status: int) -> None:
        """Answer every request to `path` (after any queued answers) with `status`."""
        with self._lock:
            self._script(path).usual.status = status

    def hang(self, path: str, seconds: float, *, times: int | None = None) -> None:
        """Wait `seconds` before answering requests to `path`: the next `times` ones, or all."""
        with self._lock:
            script = self._script(path)
            if times is None:
                script.usual.delay = seconds
            else:
                script.queue.extend(_Reply(None, seconds) for _ in range(times))

    def start(self) -> Self:
        server = ThreadingHTTPServer((HOST, 0), _handler_for(self))
        # Handler threads are joined by server_close(), so none outlives the receiver.
        server.daemon_threads = False
        server.block_on_close = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="receiver"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes any request still hanging
        server.shutdown()
        server.server_close()
        assert self._thread is not None
        self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _script(self, path: str) -> _Script:
        return self._scripts.setdefault(_path(path), _Script())

    def _take(self, request: Request) -> _Reply:
        """Keep `request` and pick its answer."""
        with self._lock:
            self._requests.append(request)
            script = self._script(request.path)
            reply = script.queue.popleft() if script.queue else script.usual
            return _Reply(reply.status or script.usual.status, reply.delay)


def _path(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a client that connects and says nothing does not hold stop() forever

        def answer(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=path,
                query=query,
                headers=Headers(self.headers.items()),
                body=self.rfile.read(length),
                at=time.monotonic(),
                received=datetime.now(UTC),
            )
            reply = receiver._take(request)
            if reply.delay and receiver._stopping.wait(reply.delay):
                return
            status = reply.status or 204
            body = b"" if status == 204 else f"{status}\n".encode()
            with contextlib.suppress(ConnectionError):  # the client gave up waiting
                self.send_response(status)
                if status != 204:
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_POST = do_PUT = do_GET = answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def verify(request: Request, secret: str) -> dict[str, Any]:
    """The payload of a Standard Webhooks request; raises WebhookVerificationError if forged."""
    payload = Webhook(secret).verify(request.body, dict(request.headers))
    assert isinstance(payload, dict), payload
    return payload


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> Cert:
    """One certificate for the session."""
    return certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server without AUTH."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server
