"""Use cases of trading: place, test, cancel, amend and cancel-replace orders."""

from attrs import define
from msgspec.structs import replace

from application.bus import Applied, CommandBus, MarketCommand, symbol_of
from application.metrics import order_commands
from application.ports import Clock, IdSource, UnitOfWorkFactory
from application.records import OrderRecord
from application.tracing import tracer
from domain.commands import AmendOrder, CancelOrder, CancelReplace, PlaceOrder
from domain.errors import DomainError, MarketClosed, UnknownMarket, UnknownOrder
from domain.events import OrderAccepted, OrderUpdated, Trade
from domain.exchange import Exchange
from domain.markets import Market, MarketStatus
from domain.orders import OrderStatus
from domain.validation import check_order

CLIENT_ORDER_ID_LENGTH = 22  # as long as those Binance makes up
OPEN = (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


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
    """Every command goes to its market's engine over the bus, wherever that engine runs."""

    exchange: Exchange
    bus: CommandBus
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    ids: IdSource

    def market(self, symbol: str) -> Market:
        state = self.exchange.markets.get(symbol)
        if state is None:
            raise UnknownMarket("Invalid symbol.")
        return state.market

    async def place(self, command: PlaceOrder) -> PlacedOrder:
        """Places an order. A client order id already used by the account on this market
        answers with that order instead: retrying a request never places twice. An order sent
        without one gets one here, before it leaves, so that its fate can be read by it even
        when no answer comes."""
        self.market(command.symbol)
        if command.client_order_id:
            async with self.unit_of_work() as uow:
                earlier = await uow.orders.by_client_id(
                    command.account_id, command.symbol, command.client_order_id
                )
            if earlier is not None:
                return PlacedOrder(earlier, [])
        applied = await self._submit(command.type.value, self._stamped(command))
        return self._placed(applied)

    def test(self, command: PlaceOrder) -> None:
        """Checks an order as placing it would, without placing it."""
        market = self.market(command.symbol)
        if market.status is not MarketStatus.TRADING:
            raise MarketClosed("Market is closed.")
        check_order(market, command)

    async def cancel(self, command: CancelOrder) -> OrderRecord:
        self.market(command.symbol)
        applied = await self._submit("CANCEL", replace(command, timestamp=self.clock.now()))
        return self._updated_order(applied)

    async def cancel_all(self, account_id: int, symbol: str) -> list[OrderRecord]:
        self.market(symbol)
        async with self.unit_of_work() as uow:
            orders = await uow.orders.of_account(account_id, symbol, OPEN, limit=100_000)
        canceled = []
        for order_id in [order.order_id for order in orders]:
            try:
                canceled.append(await self.cancel(CancelOrder(account_id, symbol, order_id)))
            except UnknownOrder:
                continue  # it filled or was canceled meanwhile
        return canceled

    async def amend(self, command: AmendOrder) -> OrderRecord:
        self.market(command.symbol)
        applied = await self._submit("AMEND", replace(command, timestamp=self.clock.now()))
        return self._updated_order(applied)

    async def cancel_replace(self, command: CancelReplace) -> CancelReplaced:
        self.market(command.place.symbol)
        stamped = CancelReplace(
            replace(command.cancel, timestamp=self.clock.now()),
            self._stamped(command.place),
            command.mode,
        )
        applied = await self._submit("CANCEL_REPLACE", stamped)
        canceled = None
        if applied.cancel_error is None:
            canceled = self._updated_order(applied)
        placed = None
        if applied.place_error is None:
            placed = self._placed(applied)
        return CancelReplaced(canceled, placed, applied.cancel_error, applied.place_error)

    async def _submit(self, kind: str, command: MarketCommand) -> Applied:
        """Hands the command to its market's engine, counted by kind and outcome: accepted,
        or the name of the refusal."""
        attributes = {"bourse.command": kind, "bourse.symbol": symbol_of(command)}
        try:
            with tracer.start_as_current_span("order.submit", attributes=attributes):
                applied = await self.bus.submit(command)
        except Exception as error:
            order_commands.labels(kind, type(error).__name__).inc()
            raise
        order_commands.labels(kind, "accepted").inc()
        return applied

    def _stamped(self, command: PlaceOrder) -> PlaceOrder:
        client_order_id = command.client_order_id or self.ids.token()[:CLIENT_ORDER_ID_LENGTH]
        return replace(command, timestamp=self.clock.now(), client_order_id=client_order_id)

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
