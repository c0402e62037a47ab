"""Incremental builds: whatever is cached (parsed incidents, published pages) never makes the
output differ from a clean build of the same sources at the same moment.

Every check compares the published site (each file under the `site` link, by digest) with a
clean build into a fresh `--out` folder, whose cache (`.<out>.statusgen/`) does not exist yet.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW, RESOLVED, ROOT, Project, make_incident

from statusgen.build import Builder, BuildOptions, BuildResult, build, cache_file
from statusgen.publish.writer import store_for
from statusgen.source import load

Tree = dict[str, str]

SUMMARY = re.compile(
    r"Published (\d+) files to .* \((\d+) errors?, (\d+) warnings?\); "
    r"(\d+) rendered, (\d+) unchanged\."
)

# The example site's incident and month pages: the pages a build may reuse (see outputs.pages.Page.key).
EXAMPLE_INCIDENTS = (
    "2026-08-21-webhooks-delayed",
    "2026-09-17-dashboard-usage-graphs",
    "2026-09-24-api-rate-limit-errors",
    "2026-10-02-delayed-emails",
    "2026-10-14-checkout-outage",
    "2026-11-03-sign-in-failures",
    "2026-11-08-network-upgrade",
    "2026-11-20-card-payment-errors",
    "2026-11-20-slow-search",
    "2026-11-24-payments-database-upgrade",
)
EXAMPLE_MONTHS = ("2026-08", "2026-09", "2026-10", "2026-11")
KEYED = frozenset(
    [f"incidents/{slug}/index.html" for slug in EXAMPLE_INCIDENTS]
    + [f"history/{month}/index.html" for month in EXAMPLE_MONTHS]
    + [f"api/v2/incidents/{slug}.json" for slug in EXAMPLE_INCIDENTS]
)

NEW_IN_JULY = make_incident(
    title="Product images missing",
    impact="minor",
    components=["search"],
    started="2026-07-09T08:00:00Z",
    estimated_restore="2026-07-09T10:00:00Z",
    resolved="2026-07-09T09:15:00Z",
    body={
        "Problem": "Some product images did not load in search results.",
        "Cause": "An expired certificate on the image service.",
        "Restore time": "Images were back at 09:15 UTC.",
        "Prevention plan": "- [x] Alert a month before a certificate expires",
    },
    updates=[
        ("2026-07-09 09:15 UTC — Resolved", "Images load again."),
        ("2026-07-09 08:20 UTC — Investigating", "We are looking into missing product images."),
    ],
)


def clean_in_new_process(project: Project, now: str, out: str) -> Tree:
    """A clean build in a process of its own: nothing in memory can leak into it."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run(
        [sys.executable, "-m", "statusgen", "build", "--now", now, "--out", out],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return tree(project.root / out)


def tree(root: Path) -> Tree:
    """Every file under `root` (following the `site` link) and a digest of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def sources(project: Project) -> dict[str, bytes]:
    """The bytes of everything a build reads: it must never change any of them."""
    found = {"statusgen.toml": (project.root / "statusgen.toml").read_bytes()}
    for folder in ("incidents", "templates"):
        base = project.root / folder
        if base.is_dir():
            found |= {
                p.relative_to(project.root).as_posix(): p.read_bytes()
                for p in sorted(base.rglob("*"))
                if p.is_file()
            }
    return found


def file_state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Bytes, modification time and inode of every file: a build must change none of them."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differences(incremental: Tree, clean: Tree) -> list[str]:
    return sorted(
        path
        for path in incremental.keys() | clean.keys()
        if incremental.get(path) != clean.get(path)
    )


class Checker:
    """Builds the site incrementally (default output) and cleanly (a fresh `--out` each time)
    at the same moment, and insists both publish the same bytes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.count = 0

    def clean(self, now: str) -> Tree:
        self.count += 1
        out = f"clean_{self.count}"
        assert not store_for(self.project.root / out).exists()
        # A process of its own: nothing this process keeps in memory can leak into it.
        return clean_in_new_process(self.project, now, out)

    def incremental(self, now: str = NOW) -> str:
        before = sources(self.project)
        result = self.project.run("build", "--now", now)
        assert result.code == 0, result.err
        assert sources(self.project) == before, "a build changed a source file"
        return result.out

    def check(self, now: str = NOW, step: str = "") -> Tree:
        self.incremental(now)
        published = self.project.snapshot()
        clean = self.clean(now)
        assert published, "the build published nothing"
        assert differences(published, clean) == [], f"{step} at {now}: incremental != clean"
        return published


def changed(before: Tree, after: Tree) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- 1. a series of edits ------------------------------------------------------------------------


def test_edits_build_incrementally_as_a_clean_build_would(example: Project) -> None:
    checker = Checker(example)
    incidents = example.root / "incidents"
    site = checker.check(step="first build")
    assert site.keys() >= KEYED

    def step(
        name: str,
        change: Callable[[], None],
        expected: set[str] | None = None,
        gone: set[str] = frozenset(),
        same: bool = False,
    ) -> None:
        nonlocal site
        change()
        new = checker.check(step=name)
        moved = changed(site, new)
        if same:
            assert moved == set(), f"{name}: the output should not change"
        else:
            assert moved, f"{name}: the step changed nothing, so it proves nothing"
        assert (expected or set()) <= moved, f"{name}: {sorted((expected or set()) - moved)}"
        assert not gone & new.keys(), f"{name}: {sorted(gone & new.keys())} still published"
        site = new

    active = incidents / "2026-11-20-card-payment-errors.md"
    step(
        "edit an active incident's body",
        lambda: edit(active, "About one in three card payments", "About one in four card payments"),
        {"incidents/2026-11-20-card-payment-errors/index.html"},
    )
    resolved = incidents / "2026-10-14-checkout-outage.md"
    step(
        "edit a resolved incident's body",
        lambda: edit(resolved, "## Cause\n", "## Cause\nA late addition to the cause.\n\n"),
        {"incidents/2026-10-14-checkout-outage/index.html"},
    )
    step(
        "edit a resolved incident's title",
        lambda: edit(resolved, "title: Checkout unavailable", "title: Checkout was down"),
        {
            "incidents/2026-10-14-checkout-outage/index.html",
            "history/2026-10/index.html",
            "components/checkout/index.html",
            "feed.xml",
        },
    )
    step(
        "add an incident in a new month",
        lambda: example.write("incidents/2026-07-09-product-images.md", NEW_IN_JULY),
        {
            "incidents/2026-07-09-product-images/index.html",
            "history/2026-07/index.html",
            "history/2026-08/index.html",
            "history/index.html",
        },
    )
    assert "Older: July 2026" in example.page("history/2026-08/index.html")
    step(
        "delete an incident (its month empties)",
        lambda: (incidents / "2026/08/2026-08-21-webhooks-delayed.md").unlink(),
        {"history/2026-07/index.html", "history/2026-09/index.html"},
        gone={"incidents/2026-08-21-webhooks-delayed/index.html", "history/2026-08/index.html"},
    )
    assert "Newer: September 2026" in example.page("history/2026-07/index.html")
    step(
        "rename an incident file",
        lambda: (incidents / "2026-11-03-sign-in-failures.md").rename(
            incidents / "2026-11-03-sign-in-trouble.md"
        ),
        {"incidents/2026-11-03-sign-in-trouble/index.html", "history/2026-11/index.html"},
        gone={"incidents/2026-11-03-sign-in-failures/index.html"},
    )

    def move() -> None:
        (incidents / "2026/11").mkdir()
        (incidents / "2026-11-08-network-upgrade.md").rename(
            incidents / "2026/11/2026-11-08-network-upgrade.md"
        )

    step("move a file into a subfolder", move, same=True)
    step(
        "edit the moved file",
        lambda: edit(
            incidents / "2026/11/2026-11-08-network-upgrade.md",
            "title: Network upgrade",
            "title: Network upgrades",
        ),
        {"incidents/2026-11-08-network-upgrade/index.html", "history/2026-11/index.html"},
    )
    override = example.root / "templates/incident.html"

    def add_override() -> None:
        override.parent.mkdir()
        edit(
            Path(shutil.copy(ROOT / "templates/incident.html", override)),
            '<article class="story">',
            '<article class="story" data-marker="override">',
        )

    step(
        "override a template",
        add_override,
        {
            f"incidents/{slug}/index.html"
            for slug in EXAMPLE_INCIDENTS
            if slug not in ("2026-08-21-webhooks-delayed", "2026-11-03-sign-in-failures")
        },
    )
    assert 'data-marker="override"' in example.page(
        "incidents/2026-09-24-api-rate-limit-errors/index.html"
    )
    step(
        "edit the override",
        lambda: edit(override, 'data-marker="override"', 'data-marker="override-2"'),
        {"incidents/2026-09-24-api-rate-limit-errors/index.html"},
    )
    config = example.root / "statusgen.toml"
    step(
        "change the site title",
        lambda: edit(config, 'title = "Acme Status"', 'title = "Acme Service Status"'),
        {
            "index.html",
            "history/2026-10/index.html",
            "incidents/2026-10-14-checkout-outage/index.html",
        },
    )
    # The zone changes how bare times in incident files read: the parse cache must not hold.
    step(
        "change the time zone",
        lambda: edit(config, 'timezone = "Europe/Berlin"', 'timezone = "America/New_York"'),
        {"incidents/2026-11-24-payments-database-upgrade/index.html", "api/v2/summary.json"},
    )
    step(
        "change the time zone back",
        lambda: edit(config, 'timezone = "America/New_York"', 'timezone = "Europe/Berlin"'),
        {"incidents/2026-11-24-payments-database-upgrade/index.html"},
    )
    step(
        "delete the template override",
        override.unlink,
        {"incidents/2026-09-24-api-rate-limit-errors/index.html"},
    )
    assert "data-marker" not in example.page(
        "incidents/2026-09-24-api-rate-limit-errors/index.html"
    )
    step("remove the empty templates folder", override.parent.rmdir, same=True)
    step(
        "restore the title",
        lambda: edit(config, 'title = "Acme Service Status"', 'title = "Acme Status"'),
        {"index.html"},
    )
    step(
        "rename a component",
        lambda: edit(config, 'name = "Payments"', 'name = "Card payments"'),
        {"index.html", "components/payments-api/index.html", "api/v2/components.json"},
    )
    step(
        "change the contact",
        lambda: edit(config, "mailto:support@example.com", "mailto:help@example.com"),
        {"index.html", "incidents/2026-10-14-checkout-outage/index.html"},
    )

    def move_incidents(folder: str) -> None:
        current = next(p for p in (incidents, example.root / "entries") if p.is_dir())
        current.rename(example.root / folder)
        text = config.read_text(encoding="utf-8").split("\n[paths]\n")[0]
        config.write_text(text + f'\n[paths]\nincidents = "{folder}"\n', encoding="utf-8")

    step("move the incidents folder", lambda: move_incidents("entries"), same=True)
    step("move it back", lambda: move_incidents("incidents"), same=True)
    assert differences(site, clean_in_new_process(example, NOW, "clean_process")) == []


# --- 2. the clock moves --------------------------------------------------------------------------

# Moments where the example site reads differently (see its incidents/ folder). The active card
# payment incident promised an update by 15:15 and service by 16:30 UTC, slow search an update by
# 15:20; the payments database maintenance runs 02:00-03:30 Berlin time (01:00-02:30 UTC) on
# 24 November; Berlin's day starts at 23:00 UTC; the sign-in incident's last time is its
# postmortem at 2026-11-06 15:00 UTC, so it settles a second later.
MOMENTS = (
    NOW,
    NOW,  # nothing changed
    "2026-11-20T15:15:00Z",
    "2026-11-20T15:15:01Z",  # next update due, then overdue
    "2026-11-20T15:20:01Z",  # slow search's update overdue too
    "2026-11-20T16:30:00Z",
    "2026-11-20T16:30:01Z",  # restore estimate passes
    "2026-11-20T22:59:59Z",
    "2026-11-20T23:00:00Z",  # a new day in Berlin
    "2026-11-24T00:59:59Z",
    "2026-11-24T01:00:00Z",  # the window opens
    "2026-11-24T02:30:00Z",
    "2026-11-24T02:30:01Z",  # window ends, completion not confirmed
    "2026-11-30T23:00:00Z",  # December begins in Berlin: a new (empty) month
    # backwards
    "2026-11-20T14:50:00+01:00",
    "2026-11-06T15:00:00Z",
    "2026-11-06T15:00:01Z",  # sign-in incident settles
    "2026-11-03T09:00:00Z",  # while the sign-in incident was going on
    "2026-11-06T15:00:00Z",  # ...and forwards again, just before it settles
    "2026-08-01T00:00:00Z",  # before any incident
    NOW,
)


def test_moving_clock_builds_as_a_clean_build_would(example: Project) -> None:
    checker = Checker(example)
    incidents = example.root / "incidents"
    before = file_state(incidents)
    pages: dict[str, Tree] = {}
    for now in MOMENTS:
        pages[now] = checker.check(now, "moving clock")
    # The moments are interesting: the site reads differently across each of them.
    for earlier, later, path in (
        (NOW, "2026-11-20T15:15:01Z", "incidents/2026-11-20-card-payment-errors/index.html"),
        (
            "2026-11-20T16:30:00Z",
            "2026-11-20T16:30:01Z",
            "incidents/2026-11-20-card-payment-errors/index.html",
        ),
        ("2026-11-20T22:59:59Z", "2026-11-20T23:00:00Z", "index.html"),
        (
            "2026-11-24T00:59:59Z",
            "2026-11-24T01:00:00Z",
            "incidents/2026-11-24-payments-database-upgrade/index.html",
        ),
        (
            "2026-11-24T02:30:00Z",
            "2026-11-24T02:30:01Z",
            "incidents/2026-11-24-payments-database-upgrade/index.html",
        ),
        (
            "2026-11-06T15:00:00Z",
            "2026-11-06T15:00:01Z",
            "incidents/2026-11-03-sign-in-failures/index.html",
        ),
    ):
        assert pages[earlier][path] != pages[later][path], (earlier, later, path)
    # A settled page stays the same whatever the clock says.
    settled = "incidents/2026-10-14-checkout-outage/index.html"
    assert len({pages[now][settled] for now in MOMENTS if now >= "2026-11"}) == 1
    assert file_state(incidents) == before


# --- 3. one long-lived Builder, as `watch` uses -------------------------------------------------


def test_long_lived_builder_builds_as_a_clean_build_would(example: Project) -> None:
    config = example.root / "statusgen.toml"
    incidents = example.root / "incidents"
    card = incidents / "2026-11-20-card-payment-errors.md"
    builder = Builder(BuildOptions(config, now=NOW))
    count = 0

    def check(now: str, step: str) -> BuildResult:
        nonlocal count
        builder.now = now
        before = sources(example)
        result = builder.build()
        assert not result.problems.errors, result.problems.errors
        assert sources(example) == before
        count += 1
        clean = build(BuildOptions(config, now=now, out=example.root / f"clean_{count}"))
        assert clean.written and not clean.reused
        assert differences(example.snapshot(), tree(example.root / f"clean_{count}")) == [], (
            f"{step} at {now}: incremental != clean"
        )
        return result

    check(NOW, "first build")
    if hasattr(builder, "keep_cache"):  # as `watch` does: keep parsed incidents in memory only
        builder.keep_cache = False
    assert not check(NOW, "again").written
    edit(
        incidents / "2026-10-02-delayed-emails.md",
        "arrived up to 3 hours late",
        "arrived up to three hours late",
    )
    check(NOW, "edit a resolved incident")
    check("2026-11-20T15:16:00Z", "update overdue")
    edit(
        card,
        "next_update: 2026-11-20T15:15:00Z\n",
        "next_update: 2026-11-20T15:15:00Z\nresolved: 2026-11-20T15:40:00Z\n",
    )
    edit(
        card,
        "## Updates\n",
        "## Updates\n\n### 2026-11-20 15:40 UTC — Resolved\n"
        "Card payments work again for everyone.\n",
    )
    check("2026-11-20T15:45:00Z", "resolve the active incident")
    result = check("2026-11-20T16:30:01Z", "it settles")
    assert "incidents/2026-11-20-card-payment-errors/index.html" in result.files
    result = check("2026-11-21T10:00:00Z", "the next day")
    assert "incidents/2026-11-20-card-payment-errors/index.html" in result.reused
    check("2026-11-20T15:00:00Z", "back to before it was resolved")
    example.write("incidents/2026-07-09-product-images.md", NEW_IN_JULY)
    check("2026-11-21T10:00:00Z", "add an incident in a new month")
    (example.root / "templates").mkdir()
    shutil.copy(ROOT / "templates/month.html", example.root / "templates/month.html")
    edit(example.root / "templates/month.html", "<h1>", '<h1 class="override">')
    check("2026-11-21T10:00:00Z", "override a template")
    (incidents / "2026-07-09-product-images.md").unlink()
    (example.root / "templates/month.html").unlink()
    check("2026-11-21T10:00:00Z", "delete both again")
    edit(config, 'timezone = "Europe/Berlin"', 'timezone = "Asia/Tokyo"')
    check("2026-11-24T01:30:00Z", "another zone: bare times read differently")
    edit(config, 'timezone = "Asia/Tokyo"', 'timezone = "Europe/Berlin"')
    edit(config, 'title = "Acme Status"', 'title = "Acme Status, live"')
    check("2026-11-24T01:30:00Z", "the zone back, a new title, maintenance under way")
    assert not check("2026-11-24T01:30:00Z", "nothing changed").written
    assert (
        differences(
            example.snapshot(),
            clean_in_new_process(example, "2026-11-24T01:30:00Z", "clean_process"),
        )
        == []
    )
    if hasattr(builder, "save_cache"):  # `watch` saves the parse cache on its way out
        builder.save_cache()
    # A new process picks up from the cache the long-lived one left behind.
    edit(
        incidents / "2026-10-02-delayed-emails.md",
        "arrived up to three hours late",
        "arrived up to 3 hours late",
    )
    checker = Checker(example)
    checker.count = count
    checker.check("2026-11-24T01:40:00Z", "a build after the long-lived one")


def test_builds_by_another_process_in_between(example: Project) -> None:
    """`watch` keeps its Builder (and what statusgen keeps in memory) while someone runs
    `statusgen build` in a shell: the long-lived process must notice the slots it did not fill."""
    config = example.root / "statusgen.toml"
    builder = Builder(BuildOptions(config, now=NOW))
    checker = Checker(example)
    assert builder.build().written
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for now in ("2026-11-20T15:30:00Z", "2026-11-20T16:40:00Z"):  # fills the other slot, then this
        edit(
            example.root / "incidents/2026-11-20-slow-search.md",
            "Slow product search",
            "Slow product search!",
        )
        done = subprocess.run(
            [sys.executable, "-m", "statusgen", "build", "--now", now],
            cwd=example.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    for now in (NOW, "2026-11-20T16:40:00Z", "2026-11-20T16:40:00Z"):
        builder.now = now
        assert not builder.build().problems.errors
        assert differences(example.snapshot(), checker.clean(now)) == [], now


# --- 4. damaged caches ---------------------------------------------------------------------------


def test_garbage_parse_cache_is_ignored(example: Project) -> None:
    checker = Checker(example)
    checker.check()
    cache = cache_file(example.site)
    assert cache.is_file()
    edit(
        example.root / "incidents/2026-10-14-checkout-outage.md",
        "Checkout unavailable",
        "Checkout was unavailable",
    )
    cache.write_bytes(os.urandom(64) + b"\x80\x05garbage" + bytes(range(256)))
    checker.check(step="garbage cache")
    good = cache.read_bytes()
    edit(
        example.root / "incidents/2026-10-14-checkout-outage.md",
        "Checkout was unavailable",
        "Checkout was not available",
    )
    cache.write_bytes(good[: len(good) // 2])  # cut short, as by a full disk
    checker.check(step="truncated cache")
    cache.write_bytes(b"")
    checker.check(step="empty cache")


@pytest.mark.parametrize("damage", ["truncate", "delete", "truncate the idle copy too"])
def test_damaged_live_page_is_not_reused(example: Project, damage: str) -> None:
    checker = Checker(example)
    checker.check(step="first build")
    checker.check("2026-11-21T10:00:00Z", "a later build, sharing settled pages")
    page = "incidents/2026-10-14-checkout-outage/index.html"
    store = store_for(example.site)
    live = example.site.resolve()
    idle = store / ("a" if live.name == "b" else "b")
    assert live.parent == store
    # The settled page was taken by hard link: damaging it in place damages both copies.
    assert os.path.samefile(live / page, idle / page)
    target = live / page
    if damage == "delete":
        target.unlink()
    else:
        if damage == "truncate the idle copy too":
            (idle / page).unlink()
            shutil.copy(live / page, idle / page)
            with (idle / page).open("r+b") as handle:
                handle.truncate(10)
        with target.open("r+b") as handle:
            handle.truncate(100)
    assert not (example.site / page).is_file() or (example.site / page).stat().st_size <= 100
    out = checker.incremental("2026-11-21T10:00:00Z")
    assert "Nothing changed" not in out
    published = example.snapshot()
    clean = checker.clean("2026-11-21T10:00:00Z")
    assert differences(published, clean) == []
    # And the build after it, from the other slot, is whole too.
    checker.check("2026-11-21T10:00:00Z", "the build after")
    checker.check("2026-11-21T11:00:00Z", "the build after that")


def test_damaged_live_asset_is_replaced(example: Project) -> None:
    checker = Checker(example)
    checker.check()
    with (example.site / "assets/style.css").open("r+b") as handle:
        handle.truncate(5)
    (example.site / "index.html").unlink()
    assert "Nothing changed" not in checker.incremental()
    assert differences(example.snapshot(), checker.clean(NOW)) == []


@pytest.mark.parametrize("slot", ["live", "idle"])
def test_damaged_manifest_is_not_trusted(example: Project, slot: str) -> None:
    checker = Checker(example)
    checker.check(step="first build")
    checker.check("2026-11-21T10:00:00Z", "a second build fills the other slot")
    store = store_for(example.site)
    live = example.site.resolve().name
    name = live if slot == "live" else ("a" if live == "b" else "b")
    manifest = store / f"{name}.manifest.json"
    assert manifest.is_file()
    manifest.write_bytes(manifest.read_bytes()[:-40] + b"garbage")
    edit(
        example.root / "incidents/2026-10-14-checkout-outage.md",
        "Checkout unavailable",
        "Checkout was unavailable",
    )
    checker.check("2026-11-21T10:00:00Z", f"damaged {slot} manifest")
    checker.check("2026-11-21T11:00:00Z", "the build after")
    manifest = store / f"{example.site.resolve().name}.manifest.json"
    manifest.write_text('{"no": "entries"}', encoding="utf-8")
    checker.check("2026-11-21T11:00:00Z", "a manifest from another version")


@pytest.mark.parametrize("slot", ["live", "idle"])
def test_manifest_of_another_layout_is_not_fatal(example: Project, slot: str) -> None:
    checker = Checker(example)
    checker.check(step="first build")
    checker.check("2026-11-21T10:00:00Z", "a second build fills the other slot")
    live = example.site.resolve().name
    name = live if slot == "live" else ("a" if live == "b" else "b")
    manifest = store_for(example.site) / f"{name}.manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(
        json.dumps({path: [size, digest, key] for path, (digest, size, key) in entries.items()}),
        encoding="utf-8",
    )
    checker.check("2026-11-21T11:00:00Z", f"{slot} manifest of another layout")


def test_same_size_edit_right_after_a_build_is_picked_up(example: Project) -> None:
    """Different bytes of the same length, written within the same second as the build before,
    through the disk cache (`statusgen build`) and the in-memory one (`Builder`)."""
    checker = Checker(example)
    path = example.root / "incidents/2026-10-14-checkout-outage.md"
    original = path.read_bytes()
    versions = [
        original.replace(b"Checkout unavailable", b"Checkout Unavailable", 1),
        original.replace(b"Checkout unavailable", b"Checkout unreliable!", 1),
        original,
    ]
    assert len({len(v) for v in versions}) == 1 and len(set(versions)) == 3
    checker.incremental()
    for version in versions:
        path.write_bytes(version)
        checker.incremental()  # at once
        assert differences(example.snapshot(), checker.clean(NOW)) == []
    builder = Builder(BuildOptions(example.root / "statusgen.toml", now=NOW))
    for version in versions:
        path.write_bytes(version)
        assert not builder.build().problems.errors
        assert differences(example.snapshot(), checker.clean(NOW)) == []


SECOND = 1_000_000_000
MILLISECOND = 1_000_000


@pytest.mark.parametrize(
    "tick",
    [MILLISECOND, 10 * MILLISECOND, SECOND, 2 * SECOND],
    ids=["1ms", "10ms", "1s", "2s-like-FAT"],
)
def test_racy_timestamp_guard(project: Project, monkeypatch: pytest.MonkeyPatch, tick: int) -> None:
    """A file system that records file times at a coarse `tick`: the file is written, read by a
    build, and written again (same size, different bytes) all within one tick, so neither its
    times nor its size change. The build after must still see the new bytes.

    The file system's and the build's clocks are simulated, so the test depends neither on the
    machine's file system nor on its speed.
    """
    tick_start = 1_900_000_000 * SECOND  # a multiple of every tick, after every real file time
    clock = [tick_start]
    monkeypatch.setattr(load, "clock_ns", lambda: clock[0])
    looked = []

    def coarse(stat: os.stat_result) -> tuple[int, int, int, int]:
        looked.append(stat)
        recorded = stat.st_mtime_ns // tick * tick  # a write sets both times to its tick
        return (stat.st_ino, stat.st_size, recorded, recorded)

    monkeypatch.setattr(load, "signature", coarse)
    path = project.root / "incidents/2026-11-20-card-payments.md"

    def write_at(moment: int, data: bytes) -> None:
        path.write_bytes(data)  # in place: the same inode
        os.utime(path, ns=(moment, moment))

    first = RESOLVED.encode()
    second = RESOLVED.replace("failing at checkout", "failing on checkout").encode()
    assert len(first) == len(second) and first != second
    write_at(tick_start + tick // 10, first)
    clock[0] = tick_start + tick * 9 // 10  # read as late in the same tick as it gets
    assert project.build().code == 0
    assert "failing at checkout" in project.page("incidents/2026-11-20-card-payments/index.html")
    write_at(tick_start + tick - 1, second)
    assert coarse(path.stat())[2] == tick_start  # the file looks just as it did when read
    clock[0] = tick_start + 10 * SECOND
    assert project.build().code == 0
    assert "failing on checkout" in project.page("incidents/2026-11-20-card-payments/index.html")
    clock[0] += 10 * SECOND  # and the build after that, from the cache kept on disk
    assert project.build().code == 0
    clean = project.run("build", "--now", NOW, "--out", "clean")
    assert clean.code == 0
    assert differences(project.snapshot(), tree(project.root / "clean")) == []
    assert looked, "the simulated file system was never asked: the test proves nothing"


# --- 5. pages really are reused ------------------------------------------------------------------


def summary(out: str) -> tuple[int, int, int]:
    match = SUMMARY.search(out)
    assert match, out
    total, _, _, rendered, unchanged = map(int, match.groups())
    assert total == rendered + unchanged
    return total, rendered, unchanged


def keyed(result: BuildResult) -> set[str]:
    return {path for path in result.files if path in KEYED}


def test_incremental_builds_reuse_pages(example: Project) -> None:
    checker = Checker(example)
    total, rendered, unchanged = summary(checker.incremental())
    assert (rendered, unchanged) == (total, 0)
    assert "Nothing changed" in checker.incremental()

    builder = Builder(BuildOptions(example.root / "statusgen.toml", now=NOW))
    again = builder.build()
    assert not again.written
    assert again.reused == KEYED and keyed(again) == set()

    edit(
        example.root / "incidents/2026-09-24-api-rate-limit-errors.md",
        "Public API rejecting requests",
        "Public API refusing requests",
    )
    one = builder.build()
    assert one.written
    assert keyed(one) == {
        "incidents/2026-09-24-api-rate-limit-errors/index.html",
        "history/2026-09/index.html",
        "api/v2/incidents/2026-09-24-api-rate-limit-errors.json",
    }
    assert one.reused == KEYED - keyed(one)
    live = example.site.resolve()
    idle = live.parent / ("a" if live.name == "b" else "b")
    for path in one.reused:  # taken from the other slot as they are, by hard link
        assert os.path.samefile(live / path, idle / path)

    edit(
        example.root / "incidents/2026-10-14-checkout-outage.md",
        "Checkout unavailable",
        "Checkout not available",
    )
    total, rendered, unchanged = summary(checker.incremental())
    assert unchanged == len(KEYED) - 3
    assert total == len(example.snapshot())
    assert differences(example.snapshot(), checker.clean(NOW)) == []

    # Time moving on redraws only the pages about incidents still going on; the API's file
    # for each incident says nothing about the clock, so none is made again.
    builder.now = "2026-11-20T15:00:00Z"
    later = builder.build()
    assert keyed(later) == {
        "incidents/2026-11-20-card-payment-errors/index.html",
        "incidents/2026-11-20-slow-search/index.html",
        "incidents/2026-11-24-payments-database-upgrade/index.html",
        "history/2026-11/index.html",
    }
    assert differences(example.snapshot(), checker.clean("2026-11-20T15:00:00Z")) == []


# --- 6. builds never touch the sources -----------------------------------------------------------


def test_builds_never_modify_incident_files(example: Project) -> None:
    incidents = example.root / "incidents"
    before = file_state(incidents)
    checker = Checker(example)
    for now in (NOW, "2026-11-24T01:30:00Z", "2026-11-03T09:00:00Z", NOW):
        checker.check(now)
    builder = Builder(BuildOptions(example.root / "statusgen.toml", now=NOW))
    for now in ("2026-12-01T00:00:00Z", NOW):
        builder.now = now
        assert builder.build().written
    assert file_state(incidents) == before
    assert not any(p.name.startswith(".") for p in incidents.rglob("*"))
