"""Random sessions of every command across accounts and markets sharing assets, with every
self-trade prevention mode drawn (NONE lets accounts trade with themselves), every stop and
take-profit order (trailing or not, stops near the price so that they trigger, often several at
once, and triggered orders trigger more), limits low enough to be met (few open orders per
account, prices far off the average) and the markets' statuses changed now and then, checking
the exchange's invariants after every step and that a replay gives the very same events. OTO
and OTOCO lists are drawn too, their working order near the price and their pending orders of
either side, so that the fills of working orders place pending orders, and some cannot be
placed."""

import dataclasses
from collections import defaultdict

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from adapters.memory.demo_listing import demo_markets
from application.history import sides_of
from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelOrderList,
    CancelReplace,
    CancelReplaceMode,
    Command,
    Deposit,
    OcoLeg,
    PlaceOco,
    PlaceOrder,
    PlaceOto,
    PlaceOtoco,
    SetMarketStatus,
    Withdraw,
)
from domain.errors import DomainError
from domain.events import (
    BookChanged,
    Event,
    ListStatus,
    MarketStatusChanged,
    OrderAccepted,
    OrderUpdated,
    PreventedMatch,
    Trade,
)
from domain.exchange import Exchange
from domain.ledger import EXTERNAL_ACCOUNT, FEE_ACCOUNT, Bucket, JournalEntry
from domain.market_status import MarketStatus
from domain.markets import BASIS_POINTS, Market
from domain.order_lists import list_hold, reserve
from domain.orders import (
    ExecutionType,
    ListStatusType,
    Order,
    OrderStatus,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
    rises_to_trigger,
)

ACCOUNTS = st.sampled_from([1, 2, 3])
SYMBOLS = st.sampled_from(["BTCUSDT", "ETHBTC", "ETHUSDT"])
# Prices cluster around one mid per market, so that orders cross often.
MID_TICKS = {"BTCUSDT": 10_000, "ETHBTC": 5_000, "ETHUSDT": 1_000}
LOTS = {"BTCUSDT": 1_000, "ETHBTC": 10, "ETHUSDT": 1_000}
DEPOSIT_UNITS = {"USDT": 10**8, "BTC": 10**6, "ETH": 10**7}
# Weighted towards resting orders, so that books fill up and later orders have makers to meet.
ORDER_TYPES = st.sampled_from([OrderType.LIMIT] * 3 + [OrderType.MARKET, OrderType.LIMIT_MAKER])
TIFS = st.sampled_from([TimeInForce.GTC] * 3 + [TimeInForce.IOC, TimeInForce.FOK])
STPS = st.sampled_from([None, *SelfTradePrevention])  # None: the market's default
SIDES = st.sampled_from(list(Side))
STOP_TYPES = st.sampled_from(
    [
        OrderType.STOP_LOSS,
        OrderType.STOP_LOSS_LIMIT,
        OrderType.TAKE_PROFIT,
        OrderType.TAKE_PROFIT_LIMIT,
    ]
)
TRAILING_DELTAS = st.sampled_from([0, 0, 10, 50, 300])
# An iceberg shows 1/n of its quantity at a time (0: not an iceberg).
ICEBERG_PARTS = st.sampled_from([0, 0, 0, 2, 5])
MAX_OPEN = 4  # orders per account and market
MAX_STOPS = 2  # of which waiting stops


def iceberg_share(quantity: int, parts: int, lot_size: int) -> int:
    """A part of `quantity` in whole lots, shown `parts` times or so (0: no iceberg)."""
    return quantity // parts // lot_size * lot_size if parts else 0


# Weighted towards trading, so that sessions trade between the halts.
STATUSES = st.sampled_from([MarketStatus.TRADING] * 3 + [*MarketStatus])


def markets() -> list[Market]:
    return [
        dataclasses.replace(market, max_num_orders=MAX_OPEN, max_num_algo_orders=MAX_STOPS)
        for market in demo_markets()
    ]


def state_of(exchange: Exchange) -> tuple[object, ...]:
    books = tuple(
        (
            symbol,
            s.last_order_id,
            s.last_trade_id,
            s.last_prevented_match_id,
            s.last_price,
            s.status,
            tuple(s.book.orders.items()),
            tuple(s.stops.orders.items()),
            tuple(s.pending.orders.items()),
            tuple(s.lists.lists),
        )
        for symbol, s in exchange.markets.items()
    )
    return tuple(exchange.ledger.balances()), repr(books)


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange(markets())
        self.commands: list[Command] = []
        self.events: list[Event] = []
        self.net_deposits: dict[str, int] = defaultdict(int)
        self.deposited: dict[tuple[int, str], int] = defaultdict(int)  # net, by account
        self.clock = 0
        self.triggered: set[tuple[str, int]] = set()

    def apply(self, command: Command) -> list[Event]:
        self.clock += 1
        self.commands.append(command)
        before = state_of(self.exchange)
        status = self.status_for(command)
        try:
            events = self.exchange.execute(command)
        except DomainError:
            assert state_of(self.exchange) == before, "a refused command changed the state"
            return []
        self.check_status(status, events)
        self.events.extend(events)
        if isinstance(command, PlaceOrder) and not command.type.is_market:
            self.check_band(command, events)
        self.check_triggers(events)
        return events

    def check_triggers(self, events: list[Event]) -> None:
        """A stop starts working, or a pending order is placed, only after a trade of its
        market in the same command, and only once (a pending stop is placed, then triggers)."""
        for index, event in enumerate(events):
            if (
                isinstance(event, OrderUpdated)
                and event.execution is ExecutionType.NEW
                and event.working_time >= 0
            ):
                assert any(
                    isinstance(e, Trade) and e.symbol == event.symbol for e in events[:index]
                )
                assert (event.symbol, event.order_id) not in self.triggered, event
                self.triggered.add((event.symbol, event.order_id))

    def status_for(self, command: Command) -> MarketStatus | None:
        """The status of the market whose orders the command is about, if it is."""
        if isinstance(command, CancelReplace):
            command = command.cancel
        if isinstance(
            command,
            PlaceOrder
            | CancelOrder
            | AmendOrder
            | PlaceOco
            | PlaceOto
            | PlaceOtoco
            | CancelOrderList,
        ):
            return self.exchange.state(command.symbol).status
        return None

    @staticmethod
    def check_status(status: MarketStatus | None, events: list[Event]) -> None:
        """A halted or broken market changed nothing of its orders (a cancel-replace allowed to
        fail answers both failures, and no event); one that only cancels took no order and
        made no trade."""
        if status in (MarketStatus.HALT, MarketStatus.BREAK):
            assert events == [], events
        if status is MarketStatus.CANCEL_ONLY:
            assert not any(isinstance(e, OrderAccepted | Trade) for e in events), events

    def check_band(self, command: PlaceOrder, events: list[Event]) -> None:
        """An accepted limit order is priced within its side's band around the average price
        of the trades before it (every one is within five minutes here)."""
        trades = [e for e in self.events[: len(self.events) - len(events)] if isinstance(e, Trade)]
        trades = [t for t in trades if t.symbol == command.symbol]
        if not trades:
            return
        market = self.exchange.state(command.symbol).market
        average = (
            sum(t.quote_quantity for t in trades)
            * market.base.scale
            // sum(t.quantity for t in trades)
        )
        band = market.price_band
        low, high = (
            (band.bid_down, band.bid_up)
            if command.side is Side.BUY
            else (band.ask_down, band.ask_up)
        )
        assert average * low <= command.price * BASIS_POINTS <= average * high, command

    def place_command(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        ticks: int,
        lots: int,
        by_quote: bool,
        iceberg_parts: int = 0,
    ) -> PlaceOrder:
        market = self.exchange.state(symbol).market
        price = (MID_TICKS[symbol] + ticks) * market.tick_size
        quantity = lots * LOTS[symbol] * market.lot_size
        if order_type is OrderType.LIMIT_MAKER:
            tif = TimeInForce.GTC
        if order_type is OrderType.MARKET:
            notional = market.notional(MID_TICKS[symbol] * market.tick_size, quantity)
            return PlaceOrder(
                account,
                symbol,
                side,
                order_type,
                quantity=0 if by_quote else quantity,
                quote_quantity=notional if by_quote else 0,
                time_in_force=tif,
                stp=stp,
                timestamp=self.clock,
            )
        return PlaceOrder(
            account,
            symbol,
            side,
            order_type,
            quantity=quantity,
            price=price,
            time_in_force=tif,
            stp=stp,
            timestamp=self.clock,
            iceberg_quantity=iceberg_share(quantity, iceberg_parts, market.lot_size),
        )

    @initialize(units=st.integers(1, 50))
    def fund_every_account(self, units: int) -> None:
        for account in (1, 2, 3):
            for asset in DEPOSIT_UNITS:
                self.deposit(account, asset, units)

    @rule(account=ACCOUNTS, asset=st.sampled_from(["USDT", "BTC", "ETH"]), units=st.integers(1, 50))
    def deposit(self, account: int, asset: str, units: int) -> None:
        amount = units * DEPOSIT_UNITS[asset] * 100
        if self.apply(Deposit(account, asset, amount)):
            self.net_deposits[asset] += amount
            self.deposited[account, asset] += amount

    @rule(account=ACCOUNTS, asset=st.sampled_from(["USDT", "BTC", "ETH"]), units=st.integers(1, 50))
    def withdraw(self, account: int, asset: str, units: int) -> None:
        amount = units * DEPOSIT_UNITS[asset] * 10
        if self.apply(Withdraw(account, asset, amount)):
            self.net_deposits[asset] -= amount
            self.deposited[account, asset] -= amount

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        side=SIDES,
        order_type=ORDER_TYPES,
        tif=TIFS,
        stp=STPS,
        ticks=st.integers(-6, 6),
        lots=st.integers(1, 40),
        by_quote=st.booleans(),
        iceberg_parts=ICEBERG_PARTS,
    )
    def place(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        ticks: int,
        lots: int,
        by_quote: bool,
        iceberg_parts: int,
    ) -> None:
        self.apply(
            self.place_command(
                account, symbol, side, order_type, tif, stp, ticks, lots, by_quote, iceberg_parts
            )
        )

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        side=SIDES,
        order_type=ORDER_TYPES,
        tif=TIFS,
        stp=STPS,
        lots=st.integers(1, 80),
        by_quote=st.booleans(),
    )
    def take(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        lots: int,
        by_quote: bool,
    ) -> None:
        """An order priced at the opposite touch, so that it meets resting makers."""
        state = self.exchange.state(symbol)
        best = state.book.best(Side.SELL if side is Side.BUY else Side.BUY)
        ticks = best.price // state.market.tick_size - MID_TICKS[symbol] if best else 0
        self.apply(
            self.place_command(account, symbol, side, order_type, tif, stp, ticks, lots, by_quote)
        )

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        side=SIDES,
        tif=TIFS,
        stp=STPS,
        tenths=st.integers(1, 80),
        lots=st.integers(1, 40),
    )
    def far_off(
        self,
        account: int,
        symbol: str,
        side: Side,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        tenths: int,
        lots: int,
    ) -> None:
        """A limit order priced from a tenth to eight times the mid, often outside the band."""
        ticks = MID_TICKS[symbol] * tenths // 10 - MID_TICKS[symbol]
        self.apply(
            self.place_command(
                account, symbol, side, OrderType.LIMIT, tif, stp, ticks, lots, by_quote=False
            )
        )

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        side=SIDES,
        order_type=STOP_TYPES,
        tif=TIFS,
        stp=STPS,
        away=st.sampled_from([-1, 1, 1, 2, 3]),
        limit_ticks=st.integers(-4, 4),
        lots=st.integers(1, 40),
        trailing_delta=TRAILING_DELTAS,
        with_stop_price=st.booleans(),
        iceberg_parts=ICEBERG_PARTS,
    )
    def stop(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        away: int,
        limit_ticks: int,
        lots: int,
        trailing_delta: int,
        with_stop_price: bool,
        iceberg_parts: int,
    ) -> None:
        """A stop or take-profit order with its stop a few ticks from the last price, on the
        side it waits for, so that most trigger later (some at once, which is refused)."""
        state = self.exchange.state(symbol)
        market = state.market
        last = state.last_price or MID_TICKS[symbol] * market.tick_size
        ticks = away if rises_to_trigger(order_type, side) else -away
        stop_price = last + ticks * market.tick_size
        limit = 0 if order_type.is_market else stop_price + limit_ticks * market.tick_size
        quantity = lots * LOTS[symbol] * market.lot_size
        self.apply(
            PlaceOrder(
                account,
                symbol,
                side,
                order_type,
                quantity=quantity,
                price=limit,
                time_in_force=TimeInForce.GTC if order_type.is_market else tif,
                stp=stp,
                timestamp=self.clock,
                stop_price=stop_price if with_stop_price or not trailing_delta else 0,
                trailing_delta=trailing_delta,
                iceberg_quantity=0
                if order_type.is_market
                else iceberg_share(quantity, iceberg_parts, market.lot_size),
            )
        )

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        side=SIDES,
        limit_above=st.booleans(),
        profit_limit=st.booleans(),
        stop_limit=st.booleans(),
        stp=STPS,
        near=st.integers(1, 3),
        far=st.integers(1, 6),
        lots=st.integers(1, 40),
        trailing_delta=TRAILING_DELTAS,
        iceberg_parts=ICEBERG_PARTS,
    )
    def oco(
        self,
        account: int,
        symbol: str,
        side: Side,
        limit_above: bool,
        profit_limit: bool,
        stop_limit: bool,
        stp: SelfTradePrevention | None,
        near: int,
        far: int,
        lots: int,
        trailing_delta: int,
        iceberg_parts: int,
    ) -> None:
        """An OCO a few ticks either side of the last price: its take profit a LIMIT_MAKER or
        a take-profit order, its stop loss a market or limit stop, trailing now and then."""
        state = self.exchange.state(symbol)
        market = state.market
        tick = market.tick_size
        last = state.last_price or MID_TICKS[symbol] * tick
        sign = -1 if side is Side.BUY else 1
        profit_price = last + sign * far * tick
        stop_price = last - sign * near * tick
        quantity = lots * LOTS[symbol] * market.lot_size
        if limit_above:
            profit = OcoLeg(
                OrderType.LIMIT_MAKER,
                price=profit_price,
                iceberg_quantity=iceberg_share(quantity, iceberg_parts, market.lot_size),
            )
        elif profit_limit:
            profit = OcoLeg(
                OrderType.TAKE_PROFIT_LIMIT, price=profit_price, stop_price=profit_price
            )
        else:
            profit = OcoLeg(OrderType.TAKE_PROFIT, stop_price=profit_price)
        if stop_limit:
            loss = OcoLeg(
                OrderType.STOP_LOSS_LIMIT,
                price=stop_price - sign * tick,
                stop_price=stop_price,
                trailing_delta=trailing_delta,
            )
        else:
            loss = OcoLeg(OrderType.STOP_LOSS, stop_price=stop_price, trailing_delta=trailing_delta)
        above, below = (loss, profit) if side is Side.BUY else (profit, loss)
        self.apply(
            PlaceOco(account, symbol, side, quantity, above, below, stp=stp, timestamp=self.clock)
        )

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        working_side=SIDES,
        pending_side=SIDES,
        pending_type=st.sampled_from(
            [OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.MARKET, OrderType.STOP_LOSS]
        ),
        maker=st.booleans(),
        tif=TIFS,
        stp=STPS,
        offset=st.integers(-2, 2),
        spread=st.integers(1, 4),
        lots=st.integers(1, 20),
        pending_lots=st.integers(1, 30),
    )
    def oto(
        self,
        account: int,
        symbol: str,
        working_side: Side,
        pending_side: Side,
        pending_type: OrderType,
        maker: bool,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        offset: int,
        spread: int,
        lots: int,
        pending_lots: int,
    ) -> None:
        """An OTO whose working order is near the last price (and may take at once), its
        pending order some ticks away on its side's profit side, or a market order or stop."""
        state = self.exchange.state(symbol)
        market = state.market
        tick = market.tick_size
        last = state.last_price or MID_TICKS[symbol] * tick
        working_price = last + offset * tick
        working = PlaceOrder(
            account,
            symbol,
            working_side,
            OrderType.LIMIT_MAKER if maker else OrderType.LIMIT,
            quantity=lots * LOTS[symbol] * market.lot_size,
            price=working_price,
            time_in_force=TimeInForce.GTC if maker else tif,
            stp=stp,
            timestamp=self.clock,
        )
        sign = 1 if pending_side is Side.SELL else -1
        quantity = pending_lots * LOTS[symbol] * market.lot_size
        if pending_type is OrderType.MARKET:
            pending = PlaceOrder(
                account, symbol, pending_side, pending_type, quantity=quantity,
                stp=stp, timestamp=self.clock,
            )  # fmt: skip
        elif pending_type is OrderType.STOP_LOSS:
            pending = PlaceOrder(
                account, symbol, pending_side, pending_type, quantity=quantity,
                stop_price=working_price - sign * spread * tick, stp=stp, timestamp=self.clock,
            )  # fmt: skip
        else:
            pending = PlaceOrder(
                account, symbol, pending_side, pending_type, quantity=quantity,
                price=working_price + sign * spread * tick, stp=stp, timestamp=self.clock,
            )  # fmt: skip
        self.apply(PlaceOto(account, symbol, working, pending, timestamp=self.clock))

    @rule(
        account=ACCOUNTS,
        symbol=SYMBOLS,
        working_side=SIDES,
        pending_side=SIDES,
        offset=st.integers(-2, 2),
        spread=st.integers(1, 4),
        lots=st.integers(1, 20),
        pending_lots=st.integers(1, 30),
    )
    def otoco(
        self,
        account: int,
        symbol: str,
        working_side: Side,
        pending_side: Side,
        offset: int,
        spread: int,
        lots: int,
        pending_lots: int,
    ) -> None:
        """An OTOCO: a LIMIT working order near the price, then an OCO either side of it (a
        LIMIT_MAKER take profit, a STOP_LOSS)."""
        state = self.exchange.state(symbol)
        market = state.market
        tick = market.tick_size
        last = state.last_price or MID_TICKS[symbol] * tick
        working_price = last + offset * tick
        working = PlaceOrder(
            account, symbol, working_side, OrderType.LIMIT,
            quantity=lots * LOTS[symbol] * market.lot_size, price=working_price,
            timestamp=self.clock,
        )  # fmt: skip
        sign = 1 if pending_side is Side.SELL else -1
        profit = OcoLeg(OrderType.LIMIT_MAKER, price=working_price + sign * spread * tick)
        loss = OcoLeg(OrderType.STOP_LOSS, stop_price=working_price - sign * spread * tick)
        above, below = (loss, profit) if pending_side is Side.BUY else (profit, loss)
        quantity = pending_lots * LOTS[symbol] * market.lot_size
        pair = PlaceOco(account, symbol, pending_side, quantity, above, below)
        self.apply(PlaceOtoco(account, symbol, working, pair, timestamp=self.clock))

    @precondition(lambda self: any(s.lists.lists for s in self.exchange.markets.values()))
    @rule(symbol=SYMBOLS, pick=st.integers(0, 1000), by_client_id=st.booleans())
    def cancel_list(self, symbol: str, pick: int, by_client_id: bool) -> None:
        lists = list(self.exchange.state(symbol).lists.lists.values())
        if not lists:
            return
        found = lists[pick % len(lists)]
        self.apply(
            CancelOrderList(
                found.account_id,
                symbol,
                None if by_client_id else found.order_list_id,
                found.list_client_order_id if by_client_id else None,
                self.clock,
            )
        )

    def open_order(self, symbol: str, pick: int) -> tuple[int, int] | None:
        state = self.exchange.state(symbol)
        orders = [
            *state.book.orders.values(),
            *state.stops.orders.values(),
            *state.pending.orders.values(),
        ]
        if not orders:
            return None
        order = orders[pick % len(orders)]
        return order.account_id, order.order_id

    @rule(symbol=SYMBOLS, pick=st.integers(0, 1000), stranger=st.integers(0, 3).map(bool))
    def cancel(self, symbol: str, pick: int, stranger: bool) -> None:
        found = self.open_order(symbol, pick)
        account, order_id = found or (1, pick)
        if not stranger:
            account = account % 3 + 1
        self.apply(CancelOrder(account, symbol, order_id, timestamp=self.clock))

    @precondition(lambda self: any(s.book.orders for s in self.exchange.markets.values()))
    @rule(symbol=SYMBOLS, pick=st.integers(0, 1000), share=st.integers(1, 99))
    def amend(self, symbol: str, pick: int, share: int) -> None:
        found = self.open_order(symbol, pick)
        if found is None:
            return
        account, order_id = found
        state = self.exchange.state(symbol)
        order = (
            state.book.orders.get(order_id)
            or state.stops.orders.get(order_id)
            or state.pending.orders[order_id]
        )
        market = self.exchange.state(symbol).market
        new_quantity = order.quantity * share // 100 // market.lot_size * market.lot_size
        self.apply(AmendOrder(account, symbol, new_quantity, order_id, timestamp=self.clock))

    @rule(
        symbol=SYMBOLS,
        pick=st.integers(0, 1000),
        side=SIDES,
        order_type=ORDER_TYPES,
        tif=TIFS,
        stp=STPS,
        ticks=st.integers(-6, 6),
        lots=st.integers(1, 40),
        allow_failure=st.booleans(),
    )
    def cancel_replace(
        self,
        symbol: str,
        pick: int,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention | None,
        ticks: int,
        lots: int,
        allow_failure: bool,
    ) -> None:
        account, order_id = self.open_order(symbol, pick) or (1, pick)
        place = self.place_command(
            account, symbol, side, order_type, tif, stp, ticks, lots, by_quote=False
        )
        mode = (
            CancelReplaceMode.ALLOW_FAILURE if allow_failure else CancelReplaceMode.STOP_ON_FAILURE
        )
        self.apply(CancelReplace(CancelOrder(account, symbol, order_id), place, mode))

    @rule(symbol=SYMBOLS, status=STATUSES)
    def set_status(self, symbol: str, status: MarketStatus) -> None:
        self.apply(SetMarketStatus(symbol, status, "drawn", self.clock))

    @invariant()
    def books_are_sound(self) -> None:
        for state in self.exchange.markets.values():
            state.book.check_invariants()
            state.stops.check_invariants(state.market)
            state.lists.check_invariants(state.market)

    @invariant()
    def each_market_s_status_is_its_last_change(self) -> None:
        last = {e.symbol: e.status for e in self.events if isinstance(e, MarketStatusChanged)}
        for symbol, state in self.exchange.markets.items():
            assert state.status is last.get(symbol, MarketStatus.TRADING), symbol

    @invariant()
    def no_account_has_more_open_orders_than_allowed(self) -> None:
        for state in self.exchange.markets.values():
            per_account: dict[int, list[Order]] = defaultdict(list)
            orders = [
                *state.book.orders.values(),
                *state.stops.orders.values(),
                *state.pending.orders.values(),
            ]
            for order in orders:
                per_account[order.account_id].append(order)
            assert all(len(orders) <= MAX_OPEN for orders in per_account.values())
            assert all(
                sum(o.type.is_stop and o.working_time < 0 for o in orders) <= MAX_STOPS
                for orders in per_account.values()
            )

    @invariant()
    def every_asset_is_conserved(self) -> None:
        totals: dict[str, int] = defaultdict(int)
        for account, asset, balance in self.exchange.ledger.balances():
            if account != EXTERNAL_ACCOUNT:
                totals[asset] += balance.total
        for asset in self.exchange.assets:
            assert totals[asset] == self.net_deposits[asset], asset

    @invariant()
    def no_balance_is_negative(self) -> None:
        for account, asset, balance in self.exchange.ledger.balances():
            if account != EXTERNAL_ACCOUNT:
                assert balance.available >= 0, (account, asset)
                assert balance.locked >= 0, (account, asset)

    @invariant()
    def locked_is_what_open_orders_can_spend(self) -> None:
        """Each order holds what it may spend, but the orders of an open list, which hold
        together what the most demanding of them may spend, and the pending orders of an OTO,
        which hold what they need beyond what their working order's fill brings in."""
        needed: dict[tuple[int, str], int] = defaultdict(int)
        for state in self.exchange.markets.values():
            market = state.market
            for order in state.book.orders.values():
                buying = order.side is Side.BUY
                hold = market.notional(order.price, order.remaining) if buying else order.remaining
                if order.order_id not in state.lists.by_leg:
                    assert order.held == hold, order
                    needed[order.account_id, (market.quote if buying else market.base).code] += hold
            for order in state.stops.orders.values():
                held = market.quote if order.side is Side.BUY else market.base
                if order.order_id not in state.lists.by_leg:
                    needed[order.account_id, held.code] += order.held
            for order_list in state.lists.lists.values():
                if order_list.waiting:
                    working, *legs = order_list.legs
                    spent = market.quote if working.side is Side.BUY else market.base
                    needed[order_list.account_id, spent.code] += working.held
                    assert (
                        working.held == market.notional(working.price, working.remaining)
                        if working.side is Side.BUY
                        else working.remaining
                    )
                    held = market.quote if legs[0].side is Side.BUY else market.base
                    needed[order_list.account_id, held.code] += reserve(market, working, legs)
                    continue
                legs = order_list.pair
                held = market.quote if legs[0].side is Side.BUY else market.base
                needed[order_list.account_id, held.code] += list_hold(market, legs)
        for account, asset, balance in self.exchange.ledger.balances():
            assert balance.locked == needed[account, asset], (account, asset)

    @invariant()
    def book_changes_rebuild_every_book(self) -> None:
        levels: dict[tuple[str, Side, int], int] = {}
        for event in self.events:
            if isinstance(event, BookChanged):
                for side, changed in ((Side.BUY, event.bids), (Side.SELL, event.asks)):
                    for price, volume in changed:
                        levels[event.symbol, side, price] = volume
        for symbol, state in self.exchange.markets.items():
            for side in Side:
                shown = sorted(
                    (price, volume)
                    for (s, sd, price), volume in levels.items()
                    if s == symbol and sd is side and volume
                )
                assert shown == sorted(state.book.depth(side, 10_000)), (symbol, side)

    @invariant()
    def the_journal_explains_every_balance(self) -> None:
        replayed: dict[tuple[int, str, Bucket], int] = defaultdict(int)
        for event in self.events:
            if isinstance(event, JournalEntry):
                for posting in event.postings:
                    replayed[posting.account_id, posting.asset, posting.bucket] += posting.amount
        for account, asset, balance in self.exchange.ledger.balances():
            assert replayed[account, asset, Bucket.AVAILABLE] == balance.available
            assert replayed[account, asset, Bucket.LOCKED] == balance.locked

    @invariant()
    def each_account_s_trade_history_explains_its_balances(self) -> None:
        """Deposits, withdrawals and the account's own sides of its trades, as myTrades lists
        them (a self-trade twice), commissions included, add up to every balance."""
        expected = defaultdict(int, self.deposited)
        for event in self.events:
            if not isinstance(event, Trade):
                continue
            market = self.exchange.state(event.symbol).market
            base, quote = market.base.code, market.quote.code
            for account in {event.buyer_account_id, event.seller_account_id}:
                for side in sides_of(event, account):
                    sign = 1 if side.is_buyer else -1
                    expected[account, base] += sign * event.quantity
                    expected[account, quote] -= sign * event.quote_quantity
                    if side.is_buyer:
                        expected[account, base] -= event.buyer_fee
                    else:
                        expected[account, quote] -= event.seller_fee
        for account, asset, balance in self.exchange.ledger.balances():
            if account not in (EXTERNAL_ACCOUNT, FEE_ACCOUNT):
                assert balance.total == expected[account, asset], (account, asset)

    @invariant()
    def prevented_matches_account_for_every_prevented_quantity(self) -> None:
        ids: dict[str, list[int]] = defaultdict(list)
        taken: dict[tuple[str, int], int] = defaultdict(int)
        reported: dict[tuple[str, int], int] = {}
        for event in self.events:
            if isinstance(event, PreventedMatch):
                ids[event.symbol].append(event.prevented_match_id)
                taken[event.symbol, event.taker_order_id] += event.taker_prevented_quantity
                taken[event.symbol, event.maker_order_id] += event.maker_prevented_quantity
                assert event.taker_order_id != event.maker_order_id
            elif isinstance(event, OrderUpdated):
                reported[event.symbol, event.order_id] = event.prevented_quantity
        for symbol, state in self.exchange.markets.items():
            assert ids[symbol] == list(range(1, state.last_prevented_match_id + 1)), symbol
            for order in state.book.orders.values():
                assert order.prevented_quantity == taken[symbol, order.order_id], order
        for key, quantity in reported.items():
            assert quantity == taken[key], key

    @invariant()
    def a_market_rebuilt_from_its_open_orders_is_the_same(self) -> None:
        """What a restart rebuilds from the stored open orders, each holding what its
        remainder needs (`application.rebuild.resting_order`), is the live market: its book,
        its waiting stops, its open lists and every order's hold."""
        for symbol, state in self.exchange.markets.items():
            market = state.market
            stored = []
            live = [
                *state.book.orders.values(),
                *state.stops.orders.values(),
                *state.pending.orders.values(),
            ]
            for order in live:
                copied = dataclasses.replace(order)
                buying = copied.side is Side.BUY
                remaining = copied.remaining
                copied.held = market.notional(copied.price, remaining) if buying else remaining
                stored.append(copied)
            replica = Exchange([market])
            replica.restore(
                symbol, stored, state.last_order_id, state.last_trade_id,
                state.last_prevented_match_id, [], state.last_price,
            )  # fmt: skip
            rebuilt = replica.state(symbol)
            assert rebuilt.book.orders == state.book.orders
            assert rebuilt.stops.orders == state.stops.orders
            assert rebuilt.pending.orders == state.pending.orders
            assert rebuilt.lists.lists.keys() == state.lists.lists.keys()
            for list_id, order_list in state.lists.lists.items():
                # An OTOCO's pair is rebuilt without its filled working order.
                assert rebuilt.lists.lists[list_id].pair == order_list.pair

    @invariant()
    def every_list_began_and_ended_once_with_its_orders(self) -> None:
        """A list ends when its first order trades, triggers or is canceled: every other
        order of it is then expired (or canceled with it), and the list is open while no
        order of it has changed."""
        started: set[tuple[str, int]] = set()
        ended: set[tuple[str, int]] = set()
        for event in self.events:
            if isinstance(event, ListStatus):
                key = (event.symbol, event.order_list_id)
                if event.status is ListStatusType.EXEC_STARTED:
                    assert key not in started
                    started.add(key)
                else:
                    assert key in started and key not in ended
                    ended.add(key)
        for symbol, state in self.exchange.markets.items():
            open_lists = {(symbol, list_id) for list_id in state.lists.lists}
            assert open_lists == {k for k in started - ended if k[0] == symbol}
            for order_list in state.lists.lists.values():
                for leg in order_list.pair:
                    if leg.status is OrderStatus.PENDING_NEW:
                        assert leg.order_id in state.pending.orders
                    else:
                        assert (
                            leg.order_id in state.book.orders or leg.order_id in state.stops.orders
                        )

    @invariant()
    def last_price_is_the_last_trade_s(self) -> None:
        last: dict[str, int] = {}
        for event in self.events:
            if isinstance(event, Trade):
                last[event.symbol] = event.price
        for symbol, state in self.exchange.markets.items():
            assert state.last_price == last.get(symbol, 0), symbol

    def teardown(self) -> None:
        replica = Exchange(markets())
        events: list[Event] = []
        for command in self.commands:
            try:
                events.extend(replica.execute(command))
            except DomainError:
                continue
        assert events == self.events, "replaying the same commands gave other events"
        assert state_of(replica) == state_of(self.exchange)


ExchangeMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=60, deadline=None
)
TestExchange = ExchangeMachine.TestCase
