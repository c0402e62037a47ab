"""The subscribers file: one address a line, `addr: checkout, api` for some components only.
Read whole before anything is sent, so a bad line stops the run instead of half of it."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from statusgen.model import Component, without_invisible
from statusgen.problems import Problems, suggest

# A plain address: what a subscriber typed, without a display name or quoting.
_PART = r"[^@\s<>()\[\],;:\"\\]"
_ADDRESS = re.compile(rf"^{_PART}+@(?:(?!\.){_PART})+(?:\.(?:(?!\.){_PART})+)+\Z")


@dataclass(frozen=True)
class Subscriber:
    address: str
    components: frozenset[str] | None  # None: everything
    line: int

    def wants(self, components: frozenset[str]) -> bool:
        return self.components is None or bool(self.components & components)


def read_subscribers(
    path: Path, components: tuple[Component, ...], problems: Problems
) -> list[Subscriber]:
    """Every subscriber, or none when any line is wrong (each problem named at its line)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            problems.error(
                path, 1, "is not a regular file: list the subscribers in an ordinary one"
            )
            return []
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(
            path,
            1,
            "the subscribers file does not exist: create it with one e-mail address a line "
            "(`[notify.email] subscribers` names it)",
        )
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(path, 1, f"cannot read the subscribers: {exc}")
        return []
    known = {c.id: c.id for c in components} | {c.name.casefold(): c.id for c in components}
    before = len(problems.errors)
    found: list[Subscriber] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line, hidden = without_invisible(raw)
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if hidden:
            problems.error(path, number, "has invisible control characters: retype the line")
            continue
        address, colon, chosen = line.partition(":")
        address = address.strip()
        if address.lower().startswith("mailto") and colon:
            problems.error(path, number, "write the address alone, without `mailto:`")
            continue
        if not _ADDRESS.match(address):
            problems.error(
                path,
                number,
                f"`{address}` is not an e-mail address: write one address a line, "
                "optionally followed by `: component, component`",
            )
            continue
        folded = address.casefold()
        if folded in seen:
            problems.error(
                path, number, f"`{address}` is listed twice (first on line {seen[folded]})"
            )
            continue
        seen[folded] = number
        wanted: frozenset[str] | None = None
        if colon:
            names = [n.strip() for n in chosen.split(",")]
            if not any(names):
                problems.error(
                    path,
                    number,
                    f"`{address}:` names no components: list them after the colon "
                    "(`checkout, api`), or remove the colon for everything",
                )
                continue
            ids = set()
            for name in filter(None, names):  # a comma at the end is forgiven
                component_id = known.get(name) or known.get(name.casefold())
                if component_id is None:
                    problems.error(
                        path,
                        number,
                        f"`{name}` is not a component of statusgen.toml"
                        f"{suggest(name, sorted(known))}",
                    )
                    continue
                ids.add(component_id)
            wanted = frozenset(ids)
        found.append(Subscriber(address, wanted, number))
    return found if len(problems.errors) == before else []
