"""The site's own settings: `[site]` and `[paths]` into Config and the SiteInfo pages use."""

from __future__ import annotations

import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from statusgen.config.coach import CoachSettings, read_coach
from statusgen.config.components import read_components
from statusgen.config.keys import KeyLines, TextReader, warn_unknown
from statusgen.config.notify import NotifySettings, read_notify
from statusgen.config.since import read_since
from statusgen.model import SiteInfo
from statusgen.problems import Problems, suggest

CONFIG_NAME = "statusgen.toml"
# `\Z`, not `$`: `$` also matches before a final newline, and a file name may end in one.
_SITE_KEYS = ("title", "base_url", "timezone", "description", "contact", "feed_entries", "since")
_PATH_KEYS = ("incidents", "templates", "output")
_TABLES = ("site", "paths", "components", "coach", "notify")


@dataclass(frozen=True)
class Config:
    """Where the site's files are, and what the site says about itself (`site`)."""

    path: Path
    site: SiteInfo
    incidents_dir: Path
    templates_dir: Path
    output_dir: Path
    coach: CoachSettings = field(default_factory=CoachSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    @property
    def root(self) -> Path:
        return self.path.parent


def find_config(start: Path) -> Path | None:
    """The nearest `statusgen.toml` in `start` or a parent folder."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path, problems: Problems, before_going_live: bool = False) -> Config | None:
    """Read and validate the configuration; None when it has errors.

    `before_going_live` (`statusgen check`) also warns about placeholder addresses."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe would hang every command
            problems.error(
                path, 1, "is not a regular file: the configuration must be an ordinary file"
            )
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(path, 1, f"cannot read the configuration: {exc}")
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.error(path, int(where.group(1)) if where else 1, f"not valid TOML: {message}")
        return None
    before = len(problems.errors)
    lines = KeyLines(text)
    config = _read(path, data, lines, problems)
    if before_going_live:
        _warn_placeholders(path, config.site, lines, problems)
    return config if len(problems.errors) == before else None


def _read(path: Path, data: dict[str, Any], lines: KeyLines, problems: Problems) -> Config:
    for key in data:
        if key not in _TABLES:
            problems.warning(
                path, lines.of("", key), f"unknown table or key `{key}`{suggest(key, _TABLES)}"
            )
    site = _table(path, data, "site", lines, problems)
    paths = _table(path, data, "paths", lines, problems)
    warn_unknown(path, site, _SITE_KEYS, "site", 0, lines, problems)
    warn_unknown(path, paths, _PATH_KEYS, "paths", 0, lines, problems)
    text = TextReader(path, site, "site", lines, problems)
    title = text.get("title", required=True)
    base_url = _base_url(path, text.get("base_url", required=True), lines, problems)
    timezone = text.get("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.error(
            path,
            lines.of("site", "timezone"),
            f"`timezone` = `{timezone}` is not an IANA time zone such as "
            f"`Europe/Berlin`{suggest(timezone, sorted(available_timezones()))}",
        )
        timezone = "UTC"
    contact = _contact(path, text.get("contact"), lines, problems)
    if not contact:
        problems.warning(
            path,
            lines.of("site"),
            "no `contact` in [site]: every page should say how to reach a person",
        )
    root = path.parent
    folder = TextReader(path, paths, "paths", lines, problems)
    info = SiteInfo(
        title=title,
        base_url=base_url,
        timezone=timezone,
        description=text.get("description"),
        contact=contact,
        feed_entries=_feed_entries(path, site, lines, problems),
        components=read_components(path, data.get("components", []), lines, problems),
        since=read_since(path, site, ZoneInfo(timezone), lines, problems),
    )
    return Config(
        path=path,
        site=info,
        incidents_dir=root / (folder.get("incidents") or "incidents"),
        templates_dir=root / (folder.get("templates") or "templates"),
        output_dir=root / (folder.get("output") or "site"),
        coach=read_coach(path, data.get("coach"), lines, problems),
        notify=read_notify(path, data.get("notify"), info.components, lines, problems),
    )


def _table(
    path: Path, data: dict[str, Any], name: str, lines: KeyLines, problems: Problems
) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.error(path, lines.of(name), f"`{name}` must be a table: write `[{name}]`")
        return {}
    return value


def _base_url(path: Path, url: str, lines: KeyLines, problems: Problems) -> str:
    if url and not re.match(r"^https?://[^/\s\\?#@\"<>]+(/[^\s\\?#\"<>]*)?$", url):
        problems.error(
            path,
            lines.of("site", "base_url"),
            f"`base_url` = `{url}` must be an absolute http(s) URL, "
            "e.g. `https://status.example.com/`",
        )
    return url if url.endswith("/") else url + "/"


# What a customer's click on "Contact us" may open: a web page, an e-mail or a phone call.
_CONTACT = re.compile(
    r"^(?:https?://[^/\s\"<>]++[^\s\"<>]*|mailto:[^\s:\"<>]+|tel:[0-9+() .-]+)$", re.IGNORECASE
)


def _contact(path: Path, contact: str, lines: KeyLines, problems: Problems) -> str:
    """Every page links to `contact`: anything but a web, mail or phone address (such as
    `javascript:` or `data:`) would run or open something on a customer's click."""
    if contact and not _CONTACT.match(contact):
        problems.error(
            path,
            lines.of("site", "contact"),
            f"`contact` = `{contact}` must be a web address (`https://...`), an e-mail address "
            "(`mailto:help@your-company.com`) or a phone number (`tel:+4930123456`)",
        )
        return ""
    return contact


# Addresses reserved for examples (RFC 2606): on a live page they lead nowhere.
_PLACEHOLDER = re.compile(r"(?:^|[/@.])example\.(?:com|org|net)(?:$|[/:?#])", re.IGNORECASE)


def _warn_placeholders(path: Path, site: SiteInfo, lines: KeyLines, problems: Problems) -> None:
    for key, value in (("base_url", site.base_url), ("contact", site.contact)):
        if value and _PLACEHOLDER.search(value):
            problems.warning(
                path,
                lines.of("site", key),
                f"`{key}` = `{value}` is an example address: customers would follow it "
                "to nowhere; put your own address here before you publish",
            )


def _feed_entries(path: Path, site: dict[str, Any], lines: KeyLines, problems: Problems) -> int:
    value = site.get("feed_entries", 50)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.error(
            path,
            lines.of("site", "feed_entries"),
            "`feed_entries` must be a whole number of at least 1",
        )
        return 50
    return value
