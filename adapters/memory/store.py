"""The in-memory system of record: what a database would hold, in dicts and lists."""

from collections import defaultdict, deque

from attrs import define, field

from adapters.memory.demo_listing import demo_markets
from application.account_sequences import AccountCounters
from application.records import (
    ApiKey,
    AuditEntry,
    Freeze,
    Lease,
    OpenOrdersSnapshot,
    OrderRecord,
    OutboxChannel,
    OutboxMessage,
    StatementLine,
    Transfer,
    TwoFactor,
    User,
)
from domain.assets import Asset
from domain.candles import CandleSeries, Interval
from domain.events import MarketStatusChanged, PreventedMatch, Trade
from domain.ledger import Balance
from domain.markets import Market

OrderKeys = defaultdict[int, dict[tuple[str, int], None]]  # (symbol, order id)s by account


def forget_order(keys: OrderKeys, account_id: int, key: tuple[str, int]) -> None:
    """Takes the order `key` out of the account's keys, and the account once it has none."""
    held = keys.get(account_id)
    if held is not None:
        held.pop(key, None)
        if not held:
            del keys[account_id]


@define
class MemoryStore:
    users: dict[int, User] = field(factory=dict)
    user_ids_by_email: dict[str, int] = field(factory=dict)
    last_user_id: int = 0
    api_keys: dict[str, ApiKey] = field(factory=dict)
    two_factors: dict[int, TwoFactor] = field(factory=dict)
    orders: dict[tuple[str, int], OrderRecord] = field(factory=dict)
    last_order_ids: dict[str, int] = field(factory=dict)
    order_keys_by_client_id: dict[tuple[int, str, str], tuple[str, int]] = field(factory=dict)
    # Each account's orders in the order they came, as the keys of a dict (forgotten in O(1)).
    order_keys_by_account: OrderKeys = field(factory=lambda: defaultdict(dict))
    # Each account's open orders, likewise: what its open orders are looked for among.
    open_order_keys_by_account: OrderKeys = field(factory=lambda: defaultdict(dict))
    # The orders that ended, in the order they ended (see `adapters.memory.retention`).
    done_unfilled: deque[tuple[str, int]] = field(factory=deque)
    done_with_fills: deque[tuple[str, int]] = field(factory=deque)
    trades: defaultdict[str, list[Trade]] = field(factory=lambda: defaultdict(list))
    trades_by_account: defaultdict[tuple[int, str], list[Trade]] = field(
        factory=lambda: defaultdict(list)
    )
    prevented_matches: defaultdict[str, list[PreventedMatch]] = field(
        factory=lambda: defaultdict(list)
    )
    market_status_changes: list[MarketStatusChanged] = field(factory=list)
    markets: dict[str, Market] = field(factory=lambda: {m.symbol: m for m in demo_markets()})
    assets: dict[str, Asset] = field(
        factory=lambda: {a.code: a for m in demo_markets() for a in (m.base, m.quote)}
    )
    candles: dict[tuple[str, Interval], CandleSeries] = field(factory=dict)
    last_entry_id: int = 0
    statements: defaultdict[int, list[StatementLine]] = field(factory=lambda: defaultdict(list))
    balances: dict[tuple[int, str], Balance] = field(factory=dict)
    transfers: dict[str, Transfer] = field(factory=dict)
    outbox: dict[int, tuple[OutboxChannel, OutboxMessage]] = field(factory=dict)
    account_counters: AccountCounters = field(factory=AccountCounters)
    last_outbox_id: int = 0
    leases: dict[str, Lease] = field(factory=dict)
    open_orders_snapshots: dict[str, OpenOrdersSnapshot] = field(factory=dict)
    command_answers: dict[str, tuple[str, bytes, int]] = field(factory=dict)  # symbol, answer, at
    admins: dict[int, int] = field(factory=dict)  # user id: when granted
    freezes: dict[int, Freeze] = field(factory=dict)
    audit_log: list[AuditEntry] = field(factory=list)
