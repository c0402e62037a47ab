"""The disk under the site: a full disk, a power cut, and the cache kept beside the site.

The full-disk test mounts a 2 MB tmpfs, which needs root: it skips and says so otherwise,
unless STATUSGEN_REQUIRE_TOOLS is set (CI), where it fails.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONFIG, RESOLVED, Project

from statusgen.publish import durable

CACHE = ".site.statusgen/parsed.cache"
FIXED = "Card payments work again for everyone."


def _unavailable(reason: str) -> None:
    if os.environ.get("STATUSGEN_REQUIRE_TOOLS"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own, unmounted whatever happens."""
    if os.geteuid() != 0:
        _unavailable("mounting a small tmpfs to fill it needs root")
    mount = shutil.which("mount")
    if mount is None:
        _unavailable("`mount` is missing, so no small disk can be made to fill")
    point = tmp_path / "disk"
    point.mkdir()
    made = subprocess.run(
        [str(mount), "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if made.returncode:
        _unavailable(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)


def _fill(disk: Path) -> Path:
    """Fill the disk to the last byte; the file that did it."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_keeps_the_last_good_site_and_the_next_build_recovers(
    small_disk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Project(small_disk / "status", capsys, monkeypatch)
    site.write("statusgen.toml", CONFIG)
    source = site.write("incidents/2026-11-20-card-payments.md", RESOLVED)
    assert site.build().code == 0
    source.write_text(RESOLVED.replace(FIXED, "Card payments work again, for every card."))
    filler = _fill(small_disk)

    failed = site.build()

    assert failed.code == 1
    assert "site:1: error: cannot publish: [Errno 28] No space left on device" in failed.err
    assert "the last good site stays as it was" in failed.err
    assert FIXED in site.page("incidents/2026-11-20-card-payments/index.html")

    filler.unlink()
    recovered = site.build()

    assert recovered.code == 0, recovered.err
    assert "for every card" in site.page("incidents/2026-11-20-card-payments/index.html")
    assert "for every card" in site.page("feed.xml")


def test_the_cache_never_runs_code_when_read(project: Project) -> None:
    """A cache from an older statusgen, or one someone planted, is ignored: never executed."""
    assert project.build().code == 0
    clean = project.snapshot()
    marker = project.root / "pwned"
    planted = pickle.dumps(_Planted(str(marker)))
    (project.root / CACHE).write_bytes(planted)
    project.write("incidents/2026-11-20-card-payments.md", RESOLVED)  # read it again

    assert project.build().code == 0

    assert not marker.exists()
    assert project.snapshot() == clean
    assert (project.root / CACHE).read_bytes().startswith(b'{"format":2,')


class _Planted:
    """What a pickle can do when it is loaded: here, create a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


@pytest.mark.parametrize("damage", [b"", b"not json\n", b'{"format":2,"context":"x"}\n[1,2]\n'])
def test_a_damaged_cache_is_ignored(project: Project, damage: bytes) -> None:
    assert project.build().code == 0
    clean = project.snapshot()
    (project.root / CACHE).write_bytes(damage)
    project.write("incidents/2026-11-20-card-payments.md", RESOLVED)

    assert project.build().code == 0

    assert project.snapshot() == clean


def test_times_come_back_from_the_cache_as_written(project: Project) -> None:
    """Zone names, offsets and the repeated hour when clocks go back all survive the cache:
    a build that reads the cache publishes the very bytes of a clean build."""
    text = (
        RESOLVED.replace("started: 2026-11-20T12:02:00Z", "started: 2026-10-25 02:30 CET")
        .replace("estimated_restore: 2026-11-20T14:00:00Z", "estimated_restore: 2026-11-20T14:00")
        .replace("2026-11-20 12:10 UTC", "2026-11-20 07:10 America/New_York")
        .replace("2026-11-20 12:40 UTC", "2026-11-20 13:40 +01:00")
    )
    project.write("incidents/2026-11-20-card-payments.md", text)
    project.write("incidents/2026-11-19-other.md", text.replace("Card payments", "Logins"))
    assert project.build().code == 0
    clean = project.snapshot()
    # Only the other file changes; this one's incident comes from the cache.
    project.write("incidents/2026-11-19-other.md", text.replace("Card payments", "Log-ins"))
    assert project.build().code == 0
    project.write("incidents/2026-11-19-other.md", text.replace("Card payments", "Logins"))
    assert project.build().code == 0

    assert project.snapshot() == clean


@pytest.mark.parametrize("syncfs", ["one syncfs", "an fsync each"])
def test_published_files_and_folders_reach_the_disk_before_the_link_switches(
    project: Project, monkeypatch: pytest.MonkeyPatch, syncfs: str
) -> None:
    """After a power cut the link must not name files the disk never got: either the whole
    file system is flushed (Linux's syncfs), or, where that is missing, every file and folder."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_syncfs = os.fsync, os.replace, durable.syncfs

    def fsync(fd: int) -> None:
        events.append(("sync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        events.append(("switch", os.fspath(target)))
        real_replace(source, target)

    def flush_all(root: Path) -> bool:
        done = syncfs == "one syncfs" and real_syncfs(root)
        if done:
            events.append(("syncfs", str(root)))
        return done

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(durable, "syncfs", flush_all)
    assert project.build().code == 0

    switch = events.index(("switch", str(project.site)))
    slot = project.site.resolve()
    if syncfs == "one syncfs":
        assert ("syncfs", str(slot)) in events[:switch]
    else:
        synced = {path for kind, path in events[:switch] if kind == "sync"}
        files = {str(p) for p in slot.rglob("*") if p.is_file()}
        folders = {str(p) for p in slot.rglob("*") if p.is_dir()} | {str(slot)}
        assert files - synced == set()
        assert folders - synced == set()
    assert ("sync", str(project.root)) in events[switch:]  # the switch itself
