"""The filters that depend on the market's state: PERCENT_PRICE_BY_SIDE (limit prices within
a band around the average price of the last five minutes) and MAX_NUM_ORDERS."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.demo_listing import demo_markets
from domain.average_price import AveragePrice
from domain.candles import MINUTE
from domain.commands import CancelOrder, Deposit, PlaceOrder
from domain.errors import FilterFailure, MarketFilter
from domain.events import OrderAccepted, Trade
from domain.exchange import Exchange
from domain.markets import BASIS_POINTS, BandLimits, PriceBand
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce

A, B = 1, 2
BTC, USDT = 10**8, 10**8


@pytest.fixture
def exchange() -> Exchange:
    markets = [dataclasses.replace(m, max_num_orders=2) for m in demo_markets()]
    exchange = Exchange(markets)
    for account in (A, B):
        exchange.deposit(Deposit(account, "BTC", 10 * BTC))
        exchange.deposit(Deposit(account, "USDT", 10_000_000 * USDT))
    return exchange


def limit(
    account: int, side: Side, price: str, at: int = 0, tif: TimeInForce = TimeInForce.GTC
) -> PlaceOrder:
    return PlaceOrder(
        account, "BTCUSDT", side, OrderType.LIMIT, BTC, int(Decimal(price) * USDT),
        time_in_force=tif, stp=SelfTradePrevention.NONE, timestamp=at,
    )  # fmt: skip


def trade_at(exchange: Exchange, price: str, at: int) -> None:
    exchange.place(limit(A, Side.SELL, price, at))
    events = exchange.place(limit(B, Side.BUY, price, at))
    assert any(isinstance(e, Trade) for e in events)


def refused(exchange: Exchange, command: PlaceOrder) -> MarketFilter:
    with pytest.raises(FilterFailure) as failure:
        exchange.place(command)
    return failure.value.filter


def test_without_trades_there_is_no_band(exchange: Exchange) -> None:
    exchange.place(limit(A, Side.BUY, "600"))
    exchange.place(limit(A, Side.SELL, "1000000"))


def test_limit_prices_stay_within_their_side_s_band(exchange: Exchange) -> None:
    trade_at(exchange, "100", at=1_000)
    band = MarketFilter.PERCENT_PRICE_BY_SIDE
    for side in Side:
        assert refused(exchange, limit(B, side, "500.01", at=2_000)) is band
        assert refused(exchange, limit(B, side, "19.99", at=2_000)) is band
    accepted = exchange.place(limit(B, Side.SELL, "500", at=2_000))
    assert isinstance(accepted[0], OrderAccepted)
    exchange.place(limit(B, Side.BUY, "20", at=2_000))


def test_the_band_follows_the_volume_weighted_average_of_the_last_five_minutes(
    exchange: Exchange,
) -> None:
    trade_at(exchange, "100", at=0)
    trade_at(exchange, "400", at=4 * MINUTE)
    # Both trades count, each 1 BTC: the average is 250, the highest buy 1250.
    assert refused(exchange, limit(B, Side.BUY, "1250.01", at=5 * MINUTE)) is not None
    exchange.place(limit(B, Side.BUY, "1250", at=5 * MINUTE, tif=TimeInForce.IOC))
    # The first trade is out of the window: the average is 400, the highest buy 2000.
    exchange.place(limit(B, Side.BUY, "2000", at=6 * MINUTE, tif=TimeInForce.IOC))
    # No trade in the window: the last price stands.
    assert refused(exchange, limit(B, Side.BUY, "2000.01", at=60 * MINUTE)) is not None


def test_an_account_may_have_only_so_many_open_orders(exchange: Exchange) -> None:
    first = exchange.place(limit(A, Side.BUY, "100"))
    exchange.place(limit(A, Side.BUY, "101"))
    assert refused(exchange, limit(A, Side.BUY, "102")) is MarketFilter.MAX_NUM_ORDERS
    # Orders that cannot rest are not counted against it, nor another account's.
    exchange.place(limit(A, Side.BUY, "102", tif=TimeInForce.IOC))
    exchange.place(limit(B, Side.BUY, "102"))
    accepted = first[0]
    assert isinstance(accepted, OrderAccepted)
    exchange.cancel(CancelOrder(A, "BTCUSDT", accepted.order_id))
    exchange.place(limit(A, Side.BUY, "102"))


def feed(average: AveragePrice, seconds: int) -> None:
    """A trade of 1 BTC a second, at 100 for the first 3,000 seconds and at 200 after."""
    for second in range(seconds):
        price = (100 if second < 3_000 else 200) * USDT
        average.add(Trade("X", second, price, BTC, price, 1, 2, 1, 2, False, 0, 0, second * 1_000))


def test_the_average_price_forgets_old_trades_without_losing_the_window() -> None:
    average = AveragePrice(minutes=5)
    feed(average, 3_600)
    assert average.at(3_599_500, BTC) == 200 * USDT
    assert len(average._times) < 3_600
    halves = AveragePrice(minutes=5)
    feed(halves, 3_150)
    assert halves.at(3_149_500, BTC) == 150 * USDT  # 150 trades at 100, 150 at 200


@given(
    average=st.integers(0, 10**20),
    up=st.integers(BASIS_POINTS, 10 * BASIS_POINTS),
    down=st.integers(1, BASIS_POINTS),
    off=st.integers(-2, 2),
    edge=st.sampled_from(["up", "down"]),
    side=st.sampled_from(Side),
)
def test_the_band_s_limits_allow_exactly_the_prices_its_multiplications_allow(
    average: int, up: int, down: int, off: int, edge: str, side: Side
) -> None:
    band = PriceBand(bid_up=up, bid_down=down, ask_up=up, ask_down=down)
    # A price at one of the band's edges, or a minor unit or two either side of it.
    price = max(1, average * (up if edge == "up" else down) // BASIS_POINTS + off)
    allowed = not average or average * down <= price * BASIS_POINTS <= average * up
    try:
        BandLimits(band, average).check(side, price)
    except FilterFailure:
        assert not allowed
    else:
        assert allowed
