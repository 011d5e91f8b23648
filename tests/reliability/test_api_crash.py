"""kill -9 of an api process mid-flight leaves nothing half applied: accounts trade through two
api processes, most through the first, which is killed with SIGKILL while its orders are on
their way to the engine or being committed (the engines are held, SIGSTOP, for a moment before
the kill, so that some surely are). The engine goes on with what it took: a command
whose sender died is applied whole or refused, and its answer goes unread. Then, once the
engine has answered every command on the bus:

- every answer from the api that lived is acceptable (as in `test_engine_failover`), and the
  killed api's answers are those or no answer at all;
- the audit of `tests.reliability.audit` finds every acknowledged order, cancel and fill kept,
  the money conserved, and the book that the market data serves equal to the stored one;
- no command was applied twice (`tests.reliability.applied_once`);
- each order sent through the killed api and left without an answer is either absent or fully
  there: stored once, with its hold entered once, executed as much as its trades say, and
  accepted by the engine's recorded answer."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.reliability.applied_once import check_applied_once
from tests.reliability.audit import audit, check_order, traded_quantities
from tests.reliability.deployment import Deployment
from tests.reliability.flow import FUNDS, Trader, Workers, tally
from tests.reliability.server import open_account
from tests.reliability.test_engine_failover import (
    COMMANDS_TAKEN_WITHIN_S,
    DEPTH_SETTLES_WITHIN_S,
    acceptable,
    failover_environment,
)

SEED = 20251130
ON_KILLED_API = 8  # accounts trading through the api that is killed
ON_OTHER_API = 2
LOAD_BEFORE_KILL_S = 4.0
ENGINES_HELD_S = 0.3  # well within a lease's time to live (LEASE_TTL_MS)
LOAD_AFTER_KILL_S = 2.0


@pytest.mark.reliability
def test_api_crash(database_url: str, redis_url: str, tmp_path: Path) -> None:
    began = time.monotonic()
    with Deployment(failover_environment(database_url, redis_url), tmp_path) as deployment:
        killed, other = deployment.apis
        stopping = {api.base_url: threading.Event() for api in (killed, other)}
        traders = [
            Trader(api.base_url, open_account(api.base_url, f"api{n}@example.com", FUNDS),
                   SEED + n, stopping[api.base_url])
            for n, api in enumerate([killed] * ON_KILLED_API + [other] * ON_OTHER_API)
        ]  # fmt: skip
        workers = Workers()
        for trader in traders:
            workers.start(trader.run)
        try:
            time.sleep(LOAD_BEFORE_KILL_S)
            # The engines held for a moment, the api's requests wait on the bus for their
            # answers when the kill comes: some are surely in flight.
            for engine in deployment.engines:
                os.kill(engine.pid, signal.SIGSTOP)
            try:
                time.sleep(ENGINES_HELD_S)
                killed_at = time.monotonic()
                killed.kill()
            finally:
                for engine in deployment.engines:
                    os.kill(engine.pid, signal.SIGCONT)
            stopping[killed.base_url].set()
            time.sleep(LOAD_AFTER_KILL_S)
        finally:
            for event in stopping.values():
                event.set()
            workers.join(timeout=15)
        deployment.wait_commands_taken(COMMANDS_TAKEN_WITHIN_S)
        on_killed = [trader for trader in traders if trader.base_url == killed.base_url]
        answers = [answer for trader in traders for answer in trader.answers]
        placed = [ack for trader in traders for ack in trader.placed]
        canceled = [ack for trader in traders for ack in trader.canceled]
        store, problems = audit(
            database_url, other.base_url, placed, canceled, DEPTH_SETTLES_WITHIN_S
        )
        recorded, applied_twice = check_applied_once(database_url, store)
        unanswered = [
            (answer.symbol, answer.client_id)
            for trader in on_killed
            for answer in trader.answers
            if answer.status == 0 and answer.client_id is not None
        ]
        traded = traded_quantities(store)
        kept = [(key[0], store.client_ids[key]) for key in unanswered if key in store.client_ids]
        half_applied = [
            problem
            for symbol, order_id in kept
            for problem in check_order(store, symbol, order_id, traded[symbol, order_id])
        ]
        in_flight = [answer for answer in answers if answer.status == 0 and answer.sent < killed_at]
        in_flight_kept = sum(
            (answer.symbol, answer.client_id) in store.client_ids for answer in in_flight
        )
        print(
            f"\napi crash: {len(answers)} requests, answered {tally(answers)}; at the kill "
            f"{len(in_flight)} requests were in flight through the killed api, "
            f"{sum(a.kind == 'place' for a in in_flight)} of them orders, {in_flight_kept} of "
            f"which kept whole; of the {len(unanswered)} orders sent through it without an "
            f"answer, {len(kept)} kept whole and {len(unanswered) - len(kept)} absent; "
            f"{len(placed)} orders and {len(canceled)} cancels acknowledged, "
            f"{len(store.trades)} trades, {recorded} command answers recorded; tracebacks "
            f"{deployment.tracebacks()}; {time.monotonic() - began:.0f} s"
        )
        wrong = [
            answer
            for trader in traders
            for answer in trader.answers
            if not acceptable(answer) and not (trader in on_killed and answer.status == 0)
        ]
        assert not wrong, f"{len(wrong)} wrong answers: {wrong[:5]}\n{deployment.log_tails()}"
        assert in_flight, "the kill found no request in flight: the test proved nothing"
        assert not problems, "\n".join(problems[:30])
        assert not applied_twice, "\n".join(applied_twice[:30])
        assert not half_applied, "\n".join(half_applied[:30])
