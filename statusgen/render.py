"""The model into HTML pages: {output path: bytes}. No I/O happens here."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from statusgen import status, uptime, words
from statusgen.badges import render_badges
from statusgen.history import Month, months
from statusgen.model import Incident, SectionKey, Site
from statusgen.theme import Theme
from statusgen.times import iso_utc

RECENT_ON_COMPONENT = 50


class RenderError(Exception):
    """A template failed; names the template file and line so the theme author can fix it."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


class _ThemeLoader(jinja2.BaseLoader):
    """Serves templates already read into memory, keeping their real paths for error messages."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.theme.templates:
            raise jinja2.TemplateNotFound(template)
        source, path = self.theme.templates[template]
        return source, str(path), lambda: True


def environment(theme: Theme, site: Site) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_ThemeLoader(theme),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    zone = site.config.zone
    env.filters.update(
        time=lambda t: words.show_time(t, zone),
        iso=iso_utc,
        duration=words.duration,
        promise=lambda i: words.promise(i, zone),
    )
    return env


def _relative(page: str) -> Callable[[str], str]:
    """Links from one page to another that work under any path and straight from the disk."""
    folder = posixpath.dirname(page) or "."

    def url(target: str) -> str:
        return posixpath.relpath(target, folder)

    return url


def incident_path(incident: Incident) -> str:
    return f"incidents/{incident.slug}/index.html"


def component_path(component_id: str) -> str:
    return f"components/{component_id}/index.html"


def _pages(site: Site) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every page as (output path, template, page-specific values)."""
    yield "index.html", "index.html", {}
    for incident in site.incidents:
        yield incident_path(incident), "incident.html", {"incident": incident}
    all_months = months(site)
    yield "history/index.html", "history.html", {"months": all_months}
    for month in all_months:
        if month.incidents:
            yield month.path, "month.html", {"month": month, "months": all_months}
    for component in site.config.components:
        related = status.incidents_for(site, component.id)
        yield component_path(component.id), "component.html", {
            "component": component,
            "uptime": uptime.uptime(site, component.id),
            "related": related[:RECENT_ON_COMPONENT],
            "older": len(related) > RECENT_ON_COMPONENT,
        }


def _shared(site: Site) -> dict[str, Any]:
    """Values every page needs, worked out once per build."""
    statuses = status.component_statuses(site)
    return {
        "site": site.config,
        "now": site.now,
        "statuses": statuses,
        "overall": status.overall(site),
        "groups": status.groups(site, statuses),
        "active": status.active(site),
        "upcoming": status.upcoming(site),
        "recent": status.recent_days(site),
        "is_overdue": lambda i: status.is_overdue(i, site.now),
        "window": lambda i: status.window(i, site.now),
        "phase": lambda i: status.phase_label(i, site.now),
        "estimate_passed": lambda i: status.estimate_passed(i, site.now),
        "kind_label": status.kind_label,
        "component_name": site.config.name_of,
        "incident_path": incident_path,
        "component_path": component_path,
        "Section": SectionKey,
        "month_of": lambda i: Month.of(i.started, site.config.zone).path,
        "uptime_rule": status.uptime_rule(),
    }


def render_pages(site: Site, theme: Theme) -> dict[str, bytes]:
    env = environment(theme, site)
    shared = _shared(site)
    output: dict[str, bytes] = {}
    for path, template, values in _pages(site):
        output[path] = _render(env, template, {**shared, **values, "url": _relative(path),
                                               "page": path})
    output.update(render_badges(site, lambda name, values: _render(env, name, values)))
    return output


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    try:
        return env.get_template(name).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(Path(exc.filename or name), exc.lineno, exc.message or "") from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(Path(name), 1, f"template `{exc.name}` is missing") from None
    except Exception as exc:  # a template bug names its file and line instead of a traceback
        path, line = _template_frame(exc)
        raise RenderError(path or Path(name), line, f"{type(exc).__name__}: {exc}") from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int]:
    """The innermost template file and line in a traceback Jinja has rewritten."""
    found: tuple[Path | None, int] = (None, 1)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg", ".txt")):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
