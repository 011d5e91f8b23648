"""The parameters many routes share, as Binance describes them."""

from entrypoints.api.reference.endpoint import Param
from entrypoints.api.reference.shapes import MILLIS, choice, integer, text

SYMBOL_PATTERN = r"^[A-Z0-9_.-]{1,20}$"
SYMBOL = Param(
    "symbol", text(pattern=SYMBOL_PATTERN), "The market, such as BTCUSDT.", required=True,
    example="BTCUSDT",
)  # fmt: skip
ONE_SYMBOL = Param(
    "symbol", text(pattern=SYMBOL_PATTERN),
    "One market: the answer is that market's object. Not with `symbols`.", example="BTCUSDT",
)  # fmt: skip
SYMBOLS = Param(
    "symbols", text(),
    'Several markets as a JSON list, such as ["BTCUSDT","ETHUSDT"]: the answer is a list. '
    "With neither `symbol` nor `symbols`, every market, in a list.",
    example='["BTCUSDT","ETHUSDT"]',
)  # fmt: skip
START_TIME = Param("startTime", MILLIS, "From this time on (ms), inclusive.")
END_TIME = Param("endTime", MILLIS, "Up to this time (ms), inclusive.")


def limit(default: int, maximum: int) -> Param:
    return Param(
        "limit", integer(minimum=1, maximum=maximum),
        f"How many at most; default {default}, at most {maximum}.",
    )  # fmt: skip


def from_id(what: str) -> Param:
    return Param("fromId", integer(minimum=0), f"The {what} id to start from, inclusive.")


ORDER_ID = Param("orderId", integer(minimum=1), "The order's id (or `origClientOrderId`).")
ORIG_CLIENT_ORDER_ID = Param(
    "origClientOrderId", text(), "The order's client id (or `orderId`: one of them is needed)."
)
TIMESTAMP = Param(
    "timestamp", integer(minimum=0), "Now, in milliseconds (SIGNED).", required=True,
    example=1700000000000,
)  # fmt: skip
RECV_WINDOW = Param(
    "recvWindow", integer(minimum=0, maximum=60000),
    "How many ms after `timestamp` the request stays valid; 5000 if not sent.",
)  # fmt: skip
SIGNATURE = Param(
    "signature", text(pattern="^[0-9a-fA-F]{64}$"),
    "HMAC SHA256 (hex) of the parameters sent before it, keyed with your secret; required with "
    "an API key, not sent with a bearer token.",
)  # fmt: skip
SIGNED_PARAMS = (TIMESTAMP, RECV_WINDOW, SIGNATURE)
"""Sent last, after the route's own parameters, by every SIGNED request."""
BOOLEAN_TEXT = choice(["true", "false"])
