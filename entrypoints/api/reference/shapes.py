"""JSON Schema shorthands for the reference, and the shapes several answers share."""

from collections.abc import Sequence
from enum import Enum

from litestar.openapi.spec import OpenAPIType, Reference, Schema

from domain.orders import OrderStatus, OrderType, SelfTradePrevention, Side, TimeInForce

DECIMAL_PATTERN = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"


def text(description: str | None = None, pattern: str | None = None) -> Schema:
    return Schema(type=OpenAPIType.STRING, description=description, pattern=pattern)


def decimal(description: str | None = None) -> Schema:
    """An amount as Binance writes it: a decimal string, never a JSON number."""
    return Schema(type=OpenAPIType.STRING, pattern=DECIMAL_PATTERN, description=description)


def integer(
    description: str | None = None, minimum: int | None = None, maximum: int | None = None
) -> Schema:
    return Schema(
        type=OpenAPIType.INTEGER, minimum=minimum, maximum=maximum, description=description
    )


def boolean(description: str | None = None) -> Schema:
    return Schema(type=OpenAPIType.BOOLEAN, description=description)


def choice(kind: type[Enum] | Sequence[str], description: str | None = None) -> Schema:
    values = [item.value for item in kind] if isinstance(kind, type) else list(kind)
    return Schema(type=OpenAPIType.STRING, enum=values, description=description)


def array(items: Schema, description: str | None = None) -> Schema:
    return Schema(type=OpenAPIType.ARRAY, items=items, description=description)


def nullable(schema: Schema) -> Schema:
    return Schema(one_of=[schema, Schema(type=OpenAPIType.NULL)])


def obj(description: str | None = None, /, **properties: Schema | Reference) -> Schema:
    """An object with every property listed present (others may be added later)."""
    return Schema(
        type=OpenAPIType.OBJECT, properties=dict(properties), required=sorted(properties),
        description=description,
    )  # fmt: skip


def either(*schemas: Schema, description: str | None = None) -> Schema:
    """Any of the shapes (a richer answer also fits the poorer one it extends)."""
    return Schema(any_of=list(schemas), description=description)


EMPTY = Schema(type=OpenAPIType.OBJECT, max_properties=0, description="An empty object.")
SYMBOL = text("The market, such as BTCUSDT.")
ASSET = text("An asset, such as BTC.")
MILLIS = integer("Milliseconds since the Unix epoch, UTC.")

ACK = obj(
    "newOrderRespType=ACK: the order was accepted.",
    symbol=SYMBOL,
    orderId=integer(minimum=1),
    orderListId=integer("The order list it belongs to; -1 if none."),
    clientOrderId=text(),
    transactTime=MILLIS,
)
_ORDER_STATE = {
    "price": decimal(),
    "origQty": decimal(),
    "executedQty": decimal(),
    "cummulativeQuoteQty": decimal(),
    "status": choice(OrderStatus),
    "timeInForce": choice(TimeInForce),
    "type": choice(OrderType),
    "side": choice(Side),
    "selfTradePreventionMode": choice(SelfTradePrevention),
}
RESULT = obj(
    "newOrderRespType=RESULT: the order as it stands after matching.",
    **ACK.properties or {}, **_ORDER_STATE,
    origQuoteOrderQty=decimal(), workingTime=MILLIS,
)  # fmt: skip
FILL = obj(
    price=decimal(), qty=decimal(), commission=decimal(), commissionAsset=ASSET,
    tradeId=integer(minimum=1),
)  # fmt: skip
FULL = obj(
    "newOrderRespType=FULL: the order and its fills.",
    **RESULT.properties or {}, fills=array(FILL),
)  # fmt: skip
PLACED = either(
    FULL, RESULT, ACK,
    description="FULL by default for LIMIT and MARKET orders, ACK for LIMIT_MAKER.",
)  # fmt: skip
ORDER = obj(
    "An order, as GET /api/v3/order shows it.",
    symbol=SYMBOL, orderId=integer(minimum=1), orderListId=integer(), clientOrderId=text(),
    **_ORDER_STATE,
    stopPrice=decimal(), icebergQty=decimal(), time=MILLIS, updateTime=MILLIS,
    isWorking=boolean(), workingTime=MILLIS, origQuoteOrderQty=decimal(),
)  # fmt: skip
CANCELED = obj(
    "The canceled order.",
    symbol=SYMBOL, origClientOrderId=text(), orderId=integer(minimum=1),
    orderListId=integer(), clientOrderId=text("The cancel's own client id."),
    transactTime=MILLIS, **_ORDER_STATE,
)  # fmt: skip

_LIST = {
    "orderListId": integer("The list's id: that of its first order."),
    "contingencyType": choice(["OCO", "OTO"]),
    "listStatusType": choice(["EXEC_STARTED", "ALL_DONE"]),
    "listOrderStatus": choice(["EXECUTING", "ALL_DONE"]),
    "listClientOrderId": text(),
    "transactionTime": MILLIS,
    "symbol": SYMBOL,
    "orders": array(obj(symbol=SYMBOL, orderId=integer(minimum=1), clientOrderId=text())),
}
ORDER_LIST = obj("An order list and its orders.", **_LIST)
PLACED_LIST = obj("The list placed, with a report of each order.", **_LIST,
                  orderReports=array(PLACED))  # fmt: skip
CANCELED_LIST = obj("The list canceled, with each order's report.", **_LIST,
                    orderReports=array(CANCELED))  # fmt: skip
