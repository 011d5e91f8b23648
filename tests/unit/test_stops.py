"""Stop and take-profit orders: when each triggers, in which order several run, what they hold
while they wait, and the trailing stop scenarios of Binance's FAQ."""

from decimal import Decimal

import pytest

from domain.commands import AmendOrder, CancelOrder
from domain.errors import FilterFailure, InvalidAmend, InvalidOrder, WouldTrigger
from domain.events import Event, OrderAccepted, OrderUpdated, StopTrailed, Trade
from domain.orders import ExecutionType, OrderStatus, OrderType, Side, TimeInForce
from tests.unit.conftest import Desk

A, B, C = 1, 2, 3
BUY, SELL = Side.BUY, Side.SELL
STOP_LOSS, STOP_LOSS_LIMIT = OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT
TAKE_PROFIT, TAKE_PROFIT_LIMIT = OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT


@pytest.fixture
def desk() -> Desk:
    desk = Desk()
    for account in (A, B, C):
        desk.deposit(account, "USDT", "10000000")
        desk.deposit(account, "BTC", "1000")
    return desk


def trade_at(desk: Desk, price: str, quantity: str = "0.1") -> list[Event]:
    """A trade at `price` between C (resting) and B (taking)."""
    desk.place(C, SELL, quantity=quantity, price=price)
    return desk.place(B, BUY, quantity=quantity, price=price)


def working(events: list[Event]) -> list[int]:
    """The orders that started working (triggered), in order."""
    return [
        e.order_id
        for e in events
        if isinstance(e, OrderUpdated) and e.execution is ExecutionType.NEW
    ]


def accepted_id(events: list[Event]) -> int:
    return next(e.order_id for e in events if isinstance(e, OrderAccepted))


@pytest.mark.parametrize(
    ("order_type", "side", "stop", "refused"),
    [
        (STOP_LOSS, SELL, "99", False),
        (STOP_LOSS, SELL, "100", True),
        (STOP_LOSS, BUY, "101", False),
        (STOP_LOSS, BUY, "100", True),
        (TAKE_PROFIT, SELL, "101", False),
        (TAKE_PROFIT, SELL, "99", True),
        (TAKE_PROFIT, BUY, "99", False),
        (TAKE_PROFIT, BUY, "101", True),
    ],
)
def test_a_stop_the_last_price_already_meets_is_refused(
    desk: Desk, order_type: OrderType, side: Side, stop: str, refused: bool
) -> None:
    trade_at(desk, "100")
    before = desk.balance(A, "USDT"), desk.balance(A, "BTC")
    if refused:
        with pytest.raises(WouldTrigger, match=r"Order would trigger immediately\."):
            desk.place(A, side, order_type, quantity="1", stop_price=stop)
        assert (desk.balance(A, "USDT"), desk.balance(A, "BTC")) == before
    else:
        events = desk.place(A, side, order_type, quantity="1", stop_price=stop)
        assert working(events) == []
    desk.check()


@pytest.mark.parametrize(
    ("order_type", "side", "stop", "trades", "triggered_by"),
    [
        (STOP_LOSS, SELL, "99", ["99.5", "99"], "99"),
        (STOP_LOSS, BUY, "101", ["100.5", "101.5"], "101.5"),
        (TAKE_PROFIT, SELL, "101", ["100.5", "101"], "101"),
        (TAKE_PROFIT, BUY, "99", ["99.5", "98"], "98"),
    ],
)
def test_each_stop_triggers_on_the_first_trade_at_or_beyond_its_price_in_its_direction(
    desk: Desk, order_type: OrderType, side: Side, stop: str, trades: list[str], triggered_by: str
) -> None:
    trade_at(desk, "100")
    stop_id = accepted_id(desk.place(A, side, order_type, quantity="0.5", stop_price=stop))
    for price in trades:
        events = trade_at(desk, price)
        assert working(events) == ([stop_id] if price == triggered_by else [])
    desk.check()


def test_a_taker_sweeping_levels_triggers_every_stop_it_passes(desk: Desk) -> None:
    trade_at(desk, "100")
    desk.place(C, BUY, quantity="1", price="99")
    desk.place(C, BUY, quantity="1", price="98")
    desk.place(C, BUY, quantity="1", price="97")
    at_98 = accepted_id(desk.place(A, SELL, STOP_LOSS_LIMIT, "0.1", "90", stop_price="98"))
    at_99 = accepted_id(desk.place(A, SELL, STOP_LOSS_LIMIT, "0.1", "90", stop_price="99"))
    # Placed second but with the higher stop: placement order, not price, decides.
    events = desk.place(B, SELL, OrderType.MARKET, quantity="2.5")
    assert working(events) == [at_98, at_99]
    desk.check()


def test_triggered_stops_run_in_placement_order_and_those_they_trigger_queue_behind(
    desk: Desk,
) -> None:
    """First and second trigger on the same trade; first's own trades then reach third's
    stop, which runs after second although it was placed before second."""
    trade_at(desk, "100")
    desk.place(C, BUY, quantity="1", price="98")
    desk.place(C, BUY, quantity="5", price="95")
    first = accepted_id(desk.place(A, SELL, STOP_LOSS, quantity="2", stop_price="99"))
    third = accepted_id(desk.place(B, SELL, STOP_LOSS, quantity="1", stop_price="96"))
    second = accepted_id(desk.place(A, SELL, STOP_LOSS, quantity="1", stop_price="99"))
    events = trade_at(desk, "99")  # the trade: 99
    assert working(events) == [first, second, third]
    # first sold 1 at 98 then 1 at 95, which triggered third; second ran before third.
    sellers = [e.seller_order_id for e in events if isinstance(e, Trade)]
    assert sellers[1:] == [first, first, second, third]
    desk.check()


def test_a_stop_limit_that_triggers_rests_with_its_working_time(desk: Desk) -> None:
    trade_at(desk, "100")
    events = desk.place(A, SELL, STOP_LOSS_LIMIT, quantity="1", price="98.5", stop_price="99")
    stop_id = accepted_id(events)
    state = desk.exchange.state("BTCUSDT")
    assert stop_id in state.stops.orders and stop_id not in state.book.orders
    assert desk.balance(A, "BTC")[1] == Decimal(1)
    trade_at(desk, "98.9")
    assert stop_id in state.book.orders and stop_id not in state.stops.orders
    assert state.book.orders[stop_id].working_time >= 0
    desk.check()


def test_a_stop_market_buy_holds_at_its_cap_and_never_pays_above_it(desk: Desk) -> None:
    """The cap: stop 101 raised by the market's 5% margin = 106.05. Once triggered, it buys
    up to that price; the ask at 107 is left and the rest of the order expires."""
    market = desk.market()
    trade_at(desk, "100")
    events = desk.place(A, BUY, STOP_LOSS, quantity="2", stop_price="101")
    stop = desk.exchange.state("BTCUSDT").stops.orders[accepted_id(events)]
    assert stop.price == market.price("106.05")
    assert desk.balance(A, "USDT")[1] == Decimal("212.10")
    desk.place(C, SELL, quantity="1", price="106")
    desk.place(C, SELL, quantity="1", price="107")
    available = desk.balance(A, "USDT")[0]
    events = trade_at(desk, "101")
    bought = [e for e in events if isinstance(e, Trade) and e.buyer_account_id == A]
    assert [(e.price, e.quantity) for e in bought] == [(market.price("106"), market.quantity("1"))]
    finished = [e for e in events if isinstance(e, OrderUpdated) and e.order_id == stop.order_id]
    assert finished[-1].status is OrderStatus.EXPIRED
    assert desk.balance(A, "USDT") == (available + Decimal("212.10") - Decimal(106), Decimal(0))
    desk.check()


def test_waiting_stops_hold_what_they_may_spend_and_cancel_releases_it(desk: Desk) -> None:
    trade_at(desk, "100")
    sell = accepted_id(desk.place(A, SELL, STOP_LOSS, quantity="3", stop_price="90"))
    buy = accepted_id(
        desk.place(A, BUY, TAKE_PROFIT_LIMIT, quantity="2", price="95", stop_price="96")
    )
    assert desk.balance(A, "BTC")[1] == 3
    assert desk.balance(A, "USDT")[1] == 190
    with pytest.raises(InvalidAmend):
        desk.exchange.amend(AmendOrder(A, "BTCUSDT", 10**8, buy))
    desk.exchange.cancel(CancelOrder(A, "BTCUSDT", sell))
    desk.exchange.cancel(CancelOrder(A, "BTCUSDT", buy))
    assert desk.balance(A, "BTC")[1] == 0 and desk.balance(A, "USDT")[1] == 0
    assert not desk.exchange.state("BTCUSDT").stops.orders
    desk.check()


def test_stop_parameters_are_checked(desk: Desk) -> None:
    trade_at(desk, "100")
    with pytest.raises(InvalidOrder, match="stopPrice or a trailingDelta"):
        desk.place(A, SELL, STOP_LOSS, quantity="1")
    with pytest.raises(InvalidOrder, match="Only stop"):
        desk.place(A, SELL, OrderType.LIMIT, quantity="1", price="100", stop_price="99")
    with pytest.raises(FilterFailure, match="TRAILING_DELTA"):
        desk.place(A, SELL, STOP_LOSS, quantity="1", trailing_delta=5)
    with pytest.raises(FilterFailure, match="PRICE_FILTER"):
        desk.place(A, SELL, STOP_LOSS, quantity="1", stop_price="99.001")
    with pytest.raises(InvalidOrder, match="take no price"):
        desk.place(A, SELL, STOP_LOSS, quantity="1", price="98", stop_price="99")


def test_an_account_may_have_only_so_many_waiting_stops(desk: Desk) -> None:
    trade_at(desk, "100")
    limit = desk.market().max_num_algo_orders
    for _ in range(limit):
        desk.place(A, SELL, STOP_LOSS, quantity="0.1", stop_price="90")
    with pytest.raises(FilterFailure, match="MAX_NUM_ALGO_ORDERS"):
        desk.place(A, SELL, STOP_LOSS, quantity="0.1", stop_price="90")


def trail(desk: Desk, prices: list[str], stop_id: int) -> list[int]:
    """Trades at each price in turn; the index of the trade that triggered the stop."""
    hits = []
    for index, price in enumerate(prices):
        if stop_id in working(trade_at(desk, price)):
            hits.append(index)
    return hits


def test_scenario_a_trailing_stop_loss_limit_buy(desk: Desk) -> None:
    trade_at(desk, "40000", "0.001")
    events = desk.place(
        A, BUY, STOP_LOSS_LIMIT, "0.001", "45000", stop_price="44000", trailing_delta=500
    )
    stop_id = accepted_id(events)
    # Falls to 37,000 untracked; tracking starts at 44,000; 46,000 is only ~454 BIPS above;
    # falls to 42,000; 44,100 = 42,000 x 1.05 triggers.
    prices = ["37000", "44000", "45000", "46000", "42000", "44099", "44100"]
    assert trail(desk, prices, stop_id) == [6]


def test_scenario_b_trailing_stop_loss_limit_sell(desk: Desk) -> None:
    trade_at(desk, "40000", "0.001")
    stop_id = accepted_id(
        desk.place(
            A, SELL, STOP_LOSS_LIMIT, "0.001", "38000", stop_price="39000", trailing_delta=1000
        )
    )
    prices = ["41500", "39000", "37000", "41000", "36901", "36900"]
    assert trail(desk, prices, stop_id) == [5]


def test_scenario_e_trailing_without_stop_price_tracks_from_the_last_price(desk: Desk) -> None:
    trade_at(desk, "40000", "0.001")
    events = desk.place(A, SELL, STOP_LOSS_LIMIT, "0.001", "39000", trailing_delta=700)
    stop_id = accepted_id(events)
    assert desk.exchange.state("BTCUSDT").stops.orders[stop_id].trail_price == desk.market().price(
        "40000"
    )
    prices = ["42000", "39500", "45500", "42316", "42315"]
    assert trail(desk, prices, stop_id) == [4]


def test_trail_moves_are_events(desk: Desk) -> None:
    trade_at(desk, "100")
    stop_id = accepted_id(desk.place(A, SELL, STOP_LOSS, quantity="1", trailing_delta=100))
    events = trade_at(desk, "101")
    assert [(e.order_id, e.trail_price) for e in events if isinstance(e, StopTrailed)] == [
        (stop_id, desk.market().price("101"))
    ]
    assert not [e for e in trade_at(desk, "100.5") if isinstance(e, StopTrailed)]


def test_a_triggered_fok_stop_limit_that_cannot_fill_expires(desk: Desk) -> None:
    trade_at(desk, "100")
    stop_id = accepted_id(
        desk.place(A, SELL, STOP_LOSS_LIMIT, "5", "99", tif=TimeInForce.FOK, stop_price="99.5")
    )
    events = trade_at(desk, "99.5")
    report = [e for e in events if isinstance(e, OrderUpdated) and e.order_id == stop_id][-1]
    assert report.status is OrderStatus.EXPIRED
    assert desk.balance(A, "BTC")[1] == 0
    desk.check()
