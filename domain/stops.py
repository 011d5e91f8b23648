"""Stop and take-profit orders while they wait: when each one triggers, and what it holds.

A waiting stop is judged against every trade of its market, one price at a time, in the
order the trades happened, so that a taker sweeping several levels triggers every stop whose
price it passed. Without a trailing delta it triggers on the first trade at or beyond its stop
price, in its direction: at or above for a STOP_LOSS buy or a TAKE_PROFIT sell, at or below
for a STOP_LOSS sell or a TAKE_PROFIT buy. With one, it starts tracking on the first trade
that reaches its stop price (at once, from the last price, when it has none), keeps the best
price since (lowest for a buy, highest for a sell), and triggers on a trade that far worse.

While it waits, a stop holds all it may spend: its quantity for a sell, its quantity at its
limit price for a STOP_LOSS_LIMIT or TAKE_PROFIT_LIMIT buy. A STOP_LOSS or TAKE_PROFIT buy has
no price, so it gets one, its cap: where it would trigger as known when placed (its stop price,
or the last price for a trailing stop without one), raised by its trailing delta and then by
the market's `stop_market_margin_bps`, up to the next tick. It holds its quantity at its cap
and, once triggered, buys at no more than that; what the book offers only above, it leaves to
expire. So a triggered order always finds its funds held."""

from domain.markets import BASIS_POINTS, Market
from domain.order_index import OrderIndex
from domain.orders import Order, OrderType, Side, rises_to_trigger


def would_trigger(order_type: OrderType, side: Side, stop_price: int, last_price: int) -> bool:
    """Whether the last price already meets a stop condition (never before the first trade)."""
    if not stop_price or not last_price:
        return False
    if rises_to_trigger(order_type, side):
        return last_price >= stop_price
    return last_price <= stop_price


def buy_cap(market: Market, order: Order, last_price: int) -> int:
    """The most a STOP_LOSS or TAKE_PROFIT buy will pay once triggered; 0 when nothing tells
    where it would trigger (a trailing stop without a stop price, before any trade)."""
    reference = order.stop_price or last_price
    raised = reference * (BASIS_POINTS + order.trailing_delta)
    raised *= BASIS_POINTS + market.stop_market_margin_bps
    ticks = -(-raised // (BASIS_POINTS * BASIS_POINTS * market.tick_size))
    cap = ticks * market.tick_size
    return min(cap, market.max_price) if market.max_price else cap


def hold_while_waiting(market: Market, order: Order) -> int:
    if order.side is Side.BUY:
        return market.notional(order.price, order.quantity)
    return order.quantity


def _step(order: Order, price: int) -> tuple[bool, bool]:
    """Judges one trade's price: (the order triggers, its trail price moved)."""
    if not order.trailing_delta:
        return would_trigger(order.type, order.side, order.stop_price, price), False
    trail = order.trail_price
    if not trail:
        if order.stop_price and not would_trigger(order.type, order.side, order.stop_price, price):
            return False, False
        order.trail_price = price
        return False, True
    delta = order.trailing_delta
    if order.side is Side.BUY:
        if price * BASIS_POINTS >= trail * (BASIS_POINTS + delta):
            return True, False
        better = price < trail
    else:
        if price * BASIS_POINTS <= trail * (BASIS_POINTS - delta):
            return True, False
        better = price > trail
    if better:
        order.trail_price = price
    return False, better


class StopBook(OrderIndex):
    """The waiting stops of one market, in the order they were placed (by order id), indexed
    like the book by id and by (account, client order id)."""

    def add(self, order: Order) -> None:
        """Keeps the stops in order id order: the pending stop of an OTO list, placed when its
        working order fills, goes before the stops placed after its list."""
        placed_later = bool(self.orders) and next(reversed(self.orders)) > order.order_id
        super().add(order)
        if placed_later:
            self.orders = dict(sorted(self.orders.items()))

    def triggered(self, prices: list[int]) -> tuple[list[Order], list[Order]]:
        """Judges the waiting stops against `prices`, trades in the order they happened:
        returns the stops triggered, taken out and in the order they were placed, and the
        waiting stops whose trail price moved."""
        fired: list[Order] = []
        trailed: list[Order] = []
        for order in self.orders.values():
            moved = False
            for price in prices:
                hit, step_moved = _step(order, price)
                moved |= step_moved
                if hit:
                    fired.append(order)
                    break
            else:
                if moved:
                    trailed.append(order)
        for order in fired:
            self.remove(order)
        return fired, trailed

    def check_invariants(self, market: Market) -> None:
        self.check_index()
        for order in self.orders.values():
            assert order.type.is_stop
            assert order.working_time == -1 and order.status.is_open and order.executed == 0
            if order.order_list_id < 0:  # an open list's orders hold together
                assert order.held == hold_while_waiting(market, order), order
        assert list(self.orders) == sorted(self.orders), "stops out of placement order"
