"""What can be asked of the exchange. Amounts are minor units; times are epoch milliseconds
given by the caller, so that replaying the same commands gives the same events."""

from enum import Enum

from msgspec import Struct

from domain.market_status import MarketStatus
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce


class Deposit(Struct, frozen=True, gc=False):
    account_id: int
    asset: str
    amount: int
    reference: str = ""


class Withdraw(Struct, frozen=True, gc=False):
    account_id: int
    asset: str
    amount: int
    reference: str = ""


class PlaceOrder(Struct, frozen=True, gc=False):
    """`quantity` in base units, or, for a MARKET order only, `quote_quantity` instead (spend
    that much quote when buying, raise that much when selling). An empty `client_order_id`
    gets one made from the order id; one without `stp` gets its market's default mode. A stop
    order (STOP_LOSS, TAKE_PROFIT and their LIMIT forms) takes a `stop_price`, a
    `trailing_delta` in basis points, or both."""

    account_id: int
    symbol: str
    side: Side
    type: OrderType
    quantity: int = 0
    price: int = 0
    quote_quantity: int = 0
    time_in_force: TimeInForce = TimeInForce.GTC
    client_order_id: str = ""
    stp: SelfTradePrevention | None = None
    timestamp: int = 0
    stop_price: int = 0
    trailing_delta: int = 0
    iceberg_quantity: int = 0


class CancelOrder(Struct, frozen=True, gc=False):
    """Names the order by `order_id`, by `client_order_id`, or by both (which must agree)."""

    account_id: int
    symbol: str
    order_id: int | None = None
    client_order_id: str | None = None
    timestamp: int = 0


class AmendOrder(Struct, frozen=True, gc=False):
    """Reduces an open order's quantity in place, keeping its priority in the queue."""

    account_id: int
    symbol: str
    new_quantity: int
    order_id: int | None = None
    client_order_id: str | None = None
    timestamp: int = 0


class CancelReplaceMode(Enum):
    STOP_ON_FAILURE = "STOP_ON_FAILURE"
    ALLOW_FAILURE = "ALLOW_FAILURE"


class CancelReplace(Struct, frozen=True, gc=False):
    cancel: CancelOrder
    place: PlaceOrder
    mode: CancelReplaceMode = CancelReplaceMode.STOP_ON_FAILURE


class OcoLeg(Struct, frozen=True, gc=False):
    """One order of an OCO: above or below the last price. A LIMIT_MAKER takes a `price`; a
    stop takes a `stop_price`, a `trailing_delta` or both, and its LIMIT forms a `price`."""

    type: OrderType
    price: int = 0
    stop_price: int = 0
    trailing_delta: int = 0
    iceberg_quantity: int = 0
    time_in_force: TimeInForce = TimeInForce.GTC
    client_order_id: str = ""


class PlaceOco(Struct, frozen=True, gc=False):
    """One-cancels-the-other: two orders of one side and quantity, one above the last price
    and one below; when either starts trading or is triggered, the other expires."""

    account_id: int
    symbol: str
    side: Side
    quantity: int
    above: OcoLeg
    below: OcoLeg
    list_client_order_id: str = ""
    stp: SelfTradePrevention | None = None
    timestamp: int = 0


class PlaceOto(Struct, frozen=True, gc=False):
    """One-triggers-the-other: a `working` LIMIT or LIMIT_MAKER order, which goes to the book
    at once, and a `pending` order of any type (not a MARKET order by quote amount), placed
    only when the working order has fully filled."""

    account_id: int
    symbol: str
    working: PlaceOrder
    pending: PlaceOrder
    list_client_order_id: str = ""
    timestamp: int = 0


class PlaceOtoco(Struct, frozen=True, gc=False):
    """One-triggers-an-OCO: a `working` order as in an OTO, and a `pending` OCO placed only
    when the working order has fully filled."""

    account_id: int
    symbol: str
    working: PlaceOrder
    pending: PlaceOco
    list_client_order_id: str = ""
    timestamp: int = 0


class CancelOrderList(Struct, frozen=True, gc=False):
    """Names the list by `order_list_id`, by `list_client_order_id`, or by both (which must
    agree)."""

    account_id: int
    symbol: str
    order_list_id: int | None = None
    list_client_order_id: str | None = None
    timestamp: int = 0


class SetMarketStatus(Struct, frozen=True, gc=False):
    """The operator's: from now on the market takes what `status` lets through; `reason`
    says why, for the record."""

    symbol: str
    status: MarketStatus
    reason: str = ""
    timestamp: int = 0


Command = (
    Deposit
    | Withdraw
    | PlaceOrder
    | CancelOrder
    | AmendOrder
    | CancelReplace
    | PlaceOco
    | PlaceOto
    | PlaceOtoco
    | CancelOrderList
    | SetMarketStatus
)
