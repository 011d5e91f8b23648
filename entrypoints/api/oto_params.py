"""Reading an OTO or an OTOCO from Binance's parameters: those of POST /api/v3/orderList/oto (a
working and a pending order) and POST /api/v3/orderList/otoco (a working order and a pending
OCO, its orders `pendingAbove*` and `pendingBelow*`)."""

from msgspec.structs import replace

from application.market_data import MarketData
from domain.commands import PlaceOco, PlaceOrder, PlaceOto, PlaceOtoco
from domain.markets import Market
from domain.order_lists import WORKING_TYPES
from domain.orders import OrderType
from entrypoints.api.errors import ApiError
from entrypoints.api.oco_params import read_common, read_leg, read_side, required_decimal
from entrypoints.api.order_params import ResponseType
from entrypoints.api.params import Params

PENDING_TYPES = tuple(OrderType)
BAD_TYPE = ApiError(-1116, "Invalid orderType.")


def read_oto(
    params: Params, account_id: int, market_data: MarketData
) -> tuple[PlaceOto, ResponseType]:
    """A PlaceOto from POST /api/v3/orderList/oto's parameters, or Binance's first error."""
    symbol = params.required_text("symbol")
    market = market_data.market(symbol)
    list_client_id = params.client_order_id("listClientOrderId")
    working = _order(params, market, "working", WORKING_TYPES, account_id)
    pending = _order(params, market, "pending", PENDING_TYPES, account_id)
    stp, response_type = read_common(params)
    command = PlaceOto(
        account_id,
        symbol,
        replace(working, stp=stp),
        replace(pending, stp=stp),
        list_client_id or "",
    )
    return command, response_type


def read_otoco(
    params: Params, account_id: int, market_data: MarketData
) -> tuple[PlaceOtoco, ResponseType]:
    """A PlaceOtoco from POST /api/v3/orderList/otoco's parameters."""
    symbol = params.required_text("symbol")
    market = market_data.market(symbol)
    list_client_id = params.client_order_id("listClientOrderId")
    working = _order(params, market, "working", WORKING_TYPES, account_id)
    side = read_side(params, "pendingSide")
    quantity = market.quantity(required_decimal(params, "pendingQuantity"))
    above = read_leg(params, market, "pendingAbove")
    below = read_leg(params, market, "pendingBelow")
    stp, response_type = read_common(params)
    pair = PlaceOco(account_id, symbol, side, quantity, above, below, stp=stp)
    command = PlaceOtoco(account_id, symbol, replace(working, stp=stp), pair, list_client_id or "")
    return command, response_type


def _order(
    params: Params,
    market: Market,
    where: str,
    types: tuple[OrderType, ...],
    account_id: int,
) -> PlaceOrder:
    """The working or the pending order, its mode of self-trade prevention still to come."""
    leg = read_leg(params, market, where, types, BAD_TYPE)
    side = read_side(params, f"{where}Side")
    quantity = market.quantity(required_decimal(params, f"{where}Quantity"))
    return PlaceOrder(
        account_id,
        market.symbol,
        side,
        leg.type,
        quantity=quantity,
        price=leg.price,
        time_in_force=leg.time_in_force,
        client_order_id=leg.client_order_id,
        stop_price=leg.stop_price,
        trailing_delta=leg.trailing_delta,
        iceberg_quantity=leg.iceberg_quantity,
    )
