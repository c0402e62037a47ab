#!/usr/bin/env python3
"""Set up everything statusgen needs on a fresh machine, then serve the example or run the tests.

    python3 dev.py serve [statusgen serve options]   build the example site, serve it on :8000
    python3 dev.py test [pytest options]             ruff, mypy --strict, import contracts, tests

Only Python 3.11+ is required. The Nu HTML checker tests also need Java and npm, and the browser
tests Chromium (/usr/bin/chromium) and npm; without them those tests are skipped and say so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
TOOLS = ROOT / ".tools"
# statuscheck pins click 7.1, attrs 20.3 and httpx 0.16: in .venv they would hold back the test
# tools (import-linter among them), so it has a virtual environment of its own.
STATUSCHECK_VENV = TOOLS / "statuscheck-venv"
STATUSCHECK = "statuscheck==3.11.0"
# The example is a snapshot taken during an outage; pinning its clock keeps the demo honest
# about what it shows instead of calling every promised update weeks overdue.
EXAMPLE_NOW = "2026-11-20T14:50:00Z"


def run(*command: str | Path) -> None:
    result = subprocess.run([str(c) for c in command], cwd=ROOT)
    if result.returncode:
        raise SystemExit(result.returncode)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must greet an old Python kindly
        raise SystemExit("statusgen needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".statusgen-installed"
    if not stamp.exists() or wanted not in stamp.read_text().split():
        print(f"Installing statusgen{extras} into .venv ...", flush=True)
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f".{extras}")
        stamp.write_text(f"{stamp.read_text() if stamp.exists() else ''} {wanted}")


def ensure_web_tools() -> None:
    """The Nu HTML checker, axe-core and two clients written for Atlassian Statuspage, from
    npm into .tools/."""
    if not Path("/usr/bin/chromium").exists():
        print(
            "Note: /usr/bin/chromium is missing, so the browser tests will be skipped "
            "(Debian: apt-get install chromium)."
        )
    wanted = [
        TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
        TOOLS / "node_modules" / "axe-core" / "axe.min.js",
        TOOLS / "node_modules" / "statuspage.io" / "dist" / "index.js",
        TOOLS / "node_modules" / "@statuspage" / "status-widget" / "dist" / "index.js",
    ]
    if all(path.exists() for path in wanted):
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            "Note: npm is missing, so the HTML checker, accessibility and Statuspage client "
            "tests will be skipped."
        )
        return
    print(
        "Installing the Nu HTML checker, axe-core and Statuspage clients into .tools ...",
        flush=True,
    )
    run(
        npm,
        "install",
        "--no-fund",
        "--no-audit",
        "--silent",
        "--prefix",
        TOOLS,
        "vnu-jar",
        "axe-core",
        "statuspage.io@3.3.8",  # 3.4 needs a newer Node than Debian's 20
        "@statuspage/status-widget",
    )
    if shutil.which("java") is None:
        print("Note: Java is missing, so the Nu HTML checker tests will be skipped.")


def ensure_statuscheck() -> None:
    """PyPI statuscheck, a client written for Atlassian Statuspage, in its own virtual
    environment under .tools/, run by the tests as a separate process."""
    python = STATUSCHECK_VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
    stamp = STATUSCHECK_VENV / ".statusgen-installed"
    if stamp.exists() and stamp.read_text().strip() == STATUSCHECK and python.exists():
        return
    if sys.version_info >= (3, 13):
        print(
            "Note: statuscheck's pinned httpx 0.16 imports `cgi`, gone in Python 3.13, so the "
            "statuscheck tests will be skipped."
        )
        return
    print(f"Installing {STATUSCHECK} into {STATUSCHECK_VENV.relative_to(ROOT)} ...", flush=True)
    try:
        if not python.exists():
            venv.create(STATUSCHECK_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", STATUSCHECK], cwd=ROOT, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"Note: statuscheck could not be installed ({exc}), so its tests will be skipped.")
        return
    stamp.write_text(STATUSCHECK)


def serve(arguments: list[str]) -> None:
    ensure_venv("")
    os.execv(
        BIN / "statusgen",
        [
            str(BIN / "statusgen"),
            "serve",
            "--config",
            str(ROOT / "statusgen.toml"),
            "--now",
            EXAMPLE_NOW,
            *arguments,
        ],
    )


def test(arguments: list[str]) -> None:
    ensure_venv("[test]")
    ensure_web_tools()
    ensure_statuscheck()
    checked = ("statusgen", "tests", "bench", "docs", "dev.py")
    run(BIN / "ruff", "check", *checked)
    run(BIN / "ruff", "format", "--check", *checked)
    run(BIN / "mypy", "--strict", "statusgen")
    run(BIN / "lint-imports")  # the layers declared in pyproject.toml
    run(BIN / "python", "-m", "pytest", *arguments)


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
