"""Matching as a plan: walk only the crossing levels and say what would happen, without
changing anything, so that a FOK order or a failed hold leaves the book untouched."""

from collections import deque
from collections.abc import Iterator
from typing import Final

from domain.book import OrderBook, PriceLevel
from domain.markets import Market
from domain.orders import Order, SelfTradePrevention, Side


# The plan's parts are plain classes: mypyc compiles their __init__ to C (a dataclass's is
# Python) and reads their fields natively (a msgspec struct's through Python's lookup); one
# MatchPlan is made for every order placed, a _Shown for every maker it meets, a step for
# every fill or prevention.
class Fill:
    """The taker trades `quantity` with `maker`, for `quote_quantity`."""

    def __init__(self, maker: Order, quantity: int, quote_quantity: int) -> None:
        self.maker: Final = maker
        self.quantity: Final = quantity
        self.quote_quantity: Final = quote_quantity


class Prevention:
    """Self-trade prevention stops the taker from trading `quantity` with this resting order of
    its own account, at the maker's price: each loses the quantity given (0: it is left as it
    was)."""

    def __init__(
        self, maker: Order, quantity: int, maker_quantity: int, taker_quantity: int
    ) -> None:
        self.maker: Final = maker
        self.quantity: Final = quantity
        self.maker_quantity: Final = maker_quantity
        self.taker_quantity: Final = taker_quantity


class MatchPlan:
    def __init__(self) -> None:
        self.steps: list[Fill | Prevention] = []
        self.quantity = 0
        self.quote_quantity = 0
        self.prevented = 0
        """What self-trade prevention takes from the taker."""
        self.complete = False
        """The taker would get all it asked for."""
        self.taker_prevented = False
        """Self-trade prevention leaves the taker nothing more to trade: it expires in the
        match."""


class _Shown:
    """A maker as the plan sees it: what it shows and hides once the steps before are done."""

    def __init__(self, visible: int, hidden: int, iceberg: int) -> None:
        self.visible = visible
        self.hidden = hidden
        self.iceberg = iceberg
        self.refilled = False

    @property
    def left(self) -> int:
        return self.visible + self.hidden

    def fill(self, quantity: int) -> None:
        """A trade takes from what it shows; an iceberg that shows nothing more shows its
        next part at the back of the level."""
        self.visible -= quantity
        if not self.visible and self.hidden:
            self._show()
            self.refilled = True

    def prevent(self, quantity: int) -> None:
        """Self-trade prevention takes from what it shows; an iceberg shows its next part
        where it stands."""
        self.visible -= quantity
        if not self.visible and self.hidden:
            self._show()

    def expire(self, quantity: int) -> None:
        if quantity:
            self.visible = self.hidden = 0

    def _show(self) -> None:
        shown = min(self.iceberg, self.hidden)
        self.visible, self.hidden = shown, self.hidden - shown


def _queue(level: PriceLevel) -> Iterator[tuple[Order, _Shown]]:
    """The level's makers in the order a taker meets them: those resting, then the icebergs
    refilled meanwhile, each at the back as it refills. Each maker comes with what it shows
    as the plan goes; one left with nothing is passed over."""
    refills: deque[tuple[Order, _Shown]] = deque()
    for maker in level.orders.values():
        shown = _Shown(maker.visible, maker.hidden, maker.iceberg_quantity)
        yield from _until_refilled(maker, shown, refills)
    while refills:
        maker, shown = refills.popleft()
        yield from _until_refilled(maker, shown, refills)


def _until_refilled(
    maker: Order, shown: _Shown, refills: deque[tuple[Order, _Shown]]
) -> Iterator[tuple[Order, _Shown]]:
    while shown.visible:
        before = (shown.visible, shown.hidden)
        yield maker, shown
        if shown.refilled:
            shown.refilled = False
            refills.append((maker, shown))
            return
        if (shown.visible, shown.hidden) == before:
            return


def plan_match(market: Market, book: OrderBook, taker: Order) -> MatchPlan:
    plan = MatchPlan()
    buying = taker.side is Side.BUY
    limit = taker.price or None  # a market order has none, unless a cap (`domain.stops`)
    by_quote = taker.quantity == 0
    remaining = taker.remaining
    budget = taker.quote_quantity
    stp = taker.stp
    for level in book.levels(Side.SELL if buying else Side.BUY):
        price = level.price
        if limit is not None and (price > limit if buying else price < limit):
            return plan
        for maker, shown in _queue(level):
            wanted = market.affordable_quantity(price, budget) if by_quote else remaining
            if wanted == 0:
                plan.complete = True
                return plan
            if maker.account_id == taker.account_id and stp is not SelfTradePrevention.NONE:
                would_trade = min(wanted, shown.visible)
                if stp.decrements:
                    plan.steps.append(Prevention(maker, would_trade, would_trade, would_trade))
                    shown.prevent(would_trade)
                    plan.prevented += would_trade
                    remaining -= would_trade
                    budget -= market.notional(price, would_trade) if by_quote else 0
                    if would_trade == wanted:
                        plan.taker_prevented = True
                        return plan
                    continue
                maker_quantity = shown.left if stp.expires_maker else 0
                if not stp.expires_taker:
                    plan.steps.append(Prevention(maker, would_trade, maker_quantity, 0))
                    shown.expire(maker_quantity)
                    continue
                plan.steps.append(Prevention(maker, would_trade, maker_quantity, wanted))
                plan.prevented += wanted
                plan.taker_prevented = True
                return plan
            quantity = min(wanted, shown.visible)
            quote_quantity = market.notional(price, quantity)
            plan.steps.append(Fill(maker, quantity, quote_quantity))
            shown.fill(quantity)
            plan.quantity += quantity
            plan.quote_quantity += quote_quantity
            budget -= quote_quantity
            remaining -= quantity
            if remaining == 0 and not by_quote:
                plan.complete = True
                return plan
    # The book ran out; an order by quote amount still got all it asked for if what is left
    # of its budget cannot buy one more lot at the last price it paid.
    last = plan.steps[-1] if plan.steps else None
    if by_quote and isinstance(last, Fill):
        plan.complete = market.affordable_quantity(last.maker.price, budget) == 0
    return plan
