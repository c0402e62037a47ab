"""Which files under the incidents folder are incidents, and which look meant as one."""

from __future__ import annotations

import os
from pathlib import Path

from statusgen.problems import Problems

# Names meant as incidents (compared in lower case); any other file is only a warning.
_NEAR_MISSES = (".md.txt", ".markdown", ".mdown", ".md")
_LEFTOVERS = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")


def incident_files(folder: Path) -> list[Path]:
    """`*.md` files under `folder` (linked folders too), skipping hidden files and leftovers."""
    return [Path(path) for path in incident_paths(str(folder), None)]


def incident_paths(folder: str, problems: Problems | None) -> list[str]:
    """`incident_files` as plain strings, which cost less than Paths at ten thousand files.

    With `problems`, a file that was surely meant as an incident but is not named `.md` is
    reported, because a page that silently leaves out an outage is worse than one that
    refuses to build.
    """
    found: list[str] = []
    seen: set[str] = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link loop
            folders.clear()
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if not f.startswith((".", "#")))
        for name in files:
            if name.startswith((".", "#")) or name.endswith(_LEFTOVERS):
                continue
            if name.endswith(".md"):
                found.append(os.path.join(root, name))
            elif problems is not None and name.lower().endswith(_NEAR_MISSES):
                problems.error(
                    Path(root, name),
                    1,
                    f"is not read: incident files must end in "
                    f"`.md`; rename it to `{_stem(name)}.md`",
                )
            elif problems is not None:
                problems.warning(
                    Path(root, name), 1, "is not an incident file (`.md`) and is ignored"
                )
    return sorted(found)


def _stem(name: str) -> str:
    suffix = next(s for s in _NEAR_MISSES if name.lower().endswith(s))
    return name[: -len(suffix)]
