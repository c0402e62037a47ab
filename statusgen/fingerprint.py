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
def code() -> str:
    """Changes with any change to statusgen or to the libraries that shape its output, so that
    nothing cached by one version is ever taken for the output of another."""
    parts: list[str | bytes] = [
        f"{module.__name__}={getattr(module, '__version__', '?')}"
        for module in (jinja2, markdown, nh3, yaml)
    ]
    for path in sorted(Path(__file__).parent.glob("*.py")):
        parts += [path.name, path.read_bytes()]
    return digest(*parts)
