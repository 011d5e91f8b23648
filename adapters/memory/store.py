"""The in-memory system of record: what a database would hold, in dicts and lists."""

from collections import defaultdict

from attrs import define, field

from application.records import (
    ApiKey,
    Lease,
    OrderRecord,
    OutboxMessage,
    StatementLine,
    User,
)
from domain.candles import CandleSeries, Interval
from domain.events import Trade
from domain.ledger import Balance


@define
class MemoryStore:
    users: dict[int, User] = field(factory=dict)
    user_ids_by_email: dict[str, int] = field(factory=dict)
    last_user_id: int = 0
    api_keys: dict[str, ApiKey] = field(factory=dict)
    orders: dict[tuple[str, int], OrderRecord] = field(factory=dict)
    last_order_ids: dict[str, int] = field(factory=dict)
    order_keys_by_client_id: dict[tuple[int, str, str], tuple[str, int]] = field(factory=dict)
    order_keys_by_account: defaultdict[int, list[tuple[str, int]]] = field(
        factory=lambda: defaultdict(list)
    )
    trades: defaultdict[str, list[Trade]] = field(factory=lambda: defaultdict(list))
    trades_by_account: defaultdict[tuple[int, str], list[Trade]] = field(
        factory=lambda: defaultdict(list)
    )
    candles: dict[tuple[str, Interval], CandleSeries] = field(factory=dict)
    last_entry_id: int = 0
    statements: defaultdict[int, list[StatementLine]] = field(factory=lambda: defaultdict(list))
    balances: dict[tuple[int, str], Balance] = field(factory=dict)
    outbox: dict[int, OutboxMessage] = field(factory=dict)
    last_outbox_id: int = 0
    leases: dict[str, Lease] = field(factory=dict)
    command_answers: dict[str, tuple[str, bytes, int]] = field(factory=dict)  # symbol, answer, at
