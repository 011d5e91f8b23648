"""The operator's acts on markets: listing an asset or a market and changing a market's filters
and fees; halting one in an incident, breaking it for maintenance, letting traders only cancel,
and opening it again; by an admin, audited."""

from decimal import Decimal
from typing import Any

from litestar import Controller, Request, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Struct

from domain.market_status import MarketStatus
from entrypoints.api.admin_guard import Reason, admit
from entrypoints.api.listing_terms import (
    NewAsset,
    NewListing,
    TermsChange,
    audited,
    listing_view,
)
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


class AssetView(Struct):
    asset: str
    precision: int


@post(
    "/api/v1/admin/assets",
    operation_id="adminListAsset",
    operation_class=documented(reference.LIST_ASSET),
    status_code=200,
    tags=["Admin"],
)
async def list_asset(
    request: AnyRequest, services: NamedDependency[Services], data: JSONBody[NewAsset]
) -> AssetView:
    actor = await admit(request, services)
    asset = await services.market_listing.list_asset(data.asset, data.precision)
    await services.operators.record(actor, "asset.list", audited(data), data.reason)
    return AssetView(asset.code, asset.precision)


class AdminMarketsController(Controller):
    path = "/api/v1/admin/markets"
    tags = ["Admin"]

    @post(
        "",
        operation_id="adminListMarket",
        operation_class=documented(reference.LIST_MARKET),
        status_code=200,
    )
    async def list_market(
        self, request: AnyRequest, services: NamedDependency[Services], data: JSONBody[NewListing]
    ) -> dict[str, Any]:
        actor = await admit(request, services)
        market = await services.market_listing.list_market(
            data.base_asset, data.quote_asset, Decimal(data.tick_size), Decimal(data.step_size),
            data.terms(),
        )  # fmt: skip
        params = {"symbol": market.symbol} | audited(data)
        await services.operators.record(actor, "market.list", params, data.reason)
        return listing_view(market, MarketStatus.TRADING)

    @patch(
        "/{symbol:str}",
        operation_id="adminChangeMarket",
        operation_class=documented(reference.CHANGE_MARKET),
        status_code=200,
    )
    async def change_market(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        symbol: FromPath[str],
        data: JSONBody[TermsChange],
    ) -> dict[str, Any]:
        actor = await admit(request, services)
        market = await services.market_listing.change_market(symbol, data.terms())
        params = {"symbol": market.symbol} | audited(data)
        await services.operators.record(actor, "market.change", params, data.reason)
        statuses = await services.market_data.statuses()
        return listing_view(market, statuses[symbol])

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
