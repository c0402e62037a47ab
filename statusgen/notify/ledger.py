"""What each channel has been sent: `notified.json`, meant to be committed, and beside it a
journal that records every delivery the moment it is made.

Rewriting the whole ledger after each of ten thousand mails would cost time in the square of
the subscribers, so each delivery is one line appended to the journal and flushed to the disk
before the next is made: a crash can then repeat only the one delivery in flight. The journal
is folded into the ledger, which is replaced in one step, after every update is done for a
channel, and at the start of the next run if a crash left one behind."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from statusgen.atomic import write_atomic
from statusgen.digest import digest

FORMAT = 1
_STAMP = re.compile(r"#(?:update|reminder)-(\d{8}T\d{6}Z)")
ABOUT = (
    "What `statusgen notify` has sent, channel by channel: commit this file with the site, "
    "so that no update is ever sent twice. Do not edit it by hand."
)


class LedgerError(Exception):
    """The ledger cannot be read: sending anything now could repeat what was sent."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def journal_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".journal")


def recipient_key(address: str) -> str:
    """Addresses are not written into a file meant to be committed; a digest tells them apart."""
    return digest(address.casefold())


@dataclass
class Ledger:
    path: Path
    existed: bool
    sent: dict[str, set[str]] = field(default_factory=dict)
    # An update a channel has sent to some of its recipients only (a run stopped part way).
    partly: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _journal: int | None = None

    @classmethod
    def open(cls, path: Path) -> Ledger:
        """The ledger with any journal a crashed run left folded in (not yet saved)."""
        ledger = cls(path, path.exists())
        if ledger.existed:
            ledger._read()
        journal = journal_path(path)
        if journal.exists():
            ledger.existed = True
            ledger._replay(journal)
        return ledger

    def knows(self, channel: str) -> bool:
        return channel in self.sent

    def has(self, channel: str, key: str) -> bool:
        return key in self.sent.get(channel, ())

    def latest(self, channel: str) -> datetime | None:
        """The newest moment among the updates and reminders the channel has had (their keys
        end in their time, `…#update-20261120T144000Z`)."""
        times = (_STAMP.search(key) for key in self.sent.get(channel, ()))
        found = max((t.group(1) for t in times if t is not None), default=None)
        return datetime.strptime(found, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if found else None

    def reached(self, channel: str, key: str) -> set[str]:
        """The recipients (as `recipient_key`s) an update has already reached."""
        return self.partly.get(channel, {}).get(key, set())

    def keep(self, channels: set[str]) -> None:
        """Forget channels no longer configured: one added back starts from that moment."""
        for gone in (self.sent.keys() | self.partly.keys()) - channels:
            self.sent.pop(gone, None)
            self.partly.pop(gone, None)

    def record(self, channel: str, keys: list[str]) -> None:
        """Count these as sent without sending them (a new channel starts from now)."""
        self.sent.setdefault(channel, set()).update(keys)

    def delivered(self, channel: str, key: str, recipient: str = "") -> None:
        """One delivery made: on the disk before the next one starts."""
        if recipient:
            self.partly.setdefault(channel, {}).setdefault(key, set()).add(recipient)
        else:
            self._done(channel, key)
        self._append({"channel": channel, "update": key, "to": recipient})

    def finished(self, channel: str, key: str) -> None:
        """Every recipient of the update has it."""
        self._done(channel, key)
        self._append({"channel": channel, "update": key, "to": ""})

    def _done(self, channel: str, key: str) -> None:
        self.sent.setdefault(channel, set()).add(key)
        self.partly.get(channel, {}).pop(key, None)

    def save(self) -> None:
        """Replace the ledger in one step, then drop the journal it now holds."""
        channels: dict[str, Any] = {}
        for channel in sorted(self.sent.keys() | self.partly.keys()):
            entry: dict[str, Any] = {"sent": sorted(self.sent.get(channel, ()))}
            partly = {k: sorted(v) for k, v in sorted(self.partly.get(channel, {}).items()) if v}
            if partly:
                entry["partly"] = partly
            channels[channel] = entry
        data = {"about": ABOUT, "format": FORMAT, "channels": channels}
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
        self.close()
        journal_path(self.path).unlink(missing_ok=True)
        self.existed = True

    @property
    def journaled(self) -> bool:
        """Deliveries were recorded since the ledger was last saved."""
        return self._journal is not None

    def close(self) -> None:
        if self._journal is not None:
            os.close(self._journal)
            self._journal = None

    def _append(self, entry: dict[str, str]) -> None:
        if self._journal is None:
            self._journal = os.open(
                journal_path(self.path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
            )
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        os.write(self._journal, line.encode("utf-8"))  # one write: a line is whole or absent
        os.fsync(self._journal)

    def _read(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise LedgerError(
                self.path,
                exc.lineno,
                f"is not valid JSON ({exc.msg}): restore it from version control (`git "
                f"checkout -- {self.path.name}`); without it, `notify` cannot tell what was "
                "already sent",
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LedgerError(self.path, 1, f"cannot read the ledger: {exc}") from None
        channels = data.get("channels") if isinstance(data, dict) else None
        if not isinstance(channels, dict) or data.get("format") != FORMAT:
            raise LedgerError(
                self.path,
                1,
                "is not a ledger statusgen wrote: restore it from version control, or move it "
                "away to start again from now (nothing is sent for updates made before)",
            )
        for channel, entry in channels.items():
            sent = entry.get("sent") if isinstance(entry, dict) else None
            partly = entry.get("partly", {}) if isinstance(entry, dict) else None
            if (
                not isinstance(sent, list)
                or not isinstance(partly, dict)
                or not all(isinstance(k, str) for k in sent)
                or not all(isinstance(v, list) for v in partly.values())
            ):
                raise LedgerError(
                    self.path,
                    1,
                    f"channel `{channel}` is damaged: restore the ledger from version control",
                )
            self.sent[channel] = set(sent)
            if partly:
                self.partly[channel] = {k: set(map(str, v)) for k, v in partly.items()}

    def _replay(self, journal: Path) -> None:
        """A crashed run's deliveries. A line cut short by the crash was not written whole, and
        so its delivery counts as not made: that is the one that may be repeated."""
        for raw in journal.read_bytes().splitlines():
            try:
                entry = json.loads(raw)
                channel, key, to = entry["channel"], entry["update"], entry["to"]
            except (ValueError, KeyError, TypeError):
                continue
            if not isinstance(channel, str) or not isinstance(key, str):
                continue
            if to:
                self.partly.setdefault(channel, {}).setdefault(key, set()).add(str(to))
            else:
                self._done(channel, key)
