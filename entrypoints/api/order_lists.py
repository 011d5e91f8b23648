"""Signed order-list endpoints: place an OCO (the current and the older route), an OTO or an
OTOCO, query and cancel a list, and list the account's lists."""

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency

from domain.commands import CancelOrderList, PlaceOco, PlaceOto, PlaceOtoco
from domain.errors import DomainError, UnknownOrder
from entrypoints.api.errors import ApiError
from entrypoints.api.list_responses import canceled_list, order_list, placed_list
from entrypoints.api.oco_params import read_oco, read_old_oco
from entrypoints.api.order_params import ResponseType
from entrypoints.api.order_responses import new_client_id
from entrypoints.api.oto_params import read_oto, read_otoco
from entrypoints.api.params import Params
from entrypoints.api.reference import order_lists as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]
# How many orders each list counts as in the ORDERS limits, as on Binance.
OCO_ORDERS, OTO_ORDERS, OTOCO_ORDERS = 2, 2, 3


class OrderListController(Controller):
    path = "/api/v3"
    tags = ["Trading"]

    @post(
        "/orderList/oco",
        operation_id="newOrderListOco",
        operation_class=documented(reference.NEW_OCO),
        status_code=200,
    )
    async def place_oco(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, kind = read_oco(caller.params, caller.account_id, services.market_data)
        return await _place(request, services, caller.params, command, kind)

    @post(
        "/order/oco",
        operation_id="newOco",
        operation_class=documented(reference.NEW_OLD_OCO),
        status_code=200,
    )
    async def place_old_oco(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, kind = read_old_oco(caller.params, caller.account_id, services.market_data)
        return await _place(request, services, caller.params, command, kind)

    @post(
        "/orderList/oto",
        operation_id="newOrderListOto",
        operation_class=documented(reference.NEW_OTO),
        status_code=200,
    )
    async def place_oto(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, kind = read_oto(caller.params, caller.account_id, services.market_data)
        return await _place(request, services, caller.params, command, kind)

    @post(
        "/orderList/otoco",
        operation_id="newOrderListOtoco",
        operation_class=documented(reference.NEW_OTOCO),
        status_code=200,
    )
    async def place_otoco(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, trade=True)
        command, kind = read_otoco(caller.params, caller.account_id, services.market_data)
        return await _place(request, services, caller.params, command, kind)

    @get(
        "/orderList",
        operation_id="queryOrderList",
        operation_class=documented(reference.QUERY_ORDER_LIST),
    )
    async def query(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, 4)
        list_id, client_id = _list_reference(caller.params, "origClientOrderId")
        caller.params.check_all_read()
        try:
            orders = await services.history.order_list(caller.account_id, list_id, client_id)
        except UnknownOrder:
            raise ApiError(-2013, "Order list does not exist.") from None
        return order_list(orders)

    @delete(
        "/orderList",
        operation_id="cancelOrderList",
        operation_class=documented(reference.CANCEL_ORDER_LIST),
        status_code=200,
    )
    async def cancel(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        caller = await services.gate.private(request, trade=True)
        symbol = caller.params.required_text("symbol")
        list_id, client_id = _list_reference(caller.params, "listClientOrderId")
        cancel_id = new_client_id(caller.params, "newClientOrderId")
        caller.params.check_all_read()
        services.market_data.market(symbol)
        canceled = await services.trading.cancel_list(
            CancelOrderList(caller.account_id, symbol, list_id, client_id)
        )
        return canceled_list(services.market_data, canceled, cancel_id)

    @get(
        "/allOrderList",
        operation_id="allOrderList",
        operation_class=documented(reference.ALL_ORDER_LISTS),
    )
    async def all_lists(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> list[Json]:
        caller = await services.gate.private(request, 20)
        params = caller.params
        from_id = params.integer("fromId", minimum=0)
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        limit = params.integer("limit", minimum=1, maximum=1000) or 500
        params.check_all_read()
        if from_id is not None and (start is not None or end is not None):
            raise ApiError(-1128, "Combination of optional parameters invalid.")
        lists = await services.history.order_lists(caller.account_id, from_id, start, end, limit)
        return [order_list(orders) for orders in lists]

    @get(
        "/openOrderList",
        operation_id="openOrderList",
        operation_class=documented(reference.OPEN_ORDER_LISTS),
    )
    async def open_lists(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> list[Json]:
        caller = await services.gate.private(request, 6)
        caller.params.check_all_read()
        lists = await services.history.open_order_lists(caller.account_id)
        return [order_list(orders) for orders in lists]


async def _place(
    request: AnyRequest,
    services: NamedDependency[Services],
    params: Params,
    command: PlaceOco | PlaceOto | PlaceOtoco,
    kind: ResponseType,
) -> Json:
    params.check_all_read()
    if isinstance(command, PlaceOco):
        orders = OCO_ORDERS
    else:
        orders = OTOCO_ORDERS if isinstance(command, PlaceOtoco) else OTO_ORDERS
    for _ in range(orders):
        await services.gate.count_order(request, command.account_id)
    try:
        if isinstance(command, PlaceOco):
            placed = await services.trading.place_oco(command)
        else:
            placed = await services.trading.place_oto(command)
    except DomainError:
        for _ in range(orders):
            await services.gate.unfilled_orders.refused(command.account_id)
        raise
    return placed_list(services.market_data, placed, kind)


def _list_reference(params: Params, client_name: str) -> tuple[int | None, str | None]:
    list_id = params.integer("orderListId", minimum=0)
    client_id = params.text(client_name)
    if list_id is None and client_id is None:
        raise ApiError(
            -1102,
            f"Param '{client_name}' or 'orderListId' must be sent, but both were empty/null!",
        )
    return list_id, client_id
