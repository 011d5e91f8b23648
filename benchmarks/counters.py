"""What a deployment spends over a measured window, from the processes' own counters: the CPU
time (utime + stime in /proc/<pid>/stat) of each of its processes, of the PostgreSQL backends
serving its database and of this client; the machine's busy time (/proc/stat) and CPU pressure
(/proc/pressure/cpu), which show how much of it others took meanwhile; and the database's
transactions (pg_stat_database)."""

import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from benchmarks.deployment import Deployment

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
BACKENDS = """SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()"""
TRANSACTIONS = """SELECT xact_commit + xact_rollback, pg_postmaster_start_time()
                  FROM pg_stat_database WHERE datname = current_database()"""


class DatabaseRestarted(Exception):
    """The shared PostgreSQL server restarted during a measured window, or is restarting
    (someone else's test)."""


def cpu_seconds(pid: int) -> float | None:
    """None once the process has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def machine_busy_seconds() -> float:
    """CPU time of every process of the machine: all but idle and iowait, summed over cores."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_S


def waiting_for_cpu_s() -> float:
    """How long, in all, some runnable process waited for a core (Linux pressure stall
    information): over a window, the share of it in which the machine was oversubscribed."""
    some = Path("/proc/pressure/cpu").read_text().split("\n", 1)[0]
    return int(some.rsplit("total=", 1)[1]) / 1e6


@frozen
class Reading:
    at: float
    processes: dict[str, float]  # CPU-seconds by process name
    backends: dict[int, float]  # CPU-seconds by PostgreSQL backend pid
    machine: float
    waiting_for_cpu: float
    transactions: int
    database_started: datetime | None


class Counters:
    def __init__(self, deployment: Deployment) -> None:
        self.processes = deployment.processes | {"client": os.getpid()}
        url = deployment.database_url
        self.database = create_async_engine(url, poolclass=NullPool) if url else None

    async def read(self) -> Reading:
        backends: dict[int, float] = {}
        transactions, started = 0, None
        if self.database is not None:
            try:
                async with self.database.connect() as connection:
                    pids = (await connection.execute(text(BACKENDS))).scalars().all()
                    found = {pid: cpu_seconds(pid) for pid in pids}
                    backends = {pid: used for pid, used in found.items() if used is not None}
                    transactions, started = (await connection.execute(text(TRANSACTIONS))).one()
            except (OSError, DBAPIError) as error:
                raise DatabaseRestarted() from error
        processes = {name: cpu_seconds(pid) or 0.0 for name, pid in self.processes.items()}
        machine, waiting = machine_busy_seconds(), waiting_for_cpu_s()
        return Reading(
            time.perf_counter(), processes, backends, machine, waiting, transactions, started
        )

    async def close(self) -> None:
        if self.database is not None:
            await self.database.dispose()


def spent(before: Reading, after: Reading, orders: int) -> dict[str, Any]:
    """Per role (api1 and api2 are the api role; `postgres` is the database's backends, missing
    any that ended within the window; `machine` is every process of the machine, ours or not):
    CPU-seconds per 1,000 orders placed, and cores kept busy; the share of the window in which
    some process of the machine waited for a core; the database's transactions per 1,000
    orders, as far as its backends have reported them (they do so at most once a second)."""
    if after.database_started != before.database_started:
        # Someone else restarted the shared server: the window's figures mean nothing.
        raise DatabaseRestarted()
    cpu: dict[str, float] = {}
    for name, used in after.processes.items():
        role = re.sub(r"\d+$", "", name)
        cpu[role] = cpu.get(role, 0.0) + used - before.processes[name]
    if after.backends:
        backends = after.backends.items()
        cpu["postgres"] = sum(used - before.backends.get(pid, 0.0) for pid, used in backends)
    cpu["machine"] = after.machine - before.machine
    per_1k = 1000 / max(orders, 1)
    seconds = after.at - before.at
    result: dict[str, Any] = {
        "cpu_s_per_1k_orders": {role: round(used * per_1k, 3) for role, used in cpu.items()},
        "cores": {role: round(used / seconds, 2) for role, used in cpu.items()},
        "cpu_pressure": round((after.waiting_for_cpu - before.waiting_for_cpu) / seconds, 2),
    }
    if after.database_started is not None:
        transactions = after.transactions - before.transactions
        result["transactions_per_1k_orders"] = round(transactions * per_1k)
    return result
