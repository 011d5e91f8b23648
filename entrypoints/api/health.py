"""Health: live while the process answers; ready while its stores answer too and, in a process
that runs engines, while each engine runs its market or stands by with no more than
`LAGGING_COMMANDS` waiting and reads its commands off the bus within `LAGGING_BUS_S` of their
sending; and, in a process that relays the outbox, while its relay has caught up within
`LAGGING_RELAY_S`. Served on every role's port, for the load balancer and the container's own
check."""

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler

from adapters.redis.client import UNREACHABLE
from application.errors import Unavailable
from entrypoints.api.reference import health as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.container import Container

LIVE = "/health/live"
READY = "/health/ready"
LAGGING_COMMANDS = 2048  # eight full batches waiting: the engine falls behind its market
LAGGING_BUS_S = 1.0  # ten times the p99 an order's answer should take, spent before reading it
LAGGING_RELAY_S = 5.0  # streams and market data that far behind the commits


def health_routes(container: Container) -> list[HTTPRouteHandler]:
    @get(LIVE, operation_id="live", operation_class=documented(reference.LIVE), tags=["Health"])
    async def live() -> dict[str, str]:
        return {"status": "live"}

    @get(READY, operation_id="ready", operation_class=documented(reference.READY), tags=["Health"])
    async def ready() -> Response[dict[str, str]]:
        try:
            async with container.unit_of_work()() as uow:
                await uow.leases.sequence("")
            if container.config.adapters() != "memory":
                await container.redis().ping()
        except (Unavailable, *UNREACHABLE) as error:
            return Response({"status": "unavailable", "reason": str(error)}, status_code=503)
        reason = lagging(container)
        if reason:
            return Response({"status": "unavailable", "reason": reason}, status_code=503)
        return Response({"status": "ready"})

    return [live, ready]


def lagging(container: Container) -> str:
    """What of this process's work has fallen behind, or "" when nothing has."""
    engines = [
        symbol
        for symbol, engine in container.engines().items()
        if not engine.running or engine.queued > LAGGING_COMMANDS
    ]
    if engines:
        return f"engines stopped or behind: {', '.join(engines)}"
    bus = [
        f"{consumer.symbol} {consumer.lag_s:.1f} s"
        for consumer in container.command_consumers()
        if consumer.lag_s > LAGGING_BUS_S
    ]
    if bus:
        return f"commands read late: {', '.join(bus)}"
    relay = container.relay()
    if relay.behind_s > LAGGING_RELAY_S:
        return f"outbox relay behind by {relay.behind_s:.1f} s"
    return ""
