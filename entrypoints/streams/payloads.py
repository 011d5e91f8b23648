"""Market stream payloads in Binance's shapes; amounts as decimal strings."""

from typing import Any

from application.market_data import BookTicker
from domain.candles import Candle, Interval
from domain.events import MarketStatusChanged, Trade
from domain.markets import Market
from domain.ticker import TickerStats
from entrypoints.api.formats import price, quantity, ticker_24h

Json = dict[str, Any]


def trade(market: Market, event: Trade, event_time: int) -> Json:
    return {
        "e": "trade",
        "E": event_time,
        "s": market.symbol,
        "t": event.trade_id,
        "p": price(market, event.price),
        "q": quantity(market, event.quantity),
        "T": event.timestamp,
        "m": event.buyer_is_maker,
        "M": True,
    }


def market_status(event: MarketStatusChanged, event_time: int) -> Json:
    """The market's new status, as exchangeInfo's `status` tells it; the operator's reason is
    for the record, not for the public."""
    return {"e": "marketStatus", "E": event_time, "s": event.symbol, "X": event.status.value,
            "T": event.timestamp}  # fmt: skip


def aggregate_trade(market: Market, trades: list[Trade], event_time: int) -> Json:
    """Fills of one taker at one price, as one aggregate trade named by its first trade."""
    first, last = trades[0], trades[-1]
    return {
        "e": "aggTrade",
        "E": event_time,
        "s": market.symbol,
        "a": first.trade_id,
        "p": price(market, first.price),
        "q": quantity(market, sum(t.quantity for t in trades)),
        "f": first.trade_id,
        "l": last.trade_id,
        "T": first.timestamp,
        "m": first.buyer_is_maker,
        "M": True,
    }


def kline(
    market: Market, interval: Interval, candle: Candle, closed: bool, event_time: int
) -> Json:
    return {
        "e": "kline",
        "E": event_time,
        "s": market.symbol,
        "k": {
            "t": candle.open_time,
            "T": candle.close_time,
            "s": market.symbol,
            "i": interval.value,
            "f": candle.first_trade_id,
            "L": candle.last_trade_id,
            "o": price(market, candle.open),
            "c": price(market, candle.close),
            "h": price(market, candle.high),
            "l": price(market, candle.low),
            "v": quantity(market, candle.volume),
            "n": candle.trades,
            "x": closed,
            "q": price(market, candle.quote_volume),
            "V": quantity(market, candle.taker_buy_volume),
            "Q": price(market, candle.taker_buy_quote_volume),
            "B": "0",
        },
    }


def mini_ticker(market: Market, stats: TickerStats, event_time: int) -> Json:
    return {
        "e": "24hrMiniTicker",
        "E": event_time,
        "s": market.symbol,
        "c": price(market, stats.last_price),
        "o": price(market, stats.open_price),
        "h": price(market, stats.high_price),
        "l": price(market, stats.low_price),
        "v": quantity(market, stats.volume),
        "q": price(market, stats.quote_volume),
    }


def ticker(market: Market, stats: TickerStats, book: BookTicker, event_time: int) -> Json:
    rest = ticker_24h(market, stats, book)
    return {
        "e": "24hrTicker",
        "E": event_time,
        "s": market.symbol,
        "p": rest["priceChange"],
        "P": rest["priceChangePercent"],
        "w": rest["weightedAvgPrice"],
        "x": rest["prevClosePrice"],
        "c": rest["lastPrice"],
        "Q": rest["lastQty"],
        "b": rest["bidPrice"],
        "B": rest["bidQty"],
        "a": rest["askPrice"],
        "A": rest["askQty"],
        "o": rest["openPrice"],
        "h": rest["highPrice"],
        "l": rest["lowPrice"],
        "v": rest["volume"],
        "q": rest["quoteVolume"],
        "O": rest["openTime"],
        "C": rest["closeTime"],
        "F": rest["firstId"],
        "L": rest["lastId"],
        "n": rest["count"],
    }


def book_ticker(market: Market, update_id: int, book: BookTicker) -> Json:
    return {
        "u": update_id,
        "s": market.symbol,
        "b": price(market, book.bid_price),
        "B": quantity(market, book.bid_quantity),
        "a": price(market, book.ask_price),
        "A": quantity(market, book.ask_quantity),
    }


def levels(market: Market, changed: dict[int, int]) -> list[list[str]]:
    return [[price(market, p), quantity(market, v)] for p, v in changed.items()]


def depth_update(
    market: Market,
    first: int,
    last: int,
    bids: dict[int, int],
    asks: dict[int, int],
    event_time: int,
) -> Json:
    return {
        "e": "depthUpdate",
        "E": event_time,
        "s": market.symbol,
        "U": first,
        "u": last,
        "b": levels(market, bids),
        "a": levels(market, asks),
    }


def partial_depth(
    market: Market, last_update_id: int, bids: list[tuple[int, int]], asks: list[tuple[int, int]]
) -> Json:
    return {
        "lastUpdateId": last_update_id,
        "bids": [[price(market, p), quantity(market, v)] for p, v in bids],
        "asks": [[price(market, p), quantity(market, v)] for p, v in asks],
    }
