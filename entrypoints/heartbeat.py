"""Every process of the exchange beats every few seconds: its role, where it runs, and its own
measures (`application.metrics`), with the counted ones also as their rate over the last
minute and the command bus's lag in an engine. The admin console's system view reads the
beats of every process, from the same sources as `/metrics`."""

import asyncio
import os
import secrets
import socket
from collections import deque

from attrs import define, field

from application import metrics
from application.messaging_ports import Processes
from application.ports import Clock
from application.records import ProcessBeat
from entrypoints.container import Container

BEAT_MS = 2_000
LAPSES_MS = 3 * BEAT_MS  # a process missing three beats is gone
MINUTE_MS = 60_000


@define
class Heartbeat:
    container: Container
    processes: Processes
    clock: Clock
    role: str
    process_id: str = field(
        factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"
    )
    started_at: int = 0
    _history: deque[tuple[int, dict[str, float]]] = field(factory=deque, init=False)

    async def run(self) -> None:
        self.started_at = self.clock.now()
        while True:
            await self.processes.beat(self.beat(), LAPSES_MS)
            await asyncio.sleep(BEAT_MS / 1000)

    def beat(self) -> ProcessBeat:
        now = self.clock.now()
        measured = metrics.measures()
        self._history.append((now, measured))
        while self._history[0][0] < now - MINUTE_MS:
            self._history.popleft()
        first = self._history[0][1]
        for counted in metrics.COUNTED:
            measured[f"{counted}_per_minute"] = measured[counted] - first[counted]
        lags = [consumer.lag_s for consumer in self.container.command_consumers()]
        measured["bus_lag_seconds"] = max(lags, default=0.0)
        host, pid = socket.gethostname(), os.getpid()
        return ProcessBeat(self.process_id, self.role, host, pid, self.started_at, now, measured)
