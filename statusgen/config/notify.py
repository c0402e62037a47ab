"""`[notify]`: where updates are sent (webhooks, email, chat) and where the ledger of what was
sent lives. Secrets are only ever *named* here, by environment variable: `notify` reads them,
and nothing statusgen writes (pages, the ledger, messages) ever holds one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from statusgen.config.keys import KeyLines, TextReader, warn_unknown
from statusgen.model import Component
from statusgen.problems import Problems, suggest

LEDGER = "notified.json"
_NOTIFY_KEYS = ("ledger", "retries", "timeout", "webhook", "email", "chat")
_WEBHOOK_KEYS = ("url", "url_env", "secret_env", "components")
_EMAIL_KEYS = ("smtp", "user_env", "password_env", "from", "subscribers", "unsubscribe")
_CHAT_KEYS = ("url_env", "components")
# Keys someone might reach for that would put a secret in a file meant to be committed.
_SECRETS = {
    "secret": "secret_env",
    "password": "password_env",
    "user": "user_env",
    "url": "url_env",
    "token": "url_env",
}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
SMTP_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class Webhook:
    url: str  # "": the address is in the environment, in `url_env`
    secret_env: str  # "": deliveries are not signed
    components: frozenset[str] | None  # None: every update
    line: int
    url_env: str = ""  # for an address that holds a token

    @property
    def name(self) -> str:
        """How the terminal and the ledger call it: an address written in the file holds
        no secret (one that does is in `url_env`, and only the variable is named)."""
        return f"webhook {self.url_env or self.url}"


@dataclass(frozen=True)
class Email:
    scheme: str  # smtp (upgraded with STARTTLS when offered) or smtps
    host: str
    port: int
    user_env: str
    password_env: str
    sender: str
    subscribers: Path
    unsubscribe: str
    line: int

    name = "email"


@dataclass(frozen=True)
class Chat:
    url_env: str  # the Apprise URL holds the service's token, so it lives in the environment
    components: frozenset[str] | None
    line: int

    @property
    def name(self) -> str:
        return f"chat {self.url_env}"


Channel = Webhook | Email | Chat


@dataclass(frozen=True)
class NotifySettings:
    ledger: Path | None = None  # None: the site has no `[notify]`
    webhooks: tuple[Webhook, ...] = ()
    email: Email | None = None
    chats: tuple[Chat, ...] = ()
    retries: int = 3  # attempts per delivery before the channel counts as failing
    timeout: float = 10.0  # seconds to wait for a receiver to answer
    line: int = 1

    @property
    def channels(self) -> tuple[Channel, ...]:
        """In the order a run sends: the quick ones first, then the mail to everyone."""
        email: tuple[Channel, ...] = (self.email,) if self.email else ()
        return (*self.webhooks, *self.chats, *email)


def read_notify(
    path: Path,
    raw: Any,
    components: tuple[Component, ...],
    lines: KeyLines,
    problems: Problems,
) -> NotifySettings:
    if raw is None:
        return NotifySettings()
    if not isinstance(raw, dict):
        problems.error(path, lines.of("notify"), "`notify` must be a table: write `[notify]`")
        return NotifySettings()
    reader = _Reader(path, lines, problems, tuple(c.id for c in components))
    reader.unknown(raw, _NOTIFY_KEYS, "notify", 0)
    ledger = TextReader(path, raw, "notify", lines, problems).get("ledger") or LEDGER
    webhooks = tuple(
        w
        for i, table in enumerate(reader.tables(raw, "webhook"))
        if (w := reader.webhook(table, i)) is not None
    )
    chats = tuple(
        c
        for i, table in enumerate(reader.tables(raw, "chat"))
        if (c := reader.chat(table, i)) is not None
    )
    email = raw.get("email")
    if email is not None and not isinstance(email, dict):
        problems.error(
            path,
            lines.of("notify.email"),
            "`email` must be one table: write `[notify.email]`",
        )
        email = None
    seen: dict[str, int] = {}
    channels: list[Webhook | Chat] = [*webhooks, *chats]
    for channel in channels:
        if channel.name in seen:
            problems.error(
                path,
                channel.line,
                f"{channel.name} is configured twice (first on line {seen[channel.name]}): "
                "each would hide the other's record of what was sent",
            )
        seen.setdefault(channel.name, channel.line)
    settings = NotifySettings(
        ledger=path.parent / ledger,
        webhooks=webhooks,
        email=reader.email(email) if email is not None else None,
        chats=chats,
        retries=reader.whole(raw, "retries", 3, 1, 10),
        timeout=float(reader.whole(raw, "timeout", 10, 1, 300)),
        line=lines.of("notify"),
    )
    if not settings.channels and not problems.errors:
        problems.warning(
            path,
            lines.of("notify"),
            "[notify] has no channel: add `[[notify.webhook]]`, `[notify.email]` or "
            "`[[notify.chat]]`",
        )
    return settings


@dataclass
class _Reader:
    path: Path
    lines: KeyLines
    problems: Problems
    component_ids: tuple[str, ...]

    def error(self, table: str, key: str, index: int, message: str) -> None:
        self.problems.error(self.path, self.lines.of(table, key, index), message)

    def unknown(self, table: dict[str, Any], known: tuple[str, ...], name: str, i: int) -> None:
        for key, instead in _SECRETS.items():
            if key in table and key not in known and instead in known:
                self.error(
                    name,
                    key,
                    i,
                    f"`{key}` would put a secret in statusgen.toml, which is meant to be "
                    f"committed: set it in an environment variable and name that variable with "
                    f'`{instead}`, e.g. `{instead} = "{_example(name, instead)}"`',
                )
        warn_unknown(
            self.path,
            {k: v for k, v in table.items() if k not in _SECRETS or k in known},
            known,
            name,
            i,
            self.lines,
            self.problems,
        )

    def tables(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.error(
                "notify", key, 0, f"`{key}` must be a list of tables: write `[[notify.{key}]]`"
            )
            return []
        return value

    def whole(self, raw: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error("notify", key, 0, f"`{key}` must be a whole number from {low} to {high}")
            return default
        return value

    def env(self, text: TextReader, key: str, required: bool = False) -> str:
        name = text.get(key, required=required)
        if name and not _ENV_NAME.match(name):
            self.error(
                text.name,
                key,
                text.index,
                f"`{key}` = `{name}` must be the name of an environment variable, such as "
                f"`{_example(text.name, key)}`, not its value",
            )
            return ""
        return name

    def chosen(self, table: dict[str, Any], name: str, index: int) -> frozenset[str] | None:
        value = table.get("components")
        if value is None:
            return None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.error(
                name,
                "components",
                index,
                '`components` must be a list of component ids, e.g. `["checkout", "api"]`',
            )
            return None
        for component_id in value:
            if component_id not in self.component_ids:
                self.error(
                    name,
                    "components",
                    index,
                    f"`{component_id}` is not a component in [[components]]"
                    f"{suggest(component_id, self.component_ids)}",
                )
        return frozenset(value)

    def webhook(self, table: dict[str, Any], index: int) -> Webhook | None:
        name = "notify.webhook"
        self.unknown(table, _WEBHOOK_KEYS, name, index)
        text = TextReader(self.path, table, name, self.lines, self.problems, index)
        url_env = self.env(text, "url_env")
        url = text.get("url", required="url_env" not in table)
        if url and url_env:
            self.error(name, "url_env", index, "give `url` or `url_env`, not both")
            return None
        if url and not re.match(r"^https?://[^/\s?#]+[^\s]*\Z", url):
            self.error(name, "url", index, f"`url` = `{url}` must be an http(s) address to POST to")
            return None
        if "@" in urlsplit(url).netloc:
            self.error(
                name,
                "url",
                index,
                "`url` holds a user or password, which would be written in statusgen.toml and "
                "the ledger: put the whole address in an environment variable and name it with "
                '`url_env`, e.g. `url_env = "STATUS_WEBHOOK_URL"`',
            )
            return None
        secret = self.env(text, "secret_env")
        chosen = self.chosen(table, name, index)
        if not (url or url_env):
            return None
        return Webhook(url, secret, chosen, self.lines.of(name, "", index), url_env)

    def chat(self, table: dict[str, Any], index: int) -> Chat | None:
        name = "notify.chat"
        self.unknown(table, _CHAT_KEYS, name, index)
        text = TextReader(self.path, table, name, self.lines, self.problems, index)
        url_env = self.env(text, "url_env", required=True)
        chosen = self.chosen(table, name, index)
        return Chat(url_env, chosen, self.lines.of(name, "", index)) if url_env else None

    def email(self, table: dict[str, Any]) -> Email | None:
        name = "notify.email"
        self.unknown(table, _EMAIL_KEYS, name, 0)
        text = TextReader(self.path, table, name, self.lines, self.problems)
        smtp = text.get("smtp", required=True)
        sender = text.get("from", required=True)
        subscribers = text.get("subscribers", required=True)
        user_env = self.env(text, "user_env")
        password_env = self.env(text, "password_env")
        if bool(user_env) != bool(password_env):
            self.error(name, "user_env", 0, "give both `user_env` and `password_env`, or neither")
        parts = urlsplit(smtp)
        try:
            port = parts.port or SMTP_PORTS.get(parts.scheme, 0)
        except ValueError:
            port = 0
        if smtp and (
            parts.scheme not in SMTP_PORTS or not parts.hostname or not port or parts.username
        ):
            why = (
                "the user and password come from `user_env` and `password_env`, never the address"
                if parts.username
                else "write `smtp://host:587` (STARTTLS when the server offers it) or "
                "`smtps://host:465`"
            )
            self.error(name, "smtp", 0, f"`smtp` = `{smtp}` is not a mail server address: {why}")
            smtp = ""
        address = parseaddr(sender)[1]
        if sender and "@" not in address:
            self.error(
                name,
                "from",
                0,
                f'`from` = `{sender}` needs an address, e.g. "Acme Status <status@acme.com>"',
            )
            sender = ""
        unsubscribe = text.get("unsubscribe") or (
            f"mailto:{address}?subject=Unsubscribe" if address else ""
        )
        if not re.match(r"^(?:mailto:\S+@\S+|https://\S+)\Z", unsubscribe):
            self.error(
                name,
                "unsubscribe",
                0,
                f"`unsubscribe` = `{unsubscribe}` must be a mailto: or https: address where a "
                "subscriber can ask to stop",
            )
        if not (smtp and sender and subscribers):
            return None
        return Email(
            scheme=parts.scheme,
            host=parts.hostname or "",
            port=port,
            user_env=user_env,
            password_env=password_env,
            sender=sender,
            subscribers=self.path.parent / subscribers,
            unsubscribe=unsubscribe,
            line=self.lines.of(name),
        )


def _example(table: str, key: str) -> str:
    examples = {
        "secret_env": "STATUS_WEBHOOK_SECRET",
        "user_env": "SMTP_USER",
        "password_env": "SMTP_PASSWORD",
        "url_env": "SLACK_URL",
    }
    return examples.get(key, "STATUS_" + key.upper())
