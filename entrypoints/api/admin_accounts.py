"""The operator's view of accounts and their freezes: find an account by email or id, with its
balances, open orders and freeze; freeze it (orders refused and cancelled, streams closed, API
keys suspended, logins refused) and unfreeze it (its keys work again), audited."""

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Struct

from application.errors import NotFound
from entrypoints.api import formats
from entrypoints.api.admin_guard import Reasoned, admit
from entrypoints.api.errors import ApiError
from entrypoints.api.params import BIGINT, INTEGER
from entrypoints.api.reference import admin as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services
from entrypoints.api.user_stream import BEARER_OWNER

AnyRequest = Request[Any, Any, Any]
Json = dict[str, Any]
DEFAULT_FOUND = 20
MAX_FOUND = 100


class FreezeView(Struct, rename="camel"):
    user_id: int
    frozen: bool
    reason: str
    canceled_orders: int = 0
    markets_closed: list[str] = []  # msgspec copies a mutable default for each instance


class AdminAccountsController(Controller):
    path = "/api/v1/admin/accounts"
    tags = ["Admin"]

    @get(
        "/search",
        operation_id="adminSearchAccounts",
        operation_class=documented(reference.SEARCH_ACCOUNTS),
    )
    async def search(self, request: AnyRequest, services: NamedDependency[Services]) -> list[Json]:
        """The accounts whose email holds `email`, oldest first."""
        await admit(request, services)
        params = services.gate.query(request)
        fragment = params.required_text("email")
        limit = params.integer("limit", minimum=1, maximum=MAX_FOUND) or DEFAULT_FOUND
        params.check_all_read()
        users = await services.operators.search_users(fragment, limit)
        frozen = await services.account_freezes.frozen_accounts()
        return [
            {"userId": user.user_id, "email": user.email, "createdAt": user.created_at,
             "frozen": user.user_id in frozen}
            for user in users
        ]  # fmt: skip

    @get(
        "",
        operation_id="adminFindAccount",
        operation_class=documented(reference.FIND_ACCOUNT),
    )
    async def find(self, request: AnyRequest, services: NamedDependency[Services]) -> Json:
        """One account, by `email` or `userId`."""
        await admit(request, services)
        params = services.gate.query(request)
        email, user_id = params.text("email"), params.integer("userId", minimum=1)
        params.check_all_read()
        if (email is None) == (user_id is None):
            raise ApiError(-1102, "Send either 'email' or 'userId'.")
        user = await services.operators.find_user(email, user_id)
        if user is None:
            raise NotFound("No such account.")
        return await account_view(services, user.user_id, user.email, user.created_at)

    @post(
        "/{user_id:str}/freeze",
        operation_id="adminFreezeAccount",
        operation_class=documented(reference.FREEZE),
        status_code=200,
    )
    async def freeze(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        user_id: FromPath[str],
        data: JSONBody[Reasoned],
    ) -> FreezeView:
        actor = await admit(request, services)
        account_id = account_in_path(user_id)
        done = await services.account_freezes.freeze(account_id, data.reason)
        # The streams its logins opened end as at a logout.
        await services.user_streams.revoke(f"{BEARER_OWNER}{account_id}")
        params = {"userId": str(account_id), "canceledOrders": str(done.canceled)}
        await services.operators.record(actor, "account.freeze", params, data.reason)
        return FreezeView(account_id, True, done.freeze.reason, done.canceled, done.markets_closed)

    @post(
        "/{user_id:str}/unfreeze",
        operation_id="adminUnfreezeAccount",
        operation_class=documented(reference.UNFREEZE),
        status_code=200,
    )
    async def unfreeze(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        user_id: FromPath[str],
        data: JSONBody[Reasoned],
    ) -> FreezeView:
        actor = await admit(request, services)
        account_id = account_in_path(user_id)
        await services.account_freezes.unfreeze(account_id)
        await services.operators.record(
            actor, "account.unfreeze", {"userId": str(account_id)}, data.reason
        )
        return FreezeView(account_id, False, data.reason)


def account_in_path(user_id: str) -> int:
    """The account a path names: an id within PostgreSQL's bigint, or -1100."""
    if not INTEGER.match(user_id) or not 1 <= int(user_id) <= BIGINT[1]:
        raise ApiError(-1100, f"Illegal value for the account id {user_id!r}.")
    return int(user_id)


async def account_view(services: Services, user_id: int, email: str, created_at: int) -> Json:
    balances = await services.funds.balances(user_id)
    exchange = services.funds.exchange
    orders = await services.history.open_orders(user_id, None)
    freeze = (await services.account_freezes.frozen_accounts()).get(user_id)
    return {
        "userId": user_id,
        "email": email,
        "createdAt": created_at,
        "frozen": None if freeze is None else {"time": freeze.frozen_at, "reason": freeze.reason},
        "balances": [
            {
                "asset": code,
                "free": exchange.assets[code].format(balance.available),
                "locked": exchange.assets[code].format(balance.locked),
            }
            for code, balance in sorted(balances.items())
        ],
        "openOrders": [
            formats.order(exchange.markets[order.symbol].market, order) for order in orders
        ],
    }
