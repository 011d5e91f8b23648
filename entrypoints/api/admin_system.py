"""The system view of the admin console: each role's processes with their measures (request
and error rates, outbox backlog and lag, stream connections, the command bus's lag), and
which engine holds each market's lease since when."""

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from entrypoints.api.admin_guard import admit
from entrypoints.api.reference import admin as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
Json = dict[str, Any]


class AdminSystemController(Controller):
    path = "/api/v1/admin"
    tags = ["Admin"]

    @get("/system", operation_id="adminSystem", operation_class=documented(reference.SYSTEM))
    async def system(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        await admit(request, services)
        state = await services.system_view.read()
        return {
            "time": state.time,
            "processes": [
                {
                    "processId": beat.process_id, "role": beat.role, "host": beat.host,
                    "pid": beat.pid, "startedAt": beat.started_at, "seenAt": beat.seen_at,
                    "measures": beat.measures,
                }
                for beat in state.processes
            ],
            "markets": [
                {
                    "symbol": run.symbol,
                    "status": run.status.value,
                    "lease": None if run.lease is None else {
                        "owner": run.lease.owner, "epoch": run.lease.epoch,
                        "heldSince": run.lease.held_since, "expiresAt": run.lease.expires_at,
                        "sequence": run.lease.sequence,
                    },
                }
                for run in state.markets
            ],
        }  # fmt: skip
