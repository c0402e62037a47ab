"""The one place that writes the site to disk, so that readers never see a half-built site.

`site` is a symbolic link to one of two slots beside it (`.site.statusgen/a` and `/b`). A build
brings the slot that is not being served up to date, writing only files whose bytes changed and
removing files nothing produces any more, then switches the link in one atomic rename.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from statusgen.digest import digest

MANIFEST = "manifest.json"
SLOTS = ("a", "b")
WRITERS = 4
PARALLEL_WRITES = 200


class PublishError(Exception):
    """The output cannot be published safely; nothing was changed."""


def store_for(output: Path) -> Path:
    return output.parent / f".{output.name}.statusgen"


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


# One manifest entry per file: [digest, size, key]. The key names the inputs a page was drawn
# from, so a later build can tell the copy on disk is still right without drawing it again.
Entry = tuple[str, int, str]


# Reading a manifest of ten thousand entries takes longer than a small rebuild: `watch` keeps
# the ones it read or wrote, and trusts them while the file is the very same file.
_KNOWN: dict[str, tuple[tuple[int, ...], dict[str, Entry]]] = {}


def _manifest_file(slot: Path) -> Path:
    return slot.parent / f"{slot.name}.{MANIFEST}"


def _identity(file: Path) -> tuple[int, ...] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _read_manifest(slot: Path) -> dict[str, Entry]:
    file = _manifest_file(slot)
    identity = _identity(file)
    known = _KNOWN.get(str(file))
    if identity is not None and known is not None and known[0] == identity:
        return dict(known[1])
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    found: dict[str, Entry] = {}
    for path, entry in data.items():
        # Anything else is a manifest from another version: the slot is rewritten in full.
        if not (isinstance(entry, list) and len(entry) == 3):
            return {}
        digest_, size, key = entry
        if not (isinstance(digest_, str) and isinstance(size, int) and isinstance(key, str)):
            return {}
        found[path] = (digest_, size, key)
    if identity is not None:
        _KNOWN[str(file)] = (identity, dict(found))
    return found


def _write_manifest(store: Path, slot: str, manifest: dict[str, Entry]) -> None:
    file = store / f"{slot}.{MANIFEST}"
    _write_atomic(file, json.dumps(manifest, sort_keys=True, separators=(",", ":"))
                  .encode("utf-8"))
    identity = _identity(file)
    if identity is not None:
        _KNOWN[str(file)] = (identity, dict(manifest))


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


def _present(target: Path | str, size: int) -> bool:
    """The file is there with the right size: the manifest alone cannot see a damaged copy."""
    try:
        return os.stat(target).st_size == size
    except OSError:
        return False


def _intact(slot: Path, manifest: dict[str, Entry]) -> bool:
    root = str(slot)
    return all(_present(f"{root}/{path}", entry[1]) for path, entry in manifest.items())


def published(output: Path) -> dict[str, str]:
    """Path to key for each keyed file of the live site that is really there."""
    store = store_for(output)
    current = _current_slot(output, store)
    if current is None:
        return {}
    root = str(store / current)
    return {path: key for path, (_, size, key) in _read_manifest(store / current).items()
            if key and _present(f"{root}/{path}", size)}


class _Slot:
    """Writes into the idle slot. Nobody reads it, but a file is always replaced, never
    rewritten in place: the other slot may share it through a hard link."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: set[Path] = set()

    def prepare(self, paths: Iterable[str]) -> None:
        for folder in sorted({(self.root / path).parent for path in paths}):
            if folder not in self.folders:
                folder.mkdir(parents=True, exist_ok=True)
                self.folders.add(folder)

    def _fresh(self, target: Path) -> None:
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        target.unlink(missing_ok=True)

    def write(self, path: str, data: bytes) -> None:
        target = self.root / path
        self._fresh(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    def share(self, path: str, source: Path) -> None:
        """Take the live copy of a file that did not change, by hard link where possible."""
        target = self.root / path
        self._fresh(target)
        try:
            os.link(source, target)
        except OSError:
            self.write(path, source.read_bytes())

    def remove(self, path: str) -> None:
        target = self.root / path
        target.unlink(missing_ok=True)
        for folder in target.relative_to(self.root).parents:
            if folder == Path("."):
                break
            try:
                (self.root / folder).rmdir()
            except OSError:
                break

    def remove_all_but(self, keep: dict[str, Entry]) -> None:
        """Without a trustworthy manifest, look at every file."""
        for existing in sorted(self.root.rglob("*"), reverse=True):
            relative = existing.relative_to(self.root).as_posix()
            if existing.is_dir():
                if not any(existing.iterdir()):
                    existing.rmdir()
            elif relative not in keep:
                existing.unlink()


def publish(files: dict[str, bytes], output: Path, keys: Mapping[str, str] | None = None,
            reused: Iterable[str] = ()) -> bool:
    """Publish `files`, plus the `reused` files of the live site as they are, at `output`.

    `keys` are recorded for later builds (see `published`). Returns False when the site was
    already exactly this.
    """
    store = store_for(output)
    if not store.is_dir():
        _claim(output, store)  # before making anything, so a refusal leaves no trace
    store.mkdir(parents=True, exist_ok=True)
    with (store / "lock").open("a") as lock:
        # Two builds at once would both fill the idle copy; the second waits for the first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        _claim(output, store)
        return _publish_locked(files, output, store, keys or {}, reused)


def _publish_locked(files: dict[str, bytes], output: Path, store: Path,
                    keys: Mapping[str, str], reused: Iterable[str]) -> bool:
    current = _current_slot(output, store)
    live = _read_manifest(store / current) if current is not None else {}
    manifest: dict[str, Entry] = {
        path: (digest(data), len(data), keys.get(path, "")) for path, data in files.items()
    }
    for path in reused:
        if path not in live or live[path][2] != keys.get(path):
            raise PublishError("the published site changed while this build ran; build again")
        manifest[path] = live[path]
    if current is not None and live == manifest and _intact(store / current, manifest):
        return False
    name = next(s for s in SLOTS if s != current)
    slot = _Slot(store / name)
    slot.root.mkdir(parents=True, exist_ok=True)
    known = _read_manifest(slot.root)
    # Forget what the slot holds until the sync has finished: an interrupted build is redone.
    _write_manifest(store, name, {})
    root = str(slot.root)
    stale = [path for path, entry in manifest.items()
             if known.get(path) != entry or not _present(f"{root}/{path}", entry[1])]

    def bring_up_to_date(path: str) -> None:
        if path in files:
            slot.write(path, files[path])
        else:
            assert current is not None
            slot.share(path, store / current / path)

    # Creating files and folders waits on the disk far more than on Python: a few threads
    # keep it busy. Folders first, in order, so that no two threads create the same one.
    slot.prepare(manifest.keys() - known.keys())
    if len(stale) < PARALLEL_WRITES:
        for path in stale:
            bring_up_to_date(path)
    else:
        with ThreadPoolExecutor(WRITERS) as pool:
            for _ in pool.map(bring_up_to_date, stale, chunksize=64):
                pass
    if known:
        for path in known.keys() - manifest.keys():
            slot.remove(path)
    else:
        slot.remove_all_but(manifest)
    _write_manifest(store, name, manifest)
    link = output.parent / f".{output.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(slot.root, output.parent), link)
    os.replace(link, output)
    return True
