"""The operator's acts on markets: halting one in an incident, breaking it for maintenance,
letting traders only cancel, and opening it again, behind the admin token."""

from typing import Annotated, Any

from litestar import Controller, Request, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from domain.market_status import MarketStatus
from entrypoints.api.admin import admit
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]


class StatusChange(Struct, forbid_unknown_fields=True):
    status: MarketStatus
    reason: Annotated[str, Meta(min_length=1, max_length=256)]


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
        await admit(request, services.gate, services.admin_token)
        changed = await services.market_admin.set_status(symbol, data.status, data.reason)
        return StatusView(changed.symbol, changed.status, changed.reason, changed.timestamp)
