"""Queries of an account's orders and trades."""

from attrs import define
from msgspec import Struct

from application.ports import UnitOfWorkFactory
from application.records import OrderRecord
from domain.errors import UnknownOrder
from domain.events import PreventedMatch, Trade
from domain.order_lists import OCO, OTO
from domain.orders import OrderStatus

OPEN = (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.PENDING_NEW)


class AccountTrade(Struct, frozen=True, gc=False):
    """A trade from one side, as the account on that side sees it: its order, its commission.
    A trade between two orders of one account is two of these, the buyer's and the seller's."""

    trade: Trade
    is_buyer: bool
    order_list_id: int = -1  # the order list of the account's order, -1 if none

    @property
    def order_id(self) -> int:
        return self.trade.buyer_order_id if self.is_buyer else self.trade.seller_order_id


def sides_of(trade: Trade, account_id: int, order_id: int | None = None) -> list[AccountTrade]:
    """The account's sides of `trade` (of its order `order_id` only, if given): one, or both
    for a self-trade, the buyer's first."""
    sides = []
    for is_buyer, owner in ((True, trade.buyer_account_id), (False, trade.seller_account_id)):
        side = AccountTrade(trade, is_buyer)
        if owner == account_id and order_id in (None, side.order_id):
            sides.append(side)
    return sides


@define
class History:
    unit_of_work: UnitOfWorkFactory

    async def order(
        self, account_id: int, symbol: str, order_id: int | None, client_order_id: str | None
    ) -> OrderRecord:
        async with self.unit_of_work() as uow:
            if order_id is not None:
                order = await uow.orders.get(symbol, order_id)
            elif client_order_id is not None:
                order = await uow.orders.by_client_id(account_id, symbol, client_order_id)
            else:
                order = None
        if (
            order is None
            or order.account_id != account_id
            or (client_order_id is not None and order.client_order_id != client_order_id)
        ):
            raise UnknownOrder("Order does not exist.")
        return order

    async def open_orders(self, account_id: int, symbol: str | None) -> list[OrderRecord]:
        async with self.unit_of_work() as uow:
            return await uow.orders.of_account(account_id, symbol, OPEN, limit=10_000)

    async def all_orders(
        self,
        account_id: int,
        symbol: str,
        from_id: int | None,
        start: int | None,
        end: int | None,
        limit: int,
    ) -> list[OrderRecord]:
        async with self.unit_of_work() as uow:
            return await uow.orders.of_account(account_id, symbol, None, from_id, start, end, limit)

    async def order_list(
        self, account_id: int, order_list_id: int | None, list_client_order_id: str | None
    ) -> list[OrderRecord]:
        """The orders of the account's list so named (the newest, if several are)."""
        async with self.unit_of_work() as uow:
            orders = await uow.orders.list_orders(account_id, order_list_id, list_client_order_id)
        if not orders:
            raise UnknownOrder("Order list does not exist.")
        return orders

    async def order_lists(
        self,
        account_id: int,
        from_id: int | None,
        start: int | None,
        end: int | None,
        limit: int,
    ) -> list[list[OrderRecord]]:
        async with self.unit_of_work() as uow:
            orders = await uow.orders.order_lists(account_id, from_id, start, end, limit)
        return by_list(orders)

    async def open_order_lists(self, account_id: int) -> list[list[OrderRecord]]:
        """The account's lists none of whose orders has ended yet."""
        async with self.unit_of_work() as uow:
            orders = await uow.orders.of_account(account_id, None, OPEN, limit=10_000)
            lists = []
            for legs in by_list([o for o in orders if o.order_list_id >= 0]):
                first = legs[0]
                if first.order_id != first.order_list_id:  # an OTOCO's pair: its working order
                    working = await uow.orders.get(first.symbol, first.order_list_id)
                    legs = [working, *legs] if working is not None else legs
                if is_executing(legs):
                    lists.append(legs)
        return lists

    async def prevented_matches(
        self,
        account_id: int,
        symbol: str,
        prevented_match_id: int | None,
        order_id: int | None,
        from_id: int | None,
        limit: int,
    ) -> list[PreventedMatch]:
        async with self.unit_of_work() as uow:
            return await uow.prevented_matches.of_account(
                account_id, symbol, prevented_match_id, order_id, from_id, limit
            )

    async def trades(
        self,
        account_id: int,
        symbol: str,
        order_id: int | None,
        from_id: int | None,
        start: int | None,
        end: int | None,
        limit: int,
    ) -> list[AccountTrade]:
        """The account's sides of its trades; `limit` counts trades, so that the two sides of
        a self-trade are never split between pages."""
        async with self.unit_of_work() as uow:
            trades = await uow.trades.of_account(
                account_id, symbol, order_id, from_id, start, end, limit
            )
            sides = [side for trade in trades for side in sides_of(trade, account_id, order_id)]
            orders = await uow.orders.get_many(symbol, {side.order_id for side in sides})
        return [
            AccountTrade(side.trade, side.is_buyer, orders[side.order_id].order_list_id)
            if side.order_id in orders
            else side
            for side in sides
        ]


def contingency_of(orders: list[OrderRecord]) -> str:
    """OCO or OTO (an OTOCO too, as Binance names both), known by the list's first order: an
    OCO's is its stop loss, whose id is the list's; an OTO's, its LIMIT or LIMIT_MAKER working
    order (a list given without it, an OTOCO's pair, starts after the list's id)."""
    first = orders[0]
    return OCO if first.type.is_stop and first.order_id == first.order_list_id else OTO


def is_executing(orders: list[OrderRecord]) -> bool:
    """Whether the whole list, in order id order, is still open: an OTO's pending orders wait,
    or an OCO pair (an OCO's, or an OTOCO's once placed) has neither traded nor ended."""
    if any(o.status is OrderStatus.PENDING_NEW for o in orders):
        return True
    pair = orders if contingency_of(orders) == OCO else orders[1:]
    return len(pair) == 2 and all(o.status is OrderStatus.NEW for o in pair)


def by_list(orders: list[OrderRecord]) -> list[list[OrderRecord]]:
    """Orders gathered by the list they belong to, lists in the order of their first order."""
    lists: dict[tuple[str, int], list[OrderRecord]] = {}
    for order in orders:
        lists.setdefault((order.symbol, order.order_list_id), []).append(order)
    return [sorted(legs, key=lambda o: o.order_id) for legs in lists.values()]
