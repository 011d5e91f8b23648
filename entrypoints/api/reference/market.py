"""The market data routes (MarketController), as Binance's reference describes them."""

from domain.candles import Interval
from domain.market_status import MarketStatus
from domain.orders import SelfTradePrevention
from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import (
    END_TIME,
    ONE_SYMBOL,
    START_TIME,
    SYMBOL,
    SYMBOLS,
    from_id,
    limit,
)
from entrypoints.api.reference.refusals import (
    BAD_COMBINATION,
    BAD_INTERVAL,
    BAD_SYMBOL,
    ILLEGAL,
    MANDATORY,
    PUBLIC,
)
from entrypoints.api.reference.shapes import (
    EMPTY,
    MILLIS,
    array,
    boolean,
    choice,
    decimal,
    either,
    integer,
    obj,
    text,
)
from entrypoints.api.reference.shapes import (
    SYMBOL as SYMBOL_NAME,
)

PING = Endpoint(
    "Test connectivity", Access.NONE, 1, params=(), refusals=PUBLIC,
    answer=Answer(EMPTY, "An empty object.", {}),
)  # fmt: skip
SERVER_TIME = Endpoint(
    "Check server time", Access.NONE, 1, params=(), refusals=PUBLIC,
    answer=Answer(obj(serverTime=MILLIS), "The server's time.", {"serverTime": 1700000000000}),
)  # fmt: skip

_FILTER = obj(
    "One of the market's filters; its other fields depend on its type.",
    filterType=choice([
        "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL", "PERCENT_PRICE_BY_SIDE",
        "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS", "TRAILING_DELTA", "ICEBERG_PARTS",
        "MAX_NUM_ICEBERG_ORDERS", "MAX_NUM_ORDER_LISTS",
    ]),
)  # fmt: skip
_SYMBOL_INFO = obj(
    symbol=SYMBOL_NAME, status=text("TRADING, or BREAK while the market is halted."),
    baseAsset=text(), baseAssetPrecision=integer(), quoteAsset=text(), quotePrecision=integer(),
    quoteAssetPrecision=integer(), orderTypes=array(text()), filters=array(_FILTER),
    isSpotTradingAllowed=boolean(), cancelReplaceAllowed=boolean(), amendAllowed=boolean(),
    allowedSelfTradePreventionModes=array(choice(SelfTradePrevention)),
)  # fmt: skip
_RATE_LIMIT = obj(rateLimitType=text(), interval=text(), intervalNum=integer(), limit=integer())
EXCHANGE_INFO = Endpoint(
    "Exchange information", Access.NONE, 20,
    description="The markets with their filters (tick size, lot size, notional), and the "
    "request weight allowed per minute.",
    params=(
        ONE_SYMBOL, SYMBOLS,
        Param("permissions", text(), "Accepted as on Binance; every market is SPOT."),
        Param("showPermissionSets", text(), "Accepted as on Binance; changes nothing."),
        Param(
            "symbolStatus", choice(MarketStatus),
            "Only the markets of this status; not with `symbol` or `symbols`.",
        ),
    ),
    refusals=(*PUBLIC, ILLEGAL, BAD_SYMBOL),
    answer=Answer(
        obj(
            timezone=text(), serverTime=MILLIS, rateLimits=array(_RATE_LIMIT),
            exchangeFilters=array(obj()), symbols=array(_SYMBOL_INFO),
        ),
        "The exchange's rules and its markets.",
    ),
)  # fmt: skip

_LEVEL = array(decimal(), "[price, quantity]")
DEPTH = Endpoint(
    "Order book", Access.NONE, "5 (limit ≤ 100), 25 (≤ 500), 50 (≤ 1000), 250 (≤ 5000)",
    params=(SYMBOL, limit(100, 5000)),
    refusals=(*PUBLIC, ILLEGAL, MANDATORY, BAD_SYMBOL),
    answer=Answer(
        obj(lastUpdateId=integer(), bids=array(_LEVEL), asks=array(_LEVEL)),
        "The best bids (highest first) and asks (lowest first).",
        {"lastUpdateId": 3, "bids": [["60000.00", "0.5"]], "asks": [["60010.00", "0.3"]]},
    ),
)  # fmt: skip

_TRADE = obj(
    id=integer(minimum=1), price=decimal(), qty=decimal(), quoteQty=decimal(), time=MILLIS,
    isBuyerMaker=boolean(), isBestMatch=boolean(),
)  # fmt: skip
_TRADES = Answer(array(_TRADE), "The trades, oldest first.")
_TRADE_REFUSALS = (*PUBLIC, ILLEGAL, MANDATORY, BAD_SYMBOL)
RECENT_TRADES = Endpoint(
    "Recent trades list", Access.NONE, 25, params=(SYMBOL, limit(500, 1000)),
    refusals=_TRADE_REFUSALS, answer=_TRADES,
)  # fmt: skip
HISTORICAL_TRADES = Endpoint(
    "Old trade lookup", Access.NONE, 25, params=(SYMBOL, limit(500, 1000), from_id("trade")),
    refusals=_TRADE_REFUSALS, answer=_TRADES,
)  # fmt: skip

_AGGREGATE = obj(
    a=integer(description="Aggregate trade id."), p=decimal("Price."), q=decimal("Quantity."),
    f=integer(description="First trade id."), l=integer(description="Last trade id."),
    T=MILLIS, m=boolean("Was the buyer the maker?"), M=boolean("Was it the best price match?"),
)  # fmt: skip
AGGREGATE_TRADES = Endpoint(
    "Compressed/Aggregate trades list", Access.NONE, 4,
    description="Trades of one taker order at one price, summed. `fromId` cannot be sent with "
    "`startTime` or `endTime`.",
    params=(SYMBOL, from_id("aggregate trade"), START_TIME, END_TIME, limit(500, 1000)),
    refusals=(*_TRADE_REFUSALS, BAD_COMBINATION),
    answer=Answer(array(_AGGREGATE), "The aggregate trades, oldest first."),
)  # fmt: skip

KLINES = Endpoint(
    "Kline/Candlestick data", Access.NONE, 2,
    params=(
        SYMBOL,
        Param("interval", choice(Interval), "The candle's length.", required=True, example="1m"),
        START_TIME, END_TIME, limit(500, 1000),
        Param("timeZone", text(), "Accepted as on Binance; candles are in UTC."),
    ),
    refusals=(*_TRADE_REFUSALS, BAD_INTERVAL),
    answer=Answer(
        array(array(either(integer(), decimal()))),
        "Candles, oldest first: [open time, open, high, low, close, volume, close time, quote "
        "volume, trades, taker buy volume, taker buy quote volume, \"0\"].",
    ),
)  # fmt: skip

_SELECTION = (ONE_SYMBOL, SYMBOLS)
_SELECTION_REFUSALS = (*PUBLIC, ILLEGAL, BAD_SYMBOL)


def _one_or_list(item: Answer) -> Answer:
    assert item.schema is not None
    return Answer(
        either(item.schema, array(item.schema)),
        f"{item.description} One object for `symbol`, else a list.",
    )


_TICKER = obj(
    symbol=SYMBOL_NAME, priceChange=text(), priceChangePercent=text(),
    weightedAvgPrice=decimal(), prevClosePrice=decimal(), lastPrice=decimal(),
    lastQty=decimal(), bidPrice=decimal(), bidQty=decimal(), askPrice=decimal(),
    askQty=decimal(), openPrice=decimal(), highPrice=decimal(), lowPrice=decimal(),
    volume=decimal(), quoteVolume=decimal(), openTime=MILLIS, closeTime=MILLIS,
    firstId=integer(), lastId=integer(), count=integer(minimum=0),
)  # fmt: skip
TICKER_24H = Endpoint(
    "24hr ticker price change statistics", Access.NONE, 2,
    params=(*_SELECTION, Param("type", choice(["FULL", "MINI"]), "Accepted; always FULL.")),
    refusals=_SELECTION_REFUSALS,
    answer=_one_or_list(Answer(_TICKER, "The last 24 hours' statistics.")),
)  # fmt: skip
TICKER_PRICE = Endpoint(
    "Symbol price ticker", Access.NONE, 2, params=_SELECTION, refusals=_SELECTION_REFUSALS,
    answer=_one_or_list(Answer(obj(symbol=SYMBOL_NAME, price=decimal()), "The last price.")),
)  # fmt: skip
_BOOK_TICKER = obj(
    symbol=SYMBOL_NAME, bidPrice=decimal(), bidQty=decimal(), askPrice=decimal(),
    askQty=decimal(),
)  # fmt: skip
BOOK_TICKER = Endpoint(
    "Symbol order book ticker", Access.NONE, 2, params=_SELECTION, refusals=_SELECTION_REFUSALS,
    answer=_one_or_list(Answer(_BOOK_TICKER, "The best bid and ask.")),
)  # fmt: skip
AVERAGE_PRICE = Endpoint(
    "Current average price", Access.NONE, 2, params=(SYMBOL,),
    refusals=(*PUBLIC, ILLEGAL, MANDATORY, BAD_SYMBOL),
    answer=Answer(
        obj(mins=integer(), price=decimal(), closeTime=MILLIS),
        "The average price of the last 5 minutes' trades.",
    ),
)  # fmt: skip
