"""Binance's answers to order requests: placed (ACK, RESULT, FULL) and canceled orders."""

import secrets
from typing import Any

from application.market_data import MarketData
from application.records import OrderRecord
from application.trading import PlacedOrder
from domain.errors import DomainError
from entrypoints.api import formats
from entrypoints.api.errors import domain_code
from entrypoints.api.order_params import ResponseType
from entrypoints.api.params import Params

Json = dict[str, Any]


def placed_response(market_data: MarketData, placed: PlacedOrder, kind: ResponseType) -> Json:
    order = placed.order
    market = market_data.market(order.symbol)
    ack = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": order.client_order_id,
        "transactTime": order.created_at,
    }
    if kind is ResponseType.ACK:
        return ack
    full = formats.order(market, order)
    result = ack | {
        key: full[key]
        for key in (
            "price", "origQty", "executedQty", "origQuoteOrderQty", "cummulativeQuoteQty",
            "status", "timeInForce", "type", "side", "workingTime", "selfTradePreventionMode",
        )
    }  # fmt: skip
    if placed.expiry_reason is not None:
        result["expiryReason"] = placed.expiry_reason.value
    if order.type.is_stop:
        result["stopPrice"] = full["stopPrice"]
        if order.trailing_delta:
            result["trailingDelta"] = order.trailing_delta
            result["trailingTime"] = order.trailing_time
    if kind is ResponseType.FULL:
        result["fills"] = [formats.fill(market, order.order_id, t) for t in placed.fills]
        if placed.prevented:
            result["preventedMatches"] = [
                {
                    "preventedMatchId": match.prevented_match_id,
                    "makerOrderId": match.maker_order_id,
                    "price": formats.price(market, match.price),
                }
                | formats.prevented_quantities(market, match)
                for match in placed.prevented
            ]
    return result | formats.prevented_quantity(market, order)


def canceled_response(market_data: MarketData, order: OrderRecord, client_order_id: str) -> Json:
    full = formats.order(market_data.market(order.symbol), order)
    return {
        "symbol": order.symbol,
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": client_order_id,
        "transactTime": order.updated_at,
    } | {
        key: full[key]
        for key in (
            "price", "origQty", "executedQty", "cummulativeQuoteQty", "status",
            "timeInForce", "type", "side", "selfTradePreventionMode",
        )
    }  # fmt: skip


def new_client_id(params: Params, name: str) -> str:
    return params.client_order_id(name) or secrets.token_urlsafe(16)[:22]


def error_body(error: DomainError | None) -> Json:
    assert error is not None
    return {"code": domain_code(error), "msg": str(error)}
