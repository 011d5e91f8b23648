"""The rolling ticker keeps the window of avgPrice as trades come: its sums and its last
trade's time are those of the trades of the last five minutes, at any moment, however many
trades left it."""

from hypothesis import given
from hypothesis import strategies as st

from domain.candles import MINUTE
from domain.events import Trade
from domain.ticker import AVERAGE_PRICE_MINUTES, RollingTicker

WINDOW = AVERAGE_PRICE_MINUTES * MINUTE


def trade(trade_id: int, timestamp: int, price: int, quantity: int) -> Trade:
    return Trade("BTCUSDT", trade_id, price, quantity, price * quantity, 1, 2, 7, 8, True, 0, 0,
                 timestamp)  # fmt: skip


@given(
    st.lists(
        st.tuples(st.integers(0, 3 * MINUTE), st.integers(1, 10**6), st.integers(1, 10**9)),
        max_size=200,
    ),
    st.integers(0, 20 * MINUTE),
)
def test_the_window_holds_the_trades_of_the_last_minutes(
    steps: list[tuple[int, int, int]], later: int
) -> None:
    ticker, trades, now = RollingTicker(), [], 0
    for trade_id, (step, price, quantity) in enumerate(steps, 1):
        now += step
        trades.append(trade(trade_id, now, price, quantity))
        ticker.add(trades[-1])
    now += later

    window = ticker.average.window_at(now)

    inside = [t for t in trades if t.timestamp >= now - WINDOW]
    assert window.quantity == sum(t.quantity for t in inside)
    assert window.quote == sum(t.quote_quantity for t in inside)
    assert window.last_trade_time == (inside[-1].timestamp if inside else 0)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3 * MINUTE),
            st.integers(1, 10**6),
            st.integers(1, 10**9),
            st.lists(st.integers(0, 4 * MINUTE), max_size=3),
        ),
        max_size=120,
    )
)
def test_an_average_asked_again_is_the_average_worked_out_afresh(
    steps: list[tuple[int, int, int, list[int]]],
) -> None:
    """Asked between trades, at times that move on, the average kept from the last answer is
    the one a new average of the same trades gives."""
    ticker, trades, now = RollingTicker(), [], 0
    for trade_id, (step, price, quantity, asks) in enumerate(steps, 1):
        now += step
        trades.append(trade(trade_id, now, price, quantity))
        ticker.add(trades[-1])
        for ask in asks:
            now += ask
            fresh = RollingTicker()
            for kept in trades:
                fresh.add(kept)
            assert ticker.average.at(now, 10**8) == fresh.average.at(now, 10**8)
            assert ticker.average.at(now, 10**6) == fresh.average.at(now, 10**6)
