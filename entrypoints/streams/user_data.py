"""What the engine and the funds publish, as Binance's user data stream tells each account:
`executionReport` for every change of an order, `listStatus` when an order list begins or
ends, `balanceUpdate` for deposits and withdrawals, and `outboundAccountPosition` after each
command that changed an account's balances.

Only the accounts that someone follows are told: the others' payloads would go to no one."""

from collections.abc import Callable, Sequence
from typing import Any

from attrs import frozen

from adapters.memory.publisher import Published
from application.ports import UnitOfWorkFactory
from application.records import OrderRecord
from domain.events import ListStatus, OrderAccepted, OrderUpdated, PreventedMatch, Trade
from domain.exchange import Exchange
from domain.ledger import (
    EXTERNAL_ACCOUNT,
    FEE_ACCOUNT,
    Balance,
    EntryKind,
    JournalEntry,
    Posting,
)
from domain.markets import Market
from domain.orders import ExecutionType, ListStatusType, Order, OrderStatus, Side, TimeInForce
from entrypoints.api.formats import price, quantity

Json = dict[str, Any]
TRANSFERS = (EntryKind.DEPOSIT, EntryKind.WITHDRAWAL)
HOUSE_ACCOUNTS = (FEE_ACCOUNT, EXTERNAL_ACCOUNT)
Followed = Callable[[int], bool]


def anyone(account_id: int) -> bool:
    """Any account may be followed: where the followers are other processes', this one cannot
    tell which."""
    return True


class UserDataFeed:
    """Keeps what each open order was accepted with (side, type, price...), which the later
    `OrderUpdated` events do not repeat, and forgets it once the order is done.

    Balances and the orders accepted before the feed started come from the engines' exchange
    in this process, or, given a `store` (the market data role, which runs no engine), from
    the store, which is at or after the command too.

    `followed` tells whether an account's messages have a follower when the command is told;
    what an account is told is complete from the first command told after it is followed."""

    def __init__(
        self,
        exchange: Exchange,
        store: UnitOfWorkFactory | None = None,
        followed: Followed = anyone,
    ) -> None:
        self.exchange = exchange
        self.store = store
        self.followed = followed
        # Orders open before the feed started are known from the book, the waiting stops and
        # the pending orders.
        self._orders: dict[tuple[str, int], OrderAccepted] = {
            (symbol, order.order_id): _accepted(order)
            for symbol, state in exchange.markets.items()
            for order in (
                *state.book.orders.values(),
                *state.stops.orders.values(),
                *state.pending.orders.values(),
            )
        }

    async def messages(
        self, published: Sequence[Published], event_time: int
    ) -> list[tuple[int, Json]]:
        """(account id, payload) pairs for the commands published, in the order each account
        should see them: a command's reports, then the position of each account whose balances
        it changed. A deposit's or withdrawal's `symbol` is "" and its events are its journal
        entries. The balances of every position come from one read after the last command."""
        told = [await self._reports(one, event_time) for one in published]
        changed: dict[int, set[str]] = {}
        for _, positions, _ in told:
            for account_id, assets in positions.items():
                changed.setdefault(account_id, set()).update(assets)
        held = await self._balances(changed)
        messages: list[tuple[int, Json]] = []
        for reports, positions, time in told:
            messages += reports
            for account_id, assets in positions.items():
                position = self._position(held.get(account_id, {}), assets, time, event_time)
                messages.append((account_id, position))
        return messages

    async def _reports(
        self, published: Published, event_time: int
    ) -> tuple[list[tuple[int, Json]], dict[int, dict[str, None]], int]:
        """A command's reports and transfers; the assets it changed by account; its time."""
        sequence = published.sequence
        messages: list[tuple[int, Json]] = []
        changed: dict[int, dict[str, None]] = {}
        trade: Trade | None = None
        prevented: PreventedMatch | None = None
        time = event_time
        followed = self.followed
        for event in published.events:
            if isinstance(event, OrderAccepted):
                time = event.timestamp
                self._orders[event.symbol, event.order_id] = event
                if followed(event.account_id):
                    report = self._report(event, None, None, sequence, event_time)
                    messages.append((event.account_id, report))
            elif isinstance(event, OrderUpdated):
                time = event.timestamp
                order = None
                if followed(event.account_id):
                    order = await self._order(event.symbol, event.order_id)
                if not event.status.is_open:
                    self._orders.pop((event.symbol, event.order_id), None)
                if order is None:  # unfollowed, or accepted before this feed started and gone
                    continue
                fill = trade if event.execution is ExecutionType.TRADE else None
                report = self._report(order, event, fill, sequence, event_time)
                if event.execution is ExecutionType.TRADE_PREVENTION and prevented is not None:
                    report |= _prevention(
                        self.exchange.state(order.symbol).market, order, prevented
                    )
                messages.append((event.account_id, report))
            elif isinstance(event, PreventedMatch):
                time = event.timestamp
                prevented = event
            elif isinstance(event, ListStatus):
                if followed(event.account_id):
                    messages.append((event.account_id, list_status(event, event_time)))
            elif isinstance(event, Trade):
                time = event.timestamp
                trade = event
            elif isinstance(event, JournalEntry):
                for posting in event.postings:
                    if posting.account_id in HOUSE_ACCOUNTS or not followed(posting.account_id):
                        continue
                    changed.setdefault(posting.account_id, {})[posting.asset] = None
                    if event.kind in TRANSFERS:
                        messages.append((posting.account_id, self._transfer(posting, event_time)))
        return messages, changed, time

    async def _order(self, symbol: str, order_id: int) -> OrderAccepted | None:
        found = self._orders.get((symbol, order_id))
        if found is not None:
            return found
        if self.store is None:
            state = self.exchange.state(symbol)
            resting = (
                state.book.orders.get(order_id)
                or state.stops.orders.get(order_id)
                or state.pending.orders.get(order_id)
            )
            return None if resting is None else _accepted(resting)
        async with self.store() as uow:
            stored = await uow.orders.get(symbol, order_id)
        return None if stored is None else _accepted(stored)

    def _report(
        self,
        order: OrderAccepted,
        update: OrderUpdated | None,
        trade: Trade | None,
        sequence: int,
        event_time: int,
    ) -> Json:
        """The order's `executionReport`: NEW without an `update`, a fill with a `trade`."""
        market = self.exchange.state(order.symbol).market
        if update is None:
            # A pending order of an OTO list is reported NEW as PENDING_NEW, then NEW when placed.
            execution, status, ordered, executed, spent, time = (
                "NEW", order.status, order.quantity, 0, 0, order.timestamp
            )  # fmt: skip
            waits = order.type.is_stop or order.status is OrderStatus.PENDING_NEW
            working = -1 if waits else order.timestamp
        else:
            execution, status, ordered = update.execution.value, update.status, update.quantity
            executed, spent, time = update.executed, update.cumulative_quote, update.timestamp
            working = update.working_time
        last = _last_fill(market, order, trade)
        # Only a GTC limit order can rest on the book, once it works (a stop, once triggered);
        # Binance shows its working time.
        can_rest = (
            not order.type.is_market and order.time_in_force is TimeInForce.GTC and working >= 0
        )
        report: Json = {
            "e": "executionReport",
            "E": event_time,
            "s": order.symbol,
            "c": order.client_order_id,
            "S": order.side.value,
            "o": order.type.value,
            "f": order.time_in_force.value,
            "q": quantity(market, ordered),
            "p": price(market, 0 if order.type.is_market else order.price),
            "P": price(market, order.stop_price),
            "F": quantity(market, order.iceberg_quantity),
            "g": order.order_list_id,
            "C": order.client_order_id if status is OrderStatus.CANCELED else "",
            "x": execution,
            "X": status.value,
            "r": "NONE",
            "i": order.order_id,
            "l": last.quantity,
            "z": quantity(market, executed),
            "L": last.price,
            "n": last.commission,
            "N": last.commission_asset,
            "T": time,
            "t": last.trade_id,
            "I": sequence,
            "w": can_rest and status.is_open,
            "m": last.maker,
            "M": False,
            "O": order.timestamp,
            "Z": price(market, spent),
            "Y": last.quote_quantity,
            "Q": price(market, order.quote_quantity),
        }
        if can_rest:
            report["W"] = working
        if update is not None and update.expiry_reason is not None:
            report["eR"] = update.expiry_reason.value
        if order.trailing_delta:
            report["d"] = order.trailing_delta
        report["V"] = order.stp.value
        if update is not None and update.prevented_match_id is not None:
            report["v"] = update.prevented_match_id
            report["A"] = quantity(market, update.prevented_quantity)
        return report

    def _transfer(self, posting: Posting, event_time: int) -> Json:
        return {
            "e": "balanceUpdate",
            "E": event_time,
            "a": posting.asset,
            "d": self.exchange.assets[posting.asset].format(posting.amount),
            "T": event_time,
        }

    async def _balances(self, wanted: dict[int, set[str]]) -> dict[int, dict[str, Balance]]:
        """The `wanted` balances (assets by account) as they are now, which is at or after the
        commands told: a client that applies positions in order always ends on the latest."""
        if self.store is None:
            ledger = self.exchange.ledger
            return {
                account_id: {code: ledger.balance(account_id, code) for code in assets}
                for account_id, assets in wanted.items()
            }
        held: dict[int, dict[str, Balance]] = {}
        if wanted:
            async with self.store() as uow:
                for account_id, code, balance in await uow.journal.holdings(wanted):
                    held.setdefault(account_id, {})[code] = balance
        return held

    def _position(
        self, held: dict[str, Balance], assets: dict[str, None], time: int, event_time: int
    ) -> Json:
        balances = []
        for code in assets:
            balance = held.get(code, Balance())
            asset = self.exchange.assets[code]
            balances.append(
                {"a": code, "f": asset.format(balance.available), "l": asset.format(balance.locked)}
            )
        return {"e": "outboundAccountPosition", "E": event_time, "u": time, "B": balances}


@frozen
class _LastFill:
    quantity: str
    price: str
    commission: str
    commission_asset: str | None
    trade_id: int
    maker: bool
    quote_quantity: str


def _last_fill(market: Market, order: OrderAccepted, trade: Trade | None) -> _LastFill:
    """What the report's fill fields say: zeros and -1 when the report is not a fill."""
    if trade is None:
        zero = price(market, 0)
        return _LastFill(quantity(market, 0), zero, "0", None, -1, False, zero)
    buying = order.side is Side.BUY
    return _LastFill(
        quantity(market, trade.quantity),
        price(market, trade.price),
        # Each side pays its fee in the asset it receives.
        quantity(market, trade.buyer_fee) if buying else price(market, trade.seller_fee),
        market.base.code if buying else market.quote.code,
        trade.trade_id,
        trade.buyer_is_maker == buying,
        price(market, trade.quote_quantity),
    )


def _prevention(market: Market, order: OrderAccepted, match: PreventedMatch) -> Json:
    """What a TRADE_PREVENTION report tells of the match prevented: the quantity this order
    lost to it, and the trade it would have been."""
    is_taker = order.order_id == match.taker_order_id
    lost = match.taker_prevented_quantity if is_taker else match.maker_prevented_quantity
    return {
        "B": quantity(market, lost),
        "u": -1,
        "U": match.maker_order_id if is_taker else match.taker_order_id,
        "Cs": match.symbol,
        "pl": quantity(market, match.quantity),
        "pL": price(market, match.price),
        "pY": price(market, market.notional(match.price, match.quantity)),
    }


def list_status(event: ListStatus, event_time: int) -> Json:
    """Binance's `listStatus`, sent after the reports of the list's orders."""
    executing = event.status is ListStatusType.EXEC_STARTED
    return {
        "e": "listStatus",
        "E": event_time,
        "s": event.symbol,
        "g": event.order_list_id,
        "c": event.contingency_type,
        "l": event.status.value,
        "L": "EXECUTING" if executing else "ALL_DONE",
        "r": "NONE",
        "C": event.list_client_order_id,
        "T": event.transaction_time,
        "O": [{"s": event.symbol, "i": i, "c": c} for i, c in event.orders],
    }


def _accepted(order: Order | OrderRecord) -> OrderAccepted:
    return OrderAccepted(
        order.symbol, order.order_id, order.account_id, order.client_order_id, order.side,
        order.type, order.time_in_force, order.price, order.quantity, order.quote_quantity,
        order.stp, order.created_at, order.stop_price, order.trailing_delta,
        order.iceberg_quantity, order.queued_at, order.order_list_id, order.list_client_order_id,
    )  # fmt: skip
