"""The operator's money movements: deposits and withdrawals seen outside the exchange, entered
by the holder of the admin token."""

import secrets
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from msgspec import Meta, Struct

from application.funds import Funds
from entrypoints.api.errors import ApiError
from entrypoints.api.gate import Gate
from entrypoints.api.params import DECIMAL_RANGE
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]


class Transfer(Struct, rename="camel", forbid_unknown_fields=True):
    user_id: Annotated[int, Meta(ge=1)]
    asset: str
    amount: Annotated[str, Meta(pattern=DECIMAL_RANGE)]
    reference: Annotated[str, Meta(min_length=1, max_length=64)]


class TransferView(Struct, rename="camel"):
    user_id: int
    asset: str
    amount: str


class AdminController(Controller):
    """The operator's money movements, for a real deposit or withdrawal seen elsewhere. Each
    is made once per `reference`: a retry answers as the first did and changes nothing, and a
    reference already used for another transfer is refused with 409."""

    path = "/api/v1/admin"
    tags = ["Admin"]

    @post(
        "/deposits",
        operation_id="adminDeposit",
        operation_class=documented(reference.DEPOSIT),
        status_code=200,
    )
    async def deposit(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Transfer],
    ) -> TransferView:
        await admit(request, services.gate, services.admin_token)
        await services.funds.deposit(data.user_id, data.asset, Decimal(data.amount), data.reference)
        return transferred(services.funds, data)

    @post(
        "/withdrawals",
        operation_id="adminWithdrawal",
        operation_class=documented(reference.WITHDRAWAL),
        status_code=200,
    )
    async def withdraw(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Transfer],
    ) -> TransferView:
        await admit(request, services.gate, services.admin_token)
        await services.funds.withdraw(
            data.user_id, data.asset, Decimal(data.amount), data.reference
        )
        return transferred(services.funds, data)


async def admit(request: AnyRequest, gate: Gate, admin_token: str | None) -> None:
    """Lets through the holder of the configured admin token, and nobody if there is none."""
    await gate.charge(request, 1)
    if admin_token is None:
        raise ApiError(-1002, "The admin endpoints are disabled on this exchange.", 403)
    sent = request.headers.get("x-admin-token", "")
    if not secrets.compare_digest(sent.encode(), admin_token.encode()):
        raise ApiError(-1002, "You are not authorized to execute this request.", 401)


def transferred(funds: Funds, data: Transfer) -> TransferView:
    asset = funds.exchange.assets[data.asset]
    return TransferView(data.user_id, data.asset, asset.format(asset.to_minor(data.amount)))
