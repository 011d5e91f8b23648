"""Orders and the vocabulary that describes them, named as Binance names them."""

from dataclasses import dataclass, fields
from enum import Enum
from typing import Final


class Side(Enum):
    BUY = "BUY"
    SELL = "SELL"


_STOPS: Final = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})
_MARKETS: Final = frozenset({"MARKET", "STOP_LOSS", "TAKE_PROFIT"})
_OPEN: Final = frozenset({"PENDING_NEW", "NEW", "PARTIALLY_FILLED"})


class OrderType(Enum):
    """Each type knows whether it `is_stop`: waits for the last price to reach its stop price
    before it works; and whether it `is_market`: works as a MARKET order, taking what the book
    offers and never resting. Plain attributes of the members, not properties: the compiled
    domain reads them on every order, and a property is a call through Python's protocol."""

    is_stop: bool
    is_market: bool

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    LIMIT_MAKER = "LIMIT_MAKER"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"


for _type in OrderType:  # set here: a compiled Enum's methods cannot run while it is made
    _type.is_stop = _type.value in _STOPS
    _type.is_market = _type.value in _MARKETS


def rises_to_trigger(order_type: OrderType, side: Side) -> bool:
    """Whether a stop of this type and side waits for the price to rise to its stop price (a
    STOP_LOSS buy, a TAKE_PROFIT sell) rather than to fall to it."""
    stop_loss = order_type in (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
    return stop_loss == (side is Side.BUY)


class TimeInForce(Enum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(Enum):
    """PENDING_NEW: an order of an OTO list waiting, off the book, for its working order to
    fill. `is_open`, a member's attribute as OrderType's are: new, pending or partly filled."""

    is_open: bool

    NEW = "NEW"
    PENDING_NEW = "PENDING_NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"


for _status in OrderStatus:
    _status.is_open = _status.value in _OPEN


class ExecutionType(Enum):
    """Why an accepted order changed, in Binance's execution-report words: NEW when a stop
    order triggers and starts working."""

    NEW = "NEW"

    TRADE = "TRADE"
    CANCELED = "CANCELED"
    REPLACED = "REPLACED"
    EXPIRED = "EXPIRED"
    TRADE_PREVENTION = "TRADE_PREVENTION"


class ExpiryReason(Enum):
    """Why an order expired, in Binance's words (`eR` in its execution reports)."""

    REJECTED = "REJECTED"  # a pending order that could not be placed when its time came
    OCO_TRIGGER = "OCO_TRIGGER"  # the other order of its OCO pair traded or triggered
    OTO_PHASE_ONE_EXPIRED = "OTO_PHASE_ONE_EXPIRED"  # its list's working order ended unfilled
    UNFILLED_IOC_QUANTITY_EXPIRED = "UNFILLED_IOC_QUANTITY_EXPIRED"
    UNFILLED_FOK_ORDER_EXPIRED = "UNFILLED_FOK_ORDER_EXPIRED"
    INSUFFICIENT_LIQUIDITY = "INSUFFICIENT_LIQUIDITY"  # a market order the book could not fill


class ListStatusType(Enum):
    EXEC_STARTED = "EXEC_STARTED"
    ALL_DONE = "ALL_DONE"


class SelfTradePrevention(Enum):
    """What happens when a taker would trade with a resting order of its own account: the
    taker's mode decides. TRANSFER differs from DECREMENT only between accounts of one trade
    group, which Bourse does not have, so here it decrements."""

    NONE = "NONE"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"
    DECREMENT = "DECREMENT"
    TRANSFER = "TRANSFER"

    @property
    def expires_taker(self) -> bool:
        return self in (SelfTradePrevention.EXPIRE_TAKER, SelfTradePrevention.EXPIRE_BOTH)

    @property
    def expires_maker(self) -> bool:
        return self in (SelfTradePrevention.EXPIRE_MAKER, SelfTradePrevention.EXPIRE_BOTH)

    @property
    def decrements(self) -> bool:
        """Both orders lose the quantity they would have traded; the smaller one expires."""
        return self in (SelfTradePrevention.DECREMENT, SelfTradePrevention.TRANSFER)


PreventedMatchId = int | None


@dataclass(init=False)
class Order:
    """An order as the engine tracks it while it lives.

    `held` is what the order still has locked in the ledger: quote for a buy, base for a sell.
    A MARKET order by quote amount has `quantity == 0` and spends up to `quote_quantity`.
    A stop order waits until the last price reaches `stop_price` or, with a `trailing_delta`
    (in basis points), until the price turns that far from `trail_price`, the best price since
    it began tracking (0: not yet). Its `working_time` is -1 until it triggers. A STOP_LOSS
    or TAKE_PROFIT buy has for `price` the most it will pay once triggered (see
    `domain.stops`); other market orders have none.
    An iceberg order (`iceberg_quantity` > 0) shows the book only that much at a time: on the
    book, `hidden` is the part of its remainder it does not show. `queued_at` says when an
    order on the book last joined the back of its price level, counted in the market's trades
    (`domain.book.joined_after`): the book's queues are in (`queued_at`, `order_id`) order.
    `prevented_quantity` is what self-trade prevention took from it, in all; the last prevented
    match it took part in is `prevented_match_id`. An order of an order list has its list's
    `order_list_id` (else -1) and `list_client_order_id`.
    """

    order_id: int
    account_id: int
    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    price: int
    quantity: int
    quote_quantity: int
    client_order_id: str
    stp: SelfTradePrevention
    created_at: int
    executed: int = 0
    cumulative_quote: int = 0
    held: int = 0
    status: OrderStatus = OrderStatus.NEW
    prevented_quantity: int = 0
    # Quoted, the alias's name is what mypyc keeps as the field's annotation, by which msgspec
    # decodes the orders of a book snapshot; of an unquoted union it keeps only `type`.
    prevented_match_id: "PreventedMatchId" = None
    stop_price: int = 0
    trailing_delta: int = 0
    trail_price: int = 0
    working_time: int = -1
    iceberg_quantity: int = 0
    hidden: int = 0
    queued_at: int = 0
    order_list_id: int = -1
    list_client_order_id: str = ""

    # Written out, not made by @dataclass: mypyc compiles this one to C, and an order is made
    # for every order placed (the generated one, in Python, took a tenth of a command's time).
    def __init__(
        self,
        order_id: int,
        account_id: int,
        symbol: str,
        side: Side,
        type: OrderType,
        time_in_force: TimeInForce,
        price: int,
        quantity: int,
        quote_quantity: int,
        client_order_id: str,
        stp: SelfTradePrevention,
        created_at: int,
        executed: int = 0,
        cumulative_quote: int = 0,
        held: int = 0,
        status: OrderStatus = OrderStatus.NEW,
        prevented_quantity: int = 0,
        prevented_match_id: PreventedMatchId = None,
        stop_price: int = 0,
        trailing_delta: int = 0,
        trail_price: int = 0,
        working_time: int = -1,
        iceberg_quantity: int = 0,
        hidden: int = 0,
        queued_at: int = 0,
        order_list_id: int = -1,
        list_client_order_id: str = "",
    ) -> None:
        self.order_id = order_id
        self.account_id = account_id
        self.symbol = symbol
        self.side = side
        self.type = type
        self.time_in_force = time_in_force
        self.price = price
        self.quantity = quantity
        self.quote_quantity = quote_quantity
        self.client_order_id = client_order_id
        self.stp = stp
        self.created_at = created_at
        self.executed = executed
        self.cumulative_quote = cumulative_quote
        self.held = held
        self.status = status
        self.prevented_quantity = prevented_quantity
        self.prevented_match_id = prevented_match_id
        self.stop_price = stop_price
        self.trailing_delta = trailing_delta
        self.trail_price = trail_price
        self.working_time = working_time
        self.iceberg_quantity = iceberg_quantity
        self.hidden = hidden
        self.queued_at = queued_at
        self.order_list_id = order_list_id
        self.list_client_order_id = list_client_order_id

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # What copy and pickle make an order by: a compiled class's __new__ runs its __init__.
        return Order, tuple(getattr(self, field.name) for field in fields(self))

    @property
    def triggers_above(self) -> bool:
        """Its stop condition is a rise of the price: a STOP_LOSS buy or a TAKE_PROFIT sell;
        a STOP_LOSS sell and a TAKE_PROFIT buy wait for a fall."""
        return rises_to_trigger(self.type, self.side)

    @property
    def remaining(self) -> int:
        return self.quantity - self.executed - self.prevented_quantity

    @property
    def visible(self) -> int:
        """What the book shows of it."""
        return self.remaining - self.hidden
