"""One `notify` run: what is due, less what the ledger says each channel already has, sent
oldest first, each delivery recorded before the next one starts."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

import jinja2

from statusgen import words
from statusgen.config import Config
from statusgen.config.notify import Channel, Chat, Email, Webhook
from statusgen.digest import digest
from statusgen.lock import writing
from statusgen.model import Site, Theme
from statusgen.notify import chat, webhooks
from statusgen.notify.deliver import DeliveryError, attempt
from statusgen.notify.events import Event, EventKind, due
from statusgen.notify.ledger import Ledger, recipient_key
from statusgen.notify.mailer import Mailer, Server, addressed
from statusgen.notify.preflight import Secrets, mail_environment
from statusgen.notify.subscribers import Subscriber
from statusgen.outputs.api import Now, api_now
from statusgen.outputs.hooks import chat_message, component_payload, incident_payload
from statusgen.outputs.mail import Mail, render_mail
from statusgen.problems import ExitCode
from statusgen.terminal import say

WAITING = "Waiting for another `statusgen notify` in this site to finish..."
# How far before the newest update a channel has had a new one may be dated and still be
# sent: an update written a little after the moment it names.
STALE = timedelta(hours=1)


@dataclass
class Run:
    config: Config
    site: Site
    theme: Theme
    subscribers: list[Subscriber]
    secrets: Secrets
    dry_run: bool
    ledger: Ledger
    now: Now = field(init=False)
    sent: dict[str, int] = field(default_factory=dict)
    failed: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    _env: jinja2.Environment | None = None

    def __post_init__(self) -> None:
        self.now = api_now(self.site)

    def go(self) -> ExitCode:
        channels = self.config.notify.channels
        events = due(self.site)
        keys = [e.key for e in events]
        history = _history(events)
        if not self.ledger.existed:
            return self._first(channels, keys, history)
        self.ledger.keep({c.name for c in channels})
        for channel in channels:
            if not self.ledger.knows(channel.name):
                self.ledger.record(channel.name, keys)
                counted = "would count" if self.dry_run else "count"
                print(
                    f"New channel {channel.name}: the {history} before it {counted} as sent; "
                    "it gets every update from now on."
                )
        if not self.dry_run:
            self.ledger.save()
        for channel in channels:
            pending = [e for e in events if not self.ledger.has(channel.name, e.key)]
            self._channel(channel, self._not_stale(channel, pending))
        if not self.dry_run:
            self.ledger.save()  # what was skipped as not for a channel
        return self._summary()

    def _not_stale(self, channel: Channel, pending: list[Event]) -> list[Event]:
        """Updates dated well before the newest this channel already has are not news: a
        renamed file, a corrected time or a changed time zone gives old updates new keys, and
        customers must not be told them twice. They are recorded, and named, not sent."""
        latest = self.ledger.latest(channel.name)
        if latest is None:
            return pending
        stale = [
            e
            for e in pending
            if e.at < latest - STALE
            and _for(channel, e)
            and not self.ledger.reached(channel.name, e.key)  # a batch begun is finished
        ]
        if not stale:
            return pending
        self.ledger.record(channel.name, [e.key for e in stale])
        counted = "would count" if self.dry_run else "count"
        shown = "; ".join(describe(self.site, e) for e in stale[:3])
        more = f" and {len(stale) - 3} more" if len(stale) > 3 else ""
        print(
            f"Not sent to {channel.name}: {words.count(len(stale), 'update', 'updates')} "
            f"dated more than an hour before the newest it has had ({shown}{more}). They "
            "look new only because a file was renamed, a time corrected or the time zone "
            f"changed, so they {counted} as sent."
        )
        gone = {e.key for e in stale}
        return [e for e in pending if e.key not in gone]

    def _first(self, channels: tuple[Channel, ...], keys: list[str], history: str) -> ExitCode:
        """No ledger: everything before now is history, not news."""
        for channel in channels:
            self.ledger.record(channel.name, keys)
        verb = "Would record" if self.dry_run else "Recorded"
        sent = "would send" if self.dry_run else "sent"
        print(
            f"No ledger yet ({self.ledger.path.name}): {verb.lower()} the {history} as "
            "already sent to "
            f"{words.count(len(channels), 'channel', 'channels')}, and {sent} nothing. "
            "From now on each new update is sent once."
        )
        if not self.dry_run:
            self.ledger.save()
        return ExitCode.OK

    def _channel(self, channel: Channel, pending: list[Event]) -> None:
        """Each pending event in order; the first failure stops this channel (the rest wait
        for the next run, so that they never arrive out of order)."""
        mailer: Mailer | None = None
        try:
            for index, event in enumerate(pending):
                try:
                    if isinstance(channel, Webhook):
                        self._webhook(channel, event)
                    elif isinstance(channel, Chat):
                        self._chat(channel, event)
                    else:
                        mailer = mailer or self._mailer(channel)
                        self._email(channel, event, mailer)
                except DeliveryError as exc:
                    waiting = sum(1 for e in pending[index:] if _for(channel, e))
                    self.failed[channel.name] = (exc.reason, waiting, exc.permanent)
                    return
                if self.ledger.journaled:
                    self.ledger.save()
        finally:
            if mailer is not None:
                mailer.close()

    def _skip(self, channel: Channel, event: Event) -> None:
        """Not for this channel: counted as handled, so that widening its components later
        does not send it the past."""
        self.ledger.record(channel.name, [event.key])

    def _count(self, channel: Channel, number: int = 1) -> None:
        self.sent[channel.name] = self.sent.get(channel.name, 0) + number

    def _webhook(self, hook: Webhook, event: Event) -> None:
        if not _for(hook, event):
            return self._skip(hook, event)
        if event.kind is EventKind.COMPONENT:
            body = component_payload(
                self.site, self.now, event.component, event.old, event.new, event.at
            )
        else:
            assert event.incident is not None
            body = incident_payload(self.site, self.now, event.incident, event.index)
        message_id = "msg_" + digest(hook.name, event.key)
        if self.dry_run:
            where = hook.url or hook.url_env
            print(f"Would POST to {where} (webhook-id {message_id}):\n{body.decode()}\n")
            return None
        key = self.secrets.webhook_keys.get(hook.name)
        timeout = self.config.notify.timeout
        url = self.secrets.webhook_urls[hook.name]
        attempt(
            lambda: webhooks.post(url, body, message_id, key, timeout),
            self.config.notify.retries,
        )
        self.ledger.delivered(hook.name, event.key)
        self._count(hook)
        print(f"Sent to {hook.name}: {describe(self.site, event)}")
        return None

    def _chat(self, channel: Chat, event: Event) -> None:
        if not _for(channel, event):
            return self._skip(channel, event)
        assert event.incident is not None
        index = event.index if event.kind is EventKind.UPDATE else None
        message = chat_message(self.site, event.incident, index)
        if self.dry_run:
            print(f"Would post to {channel.name}:\n{message.title}\n\n{message.body}\n")
            return None
        sender = chat.service(self.secrets.chat_urls[channel.name], channel.url_env)
        timeout = self.config.notify.timeout
        attempt(
            lambda: chat.post(sender, message.title, message.body, timeout),
            self.config.notify.retries,
        )
        self.ledger.delivered(channel.name, event.key)
        self._count(channel)
        print(f"Sent to {channel.name}: {describe(self.site, event)}")
        return None

    def _mailer(self, email: Email) -> Mailer:
        return Mailer(
            Server(
                email.scheme,
                email.host,
                email.port,
                self.secrets.smtp_user,
                self.secrets.smtp_password,
                self.config.notify.timeout,
            )
        )

    def _email(self, email: Email, event: Event, mailer: Mailer) -> None:
        if not _for(email, event):
            return self._skip(email, event)
        reached = self.ledger.reached(email.name, event.key)
        affected = event.components
        recipients = [
            s
            for s in self.subscribers
            if s.wants(affected) and recipient_key(s.address) not in reached
        ]
        if self.dry_run:
            self._preview(email, event, recipients)
            return None
        tries = self.config.notify.retries
        mailed = later = 0
        # One message for everyone who chose the same components, but its `To`.
        messages: dict[tuple[str, ...] | None, bytes] = {}
        for subscriber in recipients:
            topics = self._topics(subscriber)
            if topics not in messages:
                messages[topics] = self._compose(email, self._mail(email, event, topics))
            data = addressed(messages[topics], subscriber.address)

            def send(to: str = subscriber.address, data: bytes = data) -> None:
                mailer.send(email.sender, to, data)

            try:
                attempt(send, tries)
                mailed += 1
            except DeliveryError as exc:
                if not exc.recipient:
                    raise
                if not exc.refused:  # for now: this address waits for the next run
                    self.deferred.append(exc.reason)
                    later += 1
                    continue
                self.refused.append(exc.reason)  # for good: not tried again
            self.ledger.delivered(email.name, event.key, recipient_key(subscriber.address))
        if not later:
            self.ledger.finished(email.name, event.key)
        if mailed:
            self._count(email, mailed)
            print(
                f"Mailed {words.count(mailed, 'subscriber', 'subscribers')}: "
                f"{describe(self.site, event)}"
            )
        return None

    def _preview(self, email: Email, event: Event, recipients: list[Subscriber]) -> None:
        groups: dict[tuple[str, ...] | None, list[str]] = {}
        for subscriber in recipients:
            groups.setdefault(self._topics(subscriber), []).append(subscriber.address)
        for topics, addresses in groups.items():
            mail = self._mail(email, event, topics)
            shown = ", ".join(addresses[:3]) + (", …" if len(addresses) > 3 else "")
            print(
                f"Would mail {words.count(len(addresses), 'subscriber', 'subscribers')} "
                f"({shown}):\nSubject: {mail.subject}\n\n{mail.text}"
            )

    def _topics(self, subscriber: Subscriber) -> tuple[str, ...] | None:
        if subscriber.components is None:
            return None
        info = self.site.info
        return tuple(c.name for c in info.components if c.id in subscriber.components)

    def _mail(self, email: Email, event: Event, topics: tuple[str, ...] | None) -> Mail:
        assert event.incident is not None
        if self._env is None:
            self._env = mail_environment(self.site, self.theme)
        return render_mail(
            self._env, self.site, event.incident, event.update, topics, email.unsubscribe
        )

    def _compose(self, email: Email, mail: Mail) -> bytes:
        message = EmailMessage()
        message["From"] = email.sender
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(self.site.now)
        message["Message-ID"] = mail.message_id
        # Every mail of an incident, the first too, names one root that is never sent: each
        # client then files them as one conversation, whichever arrive and in what order.
        message["In-Reply-To"] = mail.thread_id
        message["References"] = mail.thread_id
        message["List-Unsubscribe"] = f"<{email.unsubscribe}>"
        host = urlsplit(self.site.info.base_url).hostname or "localhost"
        message["List-Id"] = formataddr((self.site.info.title, f"status.{host}"))
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message.as_bytes(policy=SMTP)

    def _summary(self) -> ExitCode:
        if not self.sent and not self.failed and not self.dry_run:
            print(f"Nothing new to send: {self.ledger.path.name} holds every update.")
        for reason in self.refused:
            say(f"statusgen: email: {reason}; correct or remove that address in the subscribers")
        for reason in self.deferred:
            say(f"statusgen: email: {reason}; that address is tried again at the next run")
        for name, (reason, waiting, permanent) in self.failed.items():
            them = "it" if waiting == 1 else "them"
            then = (
                f"correct this, then run `statusgen notify` to send {them}"
                if permanent
                else f"run `statusgen notify` again to send {them}"
            )
            say(
                f"statusgen: {name} failed: {reason}. "
                f"{words.count(waiting, 'update waits', 'updates wait')} for it: {then}; "
                "the other channels are not held back."
            )
        return ExitCode.PROBLEMS if self.failed or self.refused or self.deferred else ExitCode.OK


def _for(channel: Channel, event: Event) -> bool:
    """Does the event concern the channel? A component's change goes to webhooks only (chat
    and mail get the update that explains it); a channel that chose components gets what
    affects them. Email subscribers choose for themselves, one by one."""
    if isinstance(channel, Email):
        return event.kind is not EventKind.COMPONENT
    if isinstance(channel, Chat) and event.kind is EventKind.COMPONENT:
        return False
    return channel.components is None or bool(channel.components & event.components)


def _history(events: list[Event]) -> str:
    """`3 updates and 2 component changes`."""
    kinds = Counter(e.kind for e in events)
    said = words.count(kinds[EventKind.UPDATE], "update", "updates")
    if kinds[EventKind.REMINDER]:
        said += ", " + words.count(kinds[EventKind.REMINDER], "reminder", "reminders")
    changes = words.count(kinds[EventKind.COMPONENT], "component change", "component changes")
    return f"{said} and {changes}"


def describe(site: Site, event: Event) -> str:
    """An event as the terminal names it."""
    zone = site.info.zone
    if event.kind is EventKind.COMPONENT:
        name = site.info.name_of(event.component)
        change = f"{words.label(event.old)} → {words.label(event.new)}"
        return f"{name}: {change} ({words.show_time(event.at, zone)})"
    assert event.incident is not None
    update = event.update
    if update is None:
        assert event.incident.scheduled_start is not None
        return words.reminder_title(event.incident.title, event.incident.scheduled_start, zone)
    title = words.entry_title(event.incident.title, update.status)
    return f"{title} ({words.show_time(update.time, zone)})"


def run(
    config: Config,
    site: Site,
    theme: Theme,
    subscribers: list[Subscriber],
    secrets: Secrets,
    dry_run: bool,
) -> ExitCode:
    """Send what is new, holding the site's lock so that two runs never send twice."""
    settings = config.notify
    assert settings.ledger is not None
    # A dry run changes nothing, not even by making the ledger's folder to lock.
    held = (
        contextlib.nullcontext()
        if dry_run and not settings.ledger.parent.is_dir()
        else writing(settings.ledger.parent, WAITING)
    )
    with held:
        ledger = Ledger.open(settings.ledger)
        try:
            return Run(config, site, theme, subscribers, secrets, dry_run, ledger).go()
        finally:
            ledger.close()
