"""Changing an open order: amend keeping priority, and cancel-replace."""

from typing import Any

from litestar import Controller, Request, Response, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency

from domain.commands import AmendOrder, CancelOrder, CancelReplace, CancelReplaceMode
from domain.errors import DomainError
from entrypoints.api import formats
from entrypoints.api.errors import ApiError
from entrypoints.api.order_params import order_reference, read_order
from entrypoints.api.order_responses import (
    canceled_response,
    error_body,
    new_client_id,
    placed_response,
)
from entrypoints.api.reference import trading as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]


class OrderChangeController(Controller):
    path = "/api/v3"
    tags = ["Trading"]

    @put(
        "/order/amend/keepPriority",
        operation_id="amendKeepPriority",
        operation_class=documented(reference.AMEND_KEEP_PRIORITY),
        status_code=200,
    )
    async def amend(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        caller = await services.gate.private(request, 4, trade=True)
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

    @post(
        "/order/cancelReplace",
        operation_id="cancelReplace",
        operation_class=documented(reference.CANCEL_REPLACE),
        status_code=200,
    )
    async def cancel_replace(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Response[Json]:
        caller = await services.gate.private(request, trade=True)
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
        await services.gate.count_order(request, caller.account_id)
        unfilled = services.gate.unfilled_orders
        try:
            outcome = await services.trading.cancel_replace(CancelReplace(cancel, command, mode))
        except DomainError:
            await unfilled.refused(caller.account_id)
            raise
        canceled, placed = outcome.canceled, outcome.placed
        if placed is None:
            await unfilled.refused(caller.account_id)
        else:
            await unfilled.traded(placed.first_fills)
        body: Json = {
            "cancelResult": "FAILURE" if outcome.cancel_error else "SUCCESS",
            "newOrderResult": "FAILURE" if outcome.place_error else "SUCCESS",
            "cancelResponse": (
                canceled_response(services.market_data, canceled, cancel_id)
                if canceled
                else error_body(outcome.cancel_error)
            ),
            "newOrderResponse": (
                placed_response(services.market_data, placed, kind)
                if placed
                else error_body(outcome.place_error)
            ),
        }
        if outcome.cancel_error and outcome.place_error:
            failed = {"code": -2022, "msg": "Order cancel-replace failed.", "data": body}
            return Response(failed, status_code=400)
        if outcome.cancel_error or outcome.place_error:
            partly = {"code": -2021, "msg": "Order cancel-replace partially failed.", "data": body}
            return Response(partly, status_code=400)
        return Response(body, status_code=200)
