"""The theme's Jinja templates, compiled once and drawn with the site's words and filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any

import jinja2

from statusgen import words
from statusgen.digest import digest
from statusgen.model import Theme
from statusgen.outputs.timestamps import iso_utc
from statusgen.problems import RenderError
from statusgen.state.status import Overall


class _ThemeLoader(jinja2.BaseLoader):
    """Serves templates already read into memory, keeping their real paths for error messages."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.theme.templates:
            raise jinja2.TemplateNotFound(template)
        source, path = self.theme.templates[template]
        return source, str(path), lambda: True


def templates_digest(theme: Theme) -> str:
    """Changes with any template's name, origin or text."""
    parts: list[str | bytes] = []
    for name, (source, path) in sorted(theme.templates.items()):
        parts += [name, str(path), source]
    return digest(*parts)


class TemplateCache:
    """Compiled templates, kept while the theme and the zone stay the same: compiling takes
    longer than drawing a few pages, and `watch` builds again and again."""

    LIMIT = 4

    def __init__(self) -> None:
        self._compiled: dict[str, jinja2.Environment] = {}

    def environment(
        self, theme: Theme, templates: str, timezone: str, zone: tzinfo
    ) -> jinja2.Environment:
        """`templates` is `templates_digest(theme)`."""
        key = digest(templates, timezone)
        if key not in self._compiled:
            if len(self._compiled) > self.LIMIT:
                self._compiled.clear()
            self._compiled[key] = _environment(theme, zone)
        return self._compiled[key]


def _environment(theme: Theme, zone: tzinfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_ThemeLoader(theme),
        # Everything is HTML or XML except the plain-text part of an email, which must keep
        # `<`, `&` and quotes as they were written.
        autoescape=jinja2.select_autoescape(
            disabled_extensions=("txt",), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        time=lambda t: words.show_time(t, zone),
        iso=iso_utc,
        duration=words.duration,
        early_or_late=words.early_or_late,
        day=words.day_label,
        promise=lambda i: words.promise(i, zone),
        label=words.label,
        percent=words.percent,
        headline=_headline,
        also=_also,
    )
    return env


def _headline(overall: Overall) -> str:
    return words.headline(overall.status, overall.affected, overall.reported)


def _also(overall: Overall) -> list[str]:
    return [words.lesser(status, names) for status, names in overall.others]


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> bytes:
    """Draw one template; any failure becomes a RenderError naming the template and line."""
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
