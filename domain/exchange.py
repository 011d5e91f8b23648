"""The exchange: every market's book and the one ledger they share, changed only by commands.

Each command is checked in full before anything changes, so a refused command changes
nothing; the first change is the ledger hold, which itself refuses atomically."""

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from domain import order_lists
from domain.assets import MAX_HOLDINGS, Asset
from domain.average_price import AveragePrice
from domain.book import OrderBook, joined_after
from domain.commands import (
    AmendOrder,
    CancelOrder,
    CancelOrderList,
    CancelReplace,
    CancelReplaceMode,
    Command,
    Deposit,
    PlaceOco,
    PlaceOrder,
    PlaceOto,
    PlaceOtoco,
    SetMarketStatus,
    Withdraw,
)
from domain.errors import (
    DomainError,
    DuplicateOrder,
    FilterFailure,
    InsufficientBalance,
    InvalidAmend,
    InvalidAmount,
    InvalidOrder,
    MarketFilter,
    UnknownAsset,
    UnknownMarket,
    UnknownOrder,
    WouldTake,
    WouldTrigger,
)
from domain.events import BookChanged, Event, MarketStatusChanged, StopTrailed, Trade
from domain.ledger import EntryKind, JournalEntry, Ledger, hold_entry, transfer_entry
from domain.market_state import MarketState
from domain.market_status import check_changing, check_placing
from domain.markets import Market
from domain.matching import Fill, MatchPlan, plan_match
from domain.oco import place_oco
from domain.open_orders import algo_orders_of, is_taken, open_orders_of
from domain.order_index import OrderIndex
from domain.order_lists import OrderLists
from domain.orders import (
    ExecutionType,
    ExpiryReason,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from domain.oto import place_oto, react_to_working
from domain.placement import placed_order
from domain.self_trade import prevent
from domain.settlement import (
    accepted,
    crosses,
    expire,
    finish,
    hold_for_rest,
    ref,
    release,
    report,
    settle,
    shown,
)
from domain.stops import StopBook, buy_cap, hold_while_waiting, would_trigger
from domain.validation import check_order


@dataclass
class CancelReplaceResult:
    events: list[Event]
    cancel_error: DomainError | None = None
    place_error: DomainError | None = None


class Exchange:
    def __init__(self, markets: Iterable[Market]) -> None:
        self.ledger = Ledger()
        self.markets: dict[str, MarketState] = {
            market.symbol: MarketState(market, OrderBook(market.symbol)) for market in markets
        }
        self.assets = {
            asset.code: asset
            for state in self.markets.values()
            for asset in (state.market.base, state.market.quote)
        }

    def list_asset(self, asset: Asset) -> None:
        self.assets[asset.code] = asset

    def list_market(self, market: Market) -> None:
        """Opens a new market, empty and trading; its assets are listed with it."""
        self.list_asset(market.base)
        self.list_asset(market.quote)
        self.markets[market.symbol] = MarketState(market, OrderBook(market.symbol))

    def change_market(self, market: Market) -> None:
        """The market's new filters and fees, for the orders and trades that follow: its book,
        status and ids stay as they are."""
        self.state(market.symbol).market = market

    def _book_changes(self, state: MarketState, events: list[Event]) -> list[Event]:
        bids, asks = state.book.take_changes()
        if bids or asks:
            events.append(BookChanged(state.market.symbol, tuple(bids), tuple(asks)))
        return events

    def execute(self, command: Command) -> list[Event]:
        """Applies any command. A cancel-replace returns what happened even when its new
        order failed; `cancel_replace` tells why."""
        match command:
            case PlaceOrder():
                return self.place(command)
            case CancelOrder():
                return self.cancel(command)
            case AmendOrder():
                return self.amend(command)
            case CancelReplace():
                return self.cancel_replace(command).events
            case PlaceOco():
                return place_oco(self, command)
            case PlaceOto() | PlaceOtoco():
                return place_oto(self, command)
            case CancelOrderList():
                return order_lists.cancel_list(self, command)
            case Deposit():
                return self.deposit(command)
            case Withdraw():
                return self.withdraw(command)
            case SetMarketStatus():
                return self.set_status(command)

    def state(self, symbol: str) -> MarketState:
        try:
            return self.markets[symbol]
        except KeyError:
            raise UnknownMarket(f"Invalid symbol {symbol!r}.") from None

    def restore(
        self,
        symbol: str,
        orders: Iterable[Order],
        last_order_id: int,
        last_trade_id: int,
        last_prevented_match_id: int,
        recent_trades: Iterable[Trade],
        last_price: int,
        ended_legs: Iterable[Order] = (),
    ) -> None:
        """Rebuilds a market's book and waiting stops from its open orders, given in arrival
        (order id) order, each with what it still holds (the ledger must already hold their
        holds), its average price from its trades of the last minutes, oldest first, and the
        price of its last trade. `ended_legs` are orders of open lists that are over (an
        OTOCO's filled working order): the lists name them, nothing else holds them."""
        state = self.state(symbol)
        state.book = OrderBook(symbol)
        state.stops = StopBook()
        state.pending = OrderIndex()
        state.lists = OrderLists()
        orders = sorted(orders, key=lambda o: (o.queued_at, o.order_id))
        for order in orders:
            if order.status is OrderStatus.PENDING_NEW:
                state.pending.add(order)
            elif order.working_time < 0:
                state.stops.add(order)
            else:
                state.book.add(order)
        order_lists.restore(state, [*orders, *ended_legs])
        state.book.take_changes()
        state.last_price = last_price
        state.last_order_id = last_order_id
        state.last_trade_id = last_trade_id
        state.last_prevented_match_id = last_prevented_match_id
        state.average_price = AveragePrice(state.market.price_band.average_minutes)
        for trade in recent_trades:
            state.average_price.add(trade)

    def set_status(self, command: SetMarketStatus) -> list[Event]:
        self.state(command.symbol).status = command.status
        return [
            MarketStatusChanged(command.symbol, command.status, command.reason, command.timestamp)
        ]

    def deposit(self, command: Deposit) -> list[Event]:
        return [self.ledger.post(self.transfer(command))]

    def withdraw(self, command: Withdraw) -> list[Event]:
        return [self.ledger.post(self.transfer(command))]

    def transfer(self, command: Deposit | Withdraw) -> JournalEntry:
        """The journal entry of a deposit or a withdrawal, checked but not posted: whether
        the exchange may hold that much in all is the store's to check, which knows it."""
        if command.asset not in self.assets:
            raise UnknownAsset(f"Unknown asset {command.asset!r}.")
        if command.amount <= 0:
            raise InvalidAmount("Amount must be greater than zero.")
        if command.amount > MAX_HOLDINGS:
            if isinstance(command, Withdraw):  # no balance can hold that much
                raise InsufficientBalance("Account has insufficient balance for requested action.")
            asset = self.assets[command.asset]
            raise InvalidAmount(
                f"Amount must be at most {asset.format(MAX_HOLDINGS)} {asset.code}."
            )
        kind = EntryKind.DEPOSIT if isinstance(command, Deposit) else EntryKind.WITHDRAWAL
        return transfer_entry(
            kind, command.account_id, command.asset, command.amount, command.reference
        )

    def check(self, command: PlaceOrder) -> MarketState:
        """Refuses an order its market refuses whatever the book; returns the market's state."""
        state = self.state(command.symbol)
        self._admit(state, command)
        return state

    def _admit(self, state: MarketState, command: PlaceOrder) -> Order:
        """The order `command` places in the market of `state`, with the market's next id, once
        checked against what its market refuses whatever the book: closed market, filters (the
        price band and the open orders of the account included), self-trade prevention mode."""
        check_placing(state.status)
        market = state.market
        order = placed_order(market, command, state.last_order_id + 1)
        check_order(market, order)
        account, kind = order.account_id, order.type
        is_stop = kind.is_stop
        if order.iceberg_quantity and _icebergs_of(state, account) >= market.max_num_iceberg_orders:
            raise FilterFailure(MarketFilter.MAX_NUM_ICEBERG_ORDERS)
        if is_stop:
            if would_trigger(kind, order.side, order.stop_price, state.last_price):
                raise WouldTrigger()
            if algo_orders_of(state, account) >= market.max_num_algo_orders:
                raise FilterFailure(MarketFilter.MAX_NUM_ALGO_ORDERS)
        if kind is OrderType.MARKET:
            return order
        if not kind.is_market:
            state.check_price_band(order.side, order.price, order.created_at)
        can_rest = (
            is_stop or kind is OrderType.LIMIT_MAKER or order.time_in_force is TimeInForce.GTC
        )
        if can_rest and open_orders_of(state, account) >= market.max_num_orders:
            raise FilterFailure(MarketFilter.MAX_NUM_ORDERS)
        return order

    def place(self, command: PlaceOrder) -> list[Event]:
        state = self.state(command.symbol)
        order = self._admit(state, command)
        market, book = state.market, state.book
        if is_taken(state, order.account_id, order.client_order_id):
            raise DuplicateOrder("Duplicate order sent.")
        if order.type.is_stop:
            return self._wait(state, order)
        order.working_time = order.created_at
        order.queued_at = joined_after(state.last_trade_id)
        meets = crosses(book, order)
        if order.type is OrderType.LIMIT_MAKER and meets:
            raise WouldTake("Order would immediately match and take.")
        plan = plan_match(market, book, order) if meets else MatchPlan()
        if order.quantity == 0:
            order.quantity = plan.quantity + plan.prevented
        if order.type is OrderType.MARKET and order.quote_quantity == 0 and plan.steps:
            market.check_notional(plan.quote_quantity)
        held = _hold_for(market, order, plan)
        held_asset = market.quote.code if order.side is Side.BUY else market.base.code
        if self.ledger.available(order.account_id, held_asset) < held:
            raise InsufficientBalance("Account has insufficient balance for requested action.")
        state.last_order_id = order.order_id
        first = accepted(order)
        if order.time_in_force is TimeInForce.FOK and (plan.prevented or not plan.complete):
            return [first, expire(order, ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED)]
        events: list[Event] = [first]
        if held:
            entry = hold_entry(EntryKind.HOLD, order.account_id, held_asset, held, ref(order))
            events.append(self.ledger.post(entry))
            order.held = held
        self.run_plan(state, order, plan, events)
        self._run_triggered(state, events, order.created_at)
        return self._book_changes(state, events)

    def arm(self, state: MarketState, order: Order) -> None:
        """Readies a stop to wait: a trailing one without a stop price tracks from the last
        price; a STOP_LOSS or TAKE_PROFIT buy gets its cap."""
        if order.trailing_delta and not order.stop_price:
            order.trail_price = state.last_price
        if order.type.is_market and order.side is Side.BUY:
            order.price = buy_cap(state.market, order, state.last_price)
            if not order.price:
                raise InvalidOrder(
                    "A trailing buy without a stopPrice needs a last price to hold against."
                )

    def _wait(self, state: MarketState, order: Order) -> list[Event]:
        """Accepts a stop order: it holds all it may spend and waits for its trigger."""
        market = state.market
        self.arm(state, order)
        held = hold_while_waiting(market, order)
        held_asset = market.quote.code if order.side is Side.BUY else market.base.code
        entry = hold_entry(EntryKind.HOLD, order.account_id, held_asset, held, ref(order))
        posted = self.ledger.post(entry)
        order.held = held
        state.last_order_id = order.order_id
        state.stops.add(order)
        return [accepted(order), posted]

    def _run_triggered(self, state: MarketState, events: list[Event], now: int) -> None:
        """Triggers the stops that the trades in `events` reach, and works them one at a time:
        those triggered by one order's trades in the order they were placed, each after every
        stop triggered before it; the trades of each may trigger more, which queue behind. The
        lists of the orders these change react first, and what they do is judged in turn."""
        # `type(e) is Trade`, not isinstance: msgspec's classes answer isinstance for any other
        # type through their metaclass's __instancecheck__, a call (750 instructions compiled),
        # and no event class is subclassed.
        if not state.stops.orders and not state.lists.lists:
            last = next((e for e in reversed(events) if type(e) is Trade), None)
            if last is not None:
                state.last_price = last.price
            return
        queue: deque[Order] = deque()
        judged = 0
        while True:
            new = events[judged:]
            judged = len(events)
            if state.lists.lists:
                order_lists.react(self, state, new, now, events)
                react_to_working(self, state, new, now, events)
            prices = [e.price for e in new if type(e) is Trade]
            if prices:
                state.last_price = prices[-1]
                fired, trailed = state.stops.triggered(prices)
                queue.extend(fired)
                events.extend(
                    StopTrailed(o.symbol, o.order_id, o.account_id, o.trail_price, now)
                    for o in trailed
                )
            if not queue:
                if len(events) > judged:
                    continue
                return
            order = queue.popleft()
            if not order.status.is_open:
                continue  # expired by its order list, triggered by the same trades
            order_list = state.lists.by_leg.get(order.order_id)
            if order_list is not None:
                order_lists.end(self, state, order_list, order, now, events)
            self.work(state, order, now, events)

    def work(self, state: MarketState, order: Order, now: int, events: list[Event]) -> None:
        """A triggered stop starts working: as a MARKET order, or as a limit order of its
        time in force, with what it held while it waited."""
        order.working_time = now
        order.queued_at = joined_after(state.last_trade_id)
        events.append(report(order, ExecutionType.NEW, now))
        plan = plan_match(state.market, state.book, order) if crosses(state.book, order) else None
        plan = plan or MatchPlan()
        if order.time_in_force is TimeInForce.FOK and (plan.prevented or not plan.complete):
            events.extend(release(self.ledger, state.market, order, order.held))
            events.append(expire(order, ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED))
            return
        self.run_plan(state, order, plan, events)

    def run_plan(
        self, state: MarketState, order: Order, plan: MatchPlan, events: list[Event]
    ) -> None:
        for step in plan.steps:
            if isinstance(step, Fill):
                state.last_trade_id += 1
                settle(self.ledger, state, order, step, events)
            else:
                prevent(self.ledger, state, order, step, events)
        if plan.taker_prevented:
            events.extend(release(self.ledger, state.market, order, order.held))
            events.append(
                finish(order, OrderStatus.EXPIRED_IN_MATCH, ExecutionType.TRADE_PREVENTION)
            )
        elif (
            order.remaining > 0
            and not order.type.is_market
            and order.time_in_force is TimeInForce.GTC
        ):
            # What self-trade prevention took from it, it no longer needs to hold.
            events.extend(
                release(
                    self.ledger,
                    state.market,
                    order,
                    order.held - hold_for_rest(state.market, order),
                )
            )
            if order.iceberg_quantity:
                order.hidden = max(0, order.remaining - order.iceberg_quantity)
                events.append(shown(order))
            state.book.add(order)
        elif order.remaining > 0 or not plan.complete:
            events.extend(release(self.ledger, state.market, order, order.held))
            ioc = order.time_in_force is TimeInForce.IOC and not order.type.is_market
            events.append(
                expire(
                    order,
                    ExpiryReason.UNFILLED_IOC_QUANTITY_EXPIRED
                    if ioc
                    else ExpiryReason.INSUFFICIENT_LIQUIDITY,
                )
            )
        elif order.held:
            # Filled: what a MARKET order by quote amount did not spend goes back.
            events.extend(release(self.ledger, state.market, order, order.held))

    def cancel(self, command: CancelOrder) -> list[Event]:
        state = self.state(command.symbol)
        check_changing(state.status)
        order = self._find(state, command.account_id, command.order_id, command.client_order_id)
        order_list = state.lists.by_leg.get(order.order_id)
        if order_list is not None:
            events: list[Event] = []
            order_lists.end(self, state, order_list, order, command.timestamp, events, cancel=True)
            return self._book_changes(state, events)
        if order.order_id in state.stops.orders:
            state.stops.remove(order)
        else:
            state.book.remove(order)
        events = release(self.ledger, state.market, order, order.held)
        events.append(
            finish(order, OrderStatus.CANCELED, ExecutionType.CANCELED, command.timestamp)
        )
        return self._book_changes(state, events)

    def amend(self, command: AmendOrder) -> list[Event]:
        state = self.state(command.symbol)
        check_changing(state.status)
        order = self._find(state, command.account_id, command.order_id, command.client_order_id)
        if order.order_id in state.stops.orders or order.order_id in state.pending.orders:
            raise InvalidAmend("A stop order can be amended only once it works.")
        if order.order_id in state.lists.by_leg:
            raise InvalidAmend("An order of an open order list cannot be amended.")
        if not order.executed + order.prevented_quantity < command.new_quantity < order.quantity:
            raise InvalidAmend(
                "The new quantity must be below the order's quantity and above what it executed."
            )
        state.market.check_limit_quantity(command.new_quantity)
        reduction = order.quantity - command.new_quantity
        freed = (
            state.market.notional(order.price, reduction) if order.side is Side.BUY else reduction
        )
        # An iceberg gives up what it hides first, and keeps showing what it shows.
        unhidden = min(order.hidden, reduction)
        state.book.hide_less(order, unhidden)
        state.book.reduce(order, reduction - unhidden)
        order.quantity = command.new_quantity
        events = release(self.ledger, state.market, order, freed)
        events.append(report(order, ExecutionType.REPLACED, command.timestamp))
        if unhidden:
            events.append(shown(order))
        return self._book_changes(state, events)

    def cancel_replace(self, command: CancelReplace) -> CancelReplaceResult:
        if command.cancel.symbol != command.place.symbol:
            raise InvalidOrder("Both orders of a cancel-replace must be on one symbol.")
        result = CancelReplaceResult([])
        try:
            result.events.extend(self.cancel(command.cancel))
        except DomainError as error:
            if command.mode is CancelReplaceMode.STOP_ON_FAILURE:
                raise
            result.cancel_error = error
        try:
            result.events.extend(self.place(command.place))
        except DomainError as error:
            result.place_error = error
        return result

    def _find(
        self, state: MarketState, account_id: int, order_id: int | None, client_order_id: str | None
    ) -> Order:
        order = (
            state.book.find(account_id, order_id, client_order_id)
            or state.stops.find(account_id, order_id, client_order_id)
            or state.pending.find(account_id, order_id, client_order_id)
        )
        if order is None:
            raise UnknownOrder("Unknown order sent.")
        return order


def _hold_for(market: Market, order: Order, plan: MatchPlan) -> int:
    """What the order must lock before it trades: all it may spend, as far as known."""
    if order.type is not OrderType.MARKET:
        return (
            market.notional(order.price, order.quantity)
            if order.side is Side.BUY
            else order.quantity
        )
    if order.side is Side.BUY:
        return order.quote_quantity or plan.quote_quantity
    return plan.quantity if order.quote_quantity else order.quantity


def _icebergs_of(state: MarketState, account_id: int) -> int:
    orders = (
        *state.book.orders.values(),
        *state.stops.orders.values(),
        *state.pending.orders.values(),
    )
    return sum(1 for o in orders if o.account_id == account_id and o.iceberg_quantity)
