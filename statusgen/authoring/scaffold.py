"""`init` and `new`: files that a tired person only has to fill in."""

from __future__ import annotations

import errno
import json
import re
import unicodedata
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from statusgen import words
from statusgen.atomic import create_new
from statusgen.config import CONFIG_NAME, Config
from statusgen.model import Impact
from statusgen.source.files import incident_files
from statusgen.source.promises import NEXT, RESTORE

_PROMPTS = {
    "Problem": "What are customers experiencing? Say it the way they would.",
    "Cause": 'What causes it? "We are still investigating" is an honest first answer.',
    "Restore time": "When will service be back? Promise conservatively and deliver early.",
    "Prevention plan": "What will change so this does not happen again? One task a line:\n"
    "- [ ] the first action",
}

SITE_CONFIG = """\
# Change these before you publish: customers follow `contact` to reach a person, and feeds
# and the API link to `base_url`.
[site]
title = "Example Status"
base_url = "https://status.example.com/"
timezone = "UTC"
description = "Live status of Example's services"
contact = "mailto:support@example.com"
# The day this site's history begins: the uptime bars show the days before it as "no data".
since = "{today}"

[[components]]
id = "website"
name = "Website"
group = "Product"
description = "The public website"

[[components]]
id = "api"
name = "API"
group = "Product"
description = "The public API"
"""


def site_config(now: datetime) -> str:
    """`statusgen.toml` for a site whose history begins today, so that its uptime claims no
    day it was not there to see."""
    return SITE_CONFIG.replace("{today}", f"{now.astimezone(UTC):%Y-%m-%d}")


def stamp(moment: datetime) -> str:
    """How statusgen writes a time into a file: UTC, to the second, impossible to misread."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def heading_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def promise_minute(moment: datetime) -> datetime:
    """A promised time rounded up to the minute: promise conservatively."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def promise_line(key: str, moment: datetime) -> str:
    """`Next update: 2026-11-20 15:10 UTC`, the form SPEC §1 describes, to the minute."""
    return f"{key}: {moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


# German spells these out when the dots are lost; other accents are simply dropped (é → e),
# and the few letters that Unicode does not split into letter and accent are written out.
_SPELLED_OUT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l"}
    | {"đ": "d", "ð": "d", "þ": "th", "\u0131": "i"}
)


def ascii_words(title: str) -> str:
    """`Störung bei Überweisungen` → `stoerung bei ueberweisungen`."""
    spelled = title.lower().translate(_SPELLED_OUT)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", ascii_words(title))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 50:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "incident"


def free_slug(folder: Path, wanted: str) -> str:
    taken = {p.stem for p in incident_files(folder)} if folder.is_dir() else set()
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def _sections(names: list[str]) -> str:
    return "\n".join(f"## {n}\n<!-- {_PROMPTS[n]} -->\n" for n in names)


MAINTENANCE_SECTIONS = (
    "## What we are doing\n<!-- The work, and why customers benefit from it. -->\n\n"
    "## What you will notice\n<!-- What stops working, for how long, and what to do. -->\n"
)


def prompted_sections(maintenance: bool) -> str:
    """The sections `new` writes before `## Updates`, each holding only its prompt."""
    return MAINTENANCE_SECTIONS if maintenance else _sections(list(_PROMPTS))


def incident_text(
    title: str,
    components: list[str],
    impact: Impact,
    now: datetime,
    next_update: datetime,
    names: list[str],
    estimate: datetime | None = None,
) -> str:
    promises = [promise_line(NEXT, next_update)]
    restore = (
        "# estimated_restore: 2026-01-01T12:00:00Z   # the restore time you promise customers\n"
    )
    if estimate is not None:
        promises.append(promise_line(RESTORE, estimate))
        restore = f"estimated_restore: {stamp(estimate)}\n"
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"impact: {impact.value}\n"
        f"components: [{', '.join(components)}]\n"
        f"started: {stamp(now)}\n"
        f"{restore}"
        f"next_update: {stamp(next_update)}\n"
        "---\n\n" + _sections(list(_PROMPTS)) + "\n## Updates\n\n"
        f"### {heading_time(now)} — Investigating\n"
        f"{words.first_update(title, names)}\n\n" + "\n".join(promises) + "\n"
    )


def maintenance_text(
    title: str,
    components: list[str],
    now: datetime,
    start: datetime,
    end: datetime,
    names: list[str],
    zone: tzinfo,
) -> str:
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        "kind: maintenance\n"
        f"components: [{', '.join(components)}]\n"
        f"scheduled_start: {stamp(start)}\n"
        f"scheduled_end: {stamp(end)}\n"
        "---\n\n"
        f"{MAINTENANCE_SECTIONS}\n"
        "## Updates\n\n"
        f"### {heading_time(now)} — Scheduled\n"
        f"{words.maintenance_announcement(names, start, end, zone)}\n"
    )


def write_new(config: Config, slug: str, text: str) -> Path:
    """Create the incident file; never replace one."""
    path = config.incidents_dir / f"{slug}.md"
    # In one step: a running `watch` never reads half of the new file.
    if not create_new(path, text.encode("utf-8")):
        raise FileExistsError(errno.EEXIST, "File exists", str(path))
    return path


def example_incident(now: datetime) -> tuple[str, str]:
    """The one example a new site starts with: resolved, complete, and kind to copy. It is a
    draft, so `serve` shows it and no build ever publishes an outage that never happened."""
    started, resolved = now - timedelta(days=1, hours=2), now - timedelta(days=1)
    slug = f"{started:%Y-%m-%d}-slow-website"
    return slug, (
        "---\n"
        "title: Website slow to load\n"
        "impact: minor\n"
        "components: [website]\n"
        f"started: {stamp(started)}\n"
        f"estimated_restore: {stamp(started + timedelta(hours=3))}\n"
        f"resolved: {stamp(resolved)}\n"
        "# An example to copy: `statusgen serve` shows it, `statusgen build` never publishes\n"
        "# it. Delete this file once you have written your own.\n"
        "draft: true\n"
        "---\n\n"
        "## Problem\nPages on our website took up to 20 seconds to load.\n\n"
        "## Cause\nA cache server ran out of memory and stopped serving pages.\n\n"
        "## Restore time\nWe restarted the cache with more memory; pages were fast again "
        "within two hours.\n\n"
        "## Prevention plan\n- [x] Alert when cache memory passes 80%\n"
        "- [ ] Run two cache servers so one can fail without slowing the site\n\n"
        "## Updates\n\n"
        f"### {heading_time(resolved)} — Resolved\nThe website is fast again for everyone.\n\n"
        f"### {heading_time(started + timedelta(minutes=10))} — Investigating\n"
        "We are looking into slow page loads on our website.\n"
    )


def init_site(folder: Path, now: datetime) -> list[Path]:
    """Write a new site that builds at once; refuse to overwrite an existing one."""
    config = folder / CONFIG_NAME
    if config.exists():
        raise FileExistsError(f"{config} already exists: this folder is already a status site")
    outer = next(
        (p / CONFIG_NAME for p in folder.resolve().parents if (p / CONFIG_NAME).is_file()), None
    )
    if outer is not None:
        raise FileExistsError(
            f"{folder} is inside the status site of {outer}; a second site in it would be "
            "confusing, so nothing was written. Add incidents to that site with "
            "`statusgen new`, or run `statusgen init` in a folder outside it"
        )
    slug, text = example_incident(now)
    example = folder / "incidents" / f"{slug}.md"
    if example.exists():
        raise FileExistsError(f"{example} already exists; statusgen init changes nothing")
    example.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for path, content in (
        (config, site_config(now)),
        (example, text),
        (folder / ".gitignore", "/site\n/.site.statusgen/\n/notified.json.journal\n"),
    ):
        if path.name == ".gitignore" and path.exists():
            continue  # someone else's ignore rules stay as they are
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        written.append(path)
    return written
