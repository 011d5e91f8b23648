"""What the application keeps about users, keys, sessions and the history of the markets."""

from enum import StrEnum
from ipaddress import ip_address, ip_network

from msgspec import Struct

from domain.ledger import EntryKind
from domain.orders import OrderStatus, OrderType, SelfTradePrevention, Side, TimeInForce


class User(Struct, gc=False):
    user_id: int
    email: str
    password_hash: str
    created_at: int


class KeyType(StrEnum):
    HMAC = "HMAC"  # a secret both sides hold
    ED25519 = "ED25519"  # a key pair: the owner registers the public key, signs with the other
    RSA = "RSA"


class ApiKey(Struct, gc=False):
    """An API key, as Binance has them: an HMAC key, whose secret is needed in the clear to
    check signatures, or an Ed25519 or RSA key, checked against the public key its owner
    registered. Every key reads; it trades only if `can_trade`; with `allowed_ips`, it is
    taken only from those addresses or networks."""

    api_key: str
    secret: str  # the HMAC secret; empty for the other types
    user_id: int
    label: str
    created_at: int
    key_type: KeyType = KeyType.HMAC
    public_key: str | None = None  # PEM, for Ed25519 and RSA
    can_trade: bool = True
    allowed_ips: tuple[str, ...] = ()

    def allows(self, address: str) -> bool:
        """Whether the key may be used from `address`."""
        if not self.allowed_ips:
            return True
        try:
            client = ip_address(address)
        except ValueError:
            return False
        return any(client in ip_network(allowed, strict=False) for allowed in self.allowed_ips)


class ListenKeyHolder(Struct, frozen=True, gc=False):
    """Whose stream a listen key names, and the API key that opened it: the stream lasts no
    longer than that API key does."""

    account_id: int
    api_key: str


class TwoFactor(Struct, frozen=True, gc=False):
    """A user's authenticator (TOTP): pending until a first code confirms it, then enabled.
    Every change is saved as the next `version`, so that of two requests that read the same
    version (two logins with one code), only one can save."""

    user_id: int
    secret: str  # base32, as the otpauth URI carries it
    enabled: bool
    last_step: int  # the latest time step whose code was accepted: no code is accepted twice
    recovery_codes: tuple[str, ...]  # SHA-256 digests of the unused recovery codes
    version: int


class Session(Struct, gc=False):
    """A login: its refresh token is valid until it expires or the user logs out."""

    session_id: str
    user_id: int
    refresh_token: str
    expires_at: int
    revoked: bool = False


class OrderRecord(Struct, gc=False):
    """An order as the history shows it, kept current from the engine's events. A stop order
    has its `working_time` at -1 while it waits for its trigger; `trail_price` is a waiting
    trailing stop's best price since it began tracking. An order on the book hides `hidden`
    (an iceberg) and stands at `queued_at` in its level's queue (`domain.orders.Order`). An
    order of an order list has its `order_list_id` (else -1) and `list_client_order_id`."""

    symbol: str
    order_id: int
    account_id: int
    client_order_id: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    price: int
    quantity: int
    quote_quantity: int
    stp: SelfTradePrevention
    status: OrderStatus
    executed: int
    cumulative_quote: int
    created_at: int
    updated_at: int
    prevented_quantity: int = 0
    prevented_match_id: int | None = None
    stop_price: int = 0
    trailing_delta: int = 0
    trail_price: int = 0
    working_time: int = -1
    iceberg_quantity: int = 0
    hidden: int = 0
    queued_at: int = 0
    sequence: int = 0  # the market sequence of the command that changed it last
    order_list_id: int = -1
    list_client_order_id: str = ""
    trailing_time: int = -1
    """Since when a trailing stop tracks the price: -1 until it does."""


class OpenOrdersSnapshot(Struct, frozen=True, gc=False):
    """Every open order of a market, on its book or waiting (a stop), as of the market's
    `sequence`: `orders` is the engine's own `domain.orders.Order`s, msgpack-encoded (see
    `application.rebuild`)."""

    symbol: str
    sequence: int
    orders: bytes
    taken_at: int


class StatementLine(Struct, gc=False):
    """What one journal entry did to one asset of an account, and the balances after it."""

    entry_id: int
    timestamp: int
    kind: str
    reference: str
    asset: str
    available_change: int
    locked_change: int
    available: int
    locked: int


class Transfer(Struct, frozen=True, gc=False):
    """A deposit or a withdrawal entered from outside, under the reference that names it there
    (a bank transfer, a transaction hash): one reference, one movement of money."""

    reference: str
    kind: EntryKind
    account_id: int
    asset: str
    amount: int


class OutboxChannel(StrEnum):
    """Where the outbox hands committed events on. Each message waits on each channel of the
    store apart, so that one channel's outage never holds the other up."""

    STREAMS = "streams"  # the streams and views of the processes (Redis fan-out)
    EVENT_LOG = "log"  # the event log downstream (Kinesis, in `aws` mode)


class AuditEntry(Struct, frozen=True, gc=False):
    """One act of an operator, as the audit log keeps it for good: who (`actor`, an admin's
    email, or "token" for the holder of the shared admin token), what (`act` and its
    `params`), when (`at`) and why (`reason`). `entry_id` is the store's, in the order kept."""

    entry_id: int
    at: int
    actor: str
    act: str
    params: dict[str, str]
    reason: str


class Freeze(Struct, frozen=True, gc=False):
    """An account an operator froze: it may not trade, sign in or use its API keys."""

    account_id: int
    frozen_at: int
    reason: str


class ProcessBeat(Struct, frozen=True, gc=False):
    """What a process of the exchange last told of itself: its role, where it runs, since
    when, and its own measures (`application.metrics`), as of `seen_at`."""

    process_id: str
    role: str
    host: str
    pid: int
    started_at: int
    seen_at: int
    measures: dict[str, float]


class OutboxMessage(Struct, gc=False):
    """One command's committed events, as the outbox holds them until they are relayed. On the
    event log's channel, `account_sequences` gives each account the command's events concern
    the sequence number of the first of them (see `application.account_sequences`)."""

    outbox_id: int
    symbol: str
    sequence: int
    events: bytes  # msgspec-encoded events, see `application.relay`
    account_sequences: dict[int, int] = {}


class Lease(Struct, gc=False):
    """The right to run one market's engine until `expires_at`, under fencing `epoch`;
    `sequence` is the last sequence number the market committed; `held_since`, when its owner
    took it (renewals keep it)."""

    symbol: str
    owner: str
    epoch: int
    expires_at: int
    sequence: int
    held_since: int = 0


class Depth(Struct, gc=False):
    """The best levels of a book, (price, volume) each, as of update `last_update_id`."""

    last_update_id: int
    bids: list[tuple[int, int]]
    asks: list[tuple[int, int]]


class LogRecord(Struct, frozen=True, gc=False):
    """One record for the event log: its stream, the key that picks its shard (records under
    one key keep their order), and its data."""

    stream: str
    partition_key: str
    data: bytes


class StoredRecord(Struct, frozen=True, gc=False):
    """A record as a shard of the event log holds it, with the sequence number it was given
    there (digits, growing along the shard) and when it arrived, in epoch milliseconds."""

    sequence_number: str
    partition_key: str
    data: bytes
    arrived_at: int
