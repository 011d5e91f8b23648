"""A consumer of the order stream takes each account's events once, in their account sequence,
however Kinesis repeats and reorders the records that hold them."""

import random

from application.account_events import AccountEvents


def event(account: int, number: int) -> dict[str, int]:
    return {"account": account, "accountSequence": number}


def test_repeats_are_dropped_and_later_events_held_until_the_gap_fills() -> None:
    consumer = AccountEvents()

    first = consumer.take([event(1, 1), event(1, 3), event(2, 1), event(1, 1)])
    assert first == [event(1, 1), event(2, 1)]
    assert consumer.waiting == {1: 2}
    second = consumer.take([event(1, 2), event(2, 1), event(1, 4)])
    assert second == [event(1, 2), event(1, 3), event(1, 4)]
    assert consumer.waiting == {}
    assert consumer.taken == {1: 4, 2: 1}


def test_any_delivery_order_with_repeats_gives_each_accounts_events_once_in_order() -> None:
    sent = [event(account, n) for account in (1, 2, 3) for n in range(1, 41)]
    delivered = sent + random.Random(7).sample(sent, 60)
    random.Random(8).shuffle(delivered)
    consumer = AccountEvents()

    taken = []
    for start in range(0, len(delivered), 9):  # in pages, as a poller reads them
        taken += consumer.take(delivered[start : start + 9])

    assert sorted(taken, key=lambda e: (e["account"], e["accountSequence"])) == sent
    for account in (1, 2, 3):
        assert [e for e in taken if e["account"] == account] == [
            e for e in sent if e["account"] == account
        ]


def test_a_consumer_resumes_from_its_checkpoint() -> None:
    consumer = AccountEvents({1: 5})

    assert consumer.take([event(1, 5), event(1, 6)]) == [event(1, 6)]
