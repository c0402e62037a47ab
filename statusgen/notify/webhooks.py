"""POSTing Statuspage's webhook payload, signed the Standard Webhooks way."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from statusgen import __version__
from statusgen.notify.deliver import DeliveryError
from statusgen.notify.signing import sign

# Statuspage counts a 3xx as a failure too: a receiver that moved should be given its new
# address, and a redirected POST turns into a GET that loses the payload.
_AGAIN = {408, 425, 429}  # worth another try, like a 5xx


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, message_id: str, key: bytes | None, timeout: float) -> None:
    """One attempt. The timestamp is the moment of sending, as receivers reject old ones; the
    id stays the same for every attempt and every run, so a receiver can drop a repeat."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"statusgen/{__version__} (notify)",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
    }
    if key is not None:
        headers["webhook-signature"] = sign(key, message_id, timestamp, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        code = exc.code
        exc.close()
        permanent = code < 500 and code not in _AGAIN
        if 300 <= code < 400:
            where = exc.headers.get("Location", "")
            raise DeliveryError(
                f"the receiver answered {code} {exc.reason}, pointing elsewhere"
                f"{f' ({where})' if where else ''}: a webhook is not redirected, since its "
                "payload would be lost. Ask the receiver's owner which address to use; a "
                "changed `url` is a new webhook, which starts from the next update",
                permanent=True,
            ) from None
        raise DeliveryError(f"the receiver answered {code} {exc.reason}", permanent) from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout:g} seconds") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DeliveryError(f"no answer within {timeout:g} seconds") from None
        raise DeliveryError(f"could not connect: {_why(reason)}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"the connection failed: {_why(exc)}") from None


def _why(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)
