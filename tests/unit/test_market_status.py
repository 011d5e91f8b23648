"""A market's status: what each lets through, with Binance's answer, and that a refused
command changes nothing while the orders already in the book stay there."""

from decimal import Decimal

import pytest

from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelReplace,
    CancelReplaceMode,
    Command,
    PlaceOrder,
    SetMarketStatus,
)
from domain.errors import DomainError, MarketClosed, MarketClosedToChanges
from domain.events import MarketStatusChanged, OrderUpdated
from domain.market_status import MarketStatus
from domain.orders import OrderStatus, OrderType, Side
from tests.unit.conftest import Desk

A, B = 1, 2
BTC = 10**8


@pytest.fixture
def resting(desk: Desk) -> Desk:
    """A's bid 1 BTC at 100 USDT in BTCUSDT's book, and B with BTC to sell."""
    desk.deposit(A, "USDT", "10000")
    desk.deposit(B, "BTC", "5")
    desk.place(A, Side.BUY, quantity="1", price="100")
    return desk


def set_status(desk: Desk, status: MarketStatus, symbol: str = "BTCUSDT") -> None:
    desk.exchange.execute(SetMarketStatus(symbol, status, "incident 42", 7))


def place(account: int = B, side: Side = Side.SELL) -> PlaceOrder:
    return PlaceOrder(account, "BTCUSDT", side, OrderType.LIMIT, BTC, 100 * 10**8)


def cancel() -> CancelOrder:
    return CancelOrder(A, "BTCUSDT", order_id=1)


def amend() -> AmendOrder:
    return AmendOrder(A, "BTCUSDT", BTC // 2, order_id=1)


def snapshot(desk: Desk) -> tuple[object, ...]:
    state = desk.exchange.state("BTCUSDT")
    return (
        state.book.depth(Side.BUY, 10),
        state.book.depth(Side.SELL, 10),
        state.last_order_id,
        desk.balance(A, "USDT"),
        desk.balance(B, "BTC"),
    )


def test_a_status_change_is_a_fact_of_its_market(desk: Desk) -> None:
    events = desk.exchange.execute(SetMarketStatus("ETHUSDT", MarketStatus.BREAK, "maintenance", 5))
    assert events == [MarketStatusChanged("ETHUSDT", MarketStatus.BREAK, "maintenance", 5)]
    assert desk.exchange.state("ETHUSDT").status is MarketStatus.BREAK
    assert desk.exchange.state("BTCUSDT").status is MarketStatus.TRADING


@pytest.mark.parametrize("status", [MarketStatus.HALT, MarketStatus.BREAK])
@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        (place(), MarketClosed),
        (place(A, Side.BUY), MarketClosed),
        (cancel(), MarketClosedToChanges),
        (amend(), MarketClosedToChanges),
        (CancelReplace(cancel(), place(A, Side.BUY)), MarketClosedToChanges),
    ],
)
def test_a_halted_or_broken_market_refuses_every_command_on_its_orders(
    resting: Desk, status: MarketStatus, command: Command, refusal: type[DomainError]
) -> None:
    set_status(resting, status)
    before = snapshot(resting)
    with pytest.raises(refusal, match=r"^Market is closed\.$"):
        resting.exchange.execute(command)
    assert snapshot(resting) == before
    assert resting.exchange.state("BTCUSDT").book.depth(Side.BUY, 1) == [(100 * 10**8, BTC)]


def test_a_cancel_replace_allowed_to_fail_fails_both_ways_while_halted(resting: Desk) -> None:
    set_status(resting, MarketStatus.HALT)
    command = CancelReplace(cancel(), place(A, Side.BUY), CancelReplaceMode.ALLOW_FAILURE)
    result = resting.exchange.cancel_replace(command)
    assert result.events == []
    assert isinstance(result.cancel_error, MarketClosedToChanges)
    assert isinstance(result.place_error, MarketClosed)


def test_a_cancel_only_market_cancels_and_amends_and_takes_no_order(resting: Desk) -> None:
    set_status(resting, MarketStatus.CANCEL_ONLY)
    with pytest.raises(MarketClosed, match=r"^Market is closed\.$"):
        resting.exchange.execute(place())
    amended = resting.exchange.execute(amend())
    assert [e.quantity for e in amended if isinstance(e, OrderUpdated)] == [BTC // 2]
    canceled = resting.exchange.execute(cancel())
    assert [e.status for e in canceled if isinstance(e, OrderUpdated)] == [OrderStatus.CANCELED]
    assert resting.balance(A, "USDT") == (Decimal(10000), Decimal(0))


def test_a_cancel_replace_on_a_cancel_only_market_cancels_and_places_nothing(
    resting: Desk,
) -> None:
    set_status(resting, MarketStatus.CANCEL_ONLY)
    result = resting.exchange.cancel_replace(CancelReplace(cancel(), place(A, Side.BUY)))
    assert [e.status for e in result.events if isinstance(e, OrderUpdated)] == [
        OrderStatus.CANCELED
    ]
    assert isinstance(result.place_error, MarketClosed)
    assert resting.exchange.state("BTCUSDT").book.depth(Side.BUY, 1) == []


def test_trading_again_takes_orders_and_the_halted_book_trades(resting: Desk) -> None:
    set_status(resting, MarketStatus.HALT)
    set_status(resting, MarketStatus.TRADING)
    events = resting.exchange.execute(place())
    assert [e.status for e in events if isinstance(e, OrderUpdated)] == [
        OrderStatus.FILLED,
        OrderStatus.FILLED,
    ]


def test_a_halt_stops_one_market_only(resting: Desk) -> None:
    set_status(resting, MarketStatus.HALT, "ETHBTC")
    resting.exchange.execute(cancel())
    with pytest.raises(MarketClosed):
        resting.exchange.execute(
            PlaceOrder(B, "ETHBTC", Side.SELL, OrderType.LIMIT, BTC, 5 * 10**6)
        )
