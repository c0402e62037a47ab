"""Trying a delivery again, a bounded number of times with growing pauses, and the error that
says in words why it did not arrive."""

from __future__ import annotations

import time
from collections.abc import Callable

FIRST_PAUSE = 1.0  # seconds; doubled after each failed attempt


class DeliveryError(Exception):
    """A delivery did not arrive. `permanent`: trying again in this run would not help (a
    refused password, an address the server does not know); the update stays unsent."""

    def __init__(
        self, reason: str, permanent: bool = False, refused: bool = False, recipient: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent or refused
        # The mail server refused this one address for good: the others still get theirs.
        self.refused = refused
        # It concerns this one address only (refused for good, or for now): the others are
        # still sent to.
        self.recipient = recipient or refused


def attempt(send: Callable[[], None], tries: int, pause: float = FIRST_PAUSE) -> int:
    """Call `send` until it succeeds, at most `tries` times; the attempts it took. The last
    failure is raised with how many attempts were made."""
    for number in range(1, tries + 1):
        try:
            send()
            return number
        except DeliveryError as exc:
            if exc.permanent or number == tries:
                if number > 1:
                    exc.reason += f" ({number} attempts)"
                raise
        time.sleep(pause)
        pause *= 2
    raise AssertionError("unreachable: tries is at least 1")
