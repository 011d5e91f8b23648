"""The order-list routes (OrderListController), as Binance's reference describes them."""

from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.api.order_params import ResponseType
from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import END_TIME, SIGNED_PARAMS, START_TIME, SYMBOL, limit
from entrypoints.api.reference.refusals import (
    BAD_COMBINATION,
    BAD_ORDER_TYPE,
    BAD_SIDE,
    BAD_SYMBOL,
    BAD_TIME_IN_FORCE,
    CANCEL_REJECTED,
    FILTER_FAILURE,
    NO_SUCH_ORDER,
    NOT_REQUIRED,
    REJECTED,
    SIGNED,
    TIMED_OUT,
    Refusal,
)
from entrypoints.api.reference.shapes import (
    CANCELED_LIST,
    ORDER_LIST,
    PLACED_LIST,
    array,
    choice,
    decimal,
    integer,
    text,
)
from entrypoints.api.reference.trading import CLIENT_ID_PATTERN

LEG_TYPES = ["LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"]
OCO_TYPE = Refusal(400, -1158, "Order type not supported in OCO.")
OCO_ICEBERG = Refusal(400, -1160, "An iceberg leg whose time in force is not GTC.")
OCO_LEGS = tuple(
    Refusal(400, code, meaning)
    for code, meaning in (
        (-1165, "A limit order in a buy OCO must be below."),
        (-1166, "A limit order in a sell OCO must be above."),
        (-1168, "At least one OCO order must be contingent."),
        (-1196, "A stop loss order in a buy OCO must be above."),
        (-1197, "A stop loss order in a sell OCO must be below."),
        (-1198, "A take profit order in a buy OCO must be below."),
        (-1199, "A take profit order in a sell OCO must be above."),
    )
)


def _leg(where: str) -> tuple[Param, ...]:
    return (
        Param(f"{where}Type", choice(LEG_TYPES), f"The {where} order's type.", required=True),
        Param(f"{where}ClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Its client id."),
        Param(f"{where}Price", decimal(), "Its limit price (LIMIT_MAKER and *_LIMIT)."),
        Param(f"{where}StopPrice", decimal(), "Its stop price (stops; or a trailing delta)."),
        Param(f"{where}TrailingDelta", integer(minimum=1), "Its trailing delta, in BIPS."),
        Param(f"{where}TimeInForce", choice(TimeInForce), "*_LIMIT types only."),
        Param(f"{where}IcebergQty", decimal(), "Shown at a time (GTC only)."),
        Param(f"{where}StrategyId", integer(), "Accepted as on Binance; not kept."),
        Param(f"{where}StrategyType", integer(), "Accepted as on Binance; not kept."),
        *(
            Param(f"{where}{name}", text(), "Not supported: refused (-1106) if sent.")
            for name in ("PegPriceType", "PegOffsetType", "PegOffsetValue")
        ),
    )


_COMMON = (
    Param("listClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Your id for the list."),
    Param("side", choice(Side), "BUY or SELL: both orders'.", required=True),
    Param("quantity", decimal(), "Both orders' quantity.", required=True),
)
_ANSWER = (
    Param("newOrderRespType", choice(ResponseType), "The orderReports' shape; RESULT by default."),
    Param("selfTradePreventionMode", choice(SelfTradePrevention), "Both orders' mode."),
)
_PLACE_REFUSALS = (
    *SIGNED, BAD_SYMBOL, BAD_SIDE, BAD_ORDER_TYPE, BAD_TIME_IN_FORCE, NOT_REQUIRED, OCO_TYPE,
    OCO_ICEBERG, *OCO_LEGS, FILTER_FAILURE, REJECTED, TIMED_OUT,
)  # fmt: skip
NEW_OCO = Endpoint(
    "New Order list - OCO (TRADE)", Access.SIGNED, 1,
    description="Two orders, one above the last price and one below; when either trades "
    "(even in part) or triggers, the other expires, and canceling either cancels both. A "
    "sell's above order is a LIMIT_MAKER or a take profit and its below order a stop loss; a "
    "buy's the other way round. Both are held for once: what the dearer may spend.",
    params=(SYMBOL, *_COMMON, *_leg("above"), *_leg("below"), *_ANSWER, *SIGNED_PARAMS),
    refusals=_PLACE_REFUSALS,
    answer=Answer(PLACED_LIST, "The list placed."),
)  # fmt: skip
NEW_OLD_OCO = Endpoint(
    "New OCO - Deprecated (TRADE)", Access.SIGNED, 1,
    description="The older form of an OCO: a LIMIT_MAKER at `price` and a STOP_LOSS at "
    "`stopPrice` (a STOP_LOSS_LIMIT with `stopLimitPrice` and `stopLimitTimeInForce`).",
    params=(
        SYMBOL, *_COMMON,
        Param("price", decimal(), "The LIMIT_MAKER's price.", required=True),
        Param("limitClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Its client id."),
        Param("limitIcebergQty", decimal(), "Its iceberg part."),
        Param("limitStrategyId", integer(), "Accepted as on Binance; not kept."),
        Param("limitStrategyType", integer(), "Accepted as on Binance; not kept."),
        Param("stopPrice", decimal(), "The stop order's stop price.", required=True),
        Param("trailingDelta", integer(minimum=1), "The stop order's trailing delta."),
        Param("stopClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Its client id."),
        Param("stopLimitPrice", decimal(), "Makes it a STOP_LOSS_LIMIT at this price."),
        Param("stopLimitTimeInForce", choice(TimeInForce), "With stopLimitPrice."),
        Param("stopIcebergQty", decimal(), "The STOP_LOSS_LIMIT's iceberg part."),
        Param("stopStrategyId", integer(), "Accepted as on Binance; not kept."),
        Param("stopStrategyType", integer(), "Accepted as on Binance; not kept."),
        *_ANSWER, *SIGNED_PARAMS,
    ),
    refusals=_PLACE_REFUSALS,
    answer=Answer(PLACED_LIST, "The list placed."),
)  # fmt: skip


def _order(where: str, types: list[str], what: str) -> tuple[Param, ...]:
    return (
        Param(f"{where}Type", choice(types), f"The {what} order's type.", required=True),
        Param(f"{where}Side", choice(Side), "Its side.", required=True),
        Param(f"{where}Quantity", decimal(), "Its quantity.", required=True),
        *(p for p in _leg(where) if p.name != f"{where}Type"),
    )


_WORKING = _order("working", ["LIMIT", "LIMIT_MAKER"], "working")
_HOLDS = (
    "The working order holds what it may spend; the pending orders hold only what they need "
    "beyond what the working order's whole fill brings in (all they need when of its side), "
    "and take the rest when placed; one that cannot then be placed expires."
)
NEW_OTO = Endpoint(
    "New Order list - OTO (TRADE)", Access.SIGNED, 1,
    description="A working LIMIT or LIMIT_MAKER order, on the book at once, and a pending "
    "order of any type, PENDING_NEW off the book until the working order has fully filled. "
    "Canceling either cancels both. " + _HOLDS,
    params=(
        SYMBOL,
        Param("listClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Your id for the list."),
        *_WORKING,
        *_order("pending", [t.value for t in OrderType], "pending"),
        *_ANSWER, *SIGNED_PARAMS,
    ),
    refusals=_PLACE_REFUSALS,
    answer=Answer(PLACED_LIST, "The list placed."),
)  # fmt: skip
NEW_OTOCO = Endpoint(
    "New Order list - OTOCO (TRADE)", Access.SIGNED, 1,
    description="A working order as in an OTO, and a pending OCO (its above and below orders "
    "placed by the OCO's rules) placed once the working order has fully filled. " + _HOLDS,
    params=(
        SYMBOL,
        Param("listClientOrderId", text(pattern=CLIENT_ID_PATTERN), "Your id for the list."),
        *_WORKING,
        Param("pendingSide", choice(Side), "The pending orders' side.", required=True),
        Param("pendingQuantity", decimal(), "The pending orders' quantity.", required=True),
        *_leg("pendingAbove"), *_leg("pendingBelow"),
        *_ANSWER, *SIGNED_PARAMS,
    ),
    refusals=_PLACE_REFUSALS,
    answer=Answer(PLACED_LIST, "The list placed."),
)  # fmt: skip
_LIST_ID = Param("orderListId", integer(minimum=0), "The list's id (or its client id).")
QUERY_ORDER_LIST = Endpoint(
    "Query Order list (USER_DATA)", Access.SIGNED, 4,
    params=(
        _LIST_ID, Param("origClientOrderId", text(), "The list's client id."), *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, NO_SUCH_ORDER), answer=Answer(ORDER_LIST, "The list."),
)  # fmt: skip
CANCEL_ORDER_LIST = Endpoint(
    "Cancel Order list (TRADE)", Access.SIGNED, 1,
    description="Cancels every order of the list (so does canceling any one of them).",
    params=(
        SYMBOL, _LIST_ID, Param("listClientOrderId", text(), "The list's client id."),
        Param("newClientOrderId", text(pattern=CLIENT_ID_PATTERN), "The cancel's own id."),
        *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_SYMBOL, CANCEL_REJECTED, TIMED_OUT),
    answer=Answer(CANCELED_LIST, "The list canceled."),
)  # fmt: skip
ALL_ORDER_LISTS = Endpoint(
    "Query all Order lists (USER_DATA)", Access.SIGNED, 20,
    params=(
        Param("fromId", integer(minimum=0), "From this list id on (not with times)."),
        START_TIME, END_TIME, limit(500, 1000), *SIGNED_PARAMS,
    ),
    refusals=(*SIGNED, BAD_COMBINATION),
    answer=Answer(array(ORDER_LIST), "Lists, oldest first."),
)  # fmt: skip
OPEN_ORDER_LISTS = Endpoint(
    "Query Open Order lists (USER_DATA)", Access.SIGNED, 6, params=SIGNED_PARAMS,
    refusals=SIGNED, answer=Answer(array(ORDER_LIST), "The lists still executing."),
)  # fmt: skip
