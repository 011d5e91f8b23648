"""An order as its command places it: its id from its market, its list's id (-1 for none) and
the status it starts in."""

from domain.commands import PlaceOrder
from domain.markets import Market
from domain.orders import Order, OrderStatus


def placed_order(
    market: Market,
    command: PlaceOrder,
    order_id: int,
    list_id: int = -1,
    status: OrderStatus = OrderStatus.NEW,
) -> Order:
    return Order(
        order_id,
        command.account_id,
        command.symbol,
        command.side,
        command.type,
        command.time_in_force,
        command.price,
        command.quantity,
        command.quote_quantity,
        command.client_order_id or f"bourse-{command.symbol}-{order_id}",
        market.self_trade_prevention(command.stp),
        command.timestamp,
        status=status,
        stop_price=command.stop_price,
        trailing_delta=command.trailing_delta,
        iceberg_quantity=command.iceberg_quantity,
        order_list_id=list_id,
    )
