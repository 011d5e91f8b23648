"""Cancel, amend, cancel-replace, selling, and refusals that must change nothing."""

from decimal import Decimal

import pytest

from domain.assets import MAX_HOLDINGS
from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelReplace,
    CancelReplaceMode,
    Deposit,
    PlaceOrder,
    Withdraw,
)
from domain.errors import (
    DuplicateOrder,
    FilterFailure,
    InsufficientBalance,
    InvalidAmend,
    InvalidAmount,
    InvalidOrder,
    MarketFilter,
    UnknownAsset,
    UnknownMarket,
    UnknownOrder,
)
from domain.events import BookChanged, OrderUpdated, Trade
from domain.orders import ExecutionType, OrderStatus, OrderType, Side
from tests.unit.conftest import Desk

A, B = 1, 2
BTC = 10**8
USDT = 10**8


@pytest.fixture
def funded(desk: Desk) -> Desk:
    desk.deposit(A, "USDT", "10000")
    desk.deposit(B, "BTC", "5")
    return desk


def snapshot(desk: Desk) -> tuple[object, ...]:
    books = tuple(
        (symbol, state.last_order_id, tuple(state.book.orders))
        for symbol, state in desk.exchange.markets.items()
    )
    return (tuple(desk.exchange.ledger.balances()), books)


def test_sell_taker_gets_the_makers_better_price(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100")
    events = funded.place(B, Side.SELL, quantity="0.4", price="90")
    (trade,) = [e for e in events if isinstance(e, Trade)]
    assert (trade.price, trade.quantity, trade.buyer_is_maker) == (100 * USDT, 4 * BTC // 10, True)
    assert (trade.buyer_fee, trade.seller_fee) == (4 * BTC // 10_000, 4 * USDT // 100)
    assert funded.balance(B, "USDT") == (Decimal("39.96"), Decimal(0))
    assert funded.balance(B, "BTC") == (Decimal("4.6"), Decimal(0))
    assert funded.balance(A, "USDT") == (Decimal(9900), Decimal(60))
    assert funded.balance(A, "BTC") == (Decimal("0.3996"), Decimal(0))
    funded.check()


def test_market_sell_by_quote_amount_sells_what_raises_it(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100")
    funded.place(A, Side.BUY, quantity="1", price="99")
    events = funded.place(B, Side.SELL, OrderType.MARKET, quote_quantity="150")
    trades = [(t.price // USDT, Decimal(t.quantity) / BTC) for t in events if isinstance(t, Trade)]
    assert trades == [(100, Decimal(1)), (99, Decimal("0.50505"))]
    assert events[-2] == OrderUpdated(
        "BTCUSDT", 3, B, ExecutionType.TRADE, OrderStatus.FILLED,
        150505 * BTC // 100000, 150505 * BTC // 100000, 14999995000, 0,
        working_time=0, queued_at=1,  # working since placed, which was before any trade
    )  # fmt: skip
    assert funded.balance(B, "BTC") == (Decimal("3.49495"), Decimal(0))
    funded.check()


def test_price_time_priority_within_and_across_levels(funded: Desk) -> None:
    funded.deposit(3, "USDT", "10000")
    funded.place(A, Side.BUY, quantity="1", price="100")
    funded.place(3, Side.BUY, quantity="1", price="100")
    funded.place(3, Side.BUY, quantity="1", price="101")
    events = funded.place(B, Side.SELL, quantity="2.5", price="100")
    fills = [(t.buyer_order_id, t.price // USDT) for t in events if isinstance(t, Trade)]
    assert fills == [(3, 101), (1, 100), (2, 100)]
    funded.check()


def test_cancel_releases_the_hold(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100", client_order_id="mine")
    events = funded.exchange.cancel(CancelOrder(A, "BTCUSDT", client_order_id="mine"))
    assert events[-1] == BookChanged("BTCUSDT", ((100 * USDT, 0),), ())
    assert events[-2].status is OrderStatus.CANCELED  # type: ignore[union-attr]
    assert funded.balance(A, "USDT") == (Decimal(10000), Decimal(0))
    with pytest.raises(UnknownOrder):
        funded.exchange.cancel(CancelOrder(A, "BTCUSDT", order_id=1))
    funded.check()


def test_cancel_of_someone_elses_order_is_unknown(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100")
    before = snapshot(funded)
    with pytest.raises(UnknownOrder):
        funded.exchange.cancel(CancelOrder(B, "BTCUSDT", order_id=1))
    with pytest.raises(UnknownOrder):
        funded.exchange.cancel(CancelOrder(A, "BTCUSDT", order_id=1, client_order_id="other"))
    assert snapshot(funded) == before


def test_amend_keeps_priority_and_releases_the_difference(funded: Desk) -> None:
    funded.deposit(3, "USDT", "10000")
    funded.place(A, Side.BUY, quantity="2", price="100")
    funded.place(3, Side.BUY, quantity="1", price="100")
    events = funded.exchange.amend(AmendOrder(A, "BTCUSDT", BTC // 2, order_id=1))
    assert events[-1] == BookChanged("BTCUSDT", ((100 * USDT, BTC // 2 + BTC),), ())
    assert events[-2].execution is ExecutionType.REPLACED  # type: ignore[union-attr]
    assert funded.balance(A, "USDT") == (Decimal(9950), Decimal(50))
    fills = funded.place(B, Side.SELL, quantity="0.5", price="100")
    assert [t.buyer_order_id for t in fills if isinstance(t, Trade)] == [1]
    funded.check()


@pytest.mark.parametrize("new_quantity", ["2", "3", "0", "0.000001"])
def test_amend_must_reduce_to_a_valid_quantity(funded: Desk, new_quantity: str) -> None:
    funded.place(A, Side.BUY, quantity="2", price="100")
    before = snapshot(funded)
    with pytest.raises((InvalidAmend, FilterFailure)):
        funded.exchange.amend(
            AmendOrder(A, "BTCUSDT", int(Decimal(new_quantity) * BTC), order_id=1)
        )
    assert snapshot(funded) == before


def test_amend_cannot_go_below_what_was_executed(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="2", price="100")
    funded.place(B, Side.SELL, quantity="1", price="100")
    with pytest.raises(InvalidAmend):
        funded.exchange.amend(AmendOrder(A, "BTCUSDT", BTC, order_id=1))


def test_cancel_replace_moves_the_order(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100")
    place = PlaceOrder(A, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=BTC, price=99 * USDT)
    result = funded.exchange.cancel_replace(CancelReplace(CancelOrder(A, "BTCUSDT", 1), place))
    assert result.cancel_error is None
    assert result.place_error is None
    assert list(funded.exchange.state("BTCUSDT").book.orders) == [2]
    assert funded.balance(A, "USDT") == (Decimal(9901), Decimal(99))


def test_cancel_replace_stops_when_the_cancel_fails(funded: Desk) -> None:
    place = PlaceOrder(A, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=BTC, price=99 * USDT)
    before = snapshot(funded)
    with pytest.raises(UnknownOrder):
        funded.exchange.cancel_replace(CancelReplace(CancelOrder(A, "BTCUSDT", 7), place))
    assert snapshot(funded) == before
    allowed = CancelReplace(CancelOrder(A, "BTCUSDT", 7), place, CancelReplaceMode.ALLOW_FAILURE)
    result = funded.exchange.cancel_replace(allowed)
    assert isinstance(result.cancel_error, UnknownOrder)
    assert list(funded.exchange.state("BTCUSDT").book.orders) == [1]


def test_cancel_replace_keeps_the_cancel_when_the_new_order_fails(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100")
    place = PlaceOrder(A, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=BTC, price=10**6 * USDT)
    result = funded.exchange.cancel_replace(CancelReplace(CancelOrder(A, "BTCUSDT", 1), place))
    assert isinstance(result.place_error, InsufficientBalance)
    assert not funded.exchange.state("BTCUSDT").book.orders
    assert funded.balance(A, "USDT") == (Decimal(10000), Decimal(0))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"quantity": "1", "price": "100.001"}, MarketFilter.PRICE_FILTER),
        ({"quantity": "0.000001", "price": "100"}, MarketFilter.LOT_SIZE),
        ({"quantity": "100000", "price": "100"}, MarketFilter.LOT_SIZE),
        ({"quantity": "0.01", "price": "100"}, MarketFilter.NOTIONAL),
        ({"quantity": "0.000015", "price": "100"}, MarketFilter.LOT_SIZE),
    ],
)
def test_filter_failures_change_nothing(
    funded: Desk, kwargs: dict[str, str], error: MarketFilter
) -> None:
    before = snapshot(funded)
    with pytest.raises(FilterFailure) as raised:
        funded.exchange.place(
            PlaceOrder(
                A,
                "BTCUSDT",
                Side.BUY,
                OrderType.LIMIT,
                quantity=int(Decimal(kwargs["quantity"]) * BTC),
                price=int(Decimal(kwargs["price"]) * USDT),
            )
        )
    assert raised.value.filter is error
    assert str(raised.value) == f"Filter failure: {error.value}"
    assert snapshot(funded) == before


def test_refusals_change_nothing(funded: Desk) -> None:
    funded.place(A, Side.BUY, quantity="1", price="100", client_order_id="dup")
    before = snapshot(funded)
    with pytest.raises(InsufficientBalance):
        funded.place(A, Side.BUY, quantity="100", price="100")
    with pytest.raises(InsufficientBalance):
        funded.place(A, Side.SELL, quantity="1", price="100")
    with pytest.raises(DuplicateOrder):
        funded.place(A, Side.BUY, quantity="1", price="99", client_order_id="dup")
    with pytest.raises(InvalidOrder):
        funded.place(A, Side.BUY, OrderType.MARKET, quantity="1", quote_quantity="10")
    with pytest.raises(InvalidOrder):
        funded.place(A, Side.BUY, OrderType.MARKET, quantity="1", price="100")
    with pytest.raises(UnknownMarket):
        funded.place(A, Side.BUY, quantity="1", price="100", symbol="DOGEUSDT")
    with pytest.raises(InsufficientBalance):
        funded.exchange.withdraw(Withdraw(A, "USDT", 10**6 * USDT))
    with pytest.raises(UnknownAsset):
        funded.exchange.deposit(Deposit(A, "DOGE", 1))
    assert snapshot(funded) == before


def test_market_order_on_an_empty_book_expires(funded: Desk) -> None:
    events = funded.place(A, Side.BUY, OrderType.MARKET, quantity="1")
    assert [type(e).__name__ for e in events] == ["OrderAccepted", "OrderUpdated"]
    assert events[-1].status is OrderStatus.EXPIRED  # type: ignore[union-attr]
    assert funded.balance(A, "USDT") == (Decimal(10000), Decimal(0))


def test_market_buy_beyond_the_balance_is_refused(funded: Desk) -> None:
    funded.place(B, Side.SELL, quantity="5", price="5000")
    before = snapshot(funded)
    with pytest.raises(InsufficientBalance):
        funded.place(A, Side.BUY, OrderType.MARKET, quantity="3")
    assert snapshot(funded) == before


def test_withdrawal_leaves_the_exchange(funded: Desk) -> None:
    funded.exchange.withdraw(Withdraw(A, "USDT", 4000 * USDT))
    assert funded.balance(A, "USDT") == (Decimal(6000), Decimal(0))
    assert funded.balance(-1, "USDT") == (Decimal(-6000), Decimal(0))


def test_no_transfer_moves_more_than_the_exchange_can_hold(desk: Desk) -> None:
    with pytest.raises(InvalidAmount, match=r"at most 92233720368\.54775807 USDT"):
        desk.exchange.deposit(Deposit(A, "USDT", MAX_HOLDINGS + 1))
    # No balance can hold more: beyond the balance, whatever the ledger here knows.
    with pytest.raises(InsufficientBalance):
        desk.exchange.withdraw(Withdraw(A, "USDT", MAX_HOLDINGS + 1))
    assert list(desk.exchange.ledger.balances()) == []
    desk.exchange.deposit(Deposit(A, "USDT", MAX_HOLDINGS))
    desk.exchange.withdraw(Withdraw(A, "USDT", MAX_HOLDINGS))
    assert desk.balance(A, "USDT") == (Decimal(0), Decimal(0))
