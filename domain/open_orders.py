"""What a market holds of an account's open orders, wherever each waits: on the book, among
the waiting stops or among the pending orders of OTO lists."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.market_state import MarketState


def open_orders_of(state: "MarketState", account_id: int) -> int:
    return (
        state.book.open_orders_of(account_id)
        + state.stops.open_orders_of(account_id)
        + state.pending.open_orders_of(account_id)
    )


def algo_orders_of(state: "MarketState", account_id: int) -> int:
    """The account's stops, waiting or pending: a pending stop waits for its trigger once
    placed, so it counts against MAX_NUM_ALGO_ORDERS from the start."""
    pending = sum(
        o.account_id == account_id and o.type.is_stop for o in state.pending.orders.values()
    )
    return state.stops.open_orders_of(account_id) + pending


def is_taken(state: "MarketState", account_id: int, client_order_id: str) -> bool:
    """Whether an open order of the account has that client order id."""
    return (
        state.book.by_client_id(account_id, client_order_id) is not None
        or state.stops.by_client_id(account_id, client_order_id) is not None
        or state.pending.by_client_id(account_id, client_order_id) is not None
    )
