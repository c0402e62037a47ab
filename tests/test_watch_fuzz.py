"""`watch` under a few hundred random saves, good and bad: it stays alive, never says
"unexpected", and once the files are good again it publishes exactly what a clean build does.

The saves are drawn from a seeded generator, so a failure can be replayed: the seed and the
list of saves are in the assertion message.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import NOW, ROOT, Project, make_incident
from test_watch import Command

SAVES = 300
SEED = 20261120
QUIET = 2.0  # no build line for this long after the last save: watch has caught up
# Malformed files, and the hostile ones that once stopped `watch` for good (control characters
# reached through references and escapes, a time in the year 9999, ...).
BAD_CASES = sorted((ROOT / "tests" / "cases" / "bad").glob("*.md")) + sorted(
    (ROOT / "tests" / "cases" / "hostile").glob("*.md")
)
STATUSES = ["Investigating", "Identified", "Monitoring", "Update", "Resolved"]


def _good(rng: random.Random, number: int) -> str:
    """A valid incident, different each time: a title, an impact and one to three updates."""
    minutes = sorted(rng.sample(range(5, 50), rng.randint(1, 3)))
    statuses = [rng.choice(STATUSES[:4]) for _ in minutes]
    if rng.random() < 0.3:
        statuses[-1] = "Resolved"
    updates = [
        (f"2026-11-20 13:{m:02d} UTC — {s}", f"Save {number}: {rng.random():.6f}")
        for m, s in zip(minutes, statuses, strict=True)
    ][::-1]
    fields: dict[str, str | list[str]] = {
        "title": f"Search slow, save {number}",
        "impact": rng.choice(["minor", "major", "critical"]),
        "components": rng.choice([["checkout"], ["login"], ["checkout", "payments-api"]]),
        "started": "2026-11-20T13:00:00Z",
    }
    if statuses[-1] == "Resolved":
        fields["resolved"] = f"2026-11-20T13:{minutes[-1]:02d}:00Z"
    body = {"Problem": "Searches take up to a minute.", "Cause": "We are still investigating."}
    return make_incident(body=body, updates=updates, **fields)


def _save(path: Path, text: str | bytes, in_place: bool) -> None:
    """As editors do: a write in place, or a temporary file renamed over the old one."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if in_place and path.exists():
        path.write_bytes(data)
        return
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _caught_up(watch: Command) -> str:
    """Wait until watch has built after the last save and then stayed quiet."""
    seen = len(watch.builds)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(QUIET)
        now = len(watch.builds)
        if now == seen:
            return watch.builds[-1]
        seen = now
    raise AssertionError(f"watch never went quiet:\n{watch.transcript()[-4000:]}")


def test_watch_survives_random_saves_and_ends_like_a_clean_build(project: Project) -> None:
    assert BAD_CASES, "no bad cases in tests/cases/bad"
    rng = random.Random(SEED)
    incidents = project.root / "incidents"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    watch = Command(project.root, "watch", "--now", NOW, env=env)
    done: list[str] = []
    try:
        watch.started()
        names = [f"2026-11-20-fuzz-{n}.md" for n in range(6)]
        for number in range(SAVES):
            name = rng.choice(names)
            path = incidents / name
            action = rng.random()
            if action < 0.55:
                _save(path, _good(rng, number), rng.random() < 0.5)
                done.append(f"good {name}")
            elif action < 0.85:
                case = rng.choice(BAD_CASES)
                _save(path, case.read_bytes(), rng.random() < 0.5)
                done.append(f"bad {name} <- {case.name}")
            elif action < 0.95:
                path.unlink(missing_ok=True)
                done.append(f"delete {name}")
            else:
                target = incidents / rng.choice(names)
                if path.exists() and target != path:
                    os.replace(path, target)
                    done.append(f"rename {name} -> {target.name}")
            time.sleep(rng.choice([0, 0, 0.005, 0.02, 0.05]))
            if number % 50 == 49:
                _caught_up(watch)
                assert watch.process.poll() is None, f"watch ended after {done}"
        # Make every file good again: the page must recover by itself.
        for name in names:
            path = incidents / name
            if path.exists():
                _save(path, _good(rng, SAVES), in_place=False)
        done.append("all good")
        last = _caught_up(watch)
        assert watch.process.poll() is None, "watch ended"
        context = f"seed {SEED}; saves: {done[-20:]}\n{watch.transcript()[-3000:]}"
        assert " Published" in last or " Up to date" in last, context
        output = watch.transcript()
        assert "unexpected" not in output and "Traceback" not in output, context
        assert watch.builds.count(last) >= 1
    finally:
        if watch.process.poll() is None:
            watch.process.send_signal(signal.SIGINT)
        watch.kill()  # waits, and closes the pipes
    clean = subprocess.run(
        [sys.executable, "-m", "statusgen", "build", "--now", NOW, "--out", "clean"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert clean.returncode == 0, clean.stderr
    assert _tree(project.site) == _tree(project.root / "clean"), f"seed {SEED}: {done[-20:]}"
