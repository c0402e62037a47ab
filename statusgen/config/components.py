"""`[[components]]` tables into Components: ids that become URLs, each used once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from statusgen.config.keys import KeyLines, TextReader, warn_unknown
from statusgen.model import Component
from statusgen.problems import Problems

# Slugs and component ids become URLs: lower-case letters, digits and single dashes.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_COMPONENT_KEYS = ("id", "name", "group", "description")


def read_components(
    path: Path, raw: Any, lines: KeyLines, problems: Problems
) -> tuple[Component, ...]:
    if not isinstance(raw, list):
        problems.error(
            path,
            lines.of("components"),
            "components must be a list of tables: write `[[components]]`",
        )
        return ()
    result: list[Component] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(raw):
        component = _component(path, table, index, lines, problems, seen)
        if component is not None:
            result.append(component)
    if not result and not problems.errors:
        problems.error(
            path,
            lines.of("components"),
            "no components: add at least one `[[components]]` with an `id` and `name`",
        )
    return tuple(result)


def _component(
    path: Path, table: Any, index: int, lines: KeyLines, problems: Problems, seen: dict[str, int]
) -> Component | None:
    """One `[[components]]` table; `seen` maps the ids read so far to their lines."""
    if not isinstance(table, dict):
        problems.error(
            path,
            lines.of("components", "", index),
            "each component must be a `[[components]]` table",
        )
        return None
    warn_unknown(path, table, _COMPONENT_KEYS, "components", index, lines, problems)
    text = TextReader(path, table, "components", lines, problems, index)
    component_id = text.get("id", required=True)
    id_line = lines.of("components", "id", index)
    if component_id and not SLUG.match(component_id):
        problems.error(
            path,
            id_line,
            f"component id `{component_id}` may only use "
            "lower-case letters, digits and `-` (it becomes a URL)",
        )
        return None
    if component_id in seen:
        problems.error(
            path,
            id_line,
            f"component id `{component_id}` is used twice (first on line {seen[component_id]})",
        )
        return None
    if not component_id:
        return None
    seen[component_id] = id_line
    return Component(
        id=component_id,
        name=text.get("name") or component_id,
        description=text.get("description"),
        group=text.get("group") or None,
        position=index,
    )
