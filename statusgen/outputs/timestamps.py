"""Moments as machines read them: in `<time datetime>`, feeds, the API and page keys."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(moment: datetime) -> str:
    """`2026-11-20T14:50:00Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
