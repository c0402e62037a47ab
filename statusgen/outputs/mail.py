"""One notification email, drawn from the model with the theme's `email.txt` and `email.html`:
the subject, a plain-text and an HTML body, and the ids that thread it. Pure: the same inputs
give the same bytes; no I/O, no clock. Sending it is `statusgen.notify`'s business.

A mail tells what the page told at the moment of its update: the promises standing then (the
newest made by this update or an earlier one), not those of updates posted after it, so a mail
that goes out late still says what was true when it was written."""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2

from statusgen import urls, words
from statusgen.model import Impact, Incident, SectionKey, Site, Update, UpdateStatus
from statusgen.outputs.templates import render_template
from statusgen.plaintext import html_text

TEXT_TEMPLATE = "email.txt"
HTML_TEMPLATE = "email.html"
# Plain-text lines longer than this are wrapped: mail clients show 78 columns or more, and
# quoting a reply adds `> ` to every line.
WIDTH = 76
UNSUBSCRIBE_SCHEMES = ("mailto:", "https:")
_ENDINGS = (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED)

_HREF = re.compile(r'(<a\b[^>]*? href=")([^"]*)(")')
_IMAGE = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')
_BOX = re.compile(r'<input type="checkbox" disabled( checked)?[^>]*>')
# A list item's mark (with a task box) or an indent: a wrapped line continues under its text.
_HANG = re.compile(r"[ \t]*(?:(?:[-*]|\d+\.)[ \t]+)?(?:\[[ xX]\][ \t]+)?")


@dataclass(frozen=True)
class Mail:
    subject: str  # the same for every mail about one incident, so that clients thread them
    text: str  # text/plain body
    html: str  # text/html body: a whole HTML document
    message_id: str  # `<slug.update-20261120T141000Z@status.example.com>`, stable per update
    thread_id: str  # the incident's thread: `<slug@status.example.com>`


@dataclass(frozen=True)
class Part:
    """Author text as the mail carries it: HTML for the HTML body, plain text for the other."""

    title: str
    html: str
    text: str


def render_mail(
    env: jinja2.Environment,
    site: Site,
    incident: Incident,
    update: Update | None,
    topics: tuple[str, ...] | None,
    unsubscribe: str,
) -> Mail:
    """The mail for one update of `incident`, or with `update=None` the reminder sent before a
    maintenance window opens. `topics`: the names of the components the subscriber chose
    (None or empty: everything). `unsubscribe`: a mailto: or https: address that stops them.
    A template failure raises RenderError naming the template file and line."""
    if update is None and (not incident.is_maintenance or incident.scheduled_start is None):
        raise ValueError(f"{incident.slug}: only a maintenance has a reminder")
    if not unsubscribe.lower().startswith(UNSUBSCRIBE_SCHEMES):
        raise ValueError(f"the unsubscribe address must be mailto: or https:, not {unsubscribe!r}")
    info = site.info
    page = urls.incident_url(info.base_url, incident.slug)
    # One line whatever the titles hold: a line break would end the header it goes in.
    subject = " ".join(words.mail_subject(info.title, incident.title).split())
    values = {
        "site": info,
        "incident": incident,
        "update": update,
        "subject": subject,
        **_story(site, incident, update, page),
        "link": page if update is None else urls.update_url(info.base_url, incident.slug, update),
        "link_label": words.mail_link(update is None),
        "topics": topics,
        "reason": words.mail_reason(info.title, topics),
        "unsubscribe": unsubscribe,
        "unsubscribe_shown": _spelled(unsubscribe),
        "contact": info.contact,
        "contact_shown": _spelled(info.contact),
    }
    text = _wrap(render_template(env, TEXT_TEMPLATE, values).decode("utf-8"))
    body = render_template(env, HTML_TEMPLATE, values).decode("utf-8")
    host = _host(info.base_url)
    if update is None:
        assert incident.scheduled_start is not None
        mark = "reminder-" + _stamp(incident.scheduled_start)
    else:
        mark = urls.update_anchor(update)
    return Mail(
        subject=subject,
        text=text,
        html=body,
        message_id=f"<{incident.slug}.{mark}@{host}>",
        thread_id=f"<{incident.slug}@{host}>",
    )


def _story(site: Site, incident: Incident, update: Update | None, page: str) -> dict[str, Any]:
    """What the mail says of the incident as it stood when `update` was posted."""
    zone = site.info.zone
    moment = incident.scheduled_start if update is None else update.time
    assert moment is not None
    over = incident.resolved is not None and moment >= incident.resolved
    next_update, estimate = _standing(incident, update)

    when: list[str] = []
    facts: list[str] = []
    parts: list[Part] = []
    if incident.is_maintenance:
        assert incident.scheduled_start is not None and incident.scheduled_end is not None
        if update is not None:  # a reminder names the window in its first words
            when.append(words.window(incident.scheduled_start, incident.scheduled_end, zone))
        if over:  # "Completed 25 minutes before the end of the announced window (…)."
            when += _kept(incident, zone)
        upcoming = update is None or moment < incident.scheduled_start
        facts.append(_affected(site, incident, upcoming=upcoming))
        untitled = [s for s in incident.sections if not s.title]
        titled = [s for s in incident.sections if s.title]
        parts += [_part(s.title, s.html, page) for s in untitled + titled]
    else:
        if over and incident.resolved is not None and incident.duration is not None:
            when.append(words.restored(incident.resolved, incident.duration, zone))
            when += _kept(incident, zone)
        elif estimate is not None and estimate < moment:
            when.append(words.estimate_passed(estimate, zone))
        else:
            when.append(words.expected_restore(estimate, zone))
        facts.append(words.impact_label(incident))
        facts.append(_affected(site, incident, upcoming=False))
        facts.append(words.started(incident.started, zone))
        parts += _sections(incident, over, page)
    if not over and next_update is not None and next_update > moment:
        when.append(words.next_update_by(next_update, zone))

    if update is None:
        assert incident.scheduled_start is not None and incident.scheduled_end is not None
        heading = words.reminder_heading(incident.scheduled_start, zone)
        reminder = words.reminder(incident.scheduled_start, incident.scheduled_end, zone)
        said = None
    else:
        heading = words.update_heading(update.status, update.time, zone)
        reminder = None
        said = _part("", update.html, page)
    return {
        "heading": heading,
        "reminder": reminder,
        "said": said,
        "when": when,
        "facts": facts,
        "parts": parts,
    }


def _sections(incident: Incident, over: bool, page: str) -> list[Part]:
    """What is wrong, always; its cause once the author has written it; and once service is
    back, what will stop it happening again (a postmortem points at them). The restore time
    is said in the page's words instead of the author's section."""
    problem = incident.section(SectionKey.PROBLEM)
    pending = f"<p>{html.escape(words.PROBLEM_PENDING)}</p>"
    found = [_part(words.PROBLEM, problem.html if problem else pending, page)]
    cause = incident.section(SectionKey.CAUSE)
    if cause is not None:
        found.append(_part(words.CAUSE, cause.html, page))
    prevention = incident.section(SectionKey.PREVENTION)
    tasks = incident.prevention
    if over and prevention is not None:
        counted = html.escape(words.prevention_progress(tasks.done, tasks.total))
        progress = f"<p>{counted}</p>" if tasks.total else ""
        found.append(_part(words.PREVENTION, progress + prevention.html, page))
    return found


def _standing(incident: Incident, update: Update | None) -> tuple[datetime | None, datetime | None]:
    """The next update and restore time promised when `update` was posted: the newest that it
    or an earlier update made. A promise only the front matter makes (no update makes one of
    its kind) counts, as the report counts it, as made by the newest update before its time
    other than the resolution (SPEC §5). For a reminder: the promises standing now."""
    if update is None:
        return incident.next_update, incident.estimated_restore
    before = [u for u in incident.updates if u.time <= update.time]  # newest first
    next_update = next((u.next_update for u in before if u.next_update), None)
    if not any(u.next_update for u in incident.updates):
        next_update = _declared(incident, incident.next_update, update)
    estimate = next((u.expected_restore for u in before if u.expected_restore), None)
    if not any(u.expected_restore for u in incident.updates):
        estimate = _declared(incident, incident.estimated_restore, update)
    return next_update, estimate


def _declared(incident: Incident, promised: datetime | None, update: Update) -> datetime | None:
    """A front-matter promise, if it had been made when `update` was posted."""
    if promised is None:
        return None
    maker = next(
        (u for u in incident.updates if u.time < promised and u.status not in _ENDINGS), None
    )
    return promised if maker is None or update.time >= maker.time else None


def _kept(incident: Incident, zone: tzinfo) -> list[str]:
    said = words.promise(incident, zone)
    return [said] if said else []


def _affected(site: Site, incident: Incident, upcoming: bool) -> str:
    named = [(site.info.name_of(cid), state) for cid, state in incident.components]
    no_effect = not incident.is_maintenance and incident.impact is Impact.NONE
    return words.affected(named, upcoming=upcoming, no_effect=no_effect)


def _part(title: str, fragment: str, page: str) -> Part:
    """Author HTML made fit for a mail: links that work away from the page, images as their
    words (a mail loads nothing from anywhere) and task boxes as marks."""
    shown = _IMAGE.sub(_image_words, _HREF.sub(lambda m: _absolute(m, page), fragment))
    # Mail clients drop form controls: a task's box becomes the mark the plain text shows.
    shown = _BOX.sub(lambda m: "[x]" if m.group(1) else "[ ]", shown)
    return Part(title, shown, html_text(shown))


def _absolute(match: re.Match[str], page: str) -> str:
    """A link relative to the incident's page, made absolute (urljoin leaves others alone)."""
    target = urljoin(page, html.unescape(match.group(2)))
    return match.group(1) + html.escape(target) + match.group(3)


def _image_words(match: re.Match[str]) -> str:
    alt = _ALT.search(match.group(0))
    return alt.group(1) if alt else ""


def _spelled(address: str) -> str:
    """An address as a person reads it: `mailto:help@example.com` is `help@example.com`."""
    if address.lower().startswith("mailto:") and "?" not in address:
        return address[len("mailto:") :]
    return address


def _host(base_url: str) -> str:
    """The right-hand side of a Message-ID: the site's host."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"[{host}]" if ":" in host else host


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _wrap(text: str) -> str:
    """Every line longer than WIDTH wrapped at spaces, list items hanging under their text.
    Addresses are never broken, whatever their length."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= WIDTH:
            lines.append(line)
            continue
        mark = _HANG.match(line)
        hang = " " * (len(mark.group(0)) if mark else 0)
        lines.append(
            textwrap.fill(
                line,
                WIDTH,
                subsequent_indent=hang,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
