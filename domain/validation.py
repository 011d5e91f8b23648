"""Checks an order, as its command would place it, against its type and its market's filters
before anything changes. It reads the placed `Order`, not the command: the compiled domain
reads a native object's fields directly, a command's through Python's attribute lookup."""

from domain.errors import FilterFailure, InvalidOrder, MarketFilter, UnsupportedOrder
from domain.markets import Market
from domain.orders import Order, OrderType, TimeInForce, rises_to_trigger


def check_order(market: Market, order: Order) -> None:
    if (
        order.quantity < 0
        or order.price < 0
        or order.quote_quantity < 0
        or order.stop_price < 0
        or order.trailing_delta < 0
        or order.iceberg_quantity < 0
    ):
        raise InvalidOrder("Amounts must not be negative.")
    if order.type.is_stop:
        _check_stop(market, order)
    elif order.stop_price or order.trailing_delta:
        raise InvalidOrder("Only stop and take-profit orders take a stopPrice or trailingDelta.")
    if order.type.is_market:
        if order.iceberg_quantity:
            raise UnsupportedOrder("Unsupported order combination")
        _check_market_order(market, order)
        return
    if order.quote_quantity:
        raise InvalidOrder("quoteOrderQty is only for MARKET orders.")
    if order.type is OrderType.LIMIT_MAKER and order.time_in_force is not TimeInForce.GTC:
        raise InvalidOrder("LIMIT_MAKER orders rest on the book and take no time in force.")
    if order.price == 0 or order.quantity == 0:
        raise InvalidOrder(f"{order.type.value} orders need both a price and a quantity.")
    market.check_price(order.price)
    market.check_limit_quantity(order.quantity)
    market.check_notional(market.notional(order.price, order.quantity))
    if order.iceberg_quantity:
        _check_iceberg(market, order)


def _check_iceberg(market: Market, order: Order) -> None:
    if order.time_in_force is not TimeInForce.GTC:
        raise UnsupportedOrder("Unsupported order combination")
    if order.iceberg_quantity >= order.quantity:
        raise UnsupportedOrder("IcebergQty exceeds QTY.")
    market.check_limit_quantity(order.iceberg_quantity)
    if -(-order.quantity // order.iceberg_quantity) > market.iceberg_parts:
        raise FilterFailure(MarketFilter.ICEBERG_PARTS)


def _check_stop(market: Market, order: Order) -> None:
    if not order.stop_price and not order.trailing_delta:
        raise InvalidOrder(f"{order.type.value} orders need a stopPrice or a trailingDelta.")
    if order.stop_price:
        market.check_price(order.stop_price)
    above = rises_to_trigger(order.type, order.side)
    if order.trailing_delta and not market.trailing_deltas.allows(order.trailing_delta, above):
        raise FilterFailure(MarketFilter.TRAILING_DELTA)
    if order.type.is_market and not order.quantity:
        raise InvalidOrder(f"{order.type.value} orders need a quantity.")
    if order.type.is_market and order.quote_quantity:
        raise InvalidOrder(f"{order.type.value} orders take a quantity, not a quoteOrderQty.")


def _check_market_order(market: Market, order: Order) -> None:
    if order.price:
        raise InvalidOrder(f"{order.type.value} orders take no price.")
    if bool(order.quantity) == bool(order.quote_quantity):
        raise InvalidOrder("MARKET orders need either a quantity or a quoteOrderQty.")
    if order.quantity:
        market.check_market_quantity(order.quantity)
        if order.stop_price:
            market.check_notional(market.notional(order.stop_price, order.quantity))
    else:
        market.check_notional(order.quote_quantity)
