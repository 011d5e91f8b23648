"""The ledger applies a journal entry whole or not at all."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InsufficientBalance
from domain.ledger import (
    Bucket,
    EntryKind,
    JournalEntry,
    Ledger,
    Posting,
    hold_entry,
    transfer_entry,
)


def funded() -> Ledger:
    ledger = Ledger()
    ledger.post(transfer_entry(EntryKind.DEPOSIT, 1, "USDT", 500, "deposit-1"))
    ledger.post(transfer_entry(EntryKind.DEPOSIT, 2, "BTC", 7, "deposit-2"))
    return ledger


def trade(*moves: tuple[int, str, int]) -> JournalEntry:
    """An entry of available amounts moved: (account, asset, signed amount)."""
    postings = tuple(Posting(a, asset, Bucket.AVAILABLE, amount) for a, asset, amount in moves)
    return JournalEntry(EntryKind.TRADE, postings, "trade")


def holdings(ledger: Ledger) -> list[tuple[int, str, int, int]]:
    return sorted((a, asset, b.available, b.locked) for a, asset, b in ledger.balances() if b.total)


def test_an_unbalanced_entry_is_refused_and_changes_nothing() -> None:
    ledger = funded()
    before = holdings(ledger)
    entry = trade((1, "USDT", -100), (2, "USDT", 100), (2, "BTC", -1), (1, "BTC", 2))
    with pytest.raises(ValueError, match="unbalanced"):
        ledger.post(entry)
    assert holdings(ledger) == before


ASSETS = ["USDT", "BTC", "ETH", "BNB"]
MOVES = st.tuples(st.sampled_from([1, 2]), st.sampled_from(ASSETS), st.integers(-3, 3))


@given(st.lists(MOVES, max_size=8))
def test_an_entry_is_taken_only_if_it_nets_to_nothing_in_each_of_its_assets(
    moves: list[tuple[int, str, int]],
) -> None:
    """However many assets it moves (the ledger nets the first two apart from the rest)."""
    ledger = Ledger()
    expected: Counter[tuple[int, str]] = Counter()
    for account_id in (1, 2):
        for asset in ASSETS:
            ledger.post(transfer_entry(EntryKind.DEPOSIT, account_id, asset, 100, "deposit"))
            expected[account_id, asset] = 100
    before = holdings(ledger)
    net: Counter[str] = Counter()
    for account_id, asset, amount in moves:
        net[asset] += amount
        expected[account_id, asset] += amount
    if any(net.values()):
        with pytest.raises(ValueError, match="unbalanced"):
            ledger.post(trade(*moves))
        assert holdings(ledger) == before
    else:
        ledger.post(trade(*moves))
        after = {(a, asset): available for a, asset, available, _ in holdings(ledger) if a > 0}
        assert after == {key: amount for key, amount in expected.items() if amount}


def test_an_entry_that_overdraws_any_balance_changes_none() -> None:
    ledger = funded()
    before = holdings(ledger)
    entry = trade((1, "USDT", -100), (2, "USDT", 100), (2, "BTC", -8), (1, "BTC", 8))
    with pytest.raises(InsufficientBalance):
        ledger.post(entry)
    assert holdings(ledger) == before


def test_an_entry_is_judged_on_the_balances_it_leaves() -> None:
    """A debit beyond the balance that the same entry's credit covers is no overdraft."""
    ledger = funded()
    with pytest.raises(InsufficientBalance):
        ledger.post(trade((1, "USDT", -600), (1, "USDT", 50), (2, "USDT", 550)))
    ledger.post(trade((1, "USDT", -600), (1, "USDT", 250), (2, "USDT", 350)))
    ledger.post(hold_entry(EntryKind.HOLD, 1, "USDT", 150, "order-1"))
    assert holdings(ledger) == [(-1, "BTC", -7, 0), (-1, "USDT", -500, 0), (1, "USDT", 0, 150),
                                (2, "BTC", 7, 0), (2, "USDT", 350, 0)]  # fmt: skip
