"""One route's entry in the reference, and how it becomes the route's OpenAPI operation: its
parameters, its answer, its refusals with their codes, and who may call it."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, cast

from attrs import frozen
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    RequestBody,
    Schema,
    SecurityScheme,
)

from entrypoints.api.reference.refusals import Refusal
from entrypoints.api.reference.shapes import text

JSON = "application/json"


class Access(Enum):
    """Binance's security types, and the native routes' own."""

    NONE = "NONE"
    SIGNED = "SIGNED"
    USER_STREAM = "USER_STREAM"
    BEARER = "BEARER"
    ADMIN = "ADMIN"
    ADMIN_OR_TOKEN = "ADMIN_OR_TOKEN"


SECURITY: dict[Access, list[dict[str, list[str]]]] = {
    Access.NONE: [],
    Access.SIGNED: [{"ApiKey": []}, {"Bearer": []}],
    Access.USER_STREAM: [{"ApiKey": []}, {"Bearer": []}],
    Access.BEARER: [{"Bearer": []}],
    Access.ADMIN: [{"Bearer": []}],
    Access.ADMIN_OR_TOKEN: [{"Bearer": []}, {"AdminToken": []}],
}
ACCESS_NOTES = {
    Access.NONE: "Security: NONE (public).",
    Access.SIGNED: (
        "Security: SIGNED. Send your API key in the `X-MBX-APIKEY` header, `timestamp` (now, in "
        "ms) and, last, `signature`: the HMAC SHA256 of everything sent before it (the query "
        "string, then the form body), keyed with your secret key, in lower-case hex. Or send "
        "`Authorization: Bearer <access token>` instead, without `signature`."
    ),
    Access.USER_STREAM: (
        "Security: USER_STREAM. Send your API key in the `X-MBX-APIKEY` header; no signature. "
        "Or send `Authorization: Bearer <access token>` instead: the stream is then the login's, "
        "and logging out ends it."
    ),
    Access.BEARER: "Security: a bearer access token (`Authorization: Bearer ...`, from login).",
    Access.ADMIN: (
        "Security: an admin's access token (`Authorization: Bearer ...`), from a login that "
        "passed two-factor authentication; the act is recorded in the audit log."
    ),
    Access.ADMIN_OR_TOKEN: (
        "Security: an admin's access token (`Authorization: Bearer ...`), or the machine's "
        "admin token in the `X-Admin-Token` header; the act is recorded in the audit log."
    ),
}
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    "ApiKey": SecurityScheme(
        type="apiKey", name="X-MBX-APIKEY", security_scheme_in="header",
        description="An API key (POST /api/v1/api-keys). SIGNED routes also take `timestamp` "
        "and `signature`, the HMAC SHA256 of the request's parameters with the key's secret.",
    ),
    "Bearer": SecurityScheme(
        type="http", scheme="bearer", bearer_format="JWT",
        description="An access token from POST /api/v1/auth/login.",
    ),
    "AdminToken": SecurityScheme(
        type="apiKey", name="X-Admin-Token", security_scheme_in="header",
        description="The token of the operator's machines (BOURSE_ADMIN_TOKEN), for transfers.",
    ),
}  # fmt: skip
COMPONENTS = Components(security_schemes=cast(dict[str, Any], SECURITY_SCHEMES))


@frozen
class Param:
    """A query (or form body) parameter."""

    name: str
    schema: Schema
    description: str
    required: bool = False
    example: Any = None
    location: str = "query"

    def spec(self) -> Parameter:
        return Parameter(
            name=self.name, param_in=self.location, required=self.required or self.in_path,
            schema=self.schema, description=self.description, example=self.example,
        )  # fmt: skip

    @property
    def in_path(self) -> bool:
        return self.location == "path"


@frozen
class Answer:
    """What a route answers when it does what was asked."""

    schema: Schema | None
    description: str
    example: Any = None
    media_type: str = JSON


@frozen
class Endpoint:
    """A route's documentation. `answer` None keeps the one drawn from the handler's type."""

    summary: str
    access: Access
    weight: int | str
    params: Sequence[Param]
    refusals: Sequence[Refusal]
    answer: Answer | None = None
    description: str = ""
    more_answers: Sequence[Answer] = ()
    optional_body: bool = False
    other_answers: Sequence[tuple[int, Answer]] = ()
    """Answers by status that are not refusals, such as a health check's 503."""

    def apply(self, operation: Operation) -> None:
        operation.summary = self.summary
        operation.description = self._description(operation.request_body)
        operation.parameters = [param.spec() for param in self.params]
        if self.optional_body and isinstance(operation.request_body, RequestBody):
            operation.request_body.required = False
        operation.security = SECURITY[self.access] or None
        answered = {
            code: r for code, r in (operation.responses or {}).items() if code.startswith("2")
        }
        if self.answer is not None:
            answered = {code: self._answered() for code in answered}
        others = {str(status): _response([answer]) for status, answer in self.other_answers}
        operation.responses = {**answered, **refusal_responses(self.refusals), **others}

    def _description(self, body: object) -> str:
        parts = [self.description] if self.description else []
        parts.append(f"Weight: {self.weight}. {ACCESS_NOTES[self.access]}")
        if not self.params:
            parts.append("Takes no query parameters." if body else "Takes no parameters.")
        return "\n\n".join(parts)

    def _answered(self) -> OpenAPIResponse:
        return _response([a for a in (self.answer, *self.more_answers) if a is not None])


def _response(answers: Sequence[Answer]) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=" ".join(a.description for a in answers),
        content={
            a.media_type: OpenAPIMediaType(schema=a.schema, example=a.example) for a in answers
        },
    )


def refusal_responses(refusals: Sequence[Refusal]) -> dict[str, OpenAPIResponse]:
    """One response per status, its body's `code` one of those listed for that status."""
    by_status: dict[int, list[Refusal]] = defaultdict(list)
    for refusal in refusals:
        if refusal not in by_status[refusal.status]:
            by_status[refusal.status].append(refusal)
    return {
        str(status): OpenAPIResponse(
            description="\n".join(f"- `{r.code}`: {r.meaning}" for r in found),
            content={JSON: OpenAPIMediaType(schema=error_schema(found))},
        )
        for status, found in sorted(by_status.items())
    }


def error_schema(refusals: Sequence[Refusal]) -> Schema:
    codes = sorted({r.code for r in refusals}, reverse=True)
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["code", "msg"],
        properties={
            "code": Schema(type=OpenAPIType.INTEGER, enum=codes, description="Binance's code."),
            "msg": text("What was wrong."),
            "data": Schema(type=OpenAPIType.OBJECT, description="Only for -2021 and -2022."),
        },
    )


@dataclass
class DocumentedOperation(Operation):
    endpoint: ClassVar[Endpoint]

    def __post_init__(self) -> None:
        self.endpoint.apply(self)


def documented(endpoint: Endpoint) -> type[Operation]:
    """The operation class a route handler names, so that its documentation is its endpoint's."""
    return type("DocumentedOperation", (DocumentedOperation,), {"endpoint": endpoint})
