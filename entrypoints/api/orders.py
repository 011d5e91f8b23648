"""Signed order endpoints: place, test, query and cancel orders, list them, and the account's
unfilled order count."""

import secrets
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency

from domain.commands import CancelOrder
from domain.errors import DomainError, UnknownOrder
from entrypoints.api import formats
from entrypoints.api.errors import ApiError
from entrypoints.api.list_responses import canceled_orders
from entrypoints.api.order_params import order_reference, read_order
from entrypoints.api.order_responses import canceled_response, new_client_id, placed_response
from entrypoints.api.reference import trading as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]


class OrderController(Controller):
    path = "/api/v3"
    tags = ["Trading"]

    @post(
        "/order",
        operation_id="newOrder",
        operation_class=documented(reference.NEW_ORDER),
        status_code=200,
    )
    async def place(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, kind = read_order(caller.params, caller.account_id, services.market_data)
        caller.params.check_all_read()
        await services.gate.count_order(request, caller.account_id)
        unfilled = services.gate.unfilled_orders
        try:
            placed = await services.trading.place(command)
        except DomainError:
            await unfilled.refused(caller.account_id)
            raise
        await unfilled.traded(placed.first_fills)
        return placed_response(services.market_data, placed, kind)

    @post(
        "/order/test",
        operation_id="testNewOrder",
        operation_class=documented(reference.TEST_NEW_ORDER),
        status_code=200,
    )
    async def test(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, _ = read_order(caller.params, caller.account_id, services.market_data)
        with_rates = caller.params.text("computeCommissionRates") == "true"
        caller.params.check_all_read()
        await services.trading.test(command)
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

    @get("/order", operation_id="queryOrder", operation_class=documented(reference.QUERY_ORDER))
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

    @delete(
        "/order",
        operation_id="cancelOrder",
        operation_class=documented(reference.CANCEL_ORDER),
        status_code=200,
    )
    async def cancel(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, trade=True)
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

    @get(
        "/openOrders", operation_id="openOrders", operation_class=documented(reference.OPEN_ORDERS)
    )
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

    @delete(
        "/openOrders",
        operation_id="cancelOpenOrders",
        operation_class=documented(reference.CANCEL_OPEN_ORDERS),
        status_code=200,
    )
    async def cancel_open_orders(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request, trade=True)
        symbol = caller.params.required_text("symbol")
        caller.params.check_all_read()
        services.market_data.market(symbol)
        canceled = await services.trading.cancel_all(caller.account_id, symbol)
        cancel_id = secrets.token_urlsafe(16)[:22]
        return canceled_orders(services.market_data, canceled, cancel_id)

    @get(
        "/rateLimit/order",
        operation_id="unfilledOrderCount",
        operation_class=documented(reference.UNFILLED_ORDER_COUNT),
    )
    async def unfilled_order_count(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[Json]:
        caller = await services.gate.private(request, 40)
        caller.params.check_all_read()
        unfilled = services.gate.unfilled_orders
        counts = await unfilled.counts(caller.account_id)
        return [
            formats.order_limit(limit) | {"count": count}
            for limit, count in zip(unfilled.limits, counts, strict=True)
        ]

    @get("/allOrders", operation_id="allOrders", operation_class=documented(reference.ALL_ORDERS))
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
