"""Binance's answers about order lists: a list with its orders named, and with their reports
when it was just placed or canceled."""

from typing import Any

from application.history import contingency_of, is_executing
from application.market_data import MarketData
from application.records import OrderRecord
from application.trading import PlacedList, PlacedOrder
from entrypoints.api.order_params import ResponseType
from entrypoints.api.order_responses import canceled_response, placed_response

Json = dict[str, Any]


def order_list(orders: list[OrderRecord]) -> Json:
    """A list as GET /api/v3/orderList shows it: executing while an OTO's pending orders wait
    or its OCO pair has neither traded, triggered nor ended, all done after."""
    first = orders[0]
    executing = is_executing(orders)
    return {
        "orderListId": first.order_list_id,
        "contingencyType": contingency_of(orders),
        "listStatusType": "EXEC_STARTED" if executing else "ALL_DONE",
        "listOrderStatus": "EXECUTING" if executing else "ALL_DONE",
        "listClientOrderId": first.list_client_order_id,
        "transactionTime": first.created_at,
        "symbol": first.symbol,
        "orders": [
            {"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id}
            for o in orders
        ],
    }


def placed_list(market_data: MarketData, placed: PlacedList, kind: ResponseType) -> Json:
    reports = []
    for order in placed.orders:
        fills = [t for t in placed.fills if order.order_id in (t.buyer_order_id, t.seller_order_id)]
        reason = placed.expiry_reasons.get(order.order_id)
        reports.append(
            placed_response(market_data, PlacedOrder(order, fills, expiry_reason=reason), kind)
        )
    return order_list(placed.orders) | {"orderReports": reports}


def canceled_orders(
    market_data: MarketData, orders: list[OrderRecord], cancel_id: str
) -> list[Json]:
    """DELETE /api/v3/openOrders' answer: each order canceled, those of a list as the list."""
    answers: list[Json] = []
    lists: dict[int, Json] = {}
    for order in orders:
        report = canceled_response(market_data, order, cancel_id)
        if order.order_list_id < 0:
            answers.append(report)
        elif order.order_list_id in lists:
            lists[order.order_list_id]["orderReports"].append(report)
        else:
            legs = [o for o in orders if o.order_list_id == order.order_list_id]
            found = order_list(legs) | {
                "transactionTime": order.updated_at,
                "orderReports": [report],
            }
            lists[order.order_list_id] = found
            answers.append(found)
    return answers


def canceled_list(market_data: MarketData, placed: PlacedList, cancel_id: str) -> Json:
    reports = [canceled_response(market_data, order, cancel_id) for order in placed.orders]
    return order_list(placed.orders) | {
        "transactionTime": placed.status.timestamp,
        "orderReports": reports,
    }
