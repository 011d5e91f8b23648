"""PostgreSQL restarted under load: ~100 signed orders/s and steady reads while the database
stops for 3 s and starts again. While it is down every request answers at once (< 3 s) with
503 and {"code": -1001}; once it is back the service recovers by itself within seconds; and
the audit of `tests.reliability.audit` finds everything acknowledged kept and the money
right. This restarts the machine's PostgreSQL, which disturbs anyone else using it: run it on
purpose, not in a loop."""

import subprocess
import threading
import time
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from attrs import frozen

from tests.reliability.audit import audit
from tests.reliability.flow import FUNDS, MARKETS, Answer, Trader, Workers, call
from tests.reliability.server import (
    Account,
    ExchangeProcess,
    SignedSession,
    open_account,
    server_environment,
)

SEED = 7
TRADERS = 4
ORDERS_PER_TRADER_S = 25.0
READS_PER_S = 20.0
LOAD_BEFORE_S = 5.0
OUTAGE_S = 3.0
ANSWER_WITHIN_S = 3.0
RECOVER_WITHIN_S = 10.0
LOAD_AFTER_RECOVERY_S = 3.0
LEASE_GRACE_S = 2.0  # after the stop, a depth may still come from a book whose lease lives


def postgres(action: str) -> None:
    version = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version.split()[0], "main", action]
    subprocess.run(command, check=True, timeout=60, capture_output=True)


@frozen
class Outage:
    """When, by time.monotonic(), PostgreSQL began to stop, was down, began to start, was up."""

    stopping: float
    stopped: float
    restarting: float
    started: float

    def saw(self, answer: Answer) -> bool:
        """Whether the request was sent and answered while PostgreSQL was down."""
        return self.stopped < answer.sent and answer.sent + answer.seconds < self.restarting


def restart_postgres() -> Outage:
    stopping = time.monotonic()
    postgres("stop")
    stopped = time.monotonic()
    time.sleep(OUTAGE_S)
    restarting = time.monotonic()
    postgres("start")
    return Outage(stopping, stopped, restarting, time.monotonic())


def ensure_postgres_running() -> None:
    try:
        postgres("status")
    except subprocess.CalledProcessError:
        postgres("start")


def read(base_url: str, account: Account, stopping: threading.Event, answers: list[Answer]) -> None:
    """Depth of each market (the live book) and the account's open orders (the store)."""
    session = SignedSession(base_url, account, 10)
    began, sent = time.monotonic(), 0
    try:
        while not stopping.is_set():
            time.sleep(max(0.0, began + sent / READS_PER_S - time.monotonic()))
            symbol = list(MARKETS)[sent % len(MARKETS)]
            if sent % 2:
                send = partial(session.request, "GET", "/api/v3/openOrders", symbol=symbol)
                answer, _ = call("open_orders", symbol, send)
            else:
                depth: dict[str, str | int] = {"symbol": symbol, "limit": 100}
                send = partial(session.client.get, "/api/v3/depth", params=depth)
                answer, _ = call("depth", symbol, send)
            answers.append(answer)
            sent += 1
    finally:
        session.close()


def recovery_seconds(answers: list[Answer], since: float) -> dict[str, float]:
    """For each market, how long after `since` its first order was acknowledged."""
    first: dict[str, float] = {}
    for answer in answers:
        if answer.kind == "place" and answer.status == 200 and answer.sent > since:
            done = answer.sent + answer.seconds - since
            first[answer.symbol] = min(first.get(answer.symbol, done), done)
    return first


def misanswered(answers: list[Answer], outage: Outage) -> list[Answer]:
    """Answers that are not what a client should get from a server that lost its database:
    a 5xx other than 503 -1001, or a stack trace, at any time; while the database is down,
    anything but 503 -1001 (a depth may still come from the live book while its lease lives)."""
    wrong = []
    for answer in answers:
        unavailable = (answer.status, answer.code) == (503, -1001)
        if (answer.status >= 500 and not unavailable) or "Traceback" in answer.body:
            wrong.append(answer)
        elif outage.saw(answer):
            lease_lives = answer.sent < outage.stopped + LEASE_GRACE_S
            from_live_book = answer.kind == "depth" and lease_lives
            if not unavailable and not (from_live_book and answer.status == 200):
                wrong.append(answer)
    return wrong


@pytest.mark.reliability
@pytest.mark.alone
def test_database_restart(database_url: str, redis_url: str, tmp_path: Path) -> None:
    began = time.monotonic()
    environment = server_environment(database_url, redis_url)
    try:
        with ExchangeProcess(environment, tmp_path / "server.log") as server:
            server.wait_serving(list(MARKETS))
            accounts = [
                open_account(server.base_url, f"restart{n}@example.com", FUNDS)
                for n in range(TRADERS)
            ]
            stopping = threading.Event()
            traders = [
                Trader(server.base_url, account, SEED + n, stopping, ORDERS_PER_TRADER_S)
                for n, account in enumerate(accounts)
            ]
            symbols = set(traders[0].symbols)
            reads: list[Answer] = []
            workers = Workers()
            for trader in traders:
                workers.start(trader.run)
            workers.start(lambda: read(server.base_url, accounts[0], stopping, reads))
            try:
                time.sleep(LOAD_BEFORE_S)
                outage = restart_postgres()
                deadline = outage.restarting + RECOVER_WITHIN_S
                while time.monotonic() < deadline:
                    answers = [a for trader in traders for a in trader.answers]
                    if recovery_seconds(answers, outage.restarting).keys() == symbols:
                        break
                    time.sleep(0.1)
                time.sleep(LOAD_AFTER_RECOVERY_S)
            finally:
                stopping.set()
                workers.join(timeout=15)
            answers = reads + [a for trader in traders for a in trader.answers]
            recovery = recovery_seconds(answers, outage.restarting)
            server.wait_serving(list(MARKETS))
            placed = [ack for trader in traders for ack in trader.placed]
            canceled = [ack for trader in traders for ack in trader.canceled]
            store, problems = audit(database_url, server.base_url, placed, canceled)
            down = [answer for answer in answers if outage.saw(answer)]
            answered = Counter(f"{a.kind} {a.status}" for a in down)
            print(
                f"\ndatabase restart: {len(answers)} requests, {len(placed)} orders and "
                f"{len(canceled)} cancels acknowledged, {len(store.trades)} trades; PostgreSQL "
                f"stopped in {outage.stopped - outage.stopping:.1f} s, down "
                f"{outage.restarting - outage.stopped:.1f} s, started in "
                f"{outage.started - outage.restarting:.1f} s; {len(down)} requests while down, "
                f"answered {dict(sorted(answered.items()))}, slowest in "
                f"{max((a.seconds for a in down), default=0):.2f} s; orders acknowledged again "
                f"{', '.join(f'{s} {t:.1f} s' for s, t in sorted(recovery.items()))} after the "
                f"start began; {server.tracebacks()} tracebacks logged; "
                f"{time.monotonic() - began:.0f} s"
            )
            wrong = misanswered(answers, outage)
            slow = [a for a in answers if a.seconds > ANSWER_WITHIN_S]
            assert not wrong, f"{len(wrong)} wrong answers, the first: {wrong[:5]}"
            assert not slow, f"{len(slow)} answers slower than {ANSWER_WITHIN_S} s: {slow[:5]}"
            recovered = {s for s, seconds in recovery.items() if seconds < RECOVER_WITHIN_S}
            assert recovered == symbols, (
                f"orders still fail {RECOVER_WITHIN_S} s after PostgreSQL's start began "
                f"(recovered: {recovery})\n{server.log_tail()}"
            )
            assert not problems, "\n".join(problems[:30])
    finally:
        ensure_postgres_running()
