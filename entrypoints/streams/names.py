"""Binance stream names: which are valid, and what each one asks for."""

import re

from attrs import frozen

from domain.candles import Interval

INTERVALS = "|".join(re.escape(interval.value) for interval in Interval)
STREAM = re.compile(
    r"^(?P<symbol>[a-z0-9]+)@(?P<kind>trade|aggTrade|miniTicker|ticker|bookTicker"
    rf"|kline_(?P<interval>{INTERVALS})"
    r"|depth(?P<levels>5|10|20)?(?P<fast>@100ms)?)$"
)
ALL_MINI_TICKERS = "!miniTicker@arr"


@frozen
class Stream:
    name: str
    symbol: str  # upper case, as markets are named; empty for all-market streams
    kind: str  # trade, aggTrade, kline, miniTicker, ticker, bookTicker, depth, partialDepth
    interval: Interval | None = None
    levels: int = 0
    fast: bool = False  # every 100 ms rather than every second


def parse_stream(name: str, symbols: set[str]) -> Stream | None:
    """The stream `name` asks for, or None if it is no stream of this exchange."""
    if name == ALL_MINI_TICKERS:
        return Stream(name, "", "miniTicker")
    found = STREAM.match(name)
    if found is None or found["symbol"].upper() not in symbols:
        return None
    kind = found["kind"]
    symbol = found["symbol"].upper()
    if found["interval"]:
        return Stream(name, symbol, "kline", Interval(found["interval"]))
    if kind.startswith("depth"):
        levels = int(found["levels"] or 0)
        return Stream(
            name, symbol, "partialDepth" if levels else "depth", None, levels, bool(found["fast"])
        )
    return Stream(name, symbol, kind)
