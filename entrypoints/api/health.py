"""Health: live while the process answers; ready while its stores answer too and, in a process
that runs engines, while each engine runs its market or stands by with no more than
`LAGGING_COMMANDS` waiting. Served on every role's port, for the load balancer and the
container's own check."""

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
        behind = [
            symbol
            for symbol, engine in container.engines().items()
            if not engine.running or engine.queued > LAGGING_COMMANDS
        ]
        if behind:
            reason = f"engines stopped or behind: {', '.join(behind)}"
            return Response({"status": "unavailable", "reason": reason}, status_code=503)
        return Response({"status": "ready"})

    return [live, ready]
