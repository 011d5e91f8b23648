"""A notional is exact: the quote amount of a quantity at a price, rounded down to the quote's
minor unit, whichever way the market works it out (on the tick and lot grids, or off them)."""

from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.demo_listing import demo_markets
from domain.markets import Market


@given(
    market=st.sampled_from(demo_markets()),
    ticks=st.integers(0, 10**12),
    lots=st.integers(0, 10**12),
    price_off_grid=st.integers(0, 3),
    quantity_off_grid=st.integers(0, 3),
)
def test_a_notional_is_the_quantity_times_the_price_rounded_down(
    market: Market, ticks: int, lots: int, price_off_grid: int, quantity_off_grid: int
) -> None:
    price = ticks * market.tick_size + price_off_grid
    quantity = lots * market.lot_size + quantity_off_grid
    assert market.notional(price, quantity) == price * quantity // market.base.scale
