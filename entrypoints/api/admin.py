"""The operator's money movements: deposits and withdrawals seen outside the exchange, entered
by an admin or by the machine holding the admin token, each with its reason, audited."""

from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from msgspec import Meta, Struct

from application.funds import Funds
from entrypoints.api.admin_guard import Reason, admit
from entrypoints.api.params import BIGINT, DECIMAL_RANGE
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
# An account's id, within PostgreSQL's bigint (beyond it the store could not even look).
AccountId = Annotated[int, Meta(ge=1, le=BIGINT[1])]


class Transfer(Struct, rename="camel", forbid_unknown_fields=True):
    user_id: AccountId
    asset: str
    amount: Annotated[str, Meta(pattern=DECIMAL_RANGE)]
    reference: Annotated[str, Meta(min_length=1, max_length=64)]
    reason: Reason


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
        actor = await admit(request, services, token_accepted=True)
        await services.funds.deposit(data.user_id, data.asset, Decimal(data.amount), data.reference)
        return await transferred(services, actor, "funds.deposit", data)

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
        actor = await admit(request, services, token_accepted=True)
        await services.funds.withdraw(
            data.user_id, data.asset, Decimal(data.amount), data.reference
        )
        return await transferred(services, actor, "funds.withdrawal", data)


async def transferred(services: Services, actor: str, act: str, data: Transfer) -> TransferView:
    """The transfer as made, recorded in the audit log."""
    funds: Funds = services.funds
    asset = funds.exchange.assets[data.asset]
    view = TransferView(data.user_id, data.asset, asset.format(asset.to_minor(data.amount)))
    params = {
        "userId": str(view.user_id), "asset": view.asset, "amount": view.amount,
        "reference": data.reference,
    }  # fmt: skip
    await services.operators.record(actor, act, params, data.reason)
    return view
