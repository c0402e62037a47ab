"""The one place that writes the site to disk, so that readers never see a half-built site.

`site` is a symbolic link to one of two slots beside it (`.site.statusgen/a` and `/b`). A build
brings the slot that is not being served up to date, writing only files whose bytes changed and
removing files nothing produces any more, then switches the link in one atomic rename.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path

MANIFEST = "manifest.json"
SLOTS = ("a", "b")


class PublishError(Exception):
    """The output cannot be published safely; nothing was changed."""


def store_for(output: Path) -> Path:
    return output.parent / f".{output.name}.statusgen"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _current_slot(output: Path, store: Path) -> str | None:
    if not output.is_symlink():
        return None
    target = Path(os.readlink(output))
    return target.name if target.parent.name == store.name and target.name in SLOTS else None


def _claim(output: Path, store: Path) -> None:
    """Refuse to replace anything statusgen did not make."""
    if output.is_symlink():
        if _current_slot(output, store) is None:
            raise PublishError(f"`{output}` is a link statusgen did not make; remove it or "
                               "choose another output folder")
        return
    if output.exists():
        if output.is_dir() and not any(output.iterdir()):
            output.rmdir()
            return
        raise PublishError(f"`{output}` already exists and statusgen did not make it; "
                           "move it away or choose another output folder with --out")


def _read_manifest(slot: Path) -> dict[str, str]:
    try:
        data = json.loads((slot.parent / f"{slot.name}.{MANIFEST}").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _present(target: Path, data: bytes) -> bool:
    """The file is there with the right size: the manifest alone cannot see a damaged copy."""
    try:
        return target.stat().st_size == len(data)
    except OSError:
        return False


def _intact(slot: Path, files: dict[str, bytes]) -> bool:
    return all(_present(slot / path, data) for path, data in files.items())


def _sync(slot: Path, files: dict[str, bytes], manifest: dict[str, str],
          known: dict[str, str]) -> None:
    """Make `slot` hold exactly `files`, touching only what differs from what it held."""
    for path, data in files.items():
        target = slot / path
        if known.get(path) != manifest[path] or not _present(target, data):
            _write_atomic(target, data)
    for existing in sorted(slot.rglob("*"), reverse=True) if slot.is_dir() else []:
        relative = existing.relative_to(slot).as_posix()
        if existing.is_dir():
            if not any(existing.iterdir()):
                existing.rmdir()
        elif relative not in files:
            existing.unlink()


def publish(files: dict[str, bytes], output: Path) -> bool:
    """Publish `files` at `output`; return False when the site was already exactly this."""
    store = store_for(output)
    _claim(output, store)
    store.mkdir(parents=True, exist_ok=True)
    with (store / "lock").open("a") as lock:
        # Two builds at once would both fill the idle copy; the second waits for the first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish_locked(files, output, store)


def _publish_locked(files: dict[str, bytes], output: Path, store: Path) -> bool:
    current = _current_slot(output, store)
    manifest = {path: _digest(data) for path, data in files.items()}
    if current is not None and _read_manifest(store / current) == manifest \
            and _intact(store / current, files):
        return False
    slot = store / next(s for s in SLOTS if s != current)
    slot.mkdir(parents=True, exist_ok=True)
    known = _read_manifest(slot)
    # Forget what the slot holds until the sync has finished: an interrupted build is redone.
    _write_atomic(store / f"{slot.name}.{MANIFEST}", b"{}")
    _sync(slot, files, manifest, known)
    _write_atomic(store / f"{slot.name}.{MANIFEST}",
                  json.dumps(manifest, sort_keys=True).encode("utf-8"))
    link = output.parent / f".{output.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(slot, output.parent), link)
    os.replace(link, output)
    return True
