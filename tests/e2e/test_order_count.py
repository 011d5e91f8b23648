"""Binance's ORDERS limits: each account's unfilled orders per 10 seconds and per day, told in
X-MBX-ORDER-COUNT-* headers and by GET /api/v3/rateLimit/order, and refused (-1015) beyond;
and the examples of Binance's "Spot Unfilled Order Count Rules", step by step."""

import time
from collections.abc import AsyncIterator

import attrs
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Trader, Venue

ORDER = "/api/v3/order"


class Clock:
    def __init__(self) -> None:
        # The start of a 10-second window, so that the test's orders all fall in one.
        self.time = int(time.time()) // 10 * 10_000

    def now(self) -> int:
        return self.time


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=[(3, 5)])
async def strict_venue(clock: Clock, request: pytest.FixtureRequest) -> AsyncIterator[Venue]:
    per_10s, per_day = request.param
    app, container = build_app(
        attrs.evolve(SETTINGS, orders_per_10s=per_10s, orders_per_day=per_day)
    )
    container.clock.override(providers.Object(clock))
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


roomy = pytest.mark.parametrize("strict_venue", [(100, 1000)], indirect=True)


def bid(price: str, **extra: object) -> dict[str, object]:
    return {
        "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
        "quantity": "0.01", "price": price,
    } | extra  # fmt: skip


async def test_unfilled_orders_are_counted_and_refused_beyond_the_limit(
    strict_venue: Venue, clock: Clock
) -> None:
    trader = await strict_venue.trader("busy", USDT="10000")
    counts = []
    for price in ("50000", "50001", "50002"):
        answer = await trader.request("POST", ORDER, **bid(price, timestamp=clock.time))
        assert answer.status_code == 200
        counts.append(
            (answer.headers["x-mbx-order-count-10s"], answer.headers["x-mbx-order-count-1d"])
        )
    assert counts == [("1", "1"), ("2", "2"), ("3", "3")]
    refused = await trader.request("POST", ORDER, **bid("50003", timestamp=clock.time))
    assert (refused.status_code, refused.json()) == (
        429,
        {"code": -1015, "msg": "Too many new orders; current limit is 3 orders per 10 SECOND."},
    )
    assert await trader.call("GET", "/api/v3/rateLimit/order", timestamp=clock.time) == [
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 3,
         "count": 3},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 5, "count": 3},
    ]  # fmt: skip
    # Cancels change nothing; the next window counts anew, but the day's is full at 5.
    orders = await trader.call("GET", "/api/v3/openOrders", symbol="BTCUSDT", timestamp=clock.time)
    await trader.call("DELETE", ORDER, symbol="BTCUSDT", orderId=orders[0]["orderId"],
                      timestamp=clock.time)  # fmt: skip
    clock.time += 10_000
    for price in ("50003", "50004"):
        await trader.call("POST", ORDER, **bid(price, timestamp=clock.time))
    refused = await trader.request("POST", ORDER, **bid("50005", timestamp=clock.time))
    assert refused.json()["msg"] == "Too many new orders; current limit is 5 orders per 1 DAY."


async def test_orders_that_trade_and_orders_refused_do_not_count(
    strict_venue: Venue, clock: Clock
) -> None:
    maker = await strict_venue.trader("maker", USDT="10000")
    taker = await strict_venue.trader("taker", BTC="1")
    for price in ("50000", "50001", "50002"):
        await maker.call("POST", ORDER, **bid(price, timestamp=clock.time))
    sold = await taker.request(
        "POST", ORDER, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.015",
        timestamp=clock.time,
    )  # fmt: skip
    assert sold.headers["x-mbx-order-count-10s"] == "1"  # counted, then taken off: it traded
    limits = "/api/v3/rateLimit/order"
    assert [c["count"] for c in await taker.call("GET", limits, timestamp=clock.time)] == [0, 0]
    # Two of the maker's orders traded for the first time, resting: each takes five off.
    assert [c["count"] for c in await maker.call("GET", limits, timestamp=clock.time)] == [0, 0]
    await maker.call("POST", ORDER, **bid("49000", timestamp=clock.time))
    poor = await maker.request("POST", ORDER, **bid("50000", quantity="1", timestamp=clock.time))
    assert poor.json()["code"] == -2010
    assert [c["count"] for c in await maker.call("GET", limits, timestamp=clock.time)] == [1, 1]


class Desk:
    """Places orders at one instant and reads the 10-second unfilled order count."""

    def __init__(self, trader: Trader, clock: Clock) -> None:
        self.trader, self.clock = trader, clock

    async def place(self, side: str, quantity: str, price: str | None = None) -> str:
        """Places a LIMIT order (MARKET without a price); answers its count header."""
        kind = (
            {"type": "LIMIT", "timeInForce": "GTC", "price": price} if price else {"type": "MARKET"}
        )
        answer = await self.trader.request(
            "POST", ORDER, symbol="BTCUSDT", side=side, quantity=quantity, **kind,
            timestamp=self.clock.time,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        return str(answer.headers["x-mbx-order-count-10s"])

    async def count(self) -> int:
        limits = await self.trader.call("GET", "/api/v3/rateLimit/order", timestamp=self.clock.time)
        return int(limits[0]["count"])


@roomy
async def test_binance_example_1_taker(strict_venue: Venue, clock: Clock) -> None:
    """A first fill as taker takes one off; later fills of the same order take nothing."""
    desk = Desk(await strict_venue.trader("t", USDT="10000"), clock)
    other = Desk(await strict_venue.trader("o", BTC="1"), clock)
    assert await desk.place("BUY", "0.01", "50000") == "1"  # A
    await other.place("SELL", "0.005", "50100")
    assert await desk.place("BUY", "0.01", "50100") == "2"  # B, partially filled
    assert await desk.count() == 1
    assert await desk.place("BUY", "0.01", "49000") == "2"  # C
    await other.place("SELL", "0.003", "50100")  # B partially filled
    await other.place("SELL", "0.002", "50100")  # B filled
    assert await desk.count() == 2
    await other.place("SELL", "0.001", "50200")
    assert await desk.place("BUY", "0.001") == "3"  # D, a MARKET order fully filled
    assert await desk.count() == 2


@roomy
async def test_binance_example_2_maker(strict_venue: Venue, clock: Clock) -> None:
    """A first fill in the maker phase takes five off, never below zero."""
    desk = Desk(await strict_venue.trader("t", USDT="10000"), clock)
    other = Desk(await strict_venue.trader("o", BTC="1"), clock)
    for count, price in enumerate(("50010", "50009", "50008", "50007", "50006"), start=1):
        assert await desk.place("BUY", "0.01", price) == str(count)  # A to E
    await other.place("SELL", "0.004", "50010")  # A partially filled
    assert await desk.count() == 0
    assert await desk.place("BUY", "0.01", "49000") == "1"  # F
    assert await desk.place("BUY", "0.01", "49001") == "2"  # G
    await other.place("SELL", "0.003", "50010")  # A partially filled
    await other.place("SELL", "0.003", "50010")  # A filled
    assert await desk.count() == 2
    await other.place("SELL", "0.004", "50009")  # B partially filled
    assert await desk.count() == 0
    assert await desk.place("BUY", "0.01", "49002") == "1"  # H


async def test_exchange_info_publishes_the_orders_limits(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    assert info["rateLimits"][1:] == [
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10,
         "limit": SETTINGS.orders_per_10s},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1,
         "limit": SETTINGS.orders_per_day},
    ]  # fmt: skip
