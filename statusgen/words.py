"""Every word a customer reads that is not in a template: labels, headlines, times, durations and
promises, in one place so that they can be translated. No time is shown without its zone."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo

from statusgen.model import ComponentStatus, Impact, Incident, Kind, Update, UpdateStatus, Window

# The text of an update statusgen adds itself, when only `resolved:` or `completed:` was given.
DERIVED_TEXT = {
    UpdateStatus.RESOLVED: "This incident has been resolved.",
    UpdateStatus.COMPLETED: "The scheduled maintenance has been completed.",
}


def label(value: ComponentStatus | UpdateStatus) -> str:
    """`Partial outage`, `In progress`."""
    return value.value.replace("_", " ").capitalize()


def article(kind: Kind) -> str:
    """`an incident`, `a maintenance`."""
    return f"an {kind.value}" if kind is Kind.INCIDENT else f"a {kind.value}"


def kind_label(incident: Incident) -> str:
    return "Maintenance" if incident.kind is Kind.MAINTENANCE else "Incident"


def phase_label(incident: Incident, window: Window | None) -> str:
    """The state in words; a maintenance follows its window unless an update says more."""
    if window is None:
        return label(incident.phase)
    if window is Window.IN_PROGRESS:
        return "Verifying" if incident.phase is UpdateStatus.VERIFYING else "In progress"
    return {
        Window.UPCOMING: "Scheduled",
        Window.COMPLETED: "Completed",
        Window.OVERRUN: "Window ended, completion not yet confirmed",
    }[window]


def headline(status: ComponentStatus, affected: Sequence[str], reported: bool) -> str:
    """The front page's first words: the worst state now and what it affects."""
    if status is ComponentStatus.OPERATIONAL:
        if reported:
            return "All systems operational; we are looking into a report"
        return "All systems operational"
    if status is ComponentStatus.UNDER_MAINTENANCE:
        return f"Scheduled maintenance in progress for {join(affected)}"
    return f"{label(status)} affecting {join(affected)}"


def lesser(status: ComponentStatus, affected: Sequence[str]) -> str:
    """A lesser problem elsewhere, e.g. `Degraded performance: Search`."""
    return f"{label(status)}: {join(affected)}"


def join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def calendar_name(site_title: str) -> str:
    return f"{site_title}: maintenance"


def calendar_summary(title: str) -> str:
    return f"Maintenance: {title}"


def affects(names: Sequence[str]) -> str:
    return f"Affects: {', '.join(names)}."


def feed_title(site_title: str, component: str | None) -> str:
    """A feed's name: the site's, or the site's and one component's."""
    return site_title if component is None else f"{site_title}: {component}"


def feed_description(site_title: str, description: str) -> str:
    return description or f"Every update from {site_title}"


def entry_title(title: str, status: UpdateStatus) -> str:
    """A feed entry: the incident's title and what this update says of it."""
    return f"{title}: {label(status)}"


BADGE_LABEL = "status"


def badge_value(status: ComponentStatus) -> str:
    return label(status).lower()


def uptime_rule(weights: Mapping[ComponentStatus, float]) -> str:
    """The counting rule in words, made from the weights so the page cannot drift from them."""
    parts = []
    for state, weight in weights.items():
        if state is ComponentStatus.OPERATIONAL:
            continue
        share = "up" if weight == 0 else "down" if weight == 1 else f"{weight:.0%} down"
        parts.append(f"{label(state).lower()} counts as {share}")
    return "How we count uptime: time in " + "; ".join(parts) + "."


def percent(value: float) -> str:
    """Two decimals, never rounded up to a perfect 100 that was not earned."""
    hundredths = int(value * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def month_label(first: date) -> str:
    """`November 2026`."""
    return f"{first:%B %Y}"


def day_label(day: date) -> str:
    """`Sat 14 Nov 2026`: a day of the uptime bars, in the site's zone."""
    return f"{day:%a} {day.day} {day:%b %Y}"


@functools.lru_cache(maxsize=4096)  # a page names the same few moments many times
def show_time(moment: datetime, zone: tzinfo) -> str:
    """`20 Nov 2026, 15:31 CET`."""
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M} {local:%Z}"


def duration(span: timedelta) -> str:
    """`1 hour 25 minutes`; rounded to the minute, never shown as zero."""
    minutes = max(round(span.total_seconds() / 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words[:2])


def early_or_late(seconds: float) -> str:
    """How a promise was kept: `on time`, `5 minutes early`, `20 minutes late`."""
    if 0 <= seconds < 60:
        return "on time"
    span = duration(timedelta(seconds=abs(seconds)))
    return f"{span} early" if seconds > 0 else f"{span} late"


def promised_lines(update: Update, zone: tzinfo) -> list[str]:
    """An update's promises as customers were told them, for feeds and the API."""
    lines = []
    if update.next_update is not None:
        lines.append(next_update_by(update.next_update, zone))
    if update.expected_restore is not None:
        lines.append(
            f"We expect service to be restored by {show_time(update.expected_restore, zone)}."
        )
    return lines


def next_update_by(moment: datetime, zone: tzinfo) -> str:
    """`Next update by 20 Nov 2026, 16:15 CET.`, as the page says a standing promise."""
    return f"Next update by {show_time(moment, zone)}."


def first_update(title: str, names: Sequence[str]) -> str:
    """What `statusgen new` writes as an incident's first update, for its author to improve:
    the title says what customers see, which "a problem" would not. The next update it
    promises follows on a line of its own, where the report can count it."""
    return f"We are investigating: {title.rstrip('.')}. This affects {' and '.join(names)}."


def maintenance_announcement(
    names: Sequence[str], start: datetime, end: datetime, zone: tzinfo
) -> str:
    """What `statusgen new --maintenance` writes as the first update."""
    return (
        f"We will carry out maintenance on {' and '.join(names)} from "
        f"{show_time(start, zone)} to {show_time(end, zone)}."
    )


def promise(incident: Incident, zone: tzinfo) -> str | None:
    """Promise against delivery, told plainly either way. A revised estimate does not hide
    the first one: both are measured."""
    promised = incident.promised_restore
    if promised is None or incident.resolved is None:
        return None
    if incident.is_maintenance:
        window = "the end of the announced window"
        return f"Completed {_against(promised, incident.resolved, window, zone)}."
    first = next(
        (u.expected_restore for u in reversed(incident.updates) if u.expected_restore), promised
    )
    if abs(first - promised) < timedelta(minutes=1):
        return f"Restored {_against(promised, incident.resolved, 'our estimate', zone)}."
    revised = _against(promised, incident.resolved, "our revised estimate", zone)
    return f"Restored {revised}; {_against(first, incident.resolved, 'our first', zone)}."


def _against(promised: datetime, done: datetime, what: str, zone: tzinfo) -> str:
    """`12 minutes before our estimate (20 Nov 2026, 16:00 CET)`."""
    margin = promised - done
    if abs(margin) < timedelta(minutes=1):
        return f"at {what} ({show_time(promised, zone)}), as promised"
    side = "before" if margin > timedelta(0) else "after"
    return f"{duration(abs(margin))} {side} {what} ({show_time(promised, zone)})"


def month_short(first: date) -> str:
    """`Nov 2026`."""
    return f"{first:%b %Y}"


def month_span(oldest: date, newest: date) -> str:
    """`August to October 2026`, `December 2025 to February 2026`, `October 2026`."""
    if oldest == newest:
        return month_label(oldest)
    if oldest.year == newest.year:
        return f"{oldest:%B} to {month_label(newest)}"
    return f"{month_label(oldest)} to {month_label(newest)}"


def within(minutes: float) -> str:
    """A span given in minutes as `duration` says it, rounded up to the minute: after
    "within", rounding may never make it sound shorter than it was."""
    return duration(timedelta(minutes=math.ceil(minutes)))


def number(value: float) -> str:
    """`12.5`, `154`: at most one decimal, for tables."""
    return f"{value:.1f}".removesuffix(".0")


def share(part: int, whole: int) -> str:
    """`7 of 9 (77%)`: the percentage rounded down, so 99.5% is never shown as 100%."""
    return f"{part} of {whole} ({part * 100 // whole}%)" if whole else f"{part} of {whole}"


def count(number: int, one: str, many: str) -> str:
    """`1 incident`, `3 incidents`."""
    return f"{number} {one if number == 1 else many}"


# --- notification emails: the page's words, as a subscriber reads them in a mail client ----------

# The headings of an incident's sections, as its page gives them.
PROBLEM = "Problem"
CAUSE = "Cause"
PREVENTION = "Prevention plan"
# What the page says while an incident has no Problem section yet.
PROBLEM_PENDING = "We are confirming what customers are seeing."


def prevention_progress(done: int, total: int) -> str:
    """`2 of 3 prevention actions done`, as the page counts them."""
    return f"{done} of {total} prevention actions done"


def mail_subject(site_title: str, title: str) -> str:
    """`[Acme Status] Card payments failing`: the same for every mail about one incident, so
    that mail clients keep them in one conversation."""
    return f"[{site_title}] {title}"


def update_heading(status: UpdateStatus, moment: datetime, zone: tzinfo) -> str:
    """`Identified · 20 Nov 2026, 15:40 CET`: an update as its heading on the page says it."""
    return f"{label(status)} · {show_time(moment, zone)}"


def reminder_heading(start: datetime, zone: tzinfo) -> str:
    """The first line of the reminder sent before a maintenance window opens. It names the
    time rather than saying "in an hour", which would be wrong if the mail came late."""
    return f"Reminder · starts {show_time(start, zone)}"


def reminder(start: datetime, end: datetime, zone: tzinfo) -> str:
    return (
        f"The maintenance we announced starts {show_time(start, zone)} and is planned to end "
        f"by {show_time(end, zone)}."
    )


def impact_label(incident: Incident) -> str:
    """`Major impact`, `No impact`, `Maintenance`: the tag the page shows beside the title."""
    if incident.kind is Kind.MAINTENANCE:
        return "Maintenance"
    if incident.impact is Impact.NONE:
        return "No impact"
    return f"{incident.impact.value.capitalize()} impact"


def affected(
    components: Sequence[tuple[str, ComponentStatus]], *, upcoming: bool, no_effect: bool
) -> str:
    """The components as the page lists them: `Will affect: Checkout, Payments` before a
    maintenance, `Affected: Payments (partial outage), Checkout (degraded performance)`."""
    names = [name for name, _ in components]
    if upcoming:
        return f"Will affect: {', '.join(names)}"
    if no_effect:
        return f"Concerned, with no effect on service: {', '.join(names)}"
    return "Affected: " + ", ".join(f"{name} ({label(s).lower()})" for name, s in components)


def started(moment: datetime, zone: tzinfo) -> str:
    return f"Started: {show_time(moment, zone)}"


def expected_restore(moment: datetime | None, zone: tzinfo) -> str:
    if moment is None:
        return (
            "Expected restore: we do not have an estimate yet and will give one as soon as we can."
        )
    return f"Expected restore: by {show_time(moment, zone)}."


def estimate_passed(moment: datetime, zone: tzinfo) -> str:
    return (
        f"Restore estimate passed: we expected service back by {show_time(moment, zone)} and "
        "it is not fully restored yet. We are sorry; a new estimate follows."
    )


def restored(moment: datetime, span: timedelta, zone: tzinfo) -> str:
    return f"Restored {show_time(moment, zone)}, after {duration(span)}."


def window(start: datetime, end: datetime, zone: tzinfo) -> str:
    return f"Window: {show_time(start, zone)} to {show_time(end, zone)}."


def mail_link(is_reminder: bool) -> str:
    """What the link to the status page leads to."""
    if is_reminder:
        return "This maintenance on our status page:"
    return "This update on our status page:"


def mail_reason(site_title: str, topics: Sequence[str] | None) -> str:
    """Why the subscriber got the mail: everything, or the components they chose."""
    if not topics:
        return f"You get these emails because you subscribed to every update from {site_title}."
    return (
        f"You get these emails because you subscribed to updates about {join(topics)} "
        f"from {site_title}."
    )


def reminder_title(title: str, start: datetime, zone: tzinfo) -> str:
    """A maintenance reminder in chat and on the terminal: the time, not "in an hour", which
    would be wrong if it came late."""
    return f"{title}: starts {show_time(start, zone)}"
