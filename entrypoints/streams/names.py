"""Binance stream names: which ones this exchange serves; `<symbol>@marketStatus`, a market's
status changes, is this exchange's own (Binance tells them only in exchangeInfo)."""

import re

from domain.candles import Interval

INTERVALS = "|".join(re.escape(interval.value) for interval in Interval)
STREAM = re.compile(
    r"^(?P<symbol>[a-z0-9]+)@(trade|aggTrade|miniTicker|ticker|bookTicker|marketStatus"
    rf"|kline_({INTERVALS})|depth(5|10|20)?(@100ms)?)$"
)
ALL_MINI_TICKERS = "!miniTicker@arr"


def user_channel(account_id: int) -> str:
    """The channel of an account's user data."""
    return f"user:{account_id}"


def is_stream(name: str, symbols: set[str]) -> bool:
    """Whether `name` is a stream of one of `symbols` (upper case, as markets are named)."""
    if name == ALL_MINI_TICKERS:
        return True
    found = STREAM.match(name)
    return found is not None and found["symbol"].upper() in symbols
