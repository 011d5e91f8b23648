"""The double-entry ledger: every balance change is a journal entry whose postings sum to zero
per asset, and no account's available or locked balance may go below zero."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Final

from msgspec import Struct

from domain.errors import InsufficientBalance

EXTERNAL_ACCOUNT: Final = -1
"""The world outside the exchange: deposits come from it and withdrawals go to it, so its
balance is the negative of everything the exchange holds."""

FEE_ACCOUNT: Final = 0
"""Where maker and taker fees are credited."""


class Bucket(Enum):
    AVAILABLE = "available"
    LOCKED = "locked"


class EntryKind(Enum):
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    HOLD = "HOLD"
    RELEASE = "RELEASE"
    TRADE = "TRADE"


@dataclass(init=False)
class Posting:
    """One balance's change in a journal entry."""

    account_id: int
    asset: str
    bucket: Bucket
    amount: int

    # Written out, not made by @dataclass: mypyc compiles this one to C (the generated one runs
    # as Python), and each journal entry makes two to six postings.
    def __init__(self, account_id: int, asset: str, bucket: Bucket, amount: int) -> None:
        self.account_id = account_id
        self.asset = asset
        self.bucket = bucket
        self.amount = amount


Postings = tuple[Posting, ...]


class JournalEntry(Struct, frozen=True, gc=False):
    kind: EntryKind
    # Quoted: see `domain.orders.Order.prevented_match_id`.
    postings: "Postings"
    reference: str


@dataclass
class Balance:
    available: int = 0
    locked: int = 0

    @property
    def total(self) -> int:
        return self.available + self.locked


class Ledger:
    def __init__(self) -> None:
        # Each account's balances by asset: two lookups by an id and a code cost the compiled
        # ledger less than one by a pair that is made, hashed and compared for each posting.
        self._balances: dict[int, dict[str, Balance]] = {}

    def _find(self, account_id: int, asset: str) -> Balance | None:
        held = self._balances.get(account_id)
        return held.get(asset) if held is not None else None

    def balance(self, account_id: int, asset: str) -> Balance:
        found = self._find(account_id, asset)
        return Balance(found.available, found.locked) if found else Balance()

    def available(self, account_id: int, asset: str) -> int:
        found = self._find(account_id, asset)
        return found.available if found else 0

    def balances(self) -> Iterator[tuple[int, str, Balance]]:
        for account_id, held in self._balances.items():
            for asset, balance in held.items():
                yield account_id, asset, Balance(balance.available, balance.locked)

    def replace(self, holdings: Iterable[tuple[int, str, Balance]]) -> None:
        """Takes `holdings` as these balances: the way back in line with a store that others
        also write to. The store keeps a row for every balance ever committed, so an account's
        holdings there cover every balance of it held here."""
        for account_id, asset, balance in holdings:
            held = self._balances.setdefault(account_id, {})
            held[asset] = Balance(balance.available, balance.locked)

    def reset(self, holdings: Iterable[tuple[int, str, Balance]]) -> None:
        """Takes `holdings` as every balance there is."""
        self._balances = {}
        self.replace(holdings)

    def post(self, entry: JournalEntry) -> JournalEntry:
        """Applies every posting of `entry` or, if any balance would go negative, none."""
        balances = self._balances
        # What the entry nets to in each asset: an entry the exchange makes moves one asset or
        # two, netted in locals (the compiled ledger's own integers, where a dict of totals
        # made, boxed and looked up two Python integers a posting), any more in a dict.
        first = second = ""
        first_net = second_net = 0
        more: dict[str, int] = {}
        overdrawn = False
        for posting in entry.postings:
            account_id, asset, amount = posting.account_id, posting.asset, posting.amount
            if asset == first or not first:
                first, first_net = asset, first_net + amount
            elif asset == second or not second:
                second, second_net = asset, second_net + amount
            else:
                more[asset] = more.get(asset, 0) + amount
            held = balances.get(account_id)
            if held is None:
                held = balances[account_id] = {}
            balance = held.get(asset)
            if balance is None:
                balance = held[asset] = Balance()
            if posting.bucket is Bucket.AVAILABLE:
                balance.available += amount
            else:
                balance.locked += amount
            if (balance.available < 0 or balance.locked < 0) and account_id != EXTERNAL_ACCOUNT:
                overdrawn = True
        if first_net or second_net or any(more.values()):
            self._undo(entry)
            raise ValueError(f"unbalanced journal entry {entry}")
        # Judged on the final balances: one entry may debit and credit the same balance.
        if overdrawn and any(
            balances[p.account_id][p.asset].available < 0
            or balances[p.account_id][p.asset].locked < 0
            for p in entry.postings
            if p.account_id != EXTERNAL_ACCOUNT
        ):
            self._undo(entry)
            raise InsufficientBalance("Account has insufficient balance for requested action.")
        return entry

    def _undo(self, entry: JournalEntry) -> None:
        for posting in entry.postings:
            balance = self._balances[posting.account_id][posting.asset]
            if posting.bucket is Bucket.AVAILABLE:
                balance.available -= posting.amount
            else:
                balance.locked -= posting.amount


def transfer_entry(
    kind: EntryKind, account_id: int, asset: str, amount: int, reference: str
) -> JournalEntry:
    """A deposit (from the outside world) or a withdrawal (to it) of `amount`."""
    signed = amount if kind is EntryKind.DEPOSIT else -amount
    return JournalEntry(
        kind,
        (
            Posting(EXTERNAL_ACCOUNT, asset, Bucket.AVAILABLE, -signed),
            Posting(account_id, asset, Bucket.AVAILABLE, signed),
        ),
        reference,
    )


def hold_entry(
    kind: EntryKind, account_id: int, asset: str, amount: int, reference: str
) -> JournalEntry:
    """Moves `amount` from available to locked (HOLD) or back (RELEASE)."""
    signed = amount if kind is EntryKind.HOLD else -amount
    return JournalEntry(
        kind,
        (
            Posting(account_id, asset, Bucket.AVAILABLE, -signed),
            Posting(account_id, asset, Bucket.LOCKED, signed),
        ),
        reference,
    )
