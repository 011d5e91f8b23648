"""The ports of the system of record: each repository a unit of work holds, the unit of work
itself (one transaction over all of them), and the clock."""

from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Protocol, Self

from application.account_ports import Admins, ApiKeys, AuditLog, Freezes, TwoFactors, Users
from application.records import (
    Lease,
    OpenOrdersSnapshot,
    OrderRecord,
    OutboxChannel,
    OutboxMessage,
    StatementLine,
    Transfer,
)
from domain.assets import Asset
from domain.candles import Candle, Interval
from domain.events import Event, MarketStatusChanged, PreventedMatch, Trade
from domain.ledger import Balance, JournalEntry
from domain.markets import Market
from domain.orders import OrderStatus

Holding = tuple[int, str, Balance]  # account id, asset, balance


class Clock(Protocol):
    def now(self) -> int:
        """Epoch milliseconds."""
        ...


class Orders(Protocol):
    async def save(self, order: OrderRecord) -> None: ...

    async def get(self, symbol: str, order_id: int) -> OrderRecord | None: ...

    async def get_many(self, symbol: str, order_ids: Collection[int]) -> dict[int, OrderRecord]:
        """Those of the orders that exist, by id."""
        ...

    async def by_client_id(
        self, account_id: int, symbol: str, client_order_id: str
    ) -> OrderRecord | None: ...

    async def of_account(
        self,
        account_id: int,
        symbol: str | None,
        statuses: Sequence[OrderStatus] | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        """Orders oldest first, filtered as asked."""
        ...

    async def open(self, symbol: str) -> list[OrderRecord]:
        """The market's NEW and PARTIALLY_FILLED orders, by order id: its book, as committed."""
        ...

    async def list_orders(
        self, account_id: int, order_list_id: int | None, list_client_order_id: str | None
    ) -> list[OrderRecord]:
        """The orders of the account's newest order list with that id (and that list client
        order id, if given too), or with that list client order id, by order id."""
        ...

    async def order_lists(
        self,
        account_id: int,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[OrderRecord]:
        """The orders of at most `limit` of the account's order lists, by (creation time,
        symbol, order id): from `from_id` or `start` on if given, else the newest."""
        ...

    async def last_id(self, symbol: str) -> int:
        """The highest order id the market has given, 0 before its first order."""
        ...

    async def changed_since(self, symbol: str, sequence: int) -> list[OrderRecord]:
        """The market's orders that a command after `sequence` changed, as they are now."""
        ...

    async def open_count(self, symbol: str) -> int:
        """How many orders `open` gives."""
        ...

    async def keep_snapshot(self, snapshot: OpenOrdersSnapshot) -> None:
        """Keeps the snapshot in place of the market's last one, unless that one is later."""
        ...

    async def snapshot(self, symbol: str) -> OpenOrdersSnapshot | None:
        """The market's last snapshot of its open orders, None before its first."""
        ...


class Trades(Protocol):
    async def add(self, trade: Trade) -> None: ...

    async def recent(self, symbol: str, limit: int) -> list[Trade]:
        """The newest `limit` trades, oldest first."""
        ...

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]: ...

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        order_id: int | None = None,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[Trade]: ...

    async def last_id(self, symbol: str) -> int:
        """The highest trade id of the market, 0 before its first trade."""
        ...


class PreventedMatches(Protocol):
    """The record of the trades self-trade prevention stopped, by market."""

    async def add(self, match: PreventedMatch) -> None: ...

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        prevented_match_id: int | None = None,
        order_id: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[PreventedMatch]:
        """The account's prevented matches, oldest first: the one of `prevented_match_id`, or
        the first `limit` of those of `order_id` (as taker or maker) from `from_id`."""
        ...

    async def last_id(self, symbol: str) -> int:
        """The highest prevented match id of the market, 0 before its first."""
        ...


class MarketStatuses(Protocol):
    """Every change of a market's status, kept for good, in the order committed."""

    async def add(self, change: MarketStatusChanged) -> None: ...

    async def current(self) -> dict[str, MarketStatusChanged]:
        """Each market's last change, by symbol; a market never changed is not there: it
        trades."""
        ...


class Candles(Protocol):
    async def record(self, trade: Trade) -> None:
        """Adds the trade to its candle in every interval."""
        ...

    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]: ...


class Journal(Protocol):
    async def add(self, entry: JournalEntry, timestamp: int) -> None:
        """Posts the entry; `commit` keeps nothing and raises `InsufficientBalance` if any
        balance other than the external account's would go below zero, or `HoldingsLimit` if
        the exchange would hold more than `MAX_HOLDINGS` of an asset."""
        ...

    async def balances(self, account_id: int) -> dict[str, Balance]: ...

    async def holdings(self, account_ids: Collection[int] | None = None) -> list[Holding]:
        """The committed balances of the given accounts, or of every account."""
        ...

    async def statement(
        self, account_id: int, asset: str | None, start: int | None, end: int | None
    ) -> list[StatementLine]: ...


class Transfers(Protocol):
    """Deposits and withdrawals entered from outside, each under a reference of its own."""

    async def add(self, transfer: Transfer) -> None:
        """Records the transfer with the unit of work's journal entry; `commit` raises
        `ReferenceTaken`, and keeps nothing, if its reference is recorded already."""
        ...

    async def get(self, reference: str) -> Transfer | None: ...


class Outbox(Protocol):
    """Committed events waiting to be handed on, written in the transaction that made them:
    a message on each channel of the store (the streams; and the event log in a store that
    keeps one), each relayed and gone apart from the other. On the event log's channel a
    message carries its accounts' sequence numbers, given at commit."""

    async def add(self, symbol: str, sequence: int, events: Sequence[Event]) -> None: ...

    async def pending(
        self, channel: OutboxChannel, symbols: Collection[str], limit: int
    ) -> list[OutboxMessage]:
        """The oldest messages of the channel not yet relayed, of these symbols ("" for
        account-only events); those another relay is handing on now are left to it."""
        ...

    async def waiting(self, channel: OutboxChannel, symbol: str) -> list[OutboxMessage]:
        """Every message of the symbol waiting on the channel, oldest first, those another
        relay is handing on now too."""
        ...

    async def relayed(self, outbox_ids: Sequence[int]) -> None: ...


class MarketLeases(Protocol):
    """Who runs each market's engine: a lease with a fencing epoch that grows on every
    change of owner, so that an owner that lost its lease can no longer commit."""

    async def acquire(self, symbol: str, owner: str, now: int, ttl_ms: int) -> Lease | None:
        """Takes or renews the lease if it is free, expired or already the owner's."""
        ...

    async def fence(self, lease: Lease, sequence: int) -> None:
        """Inside a commit: raises `LeaseLost` unless `lease` still holds, and records the
        market's sequence with the batch."""
        ...

    async def held(self) -> list[Lease]:
        """Every market's lease, by symbol, expired or not: who runs which engine."""
        ...

    async def sequence(self, symbol: str) -> int:
        """The last sequence number the market committed, 0 before its first command."""
        ...


class CommandAnswers(Protocol):
    """The answers of the commands the engines committed, by the id their sender gave them,
    written in the same transaction as the commands' effects."""

    async def add(self, command_id: str, symbol: str, answer: bytes, at: int) -> None: ...

    async def answers(self, command_ids: Collection[str]) -> dict[str, bytes]:
        """Those of the commands that were committed, with their answers."""
        ...

    async def forget(self, symbol: str, before: int) -> None:
        """Drops the market's answers recorded before `before`."""
        ...


class Listings(Protocol):
    """The listed assets and markets, with each market's filters and fees. A code or symbol
    listed already is refused at commit (`AlreadyListed`), as a market over an asset not
    listed is (`UnknownAsset`)."""

    async def assets(self) -> dict[str, Asset]: ...

    async def markets(self) -> dict[str, Market]:
        """In the order they were listed."""
        ...

    async def add_asset(self, asset: Asset) -> None: ...

    async def add_market(self, market: Market) -> None: ...

    async def change_market(self, market: Market) -> None:
        """Keeps the market's new filters and fees (its symbol, assets and grid stay)."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository: nothing is kept unless `commit` ran."""

    @property
    def users(self) -> Users: ...

    @property
    def api_keys(self) -> ApiKeys: ...

    @property
    def two_factors(self) -> TwoFactors: ...

    @property
    def admins(self) -> Admins: ...

    @property
    def freezes(self) -> Freezes: ...

    @property
    def audit_log(self) -> AuditLog: ...

    @property
    def orders(self) -> Orders: ...

    @property
    def trades(self) -> Trades: ...

    @property
    def prevented_matches(self) -> PreventedMatches: ...

    @property
    def market_statuses(self) -> MarketStatuses: ...

    @property
    def listings(self) -> Listings: ...

    @property
    def candles(self) -> Candles: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def transfers(self) -> Transfers: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def leases(self) -> MarketLeases: ...

    @property
    def commands(self) -> CommandAnswers: ...

    @property
    def event_log(self) -> bool:
        """Whether the store's events go on to an event log (`aws`): then the outbox keeps
        them for it, and the log's consumers fold the candles (the one writer of stored
        candles, see `entrypoints.lambdas.candle_builder`), not the store."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def flush(self) -> None:
        """Sends what is staged into the transaction, which stays open: the store may check
        it now or at commit, and nothing of it is kept without a commit."""
        ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
