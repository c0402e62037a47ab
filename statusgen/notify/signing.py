"""Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`
with the secret a receiver holds. The scheme is three lines of the standard library; its
reference package would bring an HTTP client along, so the tests verify with it instead."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

PREFIX = "whsec_"


class SecretError(ValueError):
    """The secret is not in the form receivers use."""


def secret_bytes(secret: str) -> bytes:
    """`whsec_` and base64, as receivers are given it; the prefix may be left off."""
    try:
        key = base64.b64decode(secret.strip().removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise SecretError(
            "is not a Standard Webhooks secret: it should be `whsec_` followed by base64, "
            'e.g. made with `python3 -c "import os, base64; '
            "print('whsec_' + base64.b64encode(os.urandom(32)).decode())\"`"
        ) from None
    if len(key) < 16:
        raise SecretError("is too short to be safe: use at least 16 random bytes (24 in base64)")
    return key


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")
