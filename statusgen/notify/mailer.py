"""Mail over SMTP: one connection for the whole run, opened when the first message goes and
opened again if the server drops it. `smtps://` is TLS from the start; `smtp://` switches to
TLS with STARTTLS whenever the server offers it, and never sends a password without it."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from statusgen.notify.deliver import DeliveryError

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Server:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    timeout: float


class Mailer:
    def __init__(self, server: Server) -> None:
        self.server = server
        self._smtp: smtplib.SMTP | None = None
        self.connections = 0

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """One attempt at one message. A refused recipient is permanent; a dropped
        connection or a temporary refusal is worth another attempt, on a new connection."""
        try:
            smtp = self._connection()
            options: list[str] = []
            if not recipient.isascii():
                if not smtp.has_extn("smtputf8"):
                    raise DeliveryError(
                        f"{recipient} has letters beyond ASCII, and the mail server does not "
                        "accept such addresses (it does not offer SMTPUTF8)",
                        refused=True,
                    )
                options = ["SMTPUTF8"]
            smtp.sendmail(parseaddr(sender)[1], [recipient], message, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise DeliveryError(
                f"the server refused {recipient}: {code} {_text(text)}",
                refused=code >= 500,
                recipient=True,
            ) from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise DeliveryError(
                f"the server answered {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            raise DeliveryError(
                f"the mail server's certificate cannot be trusted ({exc.verify_message}): if "
                "it is your own, point SSL_CERT_FILE at the authority that signed it",
                permanent=True,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(f"the mail server connection failed: {_reason(exc)}") from None
        except UnicodeError:  # an address or header the server cannot be given as it is
            raise DeliveryError(
                f"{recipient} cannot be written for this mail server", refused=True
            ) from None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        server = self.server
        context = ssl.create_default_context()
        if server.scheme == "smtp" and server.host in _LOOPBACK:
            # STARTTLS to this machine itself: nobody stands between, and a local mail server
            # (Postfix as Debian installs it) offers it with a certificate nobody signed.
            # `smtps://`, TLS asked for by name, is always checked.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        smtp: smtplib.SMTP
        if server.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        self.connections += 1
        self._smtp = smtp
        smtp.ehlo()
        if server.scheme == "smtp":
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif server.user and server.host not in _LOOPBACK:
                raise DeliveryError(
                    f"{server.host} does not offer STARTTLS, so the password would cross the "
                    "network unencrypted: use `smtps://` or a server that offers STARTTLS",
                    permanent=True,
                )
        if server.user:
            try:
                smtp.login(server.user, server.password)
            except smtplib.SMTPAuthenticationError as exc:
                raise DeliveryError(
                    f"the mail server refused the user and password: {exc.smtp_code} "
                    f"{_text(exc.smtp_error)}",
                    permanent=True,
                ) from None
            except smtplib.SMTPNotSupportedError:
                raise DeliveryError(
                    "the mail server does not accept a login; remove `user_env` and "
                    "`password_env`, or use the server's submission port",
                    permanent=True,
                ) from None
        return smtp


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer in time"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def addressed(message: bytes, recipient: str) -> bytes:
    """`message` (every header but `To`, made once for all its subscribers) for one of them:
    the email package takes milliseconds to set and lay out a header, and there may be ten
    thousand subscribers."""
    # An address beyond ASCII goes as UTF-8, as SMTPUTF8 (RFC 6531) has it; `send` uses that
    # extension for it, or refuses the address when the server lacks it.
    return b"To: " + recipient.encode("utf-8") + b"\r\n" + message
