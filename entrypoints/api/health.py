"""Health: live while the process answers, ready while its stores answer too. Served on every
role's port, for the load balancer and the container's own check."""

from litestar import Response, get
from litestar.di import NamedDependency

from application.errors import Unavailable
from entrypoints.container import Container


@get("/health/live", operation_id="live", tags=["Health"], include_in_schema=False)
async def live() -> dict[str, str]:
    return {"status": "live"}


@get("/health/ready", operation_id="ready", tags=["Health"], include_in_schema=False)
async def ready(container: NamedDependency[Container]) -> Response[dict[str, str]]:
    try:
        async with container.unit_of_work()() as uow:
            await uow.leases.sequence("")
        if container.config.adapters() != "memory":
            await container.redis().ping()
    except (Unavailable, OSError) as error:
        return Response({"status": "unavailable", "reason": str(error)}, status_code=503)
    return Response({"status": "ready"})


HEALTH_ROUTES = [live, ready]
