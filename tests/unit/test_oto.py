"""OTO and OTOCO lists in the engine: the pending orders wait, PENDING_NEW, off the book, and
are placed when the working order fills; what each holds when; cancel and expiry of the list;
a rebuilt market."""

import dataclasses
from decimal import Decimal

import pytest

from domain.commands import (
    CancelOrder,
    CancelOrderList,
    OcoLeg,
    PlaceOco,
    PlaceOrder,
    PlaceOto,
    PlaceOtoco,
)
from domain.errors import DuplicateOrder, InsufficientBalance, InvalidOrder, WouldTake
from domain.events import Event, ListStatus, OrderAccepted, OrderUpdated
from domain.exchange import Exchange
from domain.order_lists import OTO
from domain.orders import ExpiryReason, ListStatusType, OrderStatus, OrderType, Side, TimeInForce
from tests.unit.conftest import Desk

A, B = 1, 2
BUY, SELL = Side.BUY, Side.SELL
LIMIT, LM, SL, MARKET = (
    OrderType.LIMIT,
    OrderType.LIMIT_MAKER,
    OrderType.STOP_LOSS,
    OrderType.MARKET,
)


@pytest.fixture
def desk() -> Desk:
    desk = Desk()
    desk.deposit(A, "USDT", "1000")
    desk.deposit(B, "USDT", "100000")
    desk.deposit(B, "BTC", "10")
    desk.place(B, SELL, quantity="0.1", price="100")
    desk.place(B, BUY, quantity="0.1", price="100")  # the last price: 100
    return desk


def order(
    desk: Desk,
    side: Side,
    kind: OrderType,
    quantity: str,
    price: str = "0",
    stop: str = "0",
    tif: TimeInForce = TimeInForce.GTC,
    client_order_id: str = "",
) -> PlaceOrder:
    market = desk.market()
    return PlaceOrder(
        A,
        "BTCUSDT",
        side,
        kind,
        quantity=market.base.to_minor(Decimal(quantity)),
        price=market.quote.to_minor(Decimal(price)),
        stop_price=market.quote.to_minor(Decimal(stop)),
        time_in_force=tif,
        client_order_id=client_order_id,
    )


def oto(desk: Desk, working: PlaceOrder, pending: PlaceOrder) -> list[Event]:
    events = desk.exchange.execute(PlaceOto(A, "BTCUSDT", working, pending))
    desk.check()
    return events


def buy_then_sell(desk: Desk, quantity: str = "1") -> list[Event]:
    """Buys 1 BTC at 90, then sells it at 120."""
    return oto(desk, order(desk, BUY, LIMIT, "1", "90"), order(desk, SELL, LIMIT, quantity, "120"))


def statuses(events: list[Event]) -> dict[int, OrderStatus]:
    found: dict[int, OrderStatus] = {}
    for event in events:
        if isinstance(event, OrderAccepted | OrderUpdated):
            found[event.order_id] = event.status
    return found


def reasons(events: list[Event]) -> dict[int, ExpiryReason | None]:
    return {e.order_id: e.expiry_reason for e in events if isinstance(e, OrderUpdated)}


def list_statuses(events: list[Event]) -> list[ListStatusType]:
    return [e.status for e in events if isinstance(e, ListStatus)]


def test_the_pending_order_waits_off_the_book_and_holds_nothing_the_fill_brings(
    desk: Desk,
) -> None:
    events = buy_then_sell(desk, "0.999")
    assert statuses(events) == {3: OrderStatus.NEW, 4: OrderStatus.PENDING_NEW}
    assert list_statuses(events) == [ListStatusType.EXEC_STARTED]
    status = next(e for e in events if isinstance(e, ListStatus))
    assert status.contingency_type == OTO and [i for i, _ in status.orders] == [3, 4]
    state = desk.exchange.state("BTCUSDT")
    assert 4 in state.pending.orders and 4 not in state.book.orders
    assert desk.balance(A, "USDT") == (Decimal(910), Decimal(90))  # the working buy's hold
    assert desk.balance(A, "BTC") == (
        Decimal(0),
        Decimal(0),
    )  # the pending sell is paid by the fill


def test_the_pending_order_is_placed_when_the_working_order_fills(desk: Desk) -> None:
    buy_then_sell(desk, "0.999")
    events = desk.place(B, SELL, quantity="1", price="90")
    desk.check()
    updates = [e for e in events if isinstance(e, OrderUpdated) and e.order_id == 4]
    assert [(u.execution.value, u.status) for u in updates] == [("NEW", OrderStatus.NEW)]
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    state = desk.exchange.state("BTCUSDT")
    assert 4 in state.book.orders and not state.pending.orders and not state.lists.lists
    # Bought 1 BTC, paid 0.001 BTC of fee: the sell of 0.999 holds all of it.
    assert desk.balance(A, "BTC") == (Decimal(0), Decimal("0.999"))
    assert desk.balance(A, "USDT") == (Decimal(910), Decimal(0))


def test_a_partial_fill_does_not_place_the_pending_order(desk: Desk) -> None:
    buy_then_sell(desk, "0.999")
    desk.place(B, SELL, quantity="0.5", price="90")
    desk.check()
    state = desk.exchange.state("BTCUSDT")
    assert state.pending.orders[4].status is OrderStatus.PENDING_NEW
    assert state.book.orders[3].status is OrderStatus.PARTIALLY_FILLED


def test_pending_needs_beyond_the_fill_are_held_at_placement(desk: Desk) -> None:
    """A pending sell of more than the working buy brings holds the difference at once; one
    the account cannot hold is refused."""
    desk.deposit(A, "BTC", "0.5")
    buy_then_sell(desk, "1.2")
    assert desk.balance(A, "BTC") == (Decimal("0.3"), Decimal("0.2"))
    with pytest.raises(InsufficientBalance):
        oto(desk, order(desk, BUY, LIMIT, "1", "90"), order(desk, SELL, LIMIT, "1.4", "120"))


def test_a_pending_order_of_the_working_side_holds_all_it_needs(desk: Desk) -> None:
    oto(desk, order(desk, BUY, LIMIT, "1", "90"), order(desk, BUY, LIMIT, "2", "80"))
    assert desk.balance(A, "USDT") == (Decimal(1000 - 90 - 160), Decimal(250))
    with pytest.raises(InsufficientBalance):
        oto(desk, order(desk, BUY, LIMIT, "1", "90"), order(desk, BUY, LIMIT, "9", "80"))


def test_a_pending_order_short_of_its_fees_expires_rejected(desk: Desk) -> None:
    """Selling the whole 1 BTC bought needs the 0.001 BTC paid as fee from elsewhere."""
    buy_then_sell(desk, "1")
    events = desk.place(B, SELL, quantity="1", price="90")
    desk.check()
    assert statuses(events)[4] is OrderStatus.EXPIRED
    assert reasons(events)[4] is ExpiryReason.REJECTED
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    assert desk.balance(A, "BTC") == (Decimal("0.999"), Decimal(0))


def test_a_working_order_filled_at_placement_places_its_pending_market_order(
    desk: Desk,
) -> None:
    desk.place(B, SELL, quantity="1", price="101")
    desk.place(B, BUY, quantity="1", price="95")
    events = oto(desk, order(desk, BUY, LIMIT, "0.5", "101"), order(desk, SELL, MARKET, "0.4"))
    assert statuses(events) == {
        3: OrderStatus.PARTIALLY_FILLED,
        4: OrderStatus.PARTIALLY_FILLED,
        5: OrderStatus.FILLED,
        6: OrderStatus.FILLED,
    }
    assert list_statuses(events) == [ListStatusType.EXEC_STARTED, ListStatusType.ALL_DONE]


def test_canceling_either_order_cancels_the_list(desk: Desk) -> None:
    buy_then_sell(desk, "0.999")
    events = desk.exchange.execute(CancelOrder(A, "BTCUSDT", order_id=4))
    desk.check()
    assert statuses(events) == {4: OrderStatus.CANCELED, 3: OrderStatus.CANCELED}
    assert desk.balance(A, "USDT") == (Decimal(1000), Decimal(0))
    buy_then_sell(desk, "0.999")
    events = desk.exchange.execute(CancelOrderList(A, "BTCUSDT", order_list_id=5))
    assert statuses(events) == {5: OrderStatus.CANCELED, 6: OrderStatus.CANCELED}
    assert not desk.exchange.state("BTCUSDT").pending.orders


def test_an_expired_working_order_expires_its_pending_order(desk: Desk) -> None:
    events = oto(
        desk,
        order(desk, BUY, LIMIT, "1", "90", tif=TimeInForce.IOC),
        order(desk, SELL, LIMIT, "0.5", "120"),
    )
    assert statuses(events) == {3: OrderStatus.EXPIRED, 4: OrderStatus.EXPIRED}
    assert reasons(events) == {
        3: ExpiryReason.UNFILLED_IOC_QUANTITY_EXPIRED,
        4: ExpiryReason.OTO_PHASE_ONE_EXPIRED,
    }
    assert list_statuses(events) == [ListStatusType.EXEC_STARTED, ListStatusType.ALL_DONE]
    assert desk.balance(A, "USDT") == (Decimal(1000), Decimal(0))


def test_refusals(desk: Desk) -> None:
    desk.place(B, SELL, quantity="1", price="100")
    with pytest.raises(InvalidOrder):
        oto(desk, order(desk, BUY, MARKET, "1"), order(desk, SELL, LIMIT, "1", "120"))
    with pytest.raises(WouldTake):
        oto(desk, order(desk, BUY, LM, "1", "100"), order(desk, SELL, LIMIT, "1", "120"))
    with pytest.raises(DuplicateOrder):
        oto(
            desk,
            order(desk, BUY, LIMIT, "1", "90", client_order_id="x"),
            order(desk, SELL, LIMIT, "1", "120", client_order_id="x"),
        )
    assert desk.balance(A, "USDT") == (Decimal(1000), Decimal(0))


def otoco(desk: Desk) -> list[Event]:
    """Buys 1 BTC at 90, then sells 0.999 under an OCO: take profit at 120, stop loss at 80."""
    market = desk.market()
    size = market.base.to_minor(Decimal("0.999"))
    pair = PlaceOco(
        A,
        "BTCUSDT",
        SELL,
        size,
        OcoLeg(LM, price=market.quote.to_minor(Decimal(120))),
        OcoLeg(SL, stop_price=market.quote.to_minor(Decimal(80))),
    )
    working = order(desk, BUY, LIMIT, "1", "90")
    events = desk.exchange.execute(PlaceOtoco(A, "BTCUSDT", working, pair))
    desk.check()
    return events


def test_an_otoco_places_its_pair_as_an_oco_of_the_same_list(desk: Desk) -> None:
    events = otoco(desk)
    assert statuses(events) == {
        3: OrderStatus.NEW,
        4: OrderStatus.PENDING_NEW,
        5: OrderStatus.PENDING_NEW,
    }
    events = desk.place(B, SELL, quantity="1", price="90")
    desk.check()
    assert statuses(events)[4] is OrderStatus.NEW and statuses(events)[5] is OrderStatus.NEW
    assert list_statuses(events) == []
    state = desk.exchange.state("BTCUSDT")
    assert 4 in state.stops.orders and 5 in state.book.orders
    assert desk.balance(A, "BTC") == (Decimal(0), Decimal("0.999"))
    events = desk.place(B, BUY, quantity="0.999", price="120")
    desk.check()
    assert statuses(events)[4] is OrderStatus.EXPIRED
    assert reasons(events)[4] is ExpiryReason.OCO_TRIGGER
    assert statuses(events)[5] is OrderStatus.FILLED
    done = [e for e in events if isinstance(e, ListStatus)]
    assert [(d.status, [i for i, _ in d.orders]) for d in done] == [
        (ListStatusType.ALL_DONE, [3, 4, 5])
    ]


def test_a_rebuilt_market_keeps_waiting_lists_and_places_them_alike(desk: Desk) -> None:
    buy_then_sell(desk, "0.999")
    otoco(desk)
    state = desk.exchange.state("BTCUSDT")
    live = [
        *state.book.orders.values(),
        *state.stops.orders.values(),
        *state.pending.orders.values(),
    ]
    replica = Exchange([state.market])
    replica.ledger = desk.exchange.ledger
    stored = [
        dataclasses.replace(o, held=0 if o.order_id in state.pending.orders else o.held)
        for o in live
    ]
    replica.restore(
        "BTCUSDT", stored, state.last_order_id, state.last_trade_id, 0, [], state.last_price
    )
    rebuilt = replica.state("BTCUSDT")
    rebuilt.lists.check_invariants(rebuilt.market)
    assert rebuilt.lists.lists.keys() == state.lists.lists.keys()
    assert {i: o.held for i, o in rebuilt.pending.orders.items()} == {
        i: o.held for i, o in state.pending.orders.items()
    }
    assert rebuilt.pending.orders[4].status is OrderStatus.PENDING_NEW
