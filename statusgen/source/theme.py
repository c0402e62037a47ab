"""The templates and assets a site renders with: the default theme, overridden file by file."""

from __future__ import annotations

from pathlib import Path

from statusgen.model import Theme
from statusgen.problems import Problems

ASSETS = "assets"
_MARKER = "base.html"


def default_theme_dir() -> Path:
    """Inside an installed wheel the theme sits in the package; in a checkout, beside it."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / _MARKER).is_file():
            return candidate
    raise FileNotFoundError("the default theme is missing from this installation of statusgen")


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def load_theme(site_templates: Path, problems: Problems) -> Theme:
    """Read the default theme, then let the site's own files replace any of them."""
    files = _files(default_theme_dir()) | _files(site_templates)
    templates: dict[str, tuple[str, Path]] = {}
    assets: dict[str, bytes] = {}
    for name, path in files.items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.error(path, 1, f"cannot read the template: {exc.strerror}")
            continue
        if name.startswith(ASSETS + "/"):
            assets[name] = data
            continue
        try:
            templates[name] = (data.decode("utf-8-sig"), path)
        except UnicodeDecodeError:
            problems.error(path, 1, "template is not UTF-8 text")
    return Theme(templates, assets)
