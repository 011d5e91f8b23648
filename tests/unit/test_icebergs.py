"""Iceberg orders: the book shows one part at a time, each next part at the back of its price
level, and the filters and combinations Binance refuses."""

from decimal import Decimal

import pytest

from domain.commands import AmendOrder
from domain.errors import FilterFailure, UnsupportedOrder
from domain.events import Event, IcebergShown, OrderAccepted, Trade
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from tests.unit.conftest import Desk

A, B, C = 1, 2, 3
Amount = Decimal | int  # expected amounts are written as either


@pytest.fixture
def desk() -> Desk:
    desk = Desk()
    for account in (A, B, C):
        desk.deposit(account, "USDT", "1000000")
        desk.deposit(account, "BTC", "100")
    return desk


def asks(desk: Desk) -> list[tuple[Amount, Amount]]:
    market = desk.market()
    book = desk.exchange.state("BTCUSDT").book
    return [
        (Decimal(p) / market.quote.scale, Decimal(v) / market.base.scale)
        for p, v in book.depth(Side.SELL, 10)
    ]


def fills(events: list[Event], desk: Desk) -> list[tuple[int, Amount]]:
    """(seller order id, quantity) of each trade."""
    scale = desk.market().base.scale
    return [
        (e.seller_order_id, Decimal(e.quantity) / scale) for e in events if isinstance(e, Trade)
    ]


def order_id(events: list[Event]) -> int:
    return next(e.order_id for e in events if isinstance(e, OrderAccepted))


def test_only_the_shown_part_is_in_the_depth(desk: Desk) -> None:
    desk.place(A, Side.SELL, quantity="5", price="100", iceberg_quantity="1")
    assert asks(desk) == [(100, 1)]
    desk.check()


def test_each_next_part_goes_to_the_back_of_its_level(desk: Desk) -> None:
    iceberg = order_id(desk.place(A, Side.SELL, quantity="3", price="100", iceberg_quantity="1"))
    plain = order_id(desk.place(B, Side.SELL, quantity="1.5", price="100"))
    assert asks(desk) == [(100, Decimal("2.5"))]
    events = desk.place(C, Side.BUY, quantity="3", price="100")
    # The iceberg's first part, then the plain order ahead of its refill, then the refill,
    # whose own refill again goes behind... nothing else: it trades on.
    assert fills(events, desk) == [(iceberg, 1), (plain, Decimal("1.5")), (iceberg, Decimal("0.5"))]
    shown = [e for e in events if isinstance(e, IcebergShown)]
    assert [(e.order_id, e.hidden) for e in shown] == [(iceberg, desk.market().base.scale)]
    assert asks(desk) == [(100, Decimal("0.5"))]
    desk.check()
    # The next part, shown when this one is gone, queues behind a later order.
    later = order_id(desk.place(B, Side.SELL, quantity="1", price="100"))
    events = desk.place(C, Side.BUY, quantity="2", price="100")
    assert fills(events, desk) == [(iceberg, Decimal("0.5")), (later, 1), (iceberg, Decimal("0.5"))]
    desk.check()


def test_an_iceberg_taker_trades_its_whole_quantity_then_shows_a_part(desk: Desk) -> None:
    desk.place(B, Side.BUY, quantity="2", price="100")
    events = desk.place(A, Side.SELL, quantity="5", price="100", iceberg_quantity="1")
    assert fills(events, desk) == [(order_id(events), 2)]
    assert asks(desk) == [(100, 1)]
    desk.check()


def test_amending_an_iceberg_gives_up_what_it_hides_first(desk: Desk) -> None:
    iceberg = order_id(desk.place(A, Side.SELL, quantity="5", price="100", iceberg_quantity="1"))
    scale = desk.market().base.scale
    events = desk.exchange.amend(AmendOrder(A, "BTCUSDT", 2 * scale, iceberg))
    assert [e.hidden for e in events if isinstance(e, IcebergShown)] == [scale]
    assert asks(desk) == [(100, 1)]
    desk.check()


def test_self_trade_prevention_shows_the_next_part_where_it_stands(desk: Desk) -> None:
    iceberg = order_id(desk.place(A, Side.SELL, quantity="3", price="100", iceberg_quantity="1"))
    desk.place(B, Side.SELL, quantity="1", price="100")
    events = desk.place(A, Side.BUY, quantity="1.5", price="100", stp=SelfTradePrevention.DECREMENT)
    assert not fills(events, desk)
    state = desk.exchange.state("BTCUSDT")
    assert list(state.book.best(Side.SELL).orders) == [iceberg, iceberg + 1]  # type: ignore[union-attr]
    assert asks(desk) == [(100, Decimal("1.5"))]
    desk.check()


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"iceberg_quantity": "0.4"}, FilterFailure, "ICEBERG_PARTS"),
        ({"iceberg_quantity": "5"}, UnsupportedOrder, "IcebergQty exceeds QTY"),
        ({"iceberg_quantity": "1", "tif": TimeInForce.IOC}, UnsupportedOrder, "combination"),
        ({"iceberg_quantity": "0.000001"}, FilterFailure, "LOT_SIZE"),
    ],
)
def test_icebergs_binance_refuses_are_refused(
    desk: Desk, params: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        desk.place(A, Side.SELL, quantity="5", price="100", **params)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedOrder):
        desk.place(A, Side.SELL, OrderType.MARKET, quantity="5", iceberg_quantity="1")
    assert not desk.exchange.state("BTCUSDT").book.orders
