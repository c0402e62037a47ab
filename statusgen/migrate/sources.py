"""Where JSON comes from: a page's address, saved files, or folders of them. Every problem is
collected (`path:line: error: …`) so one run names them all."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statusgen import __version__
from statusgen.problems import Problems, UsageError

# The public API a Statuspage page serves, newest first; `incidents.json` holds only the
# latest 50 incidents, so older history has to come from saved files.
ENDPOINTS = ("incidents.json", "scheduled-maintenances.json")
COMPONENTS = "components.json"  # only for the groups components belong to
TIMEOUT = 30
_AGENT = f"statusgen/{__version__} (import statuspage)"


@dataclass
class Loaded:
    """Each document read, with the name to report it by."""

    documents: list[tuple[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said to the person, not problems


def is_address(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def json_files(source: str, suffix: str = ".json") -> list[Path]:
    """The files a SOURCE names: itself, or the files under a folder, in a stable order."""
    path = Path(source)
    if path.is_dir():
        return sorted(p for p in path.rglob(f"*{suffix}") if p.is_file())
    if path.is_file():
        return [path]
    raise UsageError(f"`{source}` is neither a file, a folder nor an http(s) address")


def load_sources(sources: list[str], problems: Problems) -> Loaded:
    loaded = Loaded()
    for source in sources:
        if is_address(source):
            _fetch_page(source, loaded, problems)
            continue
        files = json_files(source)
        if not files:
            problems.error(Path(source), 1, "holds no .json file to import")
        for path in files:
            data = _read_file(path, problems)
            if data is not None:
                loaded.documents.append((str(path), data))
    return loaded


def _read_file(path: Path, problems: Problems) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(path, 1, f"cannot be read: {exc}")
        return None
    return parse_json(text, path, problems)


def parse_json(text: str, path: Path, problems: Problems) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, f"is not valid JSON: {exc.msg} (column {exc.colno})")
        return None
    except RecursionError:
        problems.error(path, 1, "nests deeper than any Statuspage JSON does")
        return None


def api_address(page: str, name: str) -> str:
    """`https://status.example.com` → `https://status.example.com/api/v2/<name>`, also when
    the address given already names the API or one of its files."""
    base = page.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for tail in (*ENDPOINTS, COMPONENTS, "summary.json"):
        base = base.removesuffix("/" + tail)
    base = base.removesuffix("/api/v2")
    return f"{base}/api/v2/{name}"


def _fetch_page(page: str, loaded: Loaded, problems: Problems) -> None:
    for name in (*ENDPOINTS, COMPONENTS):
        address = api_address(page, name)
        try:
            text = fetch(address)
        except OSError as exc:  # URLError and HTTPError are OSErrors
            if name == COMPONENTS:
                loaded.notes.append(f"{address}: not read ({_reason(exc)}); groups are left out")
                continue
            problems.error(Path(address), 1, f"could not be fetched: {_reason(exc)}")
            continue
        data = parse_json(text, Path(address), problems)
        if data is not None:
            loaded.documents.append((address, data))


def fetch(address: str) -> str:
    request = urllib.request.Request(
        address, headers={"Accept": "application/json", "User-Agent": _AGENT}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        data: bytes = response.read()
        charset = response.headers.get_content_charset() or "utf-8"
    return data.decode(charset, errors="replace")


def _reason(exc: OSError) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc)
