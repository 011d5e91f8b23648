"""The audit log, read by admins: every admin act with who, what, when and why, newest first.
No route changes or deletes an entry."""

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from entrypoints.api.admin_guard import admit
from entrypoints.api.reference import admin as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
Json = dict[str, Any]
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class AdminAuditController(Controller):
    path = "/api/v1/admin"
    tags = ["Admin"]

    @get("/audit", operation_id="adminAuditLog", operation_class=documented(reference.AUDIT))
    async def audit(self, request: AnyRequest, services: NamedDependency[Services]) -> list[Json]:
        await admit(request, services)
        params = services.gate.query(request)
        actor, act = params.text("actor"), params.text("act")
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        before_id = params.integer("beforeId", minimum=1)
        limit = params.integer("limit", minimum=1, maximum=MAX_LIMIT) or DEFAULT_LIMIT
        params.check_all_read()
        entries = await services.operators.audit(actor, act, start, end, before_id, limit)
        return [
            {
                "id": entry.entry_id, "time": entry.at, "actor": entry.actor, "act": entry.act,
                "params": entry.params, "reason": entry.reason,
            }
            for entry in entries
        ]  # fmt: skip

    @get("/operator", operation_id="adminOperator", operation_class=documented(reference.OPERATOR))
    async def operator(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        """Who the caller acts as: what the console asks before showing anything."""
        return {"actor": await admit(request, services)}
