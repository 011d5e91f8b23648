"""The OpenAPI document at /docs covers the whole API: every route the app serves is in it,
with its parameters (or said to take none), who may call it, what it answers, and every
refusal its handler can give, by status and Binance code."""

import re
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from entrypoints.api.reference.endpoint import DocumentedOperation
from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS
from tests.e2e.refusals_raised import refusals
from tests.e2e.routes import SIGNED, Route

APP, _ = build_app(SETTINGS)
DOCUMENT: dict[str, Any] = APP.openapi_schema.to_schema()


def openapi_path(path: str) -> str:
    return re.sub(r"{(\w+):\w+}", r"{\1}", path)


def served() -> dict[Route, Any]:
    """Every HTTP method and path of the API the app serves, with its handler. The docs pages
    are not part of it, nor is any handler kept out of the schema on purpose
    (`include_in_schema=False`): the web page's HTML and its static files, which are files
    for a browser rather than operations of the API."""
    found: dict[Route, Any] = {}
    for route in APP.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/docs"):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            for method in handler.http_methods:
                if method != "OPTIONS":
                    found[(method, route.path)] = handler
    return found


def operation(route: Route) -> dict[str, Any]:
    method, path = route
    found: dict[str, Any] = DOCUMENT["paths"][openapi_path(path)][method.lower()]
    return found


def refusal_schemas(found: dict[str, Any]) -> dict[int, Any]:
    """The body of each refusal, by status: every 4xx, and a 5xx in Binance's shape (a health
    check's 503 is not a refusal)."""
    schemas = {
        int(status): answer["content"]["application/json"]["schema"]
        for status, answer in found["responses"].items()
        if int(status) >= 400
    }
    return {
        status: schema
        for status, schema in schemas.items()
        if status < 500 or "code" in schema.get("properties", {})
    }


def documented_refusals(found: dict[str, Any]) -> set[tuple[int, int]]:
    return {
        (status, code)
        for status, schema in refusal_schemas(found).items()
        for code in schema["properties"]["code"]["enum"]
    }


def test_the_document_has_every_route_the_app_serves_and_no_other() -> None:
    documented = {
        (method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item
    }

    assert {(method, openapi_path(path)) for method, path in served()} == documented


@pytest.mark.parametrize("route", sorted(served()), ids=" ".join)
def test_each_route_documents_its_parameters_answer_and_security(route: Route) -> None:
    found = operation(route)

    assert issubclass(served()[route].operation_class, DocumentedOperation), (
        "name the route's entry of entrypoints/api/reference in its decorator"
    )

    assert "parameters" in found, "undocumented: name the route's reference entry"
    if not found["parameters"]:
        assert "Takes no" in found["description"]
    for parameter in found["parameters"]:
        assert parameter["description"] and parameter["schema"], parameter
    in_path = {p["name"] for p in found["parameters"] if p["in"] == "path"}
    assert in_path == set(re.findall(r"{(\w+)", route[1]))
    (success,) = [s for s in found["responses"] if s.startswith("2")]
    assert found["responses"][success]["content"], "the answer's shape is documented"
    if route in SIGNED:
        assert found["security"] == [{"ApiKey": []}, {"Bearer": []}]
        names = {p["name"] for p in found["parameters"]}
        assert {"timestamp", "recvWindow", "signature"} <= names


# The reading follows Params.text into its `if required:` branch, which these routes never take:
# every parameter they read is optional.
ONLY_OPTIONAL = {
    ("GET", f"/api/v3/{name}")
    for name in ("exchangeInfo", "ticker/24hr", "ticker/price", "ticker/bookTicker")
}


@pytest.mark.parametrize("route", sorted(served()), ids=" ".join)
def test_every_refusal_a_handler_can_give_is_listed_for_its_route(route: Route) -> None:
    handler = served()[route]
    raised = refusals(handler.fn, "data" in handler.parsed_fn_signature.parameters)
    if route in ONLY_OPTIONAL:
        raised.discard((400, -1102))

    assert raised - documented_refusals(operation(route)) == set()


def test_refusals_are_binance_bodies_not_litestar_ones() -> None:
    for item in DOCUMENT["paths"].values():
        for found in item.values():
            for schema in refusal_schemas(found).values():
                assert schema["required"] == ["code", "msg"]
                assert schema["properties"]["code"]["enum"]


def test_the_api_key_body_is_optional() -> None:
    found = operation(("POST", "/api/v1/api-keys"))

    assert found["requestBody"]["required"] is False
