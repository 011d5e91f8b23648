"""What happened in the exchange: immutable facts, in the order they happened.

Facts here, like commands, journal entries and the application's records, hold only numbers,
strings and other such values, so they can never be part of a reference cycle: they are kept
out of the garbage collector's sight (`gc=False`), or a long history would make every full
collection pause the process for tens of milliseconds."""

from msgspec import Struct

from domain.ledger import JournalEntry
from domain.market_status import MarketStatus
from domain.orders import (
    ExecutionType,
    ExpiryReason,
    ListStatusType,
    OrderStatus,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
)


class OrderAccepted(Struct, frozen=True, gc=False):
    symbol: str
    order_id: int
    account_id: int
    client_order_id: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    price: int
    quantity: int
    quote_quantity: int
    stp: SelfTradePrevention
    timestamp: int
    stop_price: int = 0
    trailing_delta: int = 0
    iceberg_quantity: int = 0
    queued_at: int = 0
    order_list_id: int = -1
    list_client_order_id: str = ""
    status: OrderStatus = OrderStatus.NEW
    """PENDING_NEW for the pending orders of an OTO list, NEW for every other order."""


class OrderUpdated(Struct, frozen=True, gc=False):
    """The order's state after a change; `quantity` differs from the accepted one after an
    amendment, or for a MARKET order by quote amount, whose quantity is what it could buy."""

    symbol: str
    order_id: int
    account_id: int
    execution: ExecutionType
    status: OrderStatus
    quantity: int
    executed: int
    cumulative_quote: int
    timestamp: int
    prevented_quantity: int = 0
    prevented_match_id: int | None = None
    working_time: int = -1
    """Since when the order works (on the book, or matching): -1 while a stop waits."""
    queued_at: int = 0
    expiry_reason: ExpiryReason | None = None
    """Why it expired, with status EXPIRED."""


class IcebergShown(Struct, frozen=True, gc=False):
    """An iceberg order on the book hides `hidden` of its remainder now (it came to rest,
    showed its next part, or was amended), and stands in its level's queue at `queued_at`."""

    symbol: str
    order_id: int
    account_id: int
    hidden: int
    queued_at: int


class StopTrailed(Struct, frozen=True, gc=False):
    """A waiting trailing stop has a new best price since it began tracking, from which it
    triggers once the price turns its trailing delta away."""

    symbol: str
    order_id: int
    account_id: int
    trail_price: int
    timestamp: int


class PreventedMatch(Struct, frozen=True, gc=False):
    """Self-trade prevention stopped a taker from trading `quantity` with a resting order of its
    own account, at the maker's price. Each order lost the quantity given (0: it was left as it
    was); the reports of the orders it changed follow it."""

    symbol: str
    prevented_match_id: int
    taker_order_id: int
    maker_order_id: int
    account_id: int
    mode: SelfTradePrevention
    price: int
    quantity: int
    taker_prevented_quantity: int
    maker_prevented_quantity: int
    timestamp: int


class Trade(Struct, frozen=True, gc=False):
    """A match between a resting maker and an incoming taker. The buyer's fee is in the base
    asset and the seller's in the quote asset: each pays in the asset it receives."""

    symbol: str
    trade_id: int
    price: int
    quantity: int
    quote_quantity: int
    buyer_order_id: int
    seller_order_id: int
    buyer_account_id: int
    seller_account_id: int
    buyer_is_maker: bool
    buyer_fee: int
    seller_fee: int
    timestamp: int


class BookChanged(Struct, frozen=True, gc=False):
    """The levels a command changed, with their volume after it (0: the level is gone)."""

    symbol: str
    bids: tuple[tuple[int, int], ...]
    asks: tuple[tuple[int, int], ...]


class ListStatus(Struct, frozen=True, gc=False):
    """An order list began (EXEC_STARTED) or ended (ALL_DONE): its orders are
    `(order_id, client_order_id)` pairs, in order id order."""

    symbol: str
    order_list_id: int
    account_id: int
    contingency_type: str
    status: ListStatusType
    list_client_order_id: str
    transaction_time: int
    orders: tuple[tuple[int, str], ...]
    timestamp: int


class MarketStatusChanged(Struct, frozen=True, gc=False):
    """The market takes, from now on, what its new status lets through."""

    symbol: str
    status: MarketStatus
    reason: str
    timestamp: int


Event = (
    OrderAccepted
    | OrderUpdated
    | StopTrailed
    | IcebergShown
    | PreventedMatch
    | Trade
    | JournalEntry
    | BookChanged
    | MarketStatusChanged
    | ListStatus
)
