"""The operator's acts on markets: halting one in an incident, breaking it for maintenance,
letting traders only cancel, and opening it again, by an admin, audited."""

from typing import Any

from litestar import Controller, Request, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Struct

from domain.market_status import MarketStatus
from entrypoints.api.admin_guard import Reason, admit
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]


class StatusChange(Struct, forbid_unknown_fields=True):
    status: MarketStatus
    reason: Reason


class StatusView(Struct):
    symbol: str
    status: MarketStatus
    reason: str
    time: int


class AdminMarketsController(Controller):
    path = "/api/v1/admin/markets"
    tags = ["Admin"]

    @put(
        "/{symbol:str}/status",
        operation_id="adminSetMarketStatus",
        operation_class=documented(reference.SET_MARKET_STATUS),
        status_code=200,
    )
    async def set_status(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        symbol: FromPath[str],
        data: JSONBody[StatusChange],
    ) -> StatusView:
        actor = await admit(request, services)
        changed = await services.market_admin.set_status(symbol, data.status, data.reason)
        params = {"symbol": changed.symbol, "status": changed.status.value}
        await services.operators.record(actor, "market.status", params, data.reason)
        return StatusView(changed.symbol, changed.status, changed.reason, changed.timestamp)
