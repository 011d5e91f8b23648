"""Random sessions of every command across accounts and markets sharing assets, checking the
exchange's invariants after every step and that a replay gives the very same events."""

from collections import defaultdict

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelReplace,
    CancelReplaceMode,
    Command,
    Deposit,
    PlaceOrder,
    Withdraw,
)
from domain.errors import DomainError
from domain.events import BookChanged, Event
from domain.exchange import Exchange
from domain.ledger import EXTERNAL_ACCOUNT, Bucket, JournalEntry
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.listing import default_markets

ACCOUNTS = st.sampled_from([1, 2, 3])
SYMBOLS = st.sampled_from(["BTCUSDT", "ETHBTC", "ETHUSDT"])
# Prices cluster around one mid per market, so that orders cross often.
MID_TICKS = {"BTCUSDT": 10_000, "ETHBTC": 5_000, "ETHUSDT": 1_000}
LOTS = {"BTCUSDT": 1_000, "ETHBTC": 100, "ETHUSDT": 1_000}
DEPOSIT_UNITS = {"USDT": 10**8, "BTC": 10**8, "ETH": 10**7}
# Weighted towards resting orders, so that books fill up and later orders have makers to meet.
ORDER_TYPES = st.sampled_from([OrderType.LIMIT] * 3 + [OrderType.MARKET, OrderType.LIMIT_MAKER])
TIFS = st.sampled_from([TimeInForce.GTC] * 3 + [TimeInForce.IOC, TimeInForce.FOK])
STPS = st.sampled_from(list(SelfTradePrevention))
SIDES = st.sampled_from(list(Side))


def state_of(exchange: Exchange) -> tuple[object, ...]:
    books = tuple(
        (symbol, s.last_order_id, s.last_trade_id, tuple(s.book.orders.items()))
        for symbol, s in exchange.markets.items()
    )
    return tuple(exchange.ledger.balances()), repr(books)


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.exchange = Exchange(default_markets())
        self.commands: list[Command] = []
        self.events: list[Event] = []
        self.net_deposits: dict[str, int] = defaultdict(int)
        self.clock = 0

    def apply(self, command: Command) -> list[Event]:
        self.clock += 1
        self.commands.append(command)
        before = state_of(self.exchange)
        try:
            events = self.exchange.execute(command)
        except DomainError:
            assert state_of(self.exchange) == before, "a refused command changed the state"
            return []
        self.events.extend(events)
        return events

    def place_command(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention,
        ticks: int,
        lots: int,
        by_quote: bool,
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

    @rule(account=ACCOUNTS, asset=st.sampled_from(["USDT", "BTC", "ETH"]), units=st.integers(1, 50))
    def withdraw(self, account: int, asset: str, units: int) -> None:
        amount = units * DEPOSIT_UNITS[asset] * 10
        if self.apply(Withdraw(account, asset, amount)):
            self.net_deposits[asset] -= amount

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
    )
    def place(
        self,
        account: int,
        symbol: str,
        side: Side,
        order_type: OrderType,
        tif: TimeInForce,
        stp: SelfTradePrevention,
        ticks: int,
        lots: int,
        by_quote: bool,
    ) -> None:
        self.apply(
            self.place_command(account, symbol, side, order_type, tif, stp, ticks, lots, by_quote)
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
        stp: SelfTradePrevention,
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

    def open_order(self, symbol: str, pick: int) -> tuple[int, int] | None:
        orders = list(self.exchange.state(symbol).book.orders.values())
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
        order = self.exchange.state(symbol).book.orders[order_id]
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
        stp: SelfTradePrevention,
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

    @invariant()
    def books_are_sound(self) -> None:
        for state in self.exchange.markets.values():
            state.book.check_invariants()

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
        needed: dict[tuple[int, str], int] = defaultdict(int)
        for state in self.exchange.markets.values():
            market = state.market
            for order in state.book.orders.values():
                buying = order.side is Side.BUY
                hold = market.notional(order.price, order.remaining) if buying else order.remaining
                assert order.held == hold, order
                needed[order.account_id, (market.quote if buying else market.base).code] += hold
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

    def teardown(self) -> None:
        replica = Exchange(default_markets())
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
