"""Reading an OCO from Binance's parameters: those of POST /api/v3/orderList/oco (an above and a
below order) and those of the older POST /api/v3/order/oco (a limit and a stop order)."""

from decimal import Decimal

from application.market_data import MarketData
from domain.commands import OcoLeg, PlaceOco
from domain.markets import Market
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.order_params import ResponseType, not_required
from entrypoints.api.params import Params

LEG_TYPES = (
    OrderType.LIMIT_MAKER,
    OrderType.STOP_LOSS,
    OrderType.STOP_LOSS_LIMIT,
    OrderType.TAKE_PROFIT,
    OrderType.TAKE_PROFIT_LIMIT,
)
OCO_TYPE = ApiError(-1158, "Order type not supported in OCO.")
NOT_SUPPORTED = ("PegPriceType", "PegOffsetType", "PegOffsetValue")
SIGNING = ("timestamp", "recvWindow", "signature")


def read_oco(
    params: Params, account_id: int, market_data: MarketData
) -> tuple[PlaceOco, ResponseType]:
    """A PlaceOco from POST /api/v3/orderList/oco's parameters, or Binance's first error."""
    symbol = params.required_text("symbol")
    market = market_data.market(symbol)
    side = read_side(params)
    list_client_id = params.client_order_id("listClientOrderId")
    quantity = market.quantity(required_decimal(params, "quantity"))
    above = read_leg(params, market, "above")
    below = read_leg(params, market, "below")
    stp, response_type = read_common(params)
    command = PlaceOco(account_id, symbol, side, quantity, above, below, list_client_id or "", stp)
    return command, response_type


def read_old_oco(
    params: Params, account_id: int, market_data: MarketData
) -> tuple[PlaceOco, ResponseType]:
    """A PlaceOco from POST /api/v3/order/oco's parameters: a LIMIT_MAKER at `price` and a
    STOP_LOSS (a STOP_LOSS_LIMIT with `stopLimitPrice`) at `stopPrice`."""
    symbol = params.required_text("symbol")
    market = market_data.market(symbol)
    side = read_side(params)
    list_client_id = params.client_order_id("listClientOrderId")
    quantity = market.quantity(required_decimal(params, "quantity"))
    limit = OcoLeg(
        OrderType.LIMIT_MAKER,
        price=market.price(required_decimal(params, "price")),
        iceberg_quantity=_quantity(params, market, "limitIcebergQty"),
        client_order_id=params.client_order_id("limitClientOrderId") or "",
    )
    stop_price = market.price(required_decimal(params, "stopPrice"))
    trailing_delta = params.integer("trailingDelta", minimum=1) or 0
    stop_limit = params.decimal("stopLimitPrice")
    tif = _time_in_force(params, "stopLimitTimeInForce")
    stop_iceberg = _quantity(params, market, "stopIcebergQty")
    if stop_limit is None:
        for name, value in (("stopLimitTimeInForce", tif), ("stopIcebergQty", stop_iceberg)):
            if value:
                raise not_required(name)
    elif tif is None:
        raise mandatory("stopLimitTimeInForce")
    stop = OcoLeg(
        OrderType.STOP_LOSS if stop_limit is None else OrderType.STOP_LOSS_LIMIT,
        price=0 if stop_limit is None else market.price(stop_limit),
        stop_price=stop_price,
        trailing_delta=trailing_delta,
        iceberg_quantity=stop_iceberg,
        time_in_force=tif or TimeInForce.GTC,
        client_order_id=params.client_order_id("stopClientOrderId") or "",
    )
    if stop.iceberg_quantity and stop.time_in_force is not TimeInForce.GTC:
        raise ApiError(
            -1160,
            "Parameter 'stopIcebergQty' is not supported if 'stopLimitTimeInForce' is not GTC.",
        )
    params.ignore("limitStrategyId", "limitStrategyType", "stopStrategyId", "stopStrategyType")
    stp, response_type = read_common(params)
    above, below = (stop, limit) if side is Side.BUY else (limit, stop)
    command = PlaceOco(account_id, symbol, side, quantity, above, below, list_client_id or "", stp)
    return command, response_type


def read_leg(
    params: Params,
    market: Market,
    where: str,
    types: tuple[OrderType, ...] = LEG_TYPES,
    refused: ApiError = OCO_TYPE,
) -> OcoLeg:
    """One order of a list named by its `where` prefix (an OCO's above or below order, an
    OTO's working or pending one), of one of `types`, checked as Binance checks its
    parameters."""
    kind = params.choice(
        f"{where}Type", OrderType, ApiError(-1116, "Invalid orderType."), required=True
    )
    assert kind is not None
    if kind not in types:
        raise refused
    price = params.decimal(f"{where}Price")
    stop_price = params.decimal(f"{where}StopPrice")
    trailing_delta = params.integer(f"{where}TrailingDelta", minimum=1)
    iceberg = _quantity(params, market, f"{where}IcebergQty")
    tif = _time_in_force(params, f"{where}TimeInForce")
    client_id = params.client_order_id(f"{where}ClientOrderId")
    params.ignore(f"{where}StrategyId", f"{where}StrategyType")
    for suffix in NOT_SUPPORTED:
        if params.text(f"{where}{suffix}") is not None:
            raise not_required(f"{where}{suffix}")
    if kind.is_stop:
        if stop_price is None and trailing_delta is None:
            raise ApiError(
                -1102,
                f"Param '{where}StopPrice' or '{where}TrailingDelta' must be sent, but both "
                "were empty/null!",
            )
    elif stop_price is not None:
        raise not_required(f"{where}StopPrice")
    elif trailing_delta is not None:
        raise not_required(f"{where}TrailingDelta")
    if kind.is_market or kind is OrderType.LIMIT_MAKER:
        if tif is not None:
            raise not_required(f"{where}TimeInForce")
    elif tif is None:
        raise mandatory(f"{where}TimeInForce")
    if kind.is_market:
        if price is not None:
            raise not_required(f"{where}Price")
        if iceberg:
            raise not_required(f"{where}IcebergQty")
    elif price is None:
        raise mandatory(f"{where}Price")
    if iceberg and tif not in (None, TimeInForce.GTC):
        raise ApiError(
            -1160,
            f"Parameter '{where}IcebergQty' is not supported if '{where}TimeInForce' is not GTC.",
        )
    return OcoLeg(
        kind,
        price=market.price(price) if price is not None else 0,
        stop_price=market.price(stop_price) if stop_price is not None else 0,
        trailing_delta=trailing_delta or 0,
        iceberg_quantity=iceberg,
        time_in_force=tif or TimeInForce.GTC,
        client_order_id=client_id or "",
    )


def read_side(params: Params, name: str = "side") -> Side:
    side = params.choice(name, Side, ApiError(-1117, "Invalid side."), required=True)
    assert side is not None
    return side


def required_decimal(params: Params, name: str) -> Decimal:
    value = params.decimal(name, required=True)
    assert value is not None
    return value


def _quantity(params: Params, market: Market, name: str) -> int:
    value = params.decimal(name)
    return market.quantity(value) if value is not None else 0


def _time_in_force(params: Params, name: str) -> TimeInForce | None:
    return params.choice(name, TimeInForce, ApiError(-1115, "Invalid timeInForce."))


def read_common(params: Params) -> tuple[SelfTradePrevention | None, ResponseType]:
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
    params.ignore(*SIGNING)
    return stp, response_type or ResponseType.RESULT
