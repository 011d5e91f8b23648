"""Every order type x time in force x self-trade prevention mode against one book.

The book holds three asks of 1 BTC: #1 by B at 100, #2 by A at 101, #3 by B at 102. Account A
then buys 2.5 BTC. DECREMENT (and TRANSFER, the same within one account) takes the 1 BTC that
A would have traded with itself from both orders: #2 expires, and A's order, with 0.5 BTC
left to buy, fills it at 102.

Expected fills are written out by hand; expected balances are worked out from them in
decimals, independently of the engine's integer arithmetic."""

from decimal import ROUND_CEILING, Decimal

import pytest

from domain.errors import WouldTake
from domain.events import OrderUpdated, Trade
from domain.orders import (
    ExecutionType,
    OrderStatus,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
)
from tests.unit.conftest import Desk

A, B = 1, 2
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET
GTC, IOC, FOK = TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK
NONE = SelfTradePrevention.NONE
E_TAKER = SelfTradePrevention.EXPIRE_TAKER
E_MAKER = SelfTradePrevention.EXPIRE_MAKER
E_BOTH = SelfTradePrevention.EXPIRE_BOTH
DECREMENTS = [SelfTradePrevention.DECREMENT, SelfTradePrevention.TRANSFER]
FILLED = OrderStatus.FILLED
PARTIAL = OrderStatus.PARTIALLY_FILLED
EXPIRED = OrderStatus.EXPIRED
IN_MATCH = OrderStatus.EXPIRED_IN_MATCH

ALL = [("100", "1", 1), ("101", "1", 2), ("102", "0.5", 3)]
FIRST = [("100", "1", 1)]
SKIP_OWN = [("100", "1", 1), ("102", "1", 3)]
BY_QUOTE_ALL = [("100", "1", 1), ("101", "1", 2), ("102", "0.48529", 3)]
DECREMENTED = [("100", "1", 1), ("102", "0.5", 3)]

# (type, tif, stp) -> (taker status, fills (price, qty, maker id), prevented makers, rests)
CASES = {
    (LIMIT, GTC, NONE): (FILLED, ALL, [], False),
    (LIMIT, GTC, E_TAKER): (IN_MATCH, FIRST, [], False),
    (LIMIT, GTC, E_MAKER): (PARTIAL, SKIP_OWN, [2], True),
    (LIMIT, GTC, E_BOTH): (IN_MATCH, FIRST, [2], False),
    (LIMIT, IOC, NONE): (FILLED, ALL, [], False),
    (LIMIT, IOC, E_TAKER): (IN_MATCH, FIRST, [], False),
    (LIMIT, IOC, E_MAKER): (EXPIRED, SKIP_OWN, [2], False),
    (LIMIT, IOC, E_BOTH): (IN_MATCH, FIRST, [2], False),
    (LIMIT, FOK, NONE): (FILLED, ALL, [], False),
    (LIMIT, FOK, E_TAKER): (EXPIRED, [], [], False),
    (LIMIT, FOK, E_MAKER): (EXPIRED, [], [], False),
    (LIMIT, FOK, E_BOTH): (EXPIRED, [], [], False),
    (MARKET, GTC, NONE): (FILLED, ALL, [], False),
    (MARKET, GTC, E_TAKER): (IN_MATCH, FIRST, [], False),
    (MARKET, GTC, E_MAKER): (EXPIRED, SKIP_OWN, [2], False),
    (MARKET, GTC, E_BOTH): (IN_MATCH, FIRST, [2], False),
    (MARKET, IOC, NONE): (FILLED, ALL, [], False),
    (MARKET, IOC, E_MAKER): (EXPIRED, SKIP_OWN, [2], False),
    (MARKET, FOK, NONE): (FILLED, ALL, [], False),
    (MARKET, FOK, E_TAKER): (EXPIRED, [], [], False),
    (MARKET, FOK, E_MAKER): (EXPIRED, [], [], False),
    (MARKET, FOK, E_BOTH): (EXPIRED, [], [], False),
}
for mode in DECREMENTS:
    CASES |= {
        (LIMIT, GTC, mode): (FILLED, DECREMENTED, [2], False),
        (LIMIT, IOC, mode): (FILLED, DECREMENTED, [2], False),
        (LIMIT, FOK, mode): (EXPIRED, [], [], False),
        (MARKET, GTC, mode): (FILLED, DECREMENTED, [2], False),
        (MARKET, FOK, mode): (EXPIRED, [], [], False),
    }

QUOTE_CASES = {
    NONE: (FILLED, BY_QUOTE_ALL, []),
    E_TAKER: (IN_MATCH, FIRST, []),
    E_MAKER: (EXPIRED, SKIP_OWN, [2]),
    E_BOTH: (IN_MATCH, FIRST, [2]),
}
for mode in DECREMENTS:
    # 1 BTC at 101 is prevented and its 101 USDT come off the budget; 49.5 buy 0.48529 at 102.
    QUOTE_CASES[mode] = (FILLED, [("100", "1", 1), ("102", "0.48529", 3)], [2])


def fee(amount: Decimal, places: int) -> Decimal:
    return (amount * Decimal("0.001")).quantize(Decimal(1).scaleb(-places), ROUND_CEILING)


@pytest.fixture
def book(desk: Desk) -> Desk:
    desk.deposit(A, "USDT", "1000")
    desk.deposit(A, "BTC", "1")
    desk.deposit(B, "BTC", "2")
    desk.place(B, Side.SELL, quantity="1", price="100")
    desk.place(A, Side.SELL, quantity="1", price="101")
    desk.place(B, Side.SELL, quantity="1", price="102")
    return desk


def expected_balances(
    fills: list[tuple[str, str, int]], prevented: list[int], resting_lock: Decimal
) -> dict[tuple[int, str], tuple[Decimal, Decimal]]:
    usdt_a, btc_a, btc_a_locked = Decimal(1000), Decimal(0), Decimal(1)
    usdt_b, btc_b_locked = Decimal(0), Decimal(2)
    fees_usdt, fees_btc = Decimal(0), Decimal(0)
    for price, qty, maker in fills:
        quantity = Decimal(qty)
        notional = Decimal(price) * quantity
        buyer_fee, seller_fee = fee(quantity, 8), fee(notional, 8)
        usdt_a -= notional
        btc_a += quantity - buyer_fee
        if maker == 2:
            usdt_a += notional - seller_fee
            btc_a_locked -= quantity
        else:
            usdt_b += notional - seller_fee
            btc_b_locked -= quantity
        fees_usdt += seller_fee
        fees_btc += buyer_fee
    if 2 in prevented:
        btc_a += btc_a_locked
        btc_a_locked = Decimal(0)
    return {
        (A, "USDT"): (usdt_a - resting_lock, resting_lock),
        (A, "BTC"): (btc_a, btc_a_locked),
        (B, "USDT"): (usdt_b, Decimal(0)),
        (B, "BTC"): (Decimal(0), btc_b_locked),
        (0, "USDT"): (fees_usdt, Decimal(0)),
        (0, "BTC"): (fees_btc, Decimal(0)),
    }


def check_outcome(
    desk: Desk,
    events: list[object],
    status: OrderStatus,
    fills: list[tuple[str, str, int]],
    prevented: list[int],
    resting_lock: Decimal,
) -> None:
    market = desk.market()
    trades = [event for event in events if isinstance(event, Trade)]
    assert [
        (market.quote.format(t.price), market.base.format(t.quantity), t.seller_order_id)
        for t in trades
    ] == [(f"{Decimal(p):.8f}", f"{Decimal(q):.8f}", m) for p, q, m in fills]
    assert all(t.buyer_order_id == 4 and not t.buyer_is_maker for t in trades)
    updates = [event for event in events if isinstance(event, OrderUpdated)]
    assert updates[-1].order_id == 4 or status is PARTIAL
    taker = [u for u in updates if u.order_id == 4]
    final = taker[-1] if taker else None
    executed = sum(Decimal(q) for _, q, _ in fills)
    assert final is not None
    assert final.status is status
    assert Decimal(final.executed) / market.base.scale == executed
    expired = [
        u.order_id
        for u in updates
        if u.execution is ExecutionType.TRADE_PREVENTION and u.order_id != 4
    ]
    assert expired == prevented
    for (account, asset), balance in expected_balances(fills, prevented, resting_lock).items():
        assert desk.balance(account, asset) == balance, (account, asset)
    desk.check()


@pytest.mark.parametrize(("order_type", "tif", "stp"), list(CASES))
def test_buy_by_quantity(
    book: Desk, order_type: OrderType, tif: TimeInForce, stp: SelfTradePrevention
) -> None:
    status, fills, prevented, rests = CASES[order_type, tif, stp]
    price = "102" if order_type is LIMIT else "0"
    events = book.place(A, Side.BUY, order_type, quantity="2.5", price=price, tif=tif, stp=stp)
    resting_lock = Decimal("0.5") * 102 if rests else Decimal(0)
    check_outcome(book, list(events), status, fills, prevented, resting_lock)
    bids = book.exchange.state("BTCUSDT").book.depth(Side.BUY, 5)
    assert bids == ([(102 * 10**8, 5 * 10**7)] if rests else [])


@pytest.mark.parametrize("stp", list(QUOTE_CASES))
def test_market_buy_by_quote_amount(book: Desk, stp: SelfTradePrevention) -> None:
    status, fills, prevented = QUOTE_CASES[stp]
    events = book.place(A, Side.BUY, MARKET, quote_quantity="250.5", stp=stp)
    check_outcome(book, list(events), status, fills, prevented, Decimal(0))


def test_fill_or_kill_that_cannot_fill_changes_nothing(book: Desk) -> None:
    before = list(book.exchange.ledger.balances())
    events = book.place(A, Side.BUY, LIMIT, quantity="3.5", price="102", tif=FOK)
    assert [type(e).__name__ for e in events] == ["OrderAccepted", "OrderUpdated"]
    assert list(book.exchange.ledger.balances()) == before
    assert len(book.exchange.state("BTCUSDT").book.orders) == 3


@pytest.mark.parametrize("stp", list(SelfTradePrevention))
def test_limit_maker_that_would_take_is_refused(book: Desk, stp: SelfTradePrevention) -> None:
    before = list(book.exchange.ledger.balances())
    with pytest.raises(WouldTake):
        book.place(A, Side.BUY, OrderType.LIMIT_MAKER, quantity="1", price="100", stp=stp)
    assert list(book.exchange.ledger.balances()) == before
    assert book.exchange.state("BTCUSDT").last_order_id == 3


@pytest.mark.parametrize("stp", list(SelfTradePrevention))
def test_limit_maker_that_would_not_take_rests(book: Desk, stp: SelfTradePrevention) -> None:
    events = book.place(A, Side.BUY, OrderType.LIMIT_MAKER, quantity="1", price="99", stp=stp)
    assert [type(e).__name__ for e in events] == ["OrderAccepted", "JournalEntry", "BookChanged"]
    assert book.balance(A, "USDT") == (Decimal(901), Decimal(99))
    book.check()
