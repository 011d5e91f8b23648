"""User data stream keys: /api/v3/userDataStream, Binance's USER_STREAM endpoints, which take
an API key but no signature or timestamp."""

from typing import Any

from litestar import Controller, Request, delete, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency

from application.records import ApiKey
from application.user_streams import UnknownListenKey
from entrypoints.api.errors import ApiError
from entrypoints.api.gate import client_address, form_body, query_string, rejected_key
from entrypoints.api.params import Params
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, State]
Json = dict[str, Any]
WEIGHT = 2
UNSIGNED = ("timestamp", "recvWindow", "signature")
"""What a client that signs everything may send along; a USER_STREAM endpoint ignores it."""


async def stream_owner(request: AnyRequest, services: Services) -> tuple[ApiKey, Params]:
    """The request's API key, and the request's parameters."""
    await services.gate.charge(request, WEIGHT)
    api_key = request.headers.get("x-mbx-apikey")
    if not api_key:
        raise ApiError(-2014, "API-key format invalid.", 401)
    key = await services.accounts.api_key(api_key)
    if key is None or not key.allows(client_address(request)):
        raise rejected_key()
    params = Params.parse(query_string(request), await form_body(request))
    params.ignore(*UNSIGNED)
    return key, params


def unknown_key() -> ApiError:
    return ApiError(-1125, "This listenKey does not exist.")


class UserStreamController(Controller):
    path = "/api/v3/userDataStream"
    tags = ["User data stream"]

    @post(operation_id="createUserDataStream", status_code=200)
    async def open(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        key, params = await stream_owner(request, services)
        params.check_all_read()
        return {"listenKey": await services.user_streams.open(key.user_id, key.api_key)}

    @put(operation_id="keepAliveUserDataStream", status_code=200)
    async def keep_alive(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        key, params = await stream_owner(request, services)
        listen_key = params.required_text("listenKey")
        params.check_all_read()
        try:
            await services.user_streams.keep_alive(key.user_id, listen_key)
        except UnknownListenKey:
            raise unknown_key() from None
        return {}

    @delete(operation_id="closeUserDataStream", status_code=200)
    async def close(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> Json:
        key, params = await stream_owner(request, services)
        listen_key = params.required_text("listenKey")
        params.check_all_read()
        try:
            await services.user_streams.close(key.user_id, listen_key)
        except UnknownListenKey:
            raise unknown_key() from None
        return {}
