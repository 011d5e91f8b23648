"""Self-trade prevention as a plan's step: what it takes from the taker and from the maker of
one match, and the events that say so."""

from typing import TYPE_CHECKING

from domain.events import Event, PreventedMatch
from domain.ledger import Ledger
from domain.matching import Prevention
from domain.orders import ExecutionType, Order, OrderStatus
from domain.settlement import finish, hold_for_rest, release, report, shown

if TYPE_CHECKING:
    from domain.market_state import MarketState


def prevent(
    ledger: Ledger, state: "MarketState", taker: Order, step: Prevention, events: list[Event]
) -> None:
    """Takes what self-trade prevention stops from both orders: a maker left with nothing
    expires in the match, one left with some stays on the book holding only that. The
    taker's end is for the caller to settle once the whole plan has run."""
    state.last_prevented_match_id += 1
    match_id = state.last_prevented_match_id
    maker = step.maker
    events.append(
        PreventedMatch(
            state.market.symbol,
            match_id,
            taker.order_id,
            maker.order_id,
            taker.account_id,
            taker.stp,
            maker.price,
            step.quantity,
            step.taker_quantity,
            step.maker_quantity,
            taker.working_time,
        )
    )
    if step.maker_quantity:
        if step.maker_quantity < maker.remaining:
            state.book.reduce(maker, step.maker_quantity)
        else:
            state.book.remove(maker)
        maker.prevented_quantity += step.maker_quantity
        maker.prevented_match_id = match_id
        if maker.remaining:
            kept = hold_for_rest(state.market, maker)
            events.extend(release(ledger, state.market, maker, maker.held - kept))
            events.append(report(maker, ExecutionType.TRADE_PREVENTION, taker.working_time))
            if not maker.visible:
                state.book.show_more(maker, min(maker.iceberg_quantity, maker.hidden))
                events.append(shown(maker))
        else:
            maker.hidden = 0
            events.extend(release(ledger, state.market, maker, maker.held))
            events.append(
                finish(
                    maker,
                    OrderStatus.EXPIRED_IN_MATCH,
                    ExecutionType.TRADE_PREVENTION,
                    taker.working_time,
                )
            )
    if step.taker_quantity:
        taker.prevented_quantity += step.taker_quantity
        taker.prevented_match_id = match_id
        if taker.remaining:
            events.append(report(taker, ExecutionType.TRADE_PREVENTION, taker.working_time))
