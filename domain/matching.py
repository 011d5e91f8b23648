"""Matching as a plan: walk only the crossing levels and say what would happen, without
changing anything, so that a FOK order or a failed hold leaves the book untouched."""

from attrs import define, field
from msgspec import Struct

from domain.book import OrderBook
from domain.markets import Market
from domain.orders import Order, SelfTradePrevention, Side


class Fill(Struct, frozen=True):
    maker: Order
    quantity: int
    quote_quantity: int


class Prevention(Struct, frozen=True):
    """Self-trade prevention stops the taker from trading `quantity` with this resting order of
    its own account, at the maker's price: each loses the quantity given (0: it is left as it
    was)."""

    maker: Order
    quantity: int
    maker_quantity: int
    taker_quantity: int


@define
class MatchPlan:
    steps: list[Fill | Prevention] = field(factory=list)
    quantity: int = 0
    quote_quantity: int = 0
    prevented: int = 0
    """What self-trade prevention takes from the taker."""
    complete: bool = False
    """The taker would get all it asked for."""
    taker_prevented: bool = False
    """Self-trade prevention leaves the taker nothing more to trade: it expires in the match."""


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
        for maker in level.orders.values():
            wanted = market.affordable_quantity(price, budget) if by_quote else remaining
            if wanted == 0:
                plan.complete = True
                return plan
            if maker.account_id == taker.account_id and stp is not SelfTradePrevention.NONE:
                would_trade = min(wanted, maker.remaining)
                if stp.decrements:
                    plan.steps.append(Prevention(maker, would_trade, would_trade, would_trade))
                    plan.prevented += would_trade
                    remaining -= would_trade
                    budget -= market.notional(price, would_trade) if by_quote else 0
                    if would_trade == wanted:
                        plan.taker_prevented = True
                        return plan
                    continue
                maker_quantity = maker.remaining if stp.expires_maker else 0
                if not stp.expires_taker:
                    plan.steps.append(Prevention(maker, would_trade, maker_quantity, 0))
                    continue
                plan.steps.append(Prevention(maker, would_trade, maker_quantity, wanted))
                plan.prevented += wanted
                plan.taker_prevented = True
                return plan
            quantity = min(wanted, maker.remaining)
            quote_quantity = market.notional(price, quantity)
            plan.steps.append(Fill(maker, quantity, quote_quantity))
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
