"""The ports: what the use cases need from the world, each implemented by an adapter."""

from collections.abc import Collection, Sequence
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from application.records import (
    ApiKey,
    AuditEntry,
    Depth,
    Freeze,
    Lease,
    ListenKeyHolder,
    LogRecord,
    OpenOrdersSnapshot,
    OrderRecord,
    OutboxChannel,
    OutboxMessage,
    ProcessBeat,
    Session,
    StatementLine,
    StoredRecord,
    Transfer,
    TwoFactor,
    User,
)
from domain.assets import Asset
from domain.average_price import AverageWindow
from domain.candles import Candle, Interval
from domain.events import Event, MarketStatusChanged, PreventedMatch, Trade
from domain.ledger import Balance, JournalEntry
from domain.markets import Market
from domain.orders import OrderStatus
from domain.ticker import TickerStats

if TYPE_CHECKING:
    from application.order_count import OrderLimit

Holding = tuple[int, str, Balance]  # account id, asset, balance


class Clock(Protocol):
    def now(self) -> int:
        """Epoch milliseconds."""
        ...


class SecretSource(Protocol):
    """Secrets kept outside the configuration (AWS Secrets Manager), which names them."""

    async def read(self, secret_id: str) -> str:
        """The secret's current value, read anew; raises `SecretMissing` if there is none."""
        ...


class IdSource(Protocol):
    def token(self) -> str:
        """A fresh unguessable token (API keys, secrets, session ids)."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenService(Protocol):
    lifetime_ms: int

    def issue(self, user_id: int, session_id: str, now: int) -> str:
        """A signed access token for the user's session."""
        ...

    def read(self, token: str, now: int) -> tuple[int, str]:
        """(user id, session id) of a valid token; raises `InvalidToken` otherwise."""
        ...

    def csrf_token(self, refresh_token: str) -> str:
        """The token a browser sends in a header beside its refresh token's cookie: only a
        page of the exchange's own origin can read it, from the cookie set beside the other."""
        ...


class OneTimePasswords(Protocol):
    """Time-based one-time passwords (RFC 6238) as authenticator apps make them."""

    def new_secret(self) -> str: ...

    def uri(self, secret: str, account_name: str) -> str:
        """The otpauth URI an authenticator app reads, from its QR code or typed in."""
        ...

    def step_of(self, secret: str, code: str, now: int, after_step: int) -> int | None:
        """The time step of `code`, if it is the secret's code of the current step or of one
        step either side, and later than `after_step`."""
        ...

    def recovery_code(self) -> str:
        """A fresh code to write down, good once when the authenticator is lost."""
        ...


class Users(Protocol):
    async def add(self, email: str, password_hash: str, created_at: int) -> User:
        """Adds a user with the next id; raises `EmailTaken` if the email is in use."""
        ...

    async def by_email(self, email: str) -> User | None: ...

    async def get(self, user_id: int) -> User | None: ...

    async def search(self, fragment: str, limit: int) -> list[User]:
        """The users whose email holds `fragment` (in any case), by id, at most `limit`."""
        ...


class ApiKeys(Protocol):
    async def add(self, key: ApiKey) -> None: ...

    async def get(self, api_key: str) -> ApiKey | None: ...

    async def of_user(self, user_id: int) -> list[ApiKey]: ...

    async def remove(self, api_key: str) -> None: ...


class TwoFactors(Protocol):
    async def get(self, user_id: int) -> TwoFactor | None: ...

    async def save(self, record: TwoFactor) -> None:
        """Keeps `record` in place of its previous version (`version - 1`, 0 for none);
        `commit` raises `ConcurrentChange`, and keeps nothing, if that is no longer the
        stored one."""
        ...


class Admins(Protocol):
    """The users with the admin role: the operators of the exchange."""

    async def grant(self, user_id: int, at: int) -> None:
        """Makes the user an admin, at commit; granting it again changes nothing."""
        ...

    async def is_admin(self, user_id: int) -> bool: ...


class Freezes(Protocol):
    """The accounts frozen by an operator."""

    async def freeze(self, freeze: Freeze) -> None:
        """Freezes the account at commit; an account frozen already keeps its first freeze."""
        ...

    async def unfreeze(self, account_id: int) -> None:
        """Lifts the account's freeze at commit, if it has one."""
        ...

    async def frozen(self) -> dict[int, Freeze]:
        """Every frozen account, by its id."""
        ...


class AuditLog(Protocol):
    """The operators' acts, appended and never changed or deleted."""

    async def add(self, at: int, actor: str, act: str, params: dict[str, str], reason: str) -> None:
        """Appends an entry at commit, numbered after every entry kept before it."""
        ...

    async def entries(
        self,
        actor: str | None = None,
        act: str | None = None,
        start: int | None = None,
        end: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest entries first, at most `limit`, of `actor` and `act` if given, made from
        `start` to `end` inclusive, numbered below `before_id` (the next page's cursor)."""
        ...


class Sessions(Protocol):
    """Login sessions, kept apart from the system of record: each lives until it expires or
    is revoked, and its refresh token can be taken once."""

    async def add(self, session: Session, now: int) -> None: ...

    async def get(self, session_id: str, now: int) -> Session | None:
        """The session while it is live: neither expired nor revoked."""
        ...

    async def take(self, refresh_token: str, now: int) -> Session | None:
        """Revokes the live session of the refresh token and returns it, in one step: of
        concurrent callers with the same token, one gets the session and the others None."""
        ...

    async def revoke(self, session_id: str) -> None: ...


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

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class EventPublisher(Protocol):
    async def publish(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        """Hands committed events on to subscribers (streams, downstream consumers)."""
        ...


class EventLog(Protocol):
    """The log of committed events that consumers downstream read (Kinesis, in `aws`): named
    streams, each of shards; a record goes to the shard its partition key falls in, after the
    records appended before it under that key."""

    async def append(self, records: Sequence[LogRecord]) -> None:
        """Appends the records, each key's in the order given; or raises `Unavailable` when
        some could not be appended, and the caller appends them all again: a record may then be
        in the log twice, the second time after the records that followed it the first time."""
        ...

    async def shards(self, stream: str) -> list[str]:
        """The ids of the stream's shards."""
        ...

    async def read(
        self, stream: str, shard: str, after: str | None, limit: int
    ) -> list[StoredRecord]:
        """Up to `limit` records of the shard, oldest first, after sequence number `after`
        (or from the oldest kept)."""
        ...

    async def read_since(self, stream: str, shard: str, at: int, limit: int) -> list[StoredRecord]:
        """Up to `limit` records of the shard, oldest first, from the first that arrived at or
        after epoch milliseconds `at` (Kinesis is asked in whole seconds: up to a second
        before); `read` goes on after the last."""
        ...


class TradeArchive(Protocol):
    """Each market's completed days of trades, a file a day as the design's historical data
    keeps them (S3, in `aws`): gzip-compressed CSV, a line per trade (see
    `application.trade_export`)."""

    async def get(self, symbol: str, day: date) -> bytes | None:
        """The day's file as stored, or None while the day is not archived."""
        ...

    async def put(self, symbol: str, day: date, data: bytes) -> None: ...


class OutboxSignal(Protocol):
    """Tells the outbox's relay, wherever it runs, that a commit wrote to the outbox."""

    def notify(self) -> None: ...

    async def wait(self, timeout_s: float) -> None:
        """Returns once notified since the last return, or after `timeout_s`."""
        ...


class ListenKeys(Protocol):
    """User data stream keys: each names one account's stream, opened with one of its API keys,
    until it expires unrenewed, is closed, or its API key is revoked."""

    async def open(self, account_id: int, api_key: str, now: int) -> str:
        """A key for the account's stream; each API key keeps one listen key while it is live."""
        ...

    async def keep_alive(self, listen_key: str, account_id: int, now: int) -> bool:
        """Extends the key's life; False if it is unknown, expired or another account's."""
        ...

    async def close(self, listen_key: str, account_id: int) -> bool: ...

    async def holder(self, listen_key: str, now: int) -> ListenKeyHolder | None:
        """Whose stream a live key names."""
        ...

    async def revoke(self, api_key: str) -> str | None:
        """Closes the listen key opened with `api_key`, and returns it, if it had one."""
        ...


class Revocations(Protocol):
    """Tells every process that serves streams that a credential (a listen key, an API key) no
    longer holds: the streams and subscriptions opened with it end at once."""

    async def revoke(self, credentials: Sequence[str]) -> None: ...


class FreezeNotices(Protocol):
    """Tells every process that an account's freeze changed, so that none waits for its
    cached frozen accounts to expire."""

    async def tell(self, account_id: int) -> None: ...


class Processes(Protocol):
    """The exchange's live processes, each telling of itself every few seconds."""

    async def beat(self, beat: ProcessBeat, ttl_ms: int) -> None:
        """Records the process's latest beat; without another within `ttl_ms` it is gone."""
        ...

    async def live(self, now: int) -> list[ProcessBeat]:
        """The processes whose last beat is not older than its `ttl_ms`, by role and id."""
        ...


class ListingNotices(Protocol):
    """Tells every process that the listings changed, so that each reads them again at once."""

    async def announce(self) -> None: ...


class RateLimiter(Protocol):
    """Request weight (Binance's REQUEST_WEIGHT) as a token bucket per key: it holds a
    minute's weight when full and refills continuously at that weight per minute."""

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        """Takes `weight` from the bucket of every key and returns the most weight in use: what
        a bucket lacks of full, rounded up. Raises `RateLimited`, taking nothing from any, if
        one holds less."""
        ...


class OrderCounter(Protocol):
    """Counts per account in fixed windows of the epoch, one per limit (see
    `application.order_count`)."""

    async def add(
        self, account_id: int, limits: Sequence["OrderLimit"], now: int
    ) -> list[int] | int:
        """Adds one to the account's count in the current window of every limit and returns
        the counts; or, if one is at its limit, adds nothing and returns that limit's index."""
        ...

    async def remove(
        self, account_ids: Sequence[int], limits: Sequence["OrderLimit"], now: int
    ) -> None:
        """Takes one off the current counts of each account, once per time it is given,
        never below zero."""
        ...

    async def counts(
        self, account_id: int, limits: Sequence["OrderLimit"], now: int
    ) -> list[int]: ...


class Cache(Protocol):
    """Answers kept for a while, to be computed again when missing: a cache that cannot be
    reached misses rather than fails."""

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl_ms: int) -> None: ...


class MarketSnapshots(Protocol):
    """Each market's book and 24-hour ticker as public reads need them: from the engine where
    it runs in this process, otherwise as the market data role keeps them."""

    async def depth(self, symbol: str, limit: int) -> Depth:
        """Raises `MarketUnavailable` while there is nothing to show."""
        ...

    async def ticker(self, symbol: str, now: int) -> TickerStats: ...

    async def average(self, symbol: str, now: int) -> AverageWindow:
        """The trades of the last minutes (`domain.ticker.AVERAGE_PRICE_MINUTES`), summed;
        kept by another process, they may be a second older than `now`."""
        ...
