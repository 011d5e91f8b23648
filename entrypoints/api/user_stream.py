"""User data stream keys: /api/v3/userDataStream, Binance's USER_STREAM endpoints, which take
an API key but no signature or timestamp; or, for the web page, its login's access token."""

from typing import Any

from litestar import Controller, Request, delete, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency

from application.user_streams import UnknownListenKey
from entrypoints.api.errors import ApiError
from entrypoints.api.gate import client_address, form_body, query_string, rejected_key
from entrypoints.api.params import Params
from entrypoints.api.reference import account as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]
WEIGHT = 2
UNSIGNED = ("timestamp", "recvWindow", "signature")
"""What a client that signs everything may send along; a USER_STREAM endpoint ignores it."""


BEARER_OWNER = "bearer:"  # + account id: what opens a stream with a login's access token


async def stream_owner(request: AnyRequest, services: Services) -> tuple[str, int, Params]:
    """Who opens the stream: the request's API key or, with a bearer access token, the
    account's logins (a logout ends what any of them opened); its account; and the request's
    parameters."""
    await services.gate.charge(request, WEIGHT)
    api_key = request.headers.get("x-mbx-apikey")
    authorization = request.headers.get("authorization", "")
    if not api_key and authorization.lower().startswith("bearer "):
        account_id = await services.accounts.user_of_token(authorization[7:].strip())
        owner = f"{BEARER_OWNER}{account_id}"
    elif not api_key:
        raise ApiError(-2014, "API-key format invalid.", 401)
    else:
        key = await services.accounts.api_key(api_key)
        if key is None or not key.allows(client_address(request)):
            raise rejected_key()
        owner, account_id = key.api_key, key.user_id
    params = Params.parse(query_string(request), await form_body(request))
    params.ignore(*UNSIGNED)
    return owner, account_id, params


def unknown_key() -> ApiError:
    return ApiError(-1125, "This listenKey does not exist.")


class UserStreamController(Controller):
    path = "/api/v3/userDataStream"
    tags = ["User data stream"]

    @post(
        operation_id="createUserDataStream",
        operation_class=documented(reference.OPEN_USER_STREAM),
        status_code=200,
    )
    async def open(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        owner, account_id, params = await stream_owner(request, services)
        params.check_all_read()
        return {"listenKey": await services.user_streams.open(account_id, owner)}

    @put(
        operation_id="keepAliveUserDataStream",
        operation_class=documented(reference.KEEP_ALIVE_USER_STREAM),
        status_code=200,
    )
    async def keep_alive(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        _, account_id, params = await stream_owner(request, services)
        listen_key = params.required_text("listenKey")
        params.check_all_read()
        try:
            await services.user_streams.keep_alive(account_id, listen_key)
        except UnknownListenKey:
            raise unknown_key() from None
        return {}

    @delete(
        operation_id="closeUserDataStream",
        operation_class=documented(reference.CLOSE_USER_STREAM),
        status_code=200,
    )
    async def close(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        _, account_id, params = await stream_owner(request, services)
        listen_key = params.required_text("listenKey")
        params.check_all_read()
        try:
            await services.user_streams.close(account_id, listen_key)
        except UnknownListenKey:
            raise unknown_key() from None
        return {}
