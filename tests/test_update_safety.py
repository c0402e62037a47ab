"""Nothing anyone wrote is lost: updates posted at once all land, and two updates that share a
time are both kept, each with a link and feed id of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import NOW, Project, make_incident

SLUG = "2026-11-20-login-slow"
WRITERS = 20

OPEN = make_incident(
    title="Login slow",
    impact="minor",
    components=["login"],
    started="2026-11-20T14:30:00Z",
    next_update="2026-11-20T15:00:00Z",
    body={"Problem": "Signing in takes up to a minute.", "Cause": "We are still investigating."},
    updates=[("2026-11-20 14:35 UTC — Investigating", "We are looking into slow sign-ins.")],
)

# Two updates written by hand at the same minute, and one at a time of its own.
TWINS = make_incident(
    title="Login slow",
    impact="minor",
    components=["login"],
    started="2026-11-20T14:30:00Z",
    body={"Problem": "Signing in takes up to a minute.", "Cause": "We are still investigating."},
    updates=[
        ("2026-11-20 14:40 UTC — Identified", "Second text: we found the cause."),
        ("2026-11-20 14:40 UTC — Update", "First text: also posted on social media."),
        ("2026-11-20 14:35 UTC — Investigating", "We are looking into slow sign-ins."),
    ],
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return env


def test_twenty_updates_at_once_all_land(project: Project) -> None:
    path = project.write(f"incidents/{SLUG}.md", OPEN)
    texts = [f"Writer {n} says the sign-in queue is shorter." for n in range(WRITERS)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "statusgen", "update", SLUG, text, "--now", NOW],
            cwd=project.root,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for text in texts
    ]
    results = [w.communicate(timeout=120) for w in writers]
    said_added = sum("added" in out for out, _ in results)
    assert [w.returncode for w in writers] == [0] * WRITERS, [err for _, err in results]
    assert said_added == WRITERS
    saved = path.read_text(encoding="utf-8")
    assert [text for text in texts if text in saved] == texts
    assert saved.count("— Update\n") == WRITERS
    checked = project.run("check", "--now", "2026-11-20T15:00:00Z")
    assert checked.code == 0, checked.err


def test_two_updates_by_hand_at_one_time_are_both_kept(project: Project) -> None:
    project.write(f"incidents/{SLUG}.md", TWINS)
    checked = project.run("check", "--now", NOW)
    assert checked.code == 0, checked.err
    assert "same time" not in checked.err

    assert project.build().code == 0
    page = project.page(f"incidents/{SLUG}/index.html")
    # both, in file order; the lower one keeps the plain anchor, the upper one gets "-2"
    assert page.index("Second text") < page.index("First text")
    assert 'id="update-20261120T144000Z-2"' in page
    assert 'id="update-20261120T144000Z"' in page
    assert 'id="update-20261120T143500Z"' in page  # a time of its own: as it always was
    assert page.index('id="update-20261120T144000Z-2"') < page.index("Second text")

    api = json.loads(project.page("api/v2/incidents.json"))
    ids = [u["id"] for i in api["incidents"] for u in i["incident_updates"] if i["id"] == SLUG]
    assert ids == [
        f"{SLUG}-20261120t144000z-2",
        f"{SLUG}-20261120t144000z",
        f"{SLUG}-20261120t143500z",
    ]

    feed = ET.fromstring(project.page("feed.xml"))
    guids = [item.findtext("guid") or "" for item in feed.iter("item")]
    ours = [g for g in guids if SLUG in g]
    assert len(ours) == 3 and len(set(ours)) == 3
    atom = project.page("atom.xml")
    assert f"incidents/{SLUG}/#update-20261120T144000Z-2</id>" in atom


def test_anchors_stay_when_another_update_at_that_time_is_added_on_top(project: Project) -> None:
    path = project.write(f"incidents/{SLUG}.md", TWINS)
    assert project.build().code == 0
    before = project.page(f"incidents/{SLUG}/index.html")
    assert 'id="update-20261120T144000Z-2"' in before
    third = TWINS.replace(
        "## Updates\n", "## Updates\n\n### 2026-11-20 14:40 UTC — Update\nThird text.\n"
    )
    path.write_text(third, encoding="utf-8")
    assert project.build().code == 0
    page = project.page(f"incidents/{SLUG}/index.html")
    # the two that were there keep their anchors; the new one on top takes a new one
    assert page.index('id="update-20261120T144000Z-3"') < page.index("Third text")
    assert page.index('id="update-20261120T144000Z-2"') < page.index("Second text")
    assert page.index('id="update-20261120T144000Z"') < page.index("First text")


def test_the_same_new_typed_at_once_opens_one_incident(project: Project) -> None:
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "statusgen",
                "new",
                "Login slow",
                "--components",
                "login",
                "--impact",
                "minor",
                "--now",
                NOW,
            ],
            cwd=project.root,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(5)
    ]
    results = [w.communicate(timeout=120) for w in writers]
    codes = sorted(w.returncode for w in writers)
    assert codes == [0, 1, 1, 1, 1], results
    assert len(list((project.root / "incidents").glob("*login-slow*.md"))) == 1
    refusals = [err for _, err in results if "already has this title" in err]
    assert len(refusals) == 4
