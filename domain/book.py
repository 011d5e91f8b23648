"""The order book of one market: price levels in priority order, each a FIFO of resting orders."""

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sortedcontainers import SortedDict

from domain.order_index import OrderIndex
from domain.orders import Order, Side


@dataclass
class PriceLevel:
    """Resting orders at one price in arrival order, removable by id in O(1), with their total
    remaining quantity cached. An OrderedDict, not a dict: a plain dict that loses its oldest
    entries makes finding the new oldest one cost O(entries removed)."""

    price: int
    orders: OrderedDict[int, Order] = field(default_factory=OrderedDict)
    volume: int = 0


def joined_after(trade_id: int) -> int:
    """The queue position of an order that joins its level after the market's trade
    `trade_id` (placed, or triggered); one refilled at that trade has the one before."""
    return 2 * trade_id + 1


def _volume(level: PriceLevel | None) -> int:
    return level.volume if level else 0


class OrderBook(OrderIndex):
    """Bids best-first (keyed by negated price) and asks best-first, plus an index by order id
    and by (account, client order id). Only open orders with quantity left rest here."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.bids: SortedDict = SortedDict()
        self.asks: SortedDict = SortedDict()
        # The same two, typed as the dicts they are, to look a level up by: the compiled book
        # then calls dict's own `get` in C (which SortedDict keeps), not a method by its name.
        self._bid_levels: dict[int, PriceLevel] = self.bids
        self._ask_levels: dict[int, PriceLevel] = self.asks
        # Each side's best level, kept as levels come and go: every order placed asks for the
        # other side's, which SortedDict finds in Python code.
        self._best_bid: PriceLevel | None = None
        self._best_ask: PriceLevel | None = None
        # The prices of the levels changed since `take_changes`, in the order they changed.
        self._changed_bids: dict[int, None] = {}
        self._changed_asks: dict[int, None] = {}

    def _side(self, side: Side) -> SortedDict:
        return self.bids if side is Side.BUY else self.asks

    def _level(self, order: Order) -> PriceLevel:
        """The level a resting order stands at. Keyed by negated price, not by a sign times
        it: the compiled book multiplies a price through Python's integers."""
        level: PriceLevel = (
            self.bids[-order.price] if order.side is Side.BUY else self.asks[order.price]
        )
        return level

    def _changed(self, side: Side) -> dict[int, None]:
        return self._changed_bids if side is Side.BUY else self._changed_asks

    def add(self, order: Order) -> None:
        buying = order.side is Side.BUY
        key = -order.price if buying else order.price
        level = (self._bid_levels if buying else self._ask_levels).get(key)
        if level is None:
            level = (self.bids if buying else self.asks)[key] = PriceLevel(order.price)
            if buying and (self._best_bid is None or order.price > self._best_bid.price):
                self._best_bid = level
            elif not buying and (self._best_ask is None or order.price < self._best_ask.price):
                self._best_ask = level
        queue = level.orders
        tail = queue[next(reversed(queue))] if queue else None
        queue[order.order_id] = order
        if tail is not None and (
            tail.queued_at > order.queued_at
            or (tail.queued_at == order.queued_at and tail.order_id > order.order_id)
        ):
            # Joined after the same trade as orders of later ids (a pending order of an OTO list
            # placed with the stops that trade triggered): the level stays in id order.
            for later in [o for o in queue.values() if o.order_id > order.order_id]:
                if later.queued_at == order.queued_at:
                    queue.move_to_end(later.order_id)
        level.volume += order.visible
        self._changed(order.side)[order.price] = None
        super().add(order)

    def remove(self, order: Order) -> None:
        buying = order.side is Side.BUY
        levels = self.bids if buying else self.asks
        key = -order.price if buying else order.price
        level: PriceLevel = levels[key]
        del level.orders[order.order_id]
        level.volume -= order.visible
        self._changed(order.side)[order.price] = None
        if not level.orders:
            del levels[key]
            if level is self._best_bid:
                self._best_bid = levels.peekitem(0)[1] if levels else None
            elif level is self._best_ask:
                self._best_ask = levels.peekitem(0)[1] if levels else None
        super().remove(order)

    def reduce(self, order: Order, quantity: int) -> None:
        """Records that a resting order lost `quantity` of what it shows (filled, prevented,
        or amended); the caller updates the order itself."""
        self._level(order).volume -= quantity
        self._changed(order.side)[order.price] = None

    def hide_less(self, order: Order, quantity: int) -> None:
        """Takes `quantity` from what an iceberg order on the book hides (amended)."""
        order.hidden -= quantity

    def show_more(self, order: Order, shown: int) -> None:
        """An iceberg order shows `shown` more of its hidden part where it stands (its own
        account's taker took what it showed: self-trade prevention)."""
        self._level(order).volume += shown
        order.hidden -= shown
        self._changed(order.side)[order.price] = None

    def refill(self, order: Order, shown: int, trade_id: int) -> None:
        """An iceberg order whose shown part trade `trade_id` took shows `shown` more of its
        hidden part, at the back of its price level."""
        level = self._level(order)
        del level.orders[order.order_id]
        level.orders[order.order_id] = order
        order.hidden -= shown
        order.queued_at = 2 * trade_id
        level.volume += shown
        self._changed(order.side)[order.price] = None

    def take_changes(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(price, volume now) of every bid and ask level changed since the last call; a
        volume of 0 means the level is gone."""
        bids = [(price, _volume(self._bid_levels.get(-price))) for price in self._changed_bids]
        asks = [(price, _volume(self._ask_levels.get(price))) for price in self._changed_asks]
        self._changed_bids.clear()
        self._changed_asks.clear()
        return bids, asks

    def best(self, side: Side) -> PriceLevel | None:
        return self._best_bid if side is Side.BUY else self._best_ask

    def levels(self, side: Side) -> Iterator[PriceLevel]:
        """Levels of one side, best price first, as far as the caller reads: a generator, not
        a generator expression, which the compiled book made into a list of the whole side
        (every level looked up for each order that takes one or two). The book must not change
        while they are read."""
        levels = self._side(side)
        # Iterating the keys is much cheaper to start than a SortedDict values view.
        for key in levels:
            yield levels[key]

    def depth(self, side: Side, limit: int) -> list[tuple[int, int]]:
        """(price, volume) of the best `limit` levels of one side."""
        levels = self._side(side)
        return [(level.price, level.volume) for level in levels.values()[:limit]]

    def check_invariants(self) -> None:
        indexed = 0
        for side in Side:
            for key, level in self._side(side).items():
                assert key == (-level.price if side is Side.BUY else level.price), "wrong key"
                assert level.orders, "empty level left in the book"
                assert level.volume == sum(o.visible for o in level.orders.values())
                queue = [(o.queued_at, o.order_id) for o in level.orders.values()]
                assert queue == sorted(queue), "a level's queue out of (queued_at, id) order"
                for order_id, order in level.orders.items():
                    assert order.side is side and order.price == level.price
                    assert order.status.is_open and order.visible > 0 and order.hidden >= 0
                    assert order.iceberg_quantity or not order.hidden, "a plain order hides"
                    assert not order.iceberg_quantity or order.visible <= order.iceberg_quantity
                    assert self.orders[order_id] is order, "order missing from the index"
                    indexed += 1
        assert indexed == len(self.orders), "index holds orders off the book"
        self.check_index()
        bid, ask = self.best(Side.BUY), self.best(Side.SELL)
        assert bid is (self.bids.peekitem(0)[1] if self.bids else None), "best bid is stale"
        assert ask is (self.asks.peekitem(0)[1] if self.asks else None), "best ask is stale"
        assert bid is None or ask is None or bid.price < ask.price, "book is crossed"
