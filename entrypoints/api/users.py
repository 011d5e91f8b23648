"""Native account endpoints: sign-up, login sessions and API keys (Binance has none)."""

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from application.records import ApiKey
from entrypoints.api.errors import ApiError
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
# Hashing a password costs the server far more than answering most requests.
PASSWORD_WEIGHT = 10


class Credentials(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(max_length=254)]
    password: Annotated[str, Meta(max_length=1024)]


class RefreshRequest(Struct, forbid_unknown_fields=True):
    refresh_token: str


class NewApiKey(Struct, forbid_unknown_fields=True):
    label: Annotated[str, Meta(max_length=64)] = ""


class UserView(Struct, rename="camel"):
    user_id: int
    email: str


class TokensView(Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


class ApiKeyView(Struct, rename="camel"):
    api_key: str
    label: str
    created_at: int

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyView":
        return cls(key.api_key, key.label, key.created_at)


class CreatedApiKey(ApiKeyView):
    """The only answer that shows the secret."""

    secret_key: str


def bearer_token(request: AnyRequest) -> str:
    """The access token of a request that `Gate.user` let through."""
    return request.headers["authorization"][len("bearer ") :].strip()


class UserController(Controller):
    path = "/api/v1"
    tags = ["Users"]

    @post("/users", operation_id="signUp")
    async def sign_up(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Credentials],
    ) -> UserView:
        await services.gate.charge(request, PASSWORD_WEIGHT)
        user = await services.accounts.sign_up(data.email, data.password)
        return UserView(user.user_id, user.email)

    @post("/auth/login", operation_id="login", status_code=200)
    async def login(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Credentials],
    ) -> TokensView:
        await services.gate.charge(request, PASSWORD_WEIGHT)
        tokens = await services.accounts.login(data.email, data.password)
        return TokensView(tokens.access_token, tokens.refresh_token, tokens.expires_in)

    @post("/auth/refresh", operation_id="refreshToken", status_code=200)
    async def refresh(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[RefreshRequest],
    ) -> TokensView:
        await services.gate.charge(request, 1)
        tokens = await services.accounts.refresh(data.refresh_token)
        return TokensView(tokens.access_token, tokens.refresh_token, tokens.expires_in)

    @post("/auth/logout", operation_id="logout", status_code=200)
    async def logout(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await services.gate.user(request)
        await services.accounts.logout(bearer_token(request))
        return {}

    @post("/api-keys", operation_id="createApiKey")
    async def create_api_key(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[NewApiKey | None] = None,
    ) -> CreatedApiKey:
        user_id = await services.gate.user(request)
        key = await services.accounts.create_api_key(user_id, data.label if data else "")
        return CreatedApiKey(key.api_key, key.label, key.created_at, key.secret)

    @get("/api-keys", operation_id="listApiKeys")
    async def api_keys(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[ApiKeyView]:
        user_id = await services.gate.user(request)
        return [ApiKeyView.of(key) for key in await services.accounts.api_keys(user_id)]

    @delete("/api-keys/{api_key:str}", operation_id="deleteApiKey", status_code=200)
    async def delete_api_key(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        api_key: FromPath[str],
    ) -> dict[str, Any]:
        user_id = await services.gate.user(request)
        if "\x00" in api_key:
            raise ApiError(-1100, "Illegal characters found in parameter 'apiKey'.")
        await services.accounts.delete_api_key(user_id, api_key)
        await services.user_streams.revoke(api_key)
        return {}
