"""Reading a new order from Binance's parameters."""

from enum import Enum

from application.market_data import MarketData
from domain.commands import PlaceOrder
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.params import Params


class ResponseType(Enum):
    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


NOT_SUPPORTED = ("pegPriceType", "pegOffsetValue")


def not_required(name: str) -> ApiError:
    return ApiError(-1106, f"Parameter '{name}' sent when not required.")


def read_order(
    params: Params, account_id: int, market_data: MarketData
) -> tuple[PlaceOrder, ResponseType]:
    """A PlaceOrder from the parameters, or Binance's error for the first thing wrong."""
    symbol = params.required_text("symbol")
    market = market_data.market(symbol)
    side = params.choice("side", Side, ApiError(-1117, "Invalid side."), required=True)
    order_type = params.choice(
        "type", OrderType, ApiError(-1116, "Invalid orderType."), required=True
    )
    tif = params.choice("timeInForce", TimeInForce, ApiError(-1115, "Invalid timeInForce."))
    quantity = params.decimal("quantity")
    quote_quantity = params.decimal("quoteOrderQty")
    price = params.decimal("price")
    stop_price = params.decimal("stopPrice")
    trailing_delta = params.integer("trailingDelta", minimum=1)
    iceberg_quantity = params.decimal("icebergQty")
    client_order_id = params.client_order_id("newClientOrderId")
    stp = params.choice(
        "selfTradePreventionMode",
        SelfTradePrevention,
        ApiError(-1100, "Illegal characters found in parameter 'selfTradePreventionMode'."),
    )
    response_type = params.choice(
        "newOrderRespType",
        ResponseType,
        ApiError(-1100, "Illegal characters found in parameter 'newOrderRespType'."),
    )
    params.ignore("strategyId", "strategyType", "timestamp", "recvWindow", "signature")
    for name in NOT_SUPPORTED:
        if params.text(name) is not None:
            raise not_required(name)
    assert side is not None and order_type is not None
    if order_type.is_stop:
        if stop_price is None and trailing_delta is None:
            raise ApiError(
                -1102,
                "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!",
            )
    elif stop_price is not None:
        raise not_required("stopPrice")
    elif trailing_delta is not None:
        raise not_required("trailingDelta")
    if iceberg_quantity is not None and order_type.is_market:
        raise not_required("icebergQty")
    if order_type in (OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT):
        if tif is None:
            raise mandatory("timeInForce")
        if quantity is None:
            raise mandatory("quantity")
        if price is None:
            raise mandatory("price")
        if quote_quantity is not None:
            raise not_required("quoteOrderQty")
    elif order_type is OrderType.LIMIT_MAKER:
        if tif is not None:
            raise not_required("timeInForce")
        if quantity is None:
            raise mandatory("quantity")
        if price is None:
            raise mandatory("price")
        if quote_quantity is not None:
            raise not_required("quoteOrderQty")
    else:
        if price is not None:
            raise not_required("price")
        if tif is not None:
            raise not_required("timeInForce")
        if order_type.is_stop:
            if quantity is None:
                raise mandatory("quantity")
            if quote_quantity is not None:
                raise not_required("quoteOrderQty")
        if (quantity is None) == (quote_quantity is None):
            raise ApiError(
                -1102,
                "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
            )
    if response_type is None:
        full = order_type in (OrderType.LIMIT, OrderType.MARKET)
        response_type = ResponseType.FULL if full else ResponseType.ACK
    command = PlaceOrder(
        account_id=account_id,
        symbol=symbol,
        side=side,
        type=order_type,
        quantity=market.quantity(quantity) if quantity is not None else 0,
        price=market.price(price) if price is not None else 0,
        quote_quantity=market.quote_amount(quote_quantity) if quote_quantity is not None else 0,
        time_in_force=tif or TimeInForce.GTC,
        client_order_id=client_order_id or "",
        stp=stp,
        stop_price=market.price(stop_price) if stop_price is not None else 0,
        trailing_delta=trailing_delta or 0,
        iceberg_quantity=market.quantity(iceberg_quantity) if iceberg_quantity is not None else 0,
    )
    return command, response_type


def order_reference(
    params: Params, id_name: str, client_name: str
) -> tuple[int | None, str | None]:
    order_id = params.integer(id_name, minimum=1)
    client_order_id = params.text(client_name)
    if order_id is None and client_order_id is None:
        raise ApiError(
            -1102, f"Param '{client_name}' or '{id_name}' must be sent, but both were empty/null!"
        )
    return order_id, client_order_id
