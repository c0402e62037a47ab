#!/usr/bin/env python3
"""How fast `statusgen notify` mails an update to N subscribers over one SMTP connection.

    .venv/bin/python bench/notify_mail.py 10000 [--runs 3] [--incidents 0]

A real SMTP server (aiosmtpd, from the test tools) runs in this process on 127.0.0.1 and only
counts what it receives; `statusgen notify` runs as a process of its own, as from CI. Each run:
`build` and a first `notify` record history, one `update` is added and built, and the second
`notify` is timed: it
renders the mail, sends one message to every subscriber and records each delivery in the
journal (flushed to the disk) before the next. Printed: seconds, messages per second, and the
notify process's peak memory. `--incidents` adds that many resolved incidents (bench.py's
generated site) to see what a large history costs a run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-20T14:50:00Z"

CONFIG = """\
[site]
title = "Bench Status"
base_url = "https://status.bench.test/"
contact = "mailto:help@bench.test"

[[components]]
id = "checkout"
name = "Checkout"

[notify]

[notify.email]
smtp = "smtp://127.0.0.1:{port}"
from = "Bench Status <status@bench.test>"
subscribers = "subscribers.txt"
"""

INCIDENT = """\
---
title: Card payments failing at checkout
impact: major
components: [checkout]
started: 2026-11-20T14:10:00Z
---

## Problem
Some customers cannot pay by card at checkout.

## Cause
We are still looking for the cause.

## Restore time
We will give an estimate within the hour.

## Prevention plan
- [ ] Find what failed

## Updates

### 2026-11-20 14:10 UTC — Investigating
We are looking into failed card payments.
"""


class Counting:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def statusgen(folder: Path, *args: str) -> tuple[float, int]:
    """Seconds, and this process's own peak memory in MB (wait4 gives its usage alone)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "statusgen", *args, "--now", NOW],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"statusgen {' '.join(args)} failed:\n{err.decode()}")
    return seconds, usage.ru_maxrss // 1024


def one_run(count: int, incidents: int, port: int, handler: Counting) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if incidents:
            sys.path.insert(0, str(ROOT / "bench"))
            from bench import make_site  # the generated site of bench.py

            make_site(folder, incidents)
            config = (folder / "statusgen.toml").read_text().replace("{", "{{").replace("}", "}}")
            config += "\n[notify]" + CONFIG.split("[notify]", 1)[1]
        else:
            config = CONFIG
        (folder / "statusgen.toml").write_text(config.format(port=port))
        (folder / "incidents").mkdir(exist_ok=True)
        (folder / "incidents" / "2026-11-20-card-payments.md").write_text(INCIDENT)
        (folder / "subscribers.txt").write_text(
            "".join(f"subscriber{n:05}@customer.test\n" for n in range(count))
        )
        # As from CI: build (which keeps the parsed incidents for the next run), then notify.
        statusgen(folder, "build")
        statusgen(folder, "notify")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "statusgen",
                "update",
                "2026-11-20-card-payments",
                "--status",
                "identified",
                "We found the cause and are undoing the change.",
                "--now",
                "2026-11-20T14:40:00Z",
            ],
            cwd=folder,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        statusgen(folder, "build")
        handler.messages = 0
        seconds, peak = statusgen(folder, "notify")
        if handler.messages != count:
            raise SystemExit(f"the server received {handler.messages} of {count} messages")
        shutil.rmtree(folder / "site", ignore_errors=True)
        return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="+", type=int, help="subscribers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--incidents", type=int, default=0)
    args = parser.parse_args()
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    try:
        for count in args.counts:
            runs = [one_run(count, args.incidents, port, handler) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            print(
                f"{count} subscribers: {seconds:.2f} s for the run (median of {args.runs}), "
                f"{count / seconds:.0f} messages/s, peak memory {peak} MB"
            )
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


if __name__ == "__main__":
    main()
