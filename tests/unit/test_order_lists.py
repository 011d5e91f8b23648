"""OCO lists in the engine: one hold for both orders, the other order expiring as soon as one
trades or triggers, both canceled together, Binance's refusals, and a rebuilt market."""

import copy
import dataclasses
from decimal import Decimal

import pytest

from adapters.memory.demo_listing import demo_markets
from domain.commands import AmendOrder, CancelOrder, CancelOrderList, OcoLeg, PlaceOco
from domain.errors import (
    DuplicateOrder,
    FilterFailure,
    InsufficientBalance,
    InvalidAmend,
    OcoLegMisplaced,
    OcoPrices,
    UnknownOrder,
    WouldTrigger,
)
from domain.events import Event, ListStatus, OrderUpdated
from domain.exchange import Exchange
from domain.orders import ListStatusType, OrderStatus, OrderType, Side
from tests.unit.conftest import Desk

A, B, C = 1, 2, 3
BUY, SELL = Side.BUY, Side.SELL
LM, SL, SLL = OrderType.LIMIT_MAKER, OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT
TP, TPL = OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT


@pytest.fixture
def desk() -> Desk:
    desk = Desk()
    for account in (A, B, C):
        desk.deposit(account, "USDT", "100000")
        desk.deposit(account, "BTC", "10")
    desk.place(C, SELL, quantity="0.1", price="100")
    desk.place(B, BUY, quantity="0.1", price="100")  # the last price: 100
    return desk


def minor(desk: Desk, amount: str) -> int:
    return desk.market().quote.to_minor(Decimal(amount))


def leg(
    desk: Desk,
    kind: OrderType,
    price: str = "0",
    stop: str = "0",
    client_order_id: str = "",
) -> OcoLeg:
    return OcoLeg(
        kind,
        price=minor(desk, price),
        stop_price=minor(desk, stop),
        client_order_id=client_order_id,
    )


def oco(desk: Desk, side: Side, above: OcoLeg, below: OcoLeg, quantity: str = "1") -> list[Event]:
    size = desk.market().base.to_minor(Decimal(quantity))
    return desk.exchange.execute(PlaceOco(A, "BTCUSDT", side, size, above, below))


def sell_oco(desk: Desk) -> list[Event]:
    """Take profit at 110 (resting), stop loss at 90."""
    return oco(desk, SELL, leg(desk, LM, price="110"), leg(desk, SL, stop="90"))


def statuses(desk: Desk, events: list[Event]) -> dict[int, OrderStatus]:
    return {e.order_id: e.status for e in events if isinstance(e, OrderUpdated)}


def list_statuses(events: list[Event]) -> list[ListStatusType]:
    return [e.status for e in events if isinstance(e, ListStatus)]


def test_a_sell_oco_holds_its_quantity_once(desk: Desk) -> None:
    events = sell_oco(desk)
    assert desk.balance(A, "BTC") == (Decimal(9), Decimal(1))
    started = [e for e in events if isinstance(e, ListStatus)]
    assert [s.status for s in started] == [ListStatusType.EXEC_STARTED]
    stop_id, limit_id = (order_id for order_id, _ in started[0].orders)
    assert started[0].order_list_id == stop_id and limit_id == stop_id + 1
    desk.check()


def test_a_buy_oco_holds_what_its_dearer_order_may_spend(desk: Desk) -> None:
    oco(desk, BUY, leg(desk, SLL, price="112", stop="110"), leg(desk, LM, price="90"))
    assert desk.balance(A, "USDT") == (Decimal(100000 - 112), Decimal(112))
    desk.check()


def test_a_partial_fill_of_the_limit_order_expires_the_stop(desk: Desk) -> None:
    placed = sell_oco(desk)
    stop_id = next(e.orders[0][0] for e in placed if isinstance(e, ListStatus))
    events = desk.place(B, BUY, quantity="0.4", price="110")
    assert statuses(desk, events)[stop_id] is OrderStatus.EXPIRED
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    assert desk.balance(A, "BTC") == (Decimal(9), Decimal("0.6"))
    assert stop_id not in desk.exchange.state("BTCUSDT").stops.orders
    desk.check()


def test_a_triggered_stop_expires_the_limit_order_and_takes_the_hold(desk: Desk) -> None:
    placed = sell_oco(desk)
    _, limit_id = next(e.orders for e in placed if isinstance(e, ListStatus))
    desk.place(B, BUY, quantity="5", price="89")
    desk.place(B, BUY, quantity="0.1", price="90")
    events = desk.place(C, SELL, quantity="0.1", price="90")  # trades at 90: triggers
    changed = statuses(desk, events)
    assert changed[limit_id[0]] is OrderStatus.EXPIRED
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    # The stop sold its 1 BTC to B's bid at 89, with what the list held.
    assert desk.balance(A, "BTC") == (Decimal(9), Decimal(0))
    desk.check()


def test_a_buy_oco_whose_cheaper_order_fills_releases_the_rest(desk: Desk) -> None:
    oco(desk, BUY, leg(desk, SLL, price="112", stop="110"), leg(desk, LM, price="90"))
    desk.place(C, SELL, quantity="1", price="90")
    assert desk.balance(A, "USDT") == (Decimal(100000 - 90), Decimal(0))
    desk.check()


def test_canceling_one_order_cancels_the_list(desk: Desk) -> None:
    placed = sell_oco(desk)
    stop_id, limit_id = next(e.orders for e in placed if isinstance(e, ListStatus))
    events = desk.exchange.execute(CancelOrder(A, "BTCUSDT", limit_id[0]))
    reports = [e for e in events if isinstance(e, OrderUpdated)]
    assert [(r.order_id, r.status) for r in reports] == [
        (limit_id[0], OrderStatus.CANCELED),
        (stop_id[0], OrderStatus.CANCELED),
    ]
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    assert desk.balance(A, "BTC") == (Decimal(10), Decimal(0))
    with pytest.raises(UnknownOrder):
        desk.exchange.execute(CancelOrder(A, "BTCUSDT", stop_id[0]))
    desk.check()


def test_a_list_is_canceled_by_its_id_or_its_client_id(desk: Desk) -> None:
    first = next(e for e in sell_oco(desk) if isinstance(e, ListStatus))
    with pytest.raises(UnknownOrder):
        desk.exchange.execute(CancelOrderList(B, "BTCUSDT", first.order_list_id))
    desk.exchange.execute(CancelOrderList(A, "BTCUSDT", first.order_list_id))
    second = next(e for e in sell_oco(desk) if isinstance(e, ListStatus))
    events = desk.exchange.execute(CancelOrderList(A, "BTCUSDT", None, second.list_client_order_id))
    assert list_statuses(events) == [ListStatusType.ALL_DONE]
    assert desk.balance(A, "BTC") == (Decimal(10), Decimal(0))
    desk.check()


def test_an_order_of_an_open_list_cannot_be_amended(desk: Desk) -> None:
    placed = sell_oco(desk)
    _, limit_id = next(e.orders for e in placed if isinstance(e, ListStatus))
    size = desk.market().base.to_minor(Decimal("0.5"))
    with pytest.raises(InvalidAmend):
        desk.exchange.execute(AmendOrder(A, "BTCUSDT", size, limit_id[0]))


@pytest.mark.parametrize(
    ("side", "above", "below", "message"),
    [
        (SELL, (LM, "110", "0"), (LM, "90", "0"), "At least one OCO order must be contingent."),
        (SELL, (TP, "0", "110"), (LM, "90", "0"), "A limit order in a sell OCO must be above."),
        (BUY, (LM, "110", "0"), (TP, "0", "90"), "A limit order in a buy OCO must be below."),
        (
            SELL,
            (LM, "110", "0"),
            (TP, "0", "90"),
            "A take profit order in a sell OCO must be above.",
        ),
        (BUY, (TP, "0", "110"), (LM, "90", "0"), "A take profit order in a buy OCO must be below."),
        (SELL, (SL, "0", "110"), (LM, "90", "0"), "A stop loss order in a sell OCO must be below."),
        (BUY, (LM, "110", "0"), (SL, "0", "90"), "A stop loss order in a buy OCO must be above."),
        (SELL, (LM, "110", "0"), (SL, "0", "90"), None),
        (BUY, (SL, "0", "110"), (TP, "0", "90"), None),
        (SELL, (SL, "0", "110"), (SL, "0", "90"), "A stop loss order in a sell OCO must be below."),
        (BUY, (SL, "0", "110"), (SL, "0", "90"), "A stop loss order in a buy OCO must be above."),
    ],
)
def test_legs_must_stand_where_their_side_puts_them(
    desk: Desk,
    side: Side,
    above: tuple[OrderType, str, str],
    below: tuple[OrderType, str, str],
    message: str | None,
) -> None:
    high, low = leg(desk, *above), leg(desk, *below)
    if message is None:
        oco(desk, side, high, low)
        return
    with pytest.raises(OcoLegMisplaced, match=message):
        oco(desk, side, high, low)


def test_prices_must_straddle_the_last_price(desk: Desk) -> None:
    with pytest.raises(OcoPrices):
        oco(desk, SELL, leg(desk, LM, price="99"), leg(desk, SL, stop="90"))
    with pytest.raises(OcoPrices):
        oco(desk, SELL, leg(desk, LM, price="110"), leg(desk, SL, stop="101"))
    with pytest.raises(WouldTrigger):
        oco(desk, SELL, leg(desk, TPL, price="110", stop="99"), leg(desk, SL, stop="90"))


def test_refusals_change_nothing(desk: Desk) -> None:
    before = desk.balance(A, "BTC")
    with pytest.raises(InsufficientBalance):
        oco(desk, SELL, leg(desk, LM, price="110"), leg(desk, SL, stop="90"), quantity="11")
    with pytest.raises(DuplicateOrder):
        oco(
            desk,
            SELL,
            leg(desk, LM, price="110", client_order_id="x"),
            leg(desk, SL, stop="90", client_order_id="x"),
        )
    assert desk.balance(A, "BTC") == before
    assert not desk.exchange.state("BTCUSDT").lists.lists
    desk.check()


def test_open_lists_are_limited(desk: Desk) -> None:
    state = desk.exchange.state("BTCUSDT")
    state.market = dataclasses.replace(state.market, max_num_order_lists=1)
    sell_oco(desk)
    with pytest.raises(FilterFailure, match="MAX_NUM_ORDER_LISTS"):
        sell_oco(desk)


def test_a_rebuilt_market_holds_an_open_list_as_before(desk: Desk) -> None:
    oco(desk, BUY, leg(desk, SLL, price="112", stop="110"), leg(desk, LM, price="90"))
    state = desk.exchange.state("BTCUSDT")
    orders = [copy.copy(o) for o in (*state.book.orders.values(), *state.stops.orders.values())]
    for order in orders:
        order.held = 0
    replica = Exchange(demo_markets())
    replica.restore(
        "BTCUSDT", orders, state.last_order_id, state.last_trade_id, 0, [], state.last_price
    )
    rebuilt = replica.state("BTCUSDT")
    assert set(rebuilt.lists.lists) == set(state.lists.lists)
    held = {o.order_id: o.held for lst in state.lists.lists.values() for o in lst.legs}
    assert {o.order_id: o.held for lst in rebuilt.lists.lists.values() for o in lst.legs} == held
    rebuilt.lists.check_invariants(rebuilt.market)


def test_a_list_client_id_is_unique_among_open_lists(desk: Desk) -> None:
    size = desk.market().base.to_minor(Decimal("0.1"))
    named = PlaceOco(
        A, "BTCUSDT", SELL, size, leg(desk, LM, price="110"), leg(desk, SL, stop="90"), "mine"
    )
    desk.exchange.execute(named)
    with pytest.raises(DuplicateOrder):
        desk.exchange.execute(named)
    desk.exchange.execute(CancelOrderList(A, "BTCUSDT", None, "mine"))
    desk.exchange.execute(named)  # free again once the first list ended
    desk.check()


def test_open_icebergs_are_limited(desk: Desk) -> None:
    state = desk.exchange.state("BTCUSDT")
    state.market = dataclasses.replace(state.market, max_num_iceberg_orders=1)
    desk.place(A, SELL, quantity="1", price="120", iceberg_quantity="0.2")
    with pytest.raises(FilterFailure, match="MAX_NUM_ICEBERG_ORDERS"):
        desk.place(A, SELL, quantity="1", price="121", iceberg_quantity="0.2")
    desk.place(B, SELL, quantity="1", price="121", iceberg_quantity="0.2")
    desk.place(A, SELL, quantity="1", price="121")
