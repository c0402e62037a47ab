"""Publishing: readers never see a half-built site, and nothing outside the output changes."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from conftest import RESOLVED, Project

from statusgen.publish.writer import PublishError, publish


def _tree(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(skip)
    }


def test_site_is_a_link_to_a_complete_copy(project: Project) -> None:
    assert project.build().code == 0
    assert project.site.is_symlink()
    assert os.readlink(project.site) == ".site.statusgen/a"
    assert (project.site / "index.html").is_file()


def test_files_no_incident_produces_disappear(project: Project) -> None:
    project.write("incidents/2026-11-19-second.md", RESOLVED.replace("Card payments", "Second"))
    assert project.build().code == 0
    assert (project.site / "incidents/2026-11-19-second/index.html").is_file()
    (project.root / "incidents/2026-11-19-second.md").rename(
        project.root / "incidents/2026-11-19-renamed.md"
    )
    assert project.build().code == 0
    assert not (project.site / "incidents/2026-11-19-second").exists()
    assert (project.site / "incidents/2026-11-19-renamed/index.html").is_file()
    assert "2026-11-19-second" not in project.page("index.html")
    assert "2026-11-19-second" not in project.page("feed.xml")


def test_rebuilding_after_changes_equals_a_clean_build(project: Project) -> None:
    assert project.build().code == 0
    project.write("incidents/2026-11-19-second.md", RESOLVED.replace("Card payments", "Second"))
    assert project.build().code == 0
    (project.root / "incidents/2026-11-19-second.md").unlink()
    project.write("incidents/2026-11-18-third.md", RESOLVED.replace("Card payments", "Third"))
    assert project.build().code == 0
    assert project.build("--out", "clean").code == 0
    assert project.snapshot() == _tree(project.root / "clean", ())


def test_unchanged_build_publishes_nothing(project: Project) -> None:
    assert project.build().code == 0
    result = project.build()
    assert "Nothing changed" in result.out
    assert os.readlink(project.site) == ".site.statusgen/a"


def test_nothing_outside_the_output_is_touched(project: Project) -> None:
    before = _tree(project.root, ("site", ".site.statusgen"))
    assert project.build().code == 0
    assert project.run("check", "--now", "2026-11-20T14:50:00Z").code == 0
    assert _tree(project.root, ("site", ".site.statusgen")) == before
    names = {p.name for p in project.root.iterdir()}
    assert names == {"statusgen.toml", "incidents", "site", ".site.statusgen"}


def test_refuses_to_replace_a_folder_it_did_not_make(project: Project) -> None:
    project.write("public/precious.txt", "keep me")
    result = project.build("--out", "public")
    assert result.code == 1
    assert "already exists and statusgen did not make it" in result.err
    assert (project.root / "public/precious.txt").read_text() == "keep me"


def test_refuses_an_output_that_would_swallow_the_sources(project: Project) -> None:
    for out in (".", "incidents", "incidents/site"):
        result = project.build("--out", out)
        assert result.code == 1, out
        assert "choose" in result.err
    assert (project.root / "incidents/2026-11-20-card-payments.md").read_text() == RESOLVED


def test_publish_refuses_a_foreign_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "elsewhere")
    try:
        publish({"index.html": b"x"}, tmp_path / "site")
    except PublishError as exc:
        assert "statusgen did not make" in str(exc)
    else:
        raise AssertionError("a foreign link was replaced")


def test_readers_never_see_a_missing_or_partial_file(tmp_path: Path) -> None:
    """A reader loops over the site while it is republished with different content."""
    site = tmp_path / "site"
    versions = []
    for n in range(2):
        page = f"<html>{'x' * 200_000}{n}</html>".encode()
        versions.append(
            {
                "index.html": page,
                f"incidents/i{n}/index.html": page,
                "incidents/both/index.html": page,
            }
        )
    publish(versions[0], site)
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for name in ("index.html", "incidents/both/index.html"):
                try:
                    data = (site / name).read_bytes()
                except OSError as exc:
                    failures.append(f"{name}: {exc}")
                    continue
                if not data.endswith(b"</html>"):
                    failures.append(f"{name}: partial ({len(data)} bytes)")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(60):
            publish(versions[n % 2], site)
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert (site / "incidents/i1/index.html").exists()
    assert not (site / "incidents/i0").exists()


def test_a_damaged_published_site_is_repaired(project: Project) -> None:
    assert project.build().code == 0
    (project.site / "index.html").unlink()
    result = project.build()
    assert "Published" in result.out
    assert (project.site / "index.html").is_file()


def test_concurrent_publishers_leave_a_consistent_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    versions = [{f"p{i}.html": f"<html>{n}</html>".encode() for i in range(30)} for n in range(2)]
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(15):
                publish(versions[n], site)
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    contents = {(site / f"p{i}.html").read_bytes() for i in range(30)}
    assert len(contents) == 1  # every page from the same build


def test_a_damaged_idle_copy_is_rewritten_not_reused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first, second = {"index.html": b"<html>one</html>"}, {"index.html": b"<html>two</html>"}
    publish(first, site)  # live: a
    publish(second, site)  # live: b; a is idle and still holds "one"
    (tmp_path / ".site.statusgen/a/index.html").write_bytes(b"damaged")
    publish(first, site)  # back to a: its manifest says "one", but the file says otherwise
    assert (site / "index.html").read_bytes() == b"<html>one</html>"
