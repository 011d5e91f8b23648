"""Native money endpoints: portfolio, statements, the demo faucet, and the operator's deposits
and withdrawals (Binance has none of these in its spot API)."""

import csv
import io
from enum import Enum
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from msgspec import Struct

from application.funds import Funds
from application.records import StatementLine
from domain.assets import Asset
from domain.errors import UnknownAsset
from entrypoints.api.errors import ApiError, illegal
from entrypoints.api.gate import Caller, Gate
from entrypoints.api.params import Params
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
DEFAULT_VALUATION = "USDT"


class StatementFormat(Enum):
    JSON = "json"
    CSV = "csv"


class HoldingView(Struct):
    asset: str
    free: str
    locked: str
    total: str
    price: str | None
    value: str | None


class PortfolioView(Struct):
    asset: str
    total: str
    holdings: list[HoldingView]


class StatementLineView(Struct, rename="camel"):
    entry_id: int
    time: int
    kind: str
    reference: str
    asset: str
    available_change: str
    locked_change: str
    available: str
    locked: str

    @classmethod
    def of(cls, line: StatementLine, asset: Asset) -> "StatementLineView":
        return cls(
            line.entry_id, line.timestamp, line.kind, line.reference, line.asset,
            asset.format(line.available_change), asset.format(line.locked_change),
            asset.format(line.available), asset.format(line.locked),
        )  # fmt: skip


class AmountView(Struct):
    asset: str
    amount: str


def asset_of(funds: Funds, code: str) -> Asset:
    asset = funds.exchange.assets.get(code)
    if asset is None:
        raise UnknownAsset(f"Unknown asset {code!r}.")
    return asset


def statement_csv(lines: list[StatementLineView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(field.encode_name for field in msgspec.structs.fields(StatementLineView))
    writer.writerows(msgspec.structs.astuple(line) for line in lines)
    return out.getvalue()


async def json_or_signed(request: AnyRequest, gate: Gate) -> Caller:
    """A bearer call with a JSON object of string parameters, or any call `Gate.private`
    takes (signed, or bearer with form parameters)."""
    is_json = "json" in request.headers.get("content-type", "")
    if not is_json or "x-mbx-apikey" in request.headers:
        return await gate.private(request)
    account_id = await gate.user(request)
    try:
        fields = msgspec.json.decode(await request.body(), type=dict[str, str])
    except msgspec.DecodeError as error:
        raise ApiError(-1100, f"Malformed request body: {error}") from None
    return Caller(account_id, Params(list(fields.items())))


class WalletController(Controller):
    path = "/api/v1"
    tags = ["Wallet"]

    @get("/portfolio", operation_id="portfolio", operation_class=documented(reference.PORTFOLIO))
    async def portfolio(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> PortfolioView:
        caller = await services.gate.private(request, 5)
        code = caller.params.text("asset") or DEFAULT_VALUATION
        caller.params.check_all_read()
        in_asset = asset_of(services.portfolio.funds, code)
        valuation = await services.portfolio.value(caller.account_id, code)
        assets = services.portfolio.funds.exchange.assets

        def amount(minor: int | None) -> str | None:
            return None if minor is None else in_asset.format(minor)

        holdings = [
            HoldingView(
                holding.asset,
                assets[holding.asset].format(holding.balance.available),
                assets[holding.asset].format(holding.balance.locked),
                assets[holding.asset].format(holding.balance.total),
                amount(holding.price),
                amount(holding.value),
            )
            for holding in valuation.holdings
        ]
        return PortfolioView(code, in_asset.format(valuation.total), holdings)

    @get("/statements", operation_id="statements", operation_class=documented(reference.STATEMENTS))
    async def statements(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Response[Any]:
        caller = await services.gate.private(request, 10)
        params = caller.params
        code = params.text("asset")
        start = params.integer("startTime", minimum=0)
        end = params.integer("endTime", minimum=0)
        kind = params.choice("format", StatementFormat, illegal("format", "json|csv"))
        params.check_all_read()
        if code is not None:
            asset_of(services.funds, code)
        lines = [
            StatementLineView.of(line, services.funds.exchange.assets[line.asset])
            for line in await services.funds.statement(caller.account_id, code, start, end)
        ]
        if kind is StatementFormat.CSV:
            return Response(
                statement_csv(lines),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="statement.csv"'},
            )
        return Response(lines)

    @post(
        "/faucet",
        operation_id="faucet",
        operation_class=documented(reference.FAUCET),
        status_code=200,
    )
    async def faucet(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> AmountView:
        caller = await json_or_signed(request, services.gate)
        code = caller.params.required_text("asset")
        amount = caller.params.decimal("amount", required=True)
        caller.params.check_all_read()
        assert amount is not None
        await services.funds.faucet(caller.account_id, code, amount)
        asset = services.funds.exchange.assets[code]
        return AmountView(code, asset.format(asset.to_minor(amount)))
