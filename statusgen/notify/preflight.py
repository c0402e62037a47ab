"""What `notify` checks before the first message goes: every secret the environment must
hold (and that each is usable), and that the theme's mail templates draw."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from statusgen.config import Config
from statusgen.model import Incident, Site, Theme, Update
from statusgen.notify import chat
from statusgen.notify.deliver import DeliveryError
from statusgen.notify.signing import SecretError, secret_bytes
from statusgen.outputs.mail import render_mail
from statusgen.outputs.templates import TemplateCache, templates_digest
from statusgen.problems import Problems, RenderError


@dataclass(frozen=True)
class Secrets:
    """The values the environment holds for the names in `[notify]`."""

    webhook_keys: dict[str, bytes | None]
    chat_urls: dict[str, str]
    webhook_urls: dict[str, str]
    smtp_user: str = ""
    smtp_password: str = ""


def read_secrets(config: Config, environ: Mapping[str, str]) -> tuple[Secrets, list[str]]:
    """Every variable `[notify]` names, and a sentence for each one missing or malformed."""
    settings, missing = config.notify, []
    where = f"(named in {config.path.name})"

    def value(variable: str, what: str) -> str:
        found = environ.get(variable, "")
        if not found.strip():
            missing.append(f"{variable} is not set: it should hold {what} {where}")
        return found.strip()

    keys: dict[str, bytes | None] = {}
    addresses: dict[str, str] = {}
    for hook in settings.webhooks:
        keys[hook.name] = None
        addresses[hook.name] = hook.url
        if hook.url_env:
            url = value(hook.url_env, "the webhook's address")
            if url and not re.match(r"^https?://[^/\s?#]+\S*\Z", url):
                missing.append(f"{hook.url_env} does not hold an http(s) address to POST to")
            addresses[hook.name] = url
        if hook.secret_env:
            secret = value(hook.secret_env, f"the signing secret for {hook.name}")
            if secret:
                try:
                    keys[hook.name] = secret_bytes(secret)
                except SecretError as exc:
                    missing.append(f"{hook.secret_env} {exc}")
    urls: dict[str, str] = {}
    for channel in settings.chats:
        url = value(channel.url_env, "the chat's address for Apprise, such as its webhook URL")
        if url:
            try:
                chat.service(url, channel.url_env)
            except DeliveryError as exc:
                missing.append(exc.reason)
        urls[channel.name] = url
    user = password = ""
    if settings.email is not None and settings.email.user_env:
        user = value(settings.email.user_env, "the mail server's user name")
        password = value(settings.email.password_env, "the mail server's password")
    return Secrets(keys, urls, addresses, user, password), missing


def template_problems(config: Config, site: Site, theme: Theme, problems: Problems) -> None:
    """Draw a mail of the newest update, and a reminder, as a run would: a theme's broken
    `email.txt` or `email.html` is named at its line before anything is sent."""
    email = config.notify.email
    if email is None:
        return
    env = mail_environment(site, theme)
    samples: list[tuple[Incident, Update | None]] = []
    latest = next((i for i in site.incidents if i.updates), None)
    if latest is not None:
        samples.append((latest, latest.updates[0]))
    work = next((i for i in site.incidents if i.is_maintenance), None)
    if work is not None:
        samples.append((work, None))
    for incident, update in samples:
        try:
            render_mail(env, site, incident, update, None, email.unsubscribe)
        except RenderError as exc:
            problems.error(exc.path, exc.line, f"the notification email cannot be drawn: {exc}")
            return


def mail_environment(site: Site, theme: Theme) -> jinja2.Environment:
    """The theme's templates with the site's zone, for drawing mails."""
    info = site.info
    return TemplateCache().environment(theme, templates_digest(theme), info.timezone, info.zone)
