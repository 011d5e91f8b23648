"""Who may act as an operator: a user with the admin role whose login passed two-factor
authentication (a bearer access token), or a machine holding the shared admin token
(`X-Admin-Token`), recorded in the audit log as "token". Every admin act states its reason."""

import secrets
from typing import Annotated, Any

from litestar import Request
from msgspec import Meta, Struct

from application.operators import TOKEN_ACTOR
from entrypoints.api.errors import ApiError
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
ADMIN_TOKEN_HEADER = "x-admin-token"
Reason = Annotated[str, Meta(min_length=1, max_length=256)]


class Reasoned(Struct, forbid_unknown_fields=True):
    """The body of an admin act that takes nothing but why it is done."""

    reason: Reason


async def admit(request: AnyRequest, services: Services, token_accepted: bool = False) -> str:
    """The actor an admin act is recorded under, or a refusal: 401 without credentials, 403
    for a user who is not an admin or has no two-factor authentication. The admin token is
    `token_accepted` for the acts a machine does (deposits and withdrawals seen outside) and
    refused for the others, which a person answers for."""
    await services.gate.charge(request, 1)
    sent = request.headers.get(ADMIN_TOKEN_HEADER)
    if sent is not None:
        token = services.admin_token
        if not token_accepted:
            raise ApiError(-1002, "This act needs an admin's login, not the admin token.", 403)
        if token is None:
            raise ApiError(-1002, "The admin token is disabled on this exchange.", 403)
        if not secrets.compare_digest(sent.encode(), token.encode()):
            raise ApiError(-1002, "You are not authorized to execute this request.", 401)
        return TOKEN_ACTOR
    authorization = request.headers.get("authorization", "")
    if not authorization.lower().startswith("bearer "):
        raise ApiError(-1002, "You are not authorized to execute this request.", 401)
    user_id = await services.accounts.user_of_token(authorization[7:].strip())
    return await services.operators.actor(user_id)
