"""No command applied twice, and none applied without its record. Over the command bus each
command carries an id, and its engine records the command's answer under that id in the
transaction of its effects (`command_answers`, keyed by the id). So in a store that is right:
no client order id is stored twice, each recorded answer has its own sequence number, each
stored order was accepted by exactly one recorded answer, and each stored cancel was made by
exactly one."""

from collections import Counter
from collections.abc import Iterable

from application.bus import Applied, decode_answer
from domain.events import OrderAccepted, OrderUpdated
from domain.orders import ExecutionType
from tests.reliability.audit import Store, read_rows

QUERIES = {
    "answers": "SELECT command_id, symbol, answer FROM command_answers",
    "reused": "SELECT symbol, account_id, client_order_id, COUNT(*) FROM orders "
    "GROUP BY symbol, account_id, client_order_id HAVING COUNT(*) > 1",
}


def check_applied_once(database_url: str, store: Store) -> tuple[int, list[str]]:
    """The number of recorded answers, and every problem found."""
    rows = read_rows(database_url, QUERIES)
    problems = [f"client order id stored more than once: {row}" for row in rows["reused"]]
    sequences: Counter[tuple[str, int]] = Counter()
    accepted: Counter[tuple[str, int]] = Counter()
    canceled: Counter[tuple[str, int]] = Counter()
    for command_id, symbol, encoded in rows["answers"]:
        recorded_id, applied = decode_answer(encoded)
        if recorded_id != command_id or not isinstance(applied, Applied):
            problems.append(f"command {command_id} recorded as {recorded_id}: {applied!r}")
            continue
        sequences[symbol, applied.sequence] += 1
        for event in applied.events:
            if isinstance(event, OrderAccepted):
                accepted[symbol, event.order_id] += 1
            elif isinstance(event, OrderUpdated) and event.execution is ExecutionType.CANCELED:
                canceled[symbol, event.order_id] += 1
    problems += [f"sequence {key} recorded {n} times" for key, n in sequences.items() if n > 1]
    problems += _once("accepted", accepted, list(store.orders))
    stored_cancels = [key for key, row in store.orders.items() if row[5] == "CANCELED"]
    problems += _once("canceled", canceled, stored_cancels)
    return len(rows["answers"]), problems


def _once(
    what: str, recorded: Counter[tuple[str, int]], stored: Iterable[tuple[str, int]]
) -> list[str]:
    expected = Counter(stored)
    return [
        f"order {key} {what} {recorded[key]} times by the recorded answers, stored {expected[key]}"
        for key in set(recorded) | set(expected)
        if recorded[key] != expected[key]
    ]
