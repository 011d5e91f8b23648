"""Binance's request signature: HMAC-SHA256 of the query string followed by the body."""

import hashlib
import hmac


def sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def is_valid(secret: str, payload: str, signature: str) -> bool:
    # As bytes: compare_digest refuses a str holding anything but ASCII, which a client can send.
    return hmac.compare_digest(sign(secret, payload).encode(), signature.lower().encode())
