"""What, besides the input files, decides the bytes a build produces: this program itself."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
import markdown
import nh3
import yaml

from statusgen.digest import digest


@functools.cache
def program() -> str:
    """Changes with any change to statusgen or to the libraries that shape its output, so that
    nothing cached by one version is ever taken for the output of another."""
    parts: list[str | bytes] = [
        f"{module.__name__}={getattr(module, '__version__', '?')}"
        for module in (jinja2, markdown, nh3, yaml)
    ]
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)
