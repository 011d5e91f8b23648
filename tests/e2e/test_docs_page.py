"""The documentation page loads nothing from the internet: every script, style and image it names
is served by the app itself (from the swagger-ui-py package), and a Content-Security-Policy
forbids the browser to fetch anything from elsewhere or to run an inline script."""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS

DOCS_PAGES = ["/docs", "/docs/swagger"]


@pytest.fixture
async def client() -> AsyncIterator[AsyncTestClient[Any]]:
    app, _ = build_app(SETTINGS)
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.mark.parametrize("page", DOCS_PAGES)
async def test_the_page_names_only_assets_of_this_origin(
    client: AsyncTestClient[Any], page: str
) -> None:
    response = await client.get(page)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    named = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert len(named) == 4  # icon, style sheet, Swagger UI, its start
    for url in named:
        assert url.startswith("/docs/assets/"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content
    assert "<script>" not in response.text  # every script is a file the policy allows
    assert 'data-openapi="/docs/openapi.json"' in response.text


@pytest.mark.parametrize("page", [*DOCS_PAGES, "/docs/assets/swagger-ui-bundle.js"])
async def test_the_docs_are_served_under_a_content_security_policy(
    client: AsyncTestClient[Any], page: str
) -> None:
    policy = (await client.get(page)).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"


async def test_the_assets_have_their_types_and_nothing_else_is_served(
    client: AsyncTestClient[Any],
) -> None:
    script = await client.get("/docs/assets/swagger-ui-bundle.js")
    style = await client.get("/docs/assets/swagger-ui.css")

    assert script.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in script.text
    assert style.headers["content-type"].startswith("text/css")
    for other in ("swagger-editor-bundle.js", "..%2F..%2Fpyproject.toml", "index.html"):
        assert (await client.get(f"/docs/assets/{other}")).status_code == 404
