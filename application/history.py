"""Queries of an account's orders and trades."""

from attrs import define

from application.ports import UnitOfWorkFactory
from application.records import OrderRecord
from domain.errors import UnknownOrder
from domain.events import Trade
from domain.orders import OrderStatus

OPEN = (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


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

    async def trades(
        self,
        account_id: int,
        symbol: str,
        order_id: int | None,
        from_id: int | None,
        start: int | None,
        end: int | None,
        limit: int,
    ) -> list[Trade]:
        async with self.unit_of_work() as uow:
            return await uow.trades.of_account(
                account_id, symbol, order_id, from_id, start, end, limit
            )
