"""The orders of one list, and the two halves of a cancel-replace, share their command's time,
as Binance's answers give one transactTime for them: with a clock that moves on each reading,
an OTOCO's working order is not younger than its pending pair, and the open orders (by time,
then id) list each list's orders in its order."""

import time
from collections.abc import AsyncIterator

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue


class TickingClock:
    """A millisecond later at every reading, and never behind the wall clock: a request's
    timestamp, taken from the wall clock, must not be ahead of the server's time by more than
    a second, however long the machine takes between readings."""

    def __init__(self) -> None:
        self.time = 0

    def now(self) -> int:
        self.time = max(self.time + 1, int(time.time() * 1000))
        return self.time


@pytest.fixture
async def ticking_venue() -> AsyncIterator[Venue]:
    app, container = build_app(SETTINGS)
    container.clock.override(providers.Object(TickingClock()))
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


WORKING = {
    "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "1000",
    "workingQuantity": "0.1", "workingTimeInForce": "GTC",
}  # fmt: skip


async def test_a_lists_orders_share_its_time(ticking_venue: Venue) -> None:
    trader = await ticking_venue.trader("lists", USDT="1000")
    oto = await trader.call(
        "POST", "/api/v3/orderList/oto", pendingType="LIMIT", pendingSide="SELL",
        pendingPrice="150000", pendingQuantity="0.0999", pendingTimeInForce="GTC", **WORKING,
    )  # fmt: skip
    otoco = await trader.call(
        "POST", "/api/v3/orderList/otoco", pendingSide="SELL", pendingQuantity="0.0999",
        pendingAboveType="LIMIT_MAKER", pendingAbovePrice="150000",
        pendingBelowType="STOP_LOSS", pendingBelowStopPrice="900", **WORKING,
    )  # fmt: skip
    for placed in (oto, otoco):
        times = {report["transactTime"] for report in placed["orderReports"]}
        assert times == {placed["transactionTime"]}
    listed = await trader.call("GET", "/api/v3/openOrders", symbol="BTCUSDT")
    assert [o["status"] for o in listed] == ["NEW", "PENDING_NEW", "NEW", "PENDING_NEW",
                                              "PENDING_NEW"]  # fmt: skip
    assert [o["orderId"] for o in listed] == sorted(o["orderId"] for o in listed)


async def test_a_cancel_replace_happens_at_one_time(ticking_venue: Venue) -> None:
    trader = await ticking_venue.trader("replacer", USDT="1000")
    bid = await trader.call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                            timeInForce="GTC", quantity="0.1", price="1000")  # fmt: skip
    replaced = await trader.call(
        "POST", "/api/v3/order/cancelReplace", symbol="BTCUSDT", side="BUY", type="LIMIT",
        timeInForce="GTC", quantity="0.1", price="1001", cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=bid["orderId"],
    )  # fmt: skip
    canceled = replaced["cancelResponse"]["transactTime"]
    assert replaced["newOrderResponse"]["transactTime"] == canceled
