"""Native account endpoints: sign-up, login sessions and API keys (Binance has none)."""

from ipaddress import ip_network
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct, field, structs

from adapters.security.signatures import public_key
from application.records import ApiKey, KeyType
from entrypoints.api.errors import ApiError
from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services
from entrypoints.api.user_stream import BEARER_OWNER

AnyRequest = Request[Any, Any, Any]
# Hashing a password costs the server far more than answering most requests.
PASSWORD_WEIGHT = 10


class Credentials(Struct, forbid_unknown_fields=True):
    email: Annotated[str, Meta(max_length=254)]
    password: Annotated[str, Meta(max_length=1024)]


class Login(Credentials, forbid_unknown_fields=True):
    # Required once the user has enabled two-factor authentication: a current code of the
    # authenticator app, or an unused recovery code.
    two_factor_code: Annotated[str, Meta(max_length=64)] | None = None


class RefreshRequest(Struct, forbid_unknown_fields=True):
    refresh_token: str


Addresses = Annotated[list[Annotated[str, Meta(max_length=64)]], Meta(max_length=30)]


class KeyRestrictions(Struct, forbid_unknown_fields=True, rename="camel"):
    """What a key may do, as Binance's API management sets it: every key reads; trading is
    allowed unless `enable_trading` is false; `ip_restrict` lists the only addresses (or
    networks) it is taken from, if any."""

    enable_trading: bool = True
    ip_restrict: Addresses = []  # msgspec copies a mutable default for each instance


class NewApiKey(KeyRestrictions, forbid_unknown_fields=True, rename="camel"):
    """An HMAC key by default; an Ed25519 or RSA key with the `public_key` (PEM) whose private
    key will sign its requests."""

    label: Annotated[str, Meta(max_length=64)] = ""
    # As for a login, in snake case as there.
    two_factor_code: Annotated[str, Meta(max_length=64)] | None = field(
        default=None, name="two_factor_code"
    )
    type: KeyType = KeyType.HMAC
    public_key: Annotated[str, Meta(max_length=4096)] | None = None


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
    type: KeyType
    enable_trading: bool
    ip_restrict: list[str]

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyView":
        return cls(
            key.api_key, key.label, key.created_at, key.key_type, key.can_trade,
            list(key.allowed_ips),
        )  # fmt: skip


class CreatedApiKey(ApiKeyView):
    """The only answer that shows the secret (of an HMAC key; the others have none here)."""

    secret_key: str | None


def addresses(sent: list[str]) -> tuple[str, ...]:
    """An allow-list as sent, each entry an address or a network (CIDR)."""
    for entry in sent:
        try:
            ip_network(entry, strict=False)
        except ValueError:
            raise ApiError(-1100, f"Illegal address in ipRestrict: {entry!r}.") from None
    return tuple(sent)


def bearer_token(request: AnyRequest) -> str:
    """The access token of a request that `Gate.user` let through."""
    return request.headers["authorization"][len("bearer ") :].strip()


class UserController(Controller):
    path = "/api/v1"
    tags = ["Users"]

    @post("/users", operation_id="signUp", operation_class=documented(reference.SIGN_UP))
    async def sign_up(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Credentials],
    ) -> UserView:
        await services.gate.charge(request, PASSWORD_WEIGHT)
        user = await services.accounts.sign_up(data.email, data.password)
        return UserView(user.user_id, user.email)

    @post(
        "/auth/login",
        operation_id="login",
        operation_class=documented(reference.LOGIN),
        status_code=200,
    )
    async def login(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[Login],
    ) -> TokensView:
        await services.gate.charge(request, PASSWORD_WEIGHT)
        tokens = await services.accounts.login(data.email, data.password, data.two_factor_code)
        return TokensView(tokens.access_token, tokens.refresh_token, tokens.expires_in)

    @post(
        "/auth/refresh",
        operation_id="refreshToken",
        operation_class=documented(reference.REFRESH),
        status_code=200,
    )
    async def refresh(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[RefreshRequest],
    ) -> TokensView:
        await services.gate.charge(request, 1)
        tokens = await services.accounts.refresh(data.refresh_token)
        return TokensView(tokens.access_token, tokens.refresh_token, tokens.expires_in)

    @post(
        "/auth/logout",
        operation_id="logout",
        operation_class=documented(reference.LOGOUT),
        status_code=200,
    )
    async def logout(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        user_id = await services.gate.user(request)
        await services.accounts.logout(bearer_token(request))
        # What the account's logins opened ends with this one (each opens it again if live).
        await services.user_streams.revoke(f"{BEARER_OWNER}{user_id}")
        return {}

    @post(
        "/api-keys",
        operation_id="createApiKey",
        operation_class=documented(reference.CREATE_API_KEY),
    )
    async def create_api_key(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[NewApiKey | None] = None,
    ) -> CreatedApiKey:
        user_id = await services.gate.user(request)
        data = data or NewApiKey()
        if (data.public_key is None) != (data.type is KeyType.HMAC):
            raise ApiError(-1100, "A publicKey is registered with an ED25519 or RSA key alone.")
        if data.public_key is not None:
            try:
                public_key(data.type, data.public_key)
            except ValueError as error:
                raise ApiError(-1100, f"Illegal publicKey: {error}") from None
        key = await services.accounts.create_api_key(
            user_id, data.label, data.type, data.public_key, data.enable_trading,
            addresses(data.ip_restrict), data.two_factor_code,
        )  # fmt: skip
        view = ApiKeyView.of(key)
        secret = key.secret if key.key_type is KeyType.HMAC else None
        return CreatedApiKey(**structs.asdict(view), secret_key=secret)

    @get(
        "/api-keys", operation_id="listApiKeys", operation_class=documented(reference.LIST_API_KEYS)
    )
    async def api_keys(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
    ) -> list[ApiKeyView]:
        user_id = await services.gate.user(request)
        return [ApiKeyView.of(key) for key in await services.accounts.api_keys(user_id)]

    @put(
        "/api-keys/{api_key:str}",
        operation_id="restrictApiKey",
        operation_class=documented(reference.RESTRICT_API_KEY),
    )
    async def restrict_api_key(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        api_key: FromPath[str],
        data: JSONBody[KeyRestrictions | None] = None,
    ) -> ApiKeyView:
        """Sets what the key may do and from where (without a body: anything, from anywhere);
        the streams and subscriptions it opened end, as when it is deleted (a client opens
        them again if the key still may)."""
        user_id = await services.gate.user(request)
        if "\x00" in api_key:
            raise ApiError(-1100, "Illegal characters found in parameter 'apiKey'.")
        data = data or KeyRestrictions()
        key = await services.accounts.restrict_api_key(
            user_id, api_key, data.enable_trading, addresses(data.ip_restrict)
        )
        await services.user_streams.revoke(api_key)
        return ApiKeyView.of(key)

    @delete(
        "/api-keys/{api_key:str}",
        operation_id="deleteApiKey",
        operation_class=documented(reference.DELETE_API_KEY),
        status_code=200,
    )
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
