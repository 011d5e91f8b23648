"""Signed order endpoints: place, test, query, cancel, amend and cancel-replace."""

import secrets
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency

from application.market_data import MarketData
from application.records import OrderRecord
from application.trading import PlacedOrder
from domain.commands import AmendOrder, CancelOrder, CancelReplace, CancelReplaceMode
from domain.errors import DomainError, UnknownOrder
from entrypoints.api import formats
from entrypoints.api.errors import ApiError, domain_code
from entrypoints.api.order_params import ResponseType, order_reference, read_order
from entrypoints.api.params import Params
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]


def placed_response(
    market_data: NamedDependency[MarketData], placed: PlacedOrder, kind: ResponseType
) -> Json:
    order = placed.order
    market = market_data.market(order.symbol)
    ack = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
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
    if kind is ResponseType.FULL:
        result["fills"] = [formats.fill(market, order.order_id, t) for t in placed.fills]
    return result


def canceled_response(
    market_data: NamedDependency[MarketData], order: OrderRecord, client_order_id: str
) -> Json:
    full = formats.order(market_data.market(order.symbol), order)
    return {
        "symbol": order.symbol,
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": -1,
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


class OrderController(Controller):
    path = "/api/v3"
    tags = ["Trading"]

    @post("/order", operation_id="newOrder", status_code=200)
    async def place(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request)
        command, kind = read_order(caller.params, caller.account_id, services.market_data)
        caller.params.check_all_read()
        placed = await services.trading.place(command)
        return placed_response(services.market_data, placed, kind)

    @post("/order/test", operation_id="testNewOrder", status_code=200)
    async def test(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request)
        command, _ = read_order(caller.params, caller.account_id, services.market_data)
        with_rates = caller.params.text("computeCommissionRates") == "true"
        caller.params.check_all_read()
        services.trading.test(command)
        if not with_rates:
            return {}
        market = services.market_data.market(command.symbol)
        return {
            "standardCommissionForOrder": {
                "maker": formats.rate(market.maker_fee_bps),
                "taker": formats.rate(market.taker_fee_bps),
            },
            "taxCommissionForOrder": {"maker": "0.00000000", "taker": "0.00000000"},
            "discount": {
                "enabledForAccount": False,
                "enabledForSymbol": False,
                "discountAsset": None,
                "discount": "0.00000000",
            },
        }

    @get("/order", operation_id="queryOrder")
    async def query(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, 4)
        symbol = caller.params.required_text("symbol")
        order_id, client_id = order_reference(caller.params, "orderId", "origClientOrderId")
        caller.params.check_all_read()
        market = services.market_data.market(symbol)
        try:
            order = await services.history.order(caller.account_id, symbol, order_id, client_id)
        except UnknownOrder:
            raise ApiError(-2013, "Order does not exist.") from None
        return formats.order(market, order)

    @delete("/order", operation_id="cancelOrder", status_code=200)
    async def cancel(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request)
        symbol = caller.params.required_text("symbol")
        order_id, client_id = order_reference(caller.params, "orderId", "origClientOrderId")
        cancel_id = new_client_id(caller.params, "newClientOrderId")
        caller.params.ignore("cancelRestrictions")
        caller.params.check_all_read()
        services.market_data.market(symbol)
        order = await services.trading.cancel(
            CancelOrder(caller.account_id, symbol, order_id, client_id)
        )
        return canceled_response(services.market_data, order, cancel_id)

    @get("/openOrders", operation_id="openOrders")
    async def open_orders(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        params = services.gate.query(request)
        symbol = params.text("symbol")
        caller = await services.gate.private(request, 6 if symbol else 80)
        caller.params.text("symbol")
        caller.params.check_all_read()
        if symbol is not None:
            services.market_data.market(symbol)
        orders = await services.history.open_orders(caller.account_id, symbol)
        return [formats.order(services.market_data.market(o.symbol), o) for o in orders]

    @delete("/openOrders", operation_id="cancelOpenOrders", status_code=200)
    async def cancel_open_orders(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request)
        symbol = caller.params.required_text("symbol")
        caller.params.check_all_read()
        services.market_data.market(symbol)
        canceled = await services.trading.cancel_all(caller.account_id, symbol)
        return [
            canceled_response(services.market_data, order, secrets.token_urlsafe(16)[:22])
            for order in canceled
        ]

    @get("/allOrders", operation_id="allOrders")
    async def all_orders(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request, 20)
        params = caller.params
        symbol = params.required_text("symbol")
        from_id = params.integer("orderId", minimum=1)
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.check_all_read()
        market = services.market_data.market(symbol)
        orders = await services.history.all_orders(
            caller.account_id, symbol, from_id, start, end, limit
        )
        return [formats.order(market, o) for o in orders]

    @put("/order/amend/keepPriority", operation_id="amendKeepPriority", status_code=200)
    async def amend(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, 4)
        params = caller.params
        symbol = params.required_text("symbol")
        order_id, client_id = order_reference(params, "orderId", "origClientOrderId")
        new_quantity = params.decimal("newQty", required=True)
        params.check_all_read()
        market = services.market_data.market(symbol)
        assert new_quantity is not None
        amended = await services.trading.amend(
            AmendOrder(
                caller.account_id, symbol, market.quantity(new_quantity), order_id, client_id
            )
        )
        return {
            "transactTime": amended.updated_at,
            "executionId": amended.updated_at,
            "amendedOrder": formats.order(market, amended),
        }

    @post("/order/cancelReplace", operation_id="cancelReplace", status_code=200)
    async def cancel_replace(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Response[Json]:
        caller = await services.gate.private(request)
        params = caller.params
        mode = params.choice(
            "cancelReplaceMode",
            CancelReplaceMode,
            ApiError(-1100, "Illegal characters found in parameter 'cancelReplaceMode'."),
            required=True,
        )
        order_id, client_id = order_reference(params, "cancelOrderId", "cancelOrigClientOrderId")
        cancel_id = new_client_id(params, "cancelNewClientOrderId")
        command, kind = read_order(params, caller.account_id, services.market_data)
        params.ignore("cancelRestrictions", "orderRateLimitExceededMode")
        params.check_all_read()
        assert mode is not None
        cancel = CancelOrder(caller.account_id, command.symbol, order_id, client_id)
        outcome = await services.trading.cancel_replace(CancelReplace(cancel, command, mode))
        canceled, placed = outcome.canceled, outcome.placed
        body: Json = {
            "cancelResult": "FAILURE" if outcome.cancel_error else "SUCCESS",
            "newOrderResult": "FAILURE" if outcome.place_error else "SUCCESS",
            "cancelResponse": (
                canceled_response(services.market_data, canceled, cancel_id)
                if canceled
                else _error_body(outcome.cancel_error)
            ),
            "newOrderResponse": (
                placed_response(services.market_data, placed, kind)
                if placed
                else _error_body(outcome.place_error)
            ),
        }
        if outcome.cancel_error and outcome.place_error:
            failed = {"code": -2022, "msg": "Order cancel-replace failed.", "data": body}
            return Response(failed, status_code=400)
        if outcome.cancel_error or outcome.place_error:
            partly = {"code": -2021, "msg": "Order cancel-replace partially failed.", "data": body}
            return Response(partly, status_code=400)
        return Response(body, status_code=200)


def _error_body(error: DomainError | None) -> Json:
    assert error is not None
    return {"code": domain_code(error), "msg": str(error)}
