"""Binance's ORDERS limits: each account's unfilled orders per 10 seconds and per day, told in
X-MBX-ORDER-COUNT-* headers and by GET /api/v3/rateLimit/order, and refused (-1015) beyond."""

import time
from collections.abc import AsyncIterator

import attrs
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue

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


@pytest.fixture
async def strict_venue(clock: Clock) -> AsyncIterator[Venue]:
    app, container = build_app(attrs.evolve(SETTINGS, orders_per_10s=3, orders_per_day=5))
    container.clock.override(providers.Object(clock))
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


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
    # Two of the maker's orders traded for the first time: two come off its count.
    assert [c["count"] for c in await maker.call("GET", limits, timestamp=clock.time)] == [1, 1]
    poor = await maker.request("POST", ORDER, **bid("50000", quantity="1", timestamp=clock.time))
    assert poor.json()["code"] == -2010
    assert [c["count"] for c in await maker.call("GET", limits, timestamp=clock.time)] == [1, 1]


async def test_exchange_info_publishes_the_orders_limits(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    assert info["rateLimits"][1:] == [
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10,
         "limit": SETTINGS.orders_per_10s},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1,
         "limit": SETTINGS.orders_per_day},
    ]  # fmt: skip
