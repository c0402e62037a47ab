"""Chat services through Apprise, which already speaks Slack, Teams, Discord, Telegram and a
hundred more: one URL from the environment per channel, e.g. `slack://…`."""

from __future__ import annotations

import logging
import warnings

import apprise

from statusgen.notify.deliver import DeliveryError


class _Said(logging.Handler):
    """What Apprise logged while it tried: the only place it says why a message failed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def service(url: str, variable: str) -> apprise.Apprise:
    sender = apprise.Apprise()
    with warnings.catch_warnings():
        # The first `add` loads every plugin, and the e-mail one imports `imghdr`, deprecated
        # since Python 3.11: a warning about Apprise's code that its users cannot act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        added = sender.add(url)
    if not added:
        scheme = url.split("://", 1)[0] if "://" in url else ""
        raise DeliveryError(
            f"{variable} does not hold an address Apprise knows"
            + (f" (`{scheme}://` is not one of its services)" if scheme else "")
            + ": see https://github.com/caronc/apprise/wiki for the form, e.g. `slack://…`",
            permanent=True,
        )
    return sender


def post(sender: apprise.Apprise, title: str, body: str, timeout: float) -> None:
    said = _Said()
    log = logging.getLogger("apprise")
    log.addHandler(said)
    kept = log.propagate
    log.propagate = False  # its reasons are told once, in our words, not also on stderr
    try:
        with sender.notify(
            body=body, title=title, body_format=apprise.NotifyFormat.TEXT, timeout=timeout
        ) as result:
            delivered = bool(result)
    finally:
        log.removeHandler(said)
        log.propagate = kept
    if not delivered:
        reason = said.lines[-1] if said.lines else "the service did not accept the message"
        raise DeliveryError(f"Apprise says: {reason.rstrip('. ')}")
