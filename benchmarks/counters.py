"""What a deployment spends over a measured window, from the processes' own counters: the CPU
time of each of its processes with their children (/proc/<pid>/stat; for PostgreSQL, the
postmaster with its backends, those that ended included) and of this client; the machine's busy
time (/proc/stat) and CPU pressure (/proc/pressure/cpu), which show how much of it others took
meanwhile; and the database's transactions (pg_stat_database)."""

import os
import re
import time
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from benchmarks.deployment import Deployment

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
TRANSACTIONS = """SELECT xact_commit + xact_rollback FROM pg_stat_database
                  WHERE datname = current_database()"""


def cpu_seconds(pid: int, children: bool = True) -> float:
    """The process's CPU time, with its children's unless told otherwise: those running (and
    theirs), and those that ended and were waited for. Zero once it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        running = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):  # a process that ended as it was read
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
    utime, stime, ended_utime, ended_stime = (int(field) for field in fields[11:15])
    if not children:
        return (utime + stime) / TICKS_PER_S
    ended = (ended_utime + ended_stime) / TICKS_PER_S
    return (utime + stime) / TICKS_PER_S + ended + sum(cpu_seconds(int(pid)) for pid in running)


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
    machine: float
    waiting_for_cpu: float
    transactions: int | None


class Counters:
    def __init__(self, deployment: Deployment) -> None:
        self.processes = deployment.processes
        url = deployment.database_url
        self.database = create_async_engine(url, poolclass=NullPool) if url else None

    async def read(self) -> Reading:
        transactions = None
        if self.database is not None:
            async with self.database.connect() as connection:
                transactions = (await connection.execute(text(TRANSACTIONS))).scalar_one()
        processes = {name: cpu_seconds(pid) for name, pid in self.processes.items()}
        # This client's children are the deployment's processes, counted above.
        processes["client"] = cpu_seconds(os.getpid(), children=False)
        machine, waiting = machine_busy_seconds(), waiting_for_cpu_s()
        return Reading(time.perf_counter(), processes, machine, waiting, transactions)

    async def close(self) -> None:
        if self.database is not None:
            await self.database.dispose()


def spent(before: Reading, after: Reading, orders: int) -> dict[str, Any]:
    """Per role (api1 and api2 are the api role; `machine` is every process of the machine,
    ours or not): CPU-seconds per 1,000 orders placed, and cores kept busy; the share of the
    window in which some process of the machine waited for a core; the database's transactions
    per 1,000 orders, as far as its backends have reported them (at most once a second)."""
    cpu: dict[str, float] = {}
    for name, used in after.processes.items():
        role = re.sub(r"\d+$", "", name)
        cpu[role] = cpu.get(role, 0.0) + used - before.processes[name]
    cpu["machine"] = after.machine - before.machine
    per_1k = 1000 / max(orders, 1)
    seconds = after.at - before.at
    result: dict[str, Any] = {
        "cpu_s_per_1k_orders": {role: round(used * per_1k, 3) for role, used in cpu.items()},
        "cores": {role: round(used / seconds, 2) for role, used in cpu.items()},
        "cpu_pressure": round((after.waiting_for_cpu - before.waiting_for_cpu) / seconds, 2),
    }
    if after.transactions is not None and before.transactions is not None:
        result["transactions_per_1k_orders"] = round(
            (after.transactions - before.transactions) * per_1k
        )
    return result
