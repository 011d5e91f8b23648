"""Public market data: /api/v3/ping, time, exchangeInfo, depth, trades, klines and tickers."""

import hashlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from application.market_data import MarketData
from application.snapshot_ports import Cache
from domain.candles import Interval
from domain.market_status import MarketStatus
from entrypoints.api import formats
from entrypoints.api.errors import ApiError, illegal, mandatory
from entrypoints.api.params import Params
from entrypoints.api.reference import market as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)
INVALID_INTERVAL = ApiError(-1120, "Invalid interval.")
EXCHANGE_INFO_TTL_MS = 60_000
TICKER_TTL_MS = 1000


def _depth_weight(limit: int) -> int:
    return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250


def _symbols(params: Params, market_data: MarketData) -> tuple[list[str], bool]:
    """The symbols asked for by `symbol=X` or `symbols=["X","Y"]`, or all of them; and
    whether one object (not a list) is to be answered."""
    single, many = params.text("symbol"), params.text("symbols")
    if single and many:
        raise ApiError(-1101, "Parameter 'symbol' and 'symbols' cannot be sent together.")
    if single:
        market_data.market(single)
        return [single], True
    if many:
        try:
            # Typed, the decoder refuses a nested list at its first bracket, however deep.
            names = msgspec.json.decode(many, type=list[str])
        except msgspec.DecodeError:
            raise ApiError(-1100, "Illegal characters found in parameter 'symbols'.") from None
        for name in names:
            market_data.market(name)
        return names, False
    return [market.symbol for market in market_data.markets()], False


async def _asked_symbols(
    request: AnyRequest, services: Services, *ignored: str
) -> tuple[list[str], bool]:
    params = await services.gate.public(request, 2)
    symbols, single = _symbols(params, services.market_data)
    params.ignore(*ignored)
    params.check_all_read()
    return symbols, single


async def _per_symbol(
    symbols: list[str], single: bool, render: Callable[[str], Awaitable[dict[str, Any]]]
) -> dict[str, Any] | list[dict[str, Any]]:
    """One object for `symbol=X`, a list for `symbols=[...]` or for every market."""
    found = [await render(symbol) for symbol in symbols]
    return found[0] if single else found


async def _cached(
    cache: Cache, key: str, ttl_ms: int, answer: Callable[[], Awaitable[object]]
) -> bytes:
    """The answer as JSON, from the cache or else computed and kept."""
    found = await cache.get(key)
    if found is None:
        found = msgspec.json.encode(await answer())
        await cache.put(key, found, ttl_ms)
    return found


async def _public_trades(
    request: AnyRequest, services: Services, older: bool
) -> list[dict[str, Any]]:
    """The latest trades, or with `fromId` (historicalTrades only) those from that id on."""
    params = await services.gate.public(request, 25)
    symbol = params.required_text("symbol")
    limit = params.integer("limit", minimum=1, maximum=1000) or 500
    from_id = params.integer("fromId", minimum=0) if older else None
    params.check_all_read()
    market = services.market_data.market(symbol)
    trades = await services.market_data.trades(symbol, from_id=from_id, limit=limit)
    return [formats.public_trade(market, t) for t in trades]


class MarketController(Controller):
    path = "/api/v3"
    tags = ["Market data"]

    @get("/ping", operation_id="ping", operation_class=documented(reference.PING))
    async def ping(
        self, services: NamedDependency[Services], request: AnyRequest
    ) -> dict[str, Any]:
        (await services.gate.public(request)).check_all_read()
        return {}

    @get("/time", operation_id="serverTime", operation_class=documented(reference.SERVER_TIME))
    async def time(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        (await services.gate.public(request)).check_all_read()
        return {"serverTime": services.market_data.clock.now()}

    @get(
        "/exchangeInfo",
        operation_id="exchangeInfo",
        operation_class=documented(reference.EXCHANGE_INFO),
        media_type=MediaType.JSON,
    )
    async def exchange_info(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> bytes:
        params = await services.gate.public(request, 20)
        wanted, _ = _symbols(params, services.market_data)
        legal = ", ".join(status.value for status in MarketStatus)
        only = params.choice("symbolStatus", MarketStatus, illegal("symbolStatus", legal))
        if only is not None and (params.text("symbol") or params.text("symbols")):
            raise ApiError(-1101, "Parameter 'symbolStatus' cannot be sent with 'symbol(s)'.")
        params.ignore("permissions", "showPermissionSets")
        params.check_all_read()
        statuses = await services.market_data.statuses()
        if only is not None:
            wanted = [symbol for symbol in wanted if statuses[symbol] is only]

        async def answer() -> dict[str, Any]:
            return {
                "rateLimits": [
                    {
                        "rateLimitType": "REQUEST_WEIGHT",
                        "interval": "MINUTE",
                        "intervalNum": 1,
                        "limit": services.gate.weight_per_minute,
                    },
                    *(formats.order_limit(limit) for limit in services.gate.unfilled_orders.limits),
                ],
                "exchangeFilters": [],
                "symbols": [
                    formats.symbol_info(services.market_data.market(s), statuses[s]) for s in wanted
                ],
            }

        # Keyed by the statuses and the terms too: a market's new status, filters or listing
        # shows at once, not a minute later.
        shown = ",".join(f"{s}:{statuses[s].value}" for s in wanted)
        markets = repr([services.market_data.market(s) for s in wanted]).encode()
        terms = hashlib.blake2b(markets, digest_size=8).hexdigest()
        key = f"exchangeInfo:{terms}:{shown}"
        rest = await _cached(services.cache, key, EXCHANGE_INFO_TTL_MS, answer)
        # The server's time must be current: it goes in front of the cached rest.
        now = services.market_data.clock.now()
        return b'{"timezone":"UTC","serverTime":%d,%s' % (now, rest[1:])

    @get("/depth", operation_id="depth", operation_class=documented(reference.DEPTH))
    async def depth(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        params = services.gate.query(request)
        limit = params.integer("limit", minimum=1, maximum=5000) or 100
        await services.gate.charge(request, _depth_weight(limit))
        symbol = params.required_text("symbol")
        params.check_all_read()
        market = services.market_data.market(symbol)
        return formats.depth(market, await services.market_data.depth(symbol, limit))

    @get(
        "/trades", operation_id="recentTrades", operation_class=documented(reference.RECENT_TRADES)
    )
    async def trades(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> list[dict[str, Any]]:
        return await _public_trades(request, services, older=False)

    @get(
        "/historicalTrades",
        operation_id="historicalTrades",
        operation_class=documented(reference.HISTORICAL_TRADES),
    )
    async def historical_trades(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> list[dict[str, Any]]:
        return await _public_trades(request, services, older=True)

    @get(
        "/aggTrades",
        operation_id="aggTrades",
        operation_class=documented(reference.AGGREGATE_TRADES),
    )
    async def aggregate_trades(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[dict[str, Any]]:
        params = await services.gate.public(request, 4)
        symbol = params.required_text("symbol")
        from_id = params.integer("fromId", minimum=0)
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.check_all_read()
        if from_id is not None and (start is not None or end is not None):
            raise ApiError(-1128, "Combination of optional parameters invalid.")
        market = services.market_data.market(symbol)
        found = await services.market_data.aggregate_trades(symbol, from_id, start, end, limit)
        return [formats.aggregate_trade(market, t) for t in found]

    @get("/klines", operation_id="klines", operation_class=documented(reference.KLINES))
    async def klines(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[list[Any]]:
        params = await services.gate.public(request, 2)
        symbol = params.required_text("symbol")
        interval = params.choice("interval", Interval, INVALID_INTERVAL, required=True)
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.ignore("timeZone")
        params.check_all_read()
        assert interval is not None
        market = services.market_data.market(symbol)
        candles = await services.market_data.candles(symbol, interval, start, end, limit)
        return [formats.kline(market, c) for c in candles]

    @get(
        "/ticker/24hr",
        operation_id="ticker24hr",
        operation_class=documented(reference.TICKER_24H),
        media_type=MediaType.JSON,
    )
    async def ticker_24h(self, request: AnyRequest, services: NamedDependency[Services]) -> bytes:
        data = services.market_data
        symbols, single = await _asked_symbols(request, services, "type")

        async def render(symbol: str) -> dict[str, Any]:
            market = data.market(symbol)
            ticker, top = await data.ticker(symbol), await data.book_ticker(symbol)
            return formats.ticker_24h(market, ticker, top)

        key = f"ticker24hr:{'symbol' if single else 'symbols'}:{','.join(symbols)}"
        answer = partial(_per_symbol, symbols, single, render)
        return await _cached(services.cache, key, TICKER_TTL_MS, answer)

    @get(
        "/ticker/price",
        operation_id="tickerPrice",
        operation_class=documented(reference.TICKER_PRICE),
    )
    async def ticker_price(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> dict[str, Any] | list[dict[str, Any]]:
        data = services.market_data

        async def render(symbol: str) -> dict[str, Any]:
            last = (await data.ticker(symbol)).last_price
            return {"symbol": symbol, "price": formats.price(data.market(symbol), last)}

        return await _per_symbol(*await _asked_symbols(request, services), render)

    @get(
        "/ticker/bookTicker",
        operation_id="bookTicker",
        operation_class=documented(reference.BOOK_TICKER),
    )
    async def book_ticker(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> dict[str, Any] | list[dict[str, Any]]:
        data = services.market_data

        async def render(symbol: str) -> dict[str, Any]:
            return formats.book_ticker(data.market(symbol), await data.book_ticker(symbol))

        return await _per_symbol(*await _asked_symbols(request, services), render)

    @get("/avgPrice", operation_id="avgPrice", operation_class=documented(reference.AVERAGE_PRICE))
    async def average_price(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        params = await services.gate.public(request, 2)
        symbol = params.text("symbol")
        params.check_all_read()
        if symbol is None:
            raise mandatory("symbol")
        average, close_time = await services.market_data.average_price(symbol)
        return {
            "mins": 5,
            "price": formats.price(services.market_data.market(symbol), average),
            "closeTime": close_time,
        }
