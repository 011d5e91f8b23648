"""kill -9 under load: the server is killed at random moments while six accounts trade, restarted
each time, and finally audited (see `tests.reliability.audit`): every acknowledged order, cancel
and fill is stored, money is conserved and agrees with the journal and the open orders, and
the live book is the stored one. Nothing unacknowledged is half applied: a placement or cancel
cut short by the kill either left no trace or was committed whole, or the hold, trade and
balance checks of the audit would not add up."""

import random
import threading
import time
from pathlib import Path

import pytest

from tests.reliability.audit import audit, unacknowledged_but_kept
from tests.reliability.flow import FUNDS, MARKETS, Trader, Workers
from tests.reliability.server import ExchangeProcess, open_account, server_environment

SEED = 20240611
ACCOUNTS = 6
KILLS = 4
RUN_BETWEEN_KILLS_S = (4.0, 8.0)
RUN_AFTER_LAST_START_S = 3.0


@pytest.mark.reliability
def test_crash(database_url: str, redis_url: str, tmp_path: Path) -> None:
    dice = random.Random(SEED)
    began = time.monotonic()
    environment = server_environment(database_url, redis_url)
    with ExchangeProcess(environment, tmp_path / "server.log") as server:
        server.wait_serving(list(MARKETS))
        accounts = [
            open_account(server.base_url, f"crash{n}@example.com", FUNDS) for n in range(ACCOUNTS)
        ]
        stopping = threading.Event()
        traders = [
            Trader(server.base_url, account, SEED + n, stopping)
            for n, account in enumerate(accounts)
        ]
        workers = Workers()
        for trader in traders:
            workers.start(trader.run)
        restarts: list[float] = []
        try:
            for _ in range(KILLS):
                time.sleep(dice.uniform(*RUN_BETWEEN_KILLS_S))
                server.kill()
                restarts.append(server.start() + server.wait_serving(list(MARKETS)))
            time.sleep(RUN_AFTER_LAST_START_S)
        finally:
            stopping.set()
            workers.join(timeout=15)
        server.wait_serving(list(MARKETS))
        placed = [ack for trader in traders for ack in trader.placed]
        canceled = [ack for trader in traders for ack in trader.canceled]
        answers = [answer for trader in traders for answer in trader.answers]
        store, problems = audit(database_url, server.base_url, placed, canceled)
        tried = [client_id for trader in traders for client_id in trader.client_ids]
        refused = [a for a in answers if a.status not in (0, 200, 503) and a.code != -2011]
        broken = [a for a in answers if a.status >= 500 and (a.status, a.code) != (503, -1001)]
        slow = [a for a in answers if a.seconds > 3]
        print(
            f"\ncrash: {len(answers)} requests, {len(placed)} orders and {len(canceled)} "
            f"cancels acknowledged, {len(store.trades)} trades, "
            f"{unacknowledged_but_kept(store, tried, len(placed))} unacknowledged orders kept "
            f"whole, {sum(a.status == 0 for a in answers)} without answer, "
            f"{sum(a.status == 503 for a in answers)} answered 503; {KILLS} kills, "
            f"{server.starts - 1} restarts (back in {', '.join(f'{s:.1f}' for s in restarts)} s),"
            f" {server.tracebacks()} tracebacks logged; {time.monotonic() - began:.0f} s"
        )
        assert not broken, f"server errors: {broken[:5]}\n{server.log_tail()}"
        assert not refused, f"valid requests refused: {refused[:5]}"
        assert not slow, f"requests slower than 3 s: {slow[:5]}"
        assert not problems, "\n".join(problems[:30])
