"""The one place that writes the site to disk, so that readers never see a half-built site.

`site` is a symbolic link to one of two slots beside it (`.site.statusgen/a` and `/b`). A build
brings the slot that is not being served up to date, writing only files whose bytes changed and
removing files nothing produces any more, then switches the link in one atomic rename.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from statusgen.digest import digest
from statusgen.problems import PublishError
from statusgen.publish.durable import sync_folder
from statusgen.publish.manifest import Manifest, Manifests, intact, present
from statusgen.publish.slots import Slot

SLOTS = ("a", "b")
WRITERS = 4
PARALLEL_WRITES = 200


def store_for(output: Path) -> Path:
    return output.parent / f".{output.name}.statusgen"


def _current_slot(output: Path, store: Path) -> str | None:
    if not output.is_symlink():
        return None
    target = Path(os.readlink(output))
    return target.name if target.parent.name == store.name and target.name in SLOTS else None


def _claim(output: Path, store: Path) -> None:
    """Refuse to replace anything statusgen did not make."""
    try:
        mode = os.lstat(output).st_mode  # one look: another build may be making the link
    except (FileNotFoundError, NotADirectoryError):
        return
    if stat.S_ISLNK(mode):
        if _current_slot(output, store) is None:
            raise PublishError(
                f"`{output}` is a link statusgen did not make; remove it or "
                "choose another output folder"
            )
        return
    if stat.S_ISDIR(mode) and not any(output.iterdir()):
        output.rmdir()
        return
    raise PublishError(
        f"`{output}` already exists and statusgen did not make it; "
        "move it away or choose another output folder with --out"
    )


def published(output: Path, manifests: Manifests | None = None) -> dict[str, str]:
    """Path to key for each keyed file of the live site that is really there."""
    store = store_for(output)
    current = _current_slot(output, store)
    if current is None:
        return {}
    root = str(store / current)
    live = (manifests or Manifests()).read(store / current)
    return {
        path: key
        for path, (_, size, key) in live.items()
        if key and present(f"{root}/{path}", size)
    }


def publish(
    files: dict[str, bytes],
    output: Path,
    keys: Mapping[str, str] | None = None,
    reused: Iterable[str] = (),
    manifests: Manifests | None = None,
) -> bool:
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
        manifests = manifests or Manifests()
        plan = _plan(files, output, store, keys or {}, reused, manifests)
        if plan is None:
            return False
        _apply(plan, files, store, manifests)
        _switch(output, plan.slot.root)
        return True


@dataclass(frozen=True)
class _Plan:
    slot: Slot  # the idle copy, to be brought up to date
    current: str | None  # the live copy's name
    manifest: Manifest  # what the idle copy will hold
    known: Manifest  # what it holds now, by its own manifest


def _plan(
    files: dict[str, bytes],
    output: Path,
    store: Path,
    keys: Mapping[str, str],
    reused: Iterable[str],
    manifests: Manifests,
) -> _Plan | None:
    """What the idle slot must hold; None when the live slot already holds exactly that."""
    current = _current_slot(output, store)
    live = manifests.read(store / current) if current is not None else {}
    manifest: Manifest = {
        path: (digest(data), len(data), keys.get(path, "")) for path, data in files.items()
    }
    for path in reused:
        if path not in live or live[path][2] != keys.get(path):
            raise PublishError("the published site changed while this build ran; build again")
        manifest[path] = live[path]
    if current is not None and live == manifest and intact(store / current, manifest):
        return None
    name = next(s for s in SLOTS if s != current)
    slot = Slot(store / name)
    slot.root.mkdir(parents=True, exist_ok=True)
    return _Plan(slot, current, manifest, manifests.read(slot.root))


def _apply(plan: _Plan, files: dict[str, bytes], store: Path, manifests: Manifests) -> None:
    """Bring the idle slot to the plan: changed files written, unchanged ones shared."""
    slot, manifest, known = plan.slot, plan.manifest, plan.known
    # Forget what the slot holds until the sync has finished: an interrupted build is redone.
    manifests.write(slot.root, {})
    root = str(slot.root)
    stale = [
        path
        for path, entry in manifest.items()
        if known.get(path) != entry or not present(f"{root}/{path}", entry[1])
    ]

    def bring_up_to_date(path: str) -> None:
        if path in files:
            slot.write(path, files[path])
        else:
            assert plan.current is not None
            slot.share(path, store / plan.current / path)

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
    slot.sync()
    manifests.write(slot.root, manifest)
    sync_folder(store)  # the manifest's new name, before the link names this slot


def _switch(output: Path, slot: Path) -> None:
    """Point the link at `slot` in one atomic rename."""
    link = output.parent / f".{output.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(slot, output.parent), link)
    os.replace(link, output)
    sync_folder(output.parent)  # so that the switch itself survives a power cut
