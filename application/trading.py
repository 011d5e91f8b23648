"""Use cases of trading: place, test, cancel, amend and cancel-replace orders."""

from attrs import define, field
from msgspec.structs import replace

from application.bus import Applied, CommandBus, MarketCommand, symbol_of
from application.frozen_accounts import FrozenAccounts
from application.history import OPEN
from application.identity_ports import IdSource
from application.metrics import child, order_commands
from application.order_count import FirstFill, first_fills
from application.ports import Clock, UnitOfWorkFactory
from application.rebuild import TICKER_TRADES, committed_status, resting_order
from application.records import OrderRecord
from application.tracing import span
from domain.candles import MINUTE
from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelOrderList,
    CancelReplace,
    OcoLeg,
    PlaceOco,
    PlaceOrder,
    PlaceOto,
    PlaceOtoco,
)
from domain.errors import DomainError, UnknownMarket, UnknownOrder
from domain.events import ListStatus, OrderAccepted, OrderUpdated, PreventedMatch, Trade
from domain.exchange import Exchange
from domain.markets import Market
from domain.orders import ExpiryReason, OrderStatus


@define
class PlacedOrder:
    """An order as it stood when the call returned, with the trades it took part in."""

    order: OrderRecord
    fills: list[Trade]
    prevented: list[PreventedMatch] = field(factory=list)
    first_fills: list[FirstFill] = field(factory=list)
    """The orders that traded for the first time."""
    expiry_reason: ExpiryReason | None = None
    """Why it expired, if it did in the call."""


@define
class PlacedList:
    """An order list as it stood when the call returned: its status event, its orders as they
    stood, and the trades they took part in."""

    status: ListStatus
    orders: list[OrderRecord]
    fills: list[Trade]
    expiry_reasons: dict[int, ExpiryReason] = field(factory=dict)
    """Why the orders that expired in the call did, by order id."""


@define
class CancelReplaced:
    canceled: OrderRecord | None
    placed: PlacedOrder | None
    cancel_error: DomainError | None
    place_error: DomainError | None


@define
class Trading:
    """Every command goes to its market's engine over the bus, wherever that engine runs. A
    frozen account places nothing; it may still cancel."""

    exchange: Exchange
    bus: CommandBus
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    ids: IdSource
    frozen: FrozenAccounts

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
        await self.frozen.check_trading(command.account_id)
        if command.client_order_id:
            async with self.unit_of_work() as uow:
                earlier = await uow.orders.by_client_id(
                    command.account_id, command.symbol, command.client_order_id
                )
            if earlier is not None:
                return PlacedOrder(earlier, [])
        applied = await self._submit(command.type.value, self._stamped(command, self.clock.now()))
        return self._placed(applied)

    async def test(self, command: PlaceOrder) -> None:
        """Checks an order as its market's engine would before placing it, wherever that
        engine runs: on a copy of the market holding what the checks read as committed, its
        status, the account's open orders and the trades of the price band's minutes (else
        the last one, whose price the band is drawn around then)."""
        market = self.market(command.symbol)
        await self.frozen.check_trading(command.account_id)
        command = replace(command, timestamp=self.clock.now())
        window = market.price_band.average_minutes * MINUTE
        async with self.unit_of_work() as uow:
            trades = await uow.trades.history(
                command.symbol, start=command.timestamp - window, limit=TICKER_TRADES
            )
            if not trades:
                trades = await uow.trades.recent(command.symbol, 1)
            orders = await uow.orders.of_account(
                command.account_id, command.symbol, OPEN, limit=market.max_num_orders
            )
            status = await committed_status(uow, command.symbol)
        copy = Exchange([market])
        resting = [resting_order(market, order) for order in orders]
        last_price = trades[-1].price if trades else 0
        copy.restore(command.symbol, resting, 0, 0, 0, trades, last_price)
        copy.state(command.symbol).status = status
        copy.check(command)

    async def cancel(self, command: CancelOrder) -> OrderRecord:
        self.market(command.symbol)
        applied = await self._submit("CANCEL", replace(command, timestamp=self.clock.now()))
        return self._updated_order(applied)

    async def cancel_all(self, account_id: int, symbol: str) -> list[OrderRecord]:
        self.market(symbol)
        async with self.unit_of_work() as uow:
            orders = await uow.orders.of_account(account_id, symbol, OPEN, limit=100_000)
        canceled: dict[int, OrderRecord] = {}
        for order_id in [order.order_id for order in orders]:
            if order_id in canceled:
                continue  # canceled with an order of its list
            command = CancelOrder(account_id, symbol, order_id, timestamp=self.clock.now())
            try:
                applied = await self._submit("CANCEL", command)
            except UnknownOrder:
                continue  # it filled or was canceled meanwhile
            for event in applied.events:
                if isinstance(event, OrderUpdated) and event.status is OrderStatus.CANCELED:
                    canceled[event.order_id] = applied.orders[event.order_id]
        return list(canceled.values())

    async def amend(self, command: AmendOrder) -> OrderRecord:
        self.market(command.symbol)
        applied = await self._submit("AMEND", replace(command, timestamp=self.clock.now()))
        return self._updated_order(applied)

    async def cancel_replace(self, command: CancelReplace) -> CancelReplaced:
        self.market(command.place.symbol)
        await self.frozen.check_trading(command.place.account_id)
        now = self.clock.now()
        stamped = CancelReplace(
            replace(command.cancel, timestamp=now), self._stamped(command.place, now), command.mode
        )
        applied = await self._submit("CANCEL_REPLACE", stamped)
        canceled = None
        if applied.cancel_error is None:
            canceled = self._updated_order(applied)
        placed = None
        if applied.place_error is None:
            placed = self._placed(applied)
        return CancelReplaced(canceled, placed, applied.cancel_error, applied.place_error)

    async def place_oco(self, command: PlaceOco) -> PlacedList:
        """Places an OCO, its orders and the list given client ids here when sent without."""
        self.market(command.symbol)
        await self.frozen.check_trading(command.account_id)
        command = replace(
            command,
            timestamp=self.clock.now(),
            list_client_order_id=command.list_client_order_id or self._client_id(),
            above=self._named(command.above),
            below=self._named(command.below),
        )
        applied = await self._submit("OCO", command)
        return self._placed_list(applied)

    async def place_oto(self, command: PlaceOto | PlaceOtoco) -> PlacedList:
        """Places an OTO or an OTOCO, its orders and the list given client ids here when sent
        without."""
        self.market(command.symbol)
        await self.frozen.check_trading(command.account_id)
        now = self.clock.now()
        working = self._stamped(command.working, now)
        if isinstance(command, PlaceOtoco):
            pending = replace(
                command.pending,
                timestamp=now,
                above=self._named(command.pending.above),
                below=self._named(command.pending.below),
            )
            stamped: PlaceOto | PlaceOtoco = replace(
                command,
                timestamp=now,
                list_client_order_id=command.list_client_order_id or self._client_id(),
                working=working,
                pending=pending,
            )
        else:
            stamped = replace(
                command,
                timestamp=now,
                list_client_order_id=command.list_client_order_id or self._client_id(),
                working=working,
                pending=self._stamped(command.pending, now),
            )
        applied = await self._submit("OTOCO" if isinstance(command, PlaceOtoco) else "OTO", stamped)
        return self._placed_list(applied)

    async def cancel_list(self, command: CancelOrderList) -> PlacedList:
        self.market(command.symbol)
        applied = await self._submit("CANCEL_LIST", replace(command, timestamp=self.clock.now()))
        return self._placed_list(applied)

    def _named(self, leg: OcoLeg) -> OcoLeg:
        return replace(leg, client_order_id=leg.client_order_id or self._client_id())

    def _client_id(self) -> str:
        return self.ids.serial()

    @staticmethod
    def _placed_list(applied: Applied) -> PlacedList:
        status = next(e for e in applied.events if isinstance(e, ListStatus))
        orders = [applied.orders[order_id] for order_id, _ in status.orders]
        ids = {order.order_id for order in orders}
        fills = [
            e
            for e in applied.events
            if isinstance(e, Trade) and {e.buyer_order_id, e.seller_order_id} & ids
        ]
        return PlacedList(status, orders, fills, _expiry_reasons(applied))

    async def _submit(self, kind: str, command: MarketCommand) -> Applied:
        """Hands the command to its market's engine, counted by kind and outcome: accepted,
        or the name of the refusal."""
        try:
            with span(
                "order.submit", {"bourse.command": kind, "bourse.symbol": symbol_of(command)}
            ):
                applied = await self.bus.submit(command)
        except Exception as error:
            child(order_commands, kind, type(error).__name__).inc()
            raise
        child(order_commands, kind, "accepted").inc()
        return applied

    def _stamped(self, command: PlaceOrder, now: int) -> PlaceOrder:
        """The order at `now`: a list's orders and a cancel-replace's two halves share their
        command's time, as Binance's answers give one transactTime for them."""
        client_order_id = command.client_order_id or self._client_id()
        return replace(command, timestamp=now, client_order_id=client_order_id)

    @staticmethod
    def _placed(applied: Applied) -> PlacedOrder:
        order_id = next(e.order_id for e in applied.events if isinstance(e, OrderAccepted))
        fills = [
            e
            for e in applied.events
            if isinstance(e, Trade) and order_id in (e.buyer_order_id, e.seller_order_id)
        ]
        prevented = [
            e
            for e in applied.events
            if isinstance(e, PreventedMatch) and e.taker_order_id == order_id
        ]
        executed = {order.order_id: order.executed for order in applied.orders.values()}
        trades = [e for e in applied.events if isinstance(e, Trade)]
        return PlacedOrder(
            applied.orders[order_id],
            fills,
            prevented,
            first_fills(trades, executed),
            _expiry_reasons(applied).get(order_id),
        )

    @staticmethod
    def _updated_order(applied: Applied) -> OrderRecord:
        order_id = next(e.order_id for e in applied.events if isinstance(e, OrderUpdated))
        return applied.orders[order_id]


def _expiry_reasons(applied: Applied) -> dict[int, ExpiryReason]:
    return {
        e.order_id: e.expiry_reason
        for e in applied.events
        if isinstance(e, OrderUpdated) and e.expiry_reason is not None
    }
