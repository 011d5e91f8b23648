"""Use cases of trading: place, test, cancel, amend and cancel-replace orders."""

from attrs import define
from msgspec.structs import replace

from application.engine import Applied, MarketEngine
from application.ports import Clock, UnitOfWorkFactory
from application.records import OrderRecord
from domain.commands import AmendOrder, CancelOrder, CancelReplace, PlaceOrder
from domain.errors import DomainError, MarketClosed, UnknownMarket, UnknownOrder
from domain.events import OrderAccepted, OrderUpdated, Trade
from domain.markets import MarketStatus
from domain.validation import check_order


@define
class PlacedOrder:
    """An order as it stood when the call returned, with the trades it took part in."""

    order: OrderRecord
    fills: list[Trade]


@define
class CancelReplaced:
    canceled: OrderRecord | None
    placed: PlacedOrder | None
    cancel_error: DomainError | None
    place_error: DomainError | None


@define
class Trading:
    engines: dict[str, MarketEngine]
    unit_of_work: UnitOfWorkFactory
    clock: Clock

    def engine(self, symbol: str) -> MarketEngine:
        try:
            return self.engines[symbol]
        except KeyError:
            raise UnknownMarket("Invalid symbol.") from None

    async def place(self, command: PlaceOrder) -> PlacedOrder:
        """Places an order. A client order id already used by the account on this market
        answers with that order instead: retrying a request never places twice."""
        engine = self.engine(command.symbol)
        if command.client_order_id:
            async with self.unit_of_work() as uow:
                earlier = await uow.orders.by_client_id(
                    command.account_id, command.symbol, command.client_order_id
                )
            if earlier is not None:
                return PlacedOrder(earlier, [])
        applied = await engine.submit(replace(command, timestamp=self.clock.now()))
        return self._placed(applied)

    def test(self, command: PlaceOrder) -> None:
        """Checks an order as placing it would, without placing it."""
        market = self.engine(command.symbol).exchange.state(command.symbol).market
        if market.status is not MarketStatus.TRADING:
            raise MarketClosed("Market is closed.")
        check_order(market, command)

    async def cancel(self, command: CancelOrder) -> OrderRecord:
        applied = await self.engine(command.symbol).submit(
            replace(command, timestamp=self.clock.now())
        )
        return self._updated_order(applied)

    async def cancel_all(self, account_id: int, symbol: str) -> list[OrderRecord]:
        engine = self.engine(symbol)
        open_ids = [
            order.order_id
            for order in engine.exchange.state(symbol).book.orders.values()
            if order.account_id == account_id
        ]
        canceled = []
        for order_id in open_ids:
            try:
                canceled.append(await self.cancel(CancelOrder(account_id, symbol, order_id)))
            except UnknownOrder:
                continue  # it filled or was canceled meanwhile
        return canceled

    async def amend(self, command: AmendOrder) -> OrderRecord:
        applied = await self.engine(command.symbol).submit(
            replace(command, timestamp=self.clock.now())
        )
        return self._updated_order(applied)

    async def cancel_replace(self, command: CancelReplace) -> CancelReplaced:
        now = self.clock.now()
        stamped = CancelReplace(
            replace(command.cancel, timestamp=now),
            replace(command.place, timestamp=now),
            command.mode,
        )
        applied = await self.engine(command.place.symbol).submit(stamped)
        canceled = None
        if applied.cancel_error is None:
            canceled = self._updated_order(applied)
        placed = None
        if applied.place_error is None:
            placed = self._placed(applied)
        return CancelReplaced(canceled, placed, applied.cancel_error, applied.place_error)

    @staticmethod
    def _placed(applied: Applied) -> PlacedOrder:
        order_id = next(e.order_id for e in applied.events if isinstance(e, OrderAccepted))
        fills = [
            e
            for e in applied.events
            if isinstance(e, Trade) and order_id in (e.buyer_order_id, e.seller_order_id)
        ]
        return PlacedOrder(applied.orders[order_id], fills)

    @staticmethod
    def _updated_order(applied: Applied) -> OrderRecord:
        order_id = next(e.order_id for e in applied.events if isinstance(e, OrderUpdated))
        return applied.orders[order_id]
