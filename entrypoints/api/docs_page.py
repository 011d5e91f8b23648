"""The documentation page at /docs: Swagger UI on the OpenAPI document, its assets served by
the app from the swagger-ui-py package (pinned in requirements.lock), never from a CDN, so
that the page works without internet; and a Content-Security-Policy that lets it load nothing
from anywhere else."""

from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath
from litestar.response import File

DOCS_PATH = "/docs"
ASSETS = f"{DOCS_PATH}/assets"


def _package_folder(name: str) -> Path:
    """Where an installed package's files are, without running its code."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {name} is not installed")
    return Path(spec.submodule_search_locations[0])


SWAGGER_UI = _package_folder("swagger_ui") / "static"
ASSET_TYPES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
# Swagger UI sets style attributes and draws its icons from data: URIs; every script is a file
# of this origin, so no inline script runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# The page's own start: Swagger UI on the document named by the script tag, asking no one
# else (no validator badge) for anything; and "Try it out" signing SIGNED requests as a Binance
# client does, with the secret key typed into the page, which the page never sends.
START_SCRIPT = """"use strict";
const secretKey = document.getElementById("secret-key");
const encoder = new TextEncoder();

async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey(
    "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function signed(request) {
  const url = new URL(request.url, window.location.href);
  const apiKey = request.headers["X-MBX-APIKEY"];
  if (!secretKey.value || !apiKey || !url.searchParams.has("timestamp")) {
    return request;
  }
  url.searchParams.delete("signature");
  url.searchParams.set("timestamp", String(Date.now()));
  const body = typeof request.body === "string" ? request.body : "";
  const signature = await hmacHex(secretKey.value, url.search.slice(1) + body);
  request.url = `${url}&signature=${signature}`;
  return request;
}

window.ui = SwaggerUIBundle({
  url: document.currentScript.dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  displayOperationId: true,
  requestInterceptor: signed,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<style>.signing {{ font-family: sans-serif; font-size: 14px; padding: 12px 20px 0; }}</style>
</head>
<body>
<div class="wrapper signing">
<label>Secret key, to sign SIGNED requests in "Try it out" (it never leaves this page):
<input id="secret-key" type="password" autocomplete="off"></label>
</div>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/start.js" data-openapi="{schema}"></script>
</body>
</html>
"""


@get("/assets/start.js", media_type="text/javascript", sync_to_thread=False)
def start_script() -> str:
    return START_SCRIPT


@get("/assets/{name:str}", sync_to_thread=False)
def asset(name: FromPath[str]) -> File:
    kind = ASSET_TYPES.get(name)
    if kind is None:
        raise NotFoundException()
    return File(SWAGGER_UI / name, media_type=kind, content_disposition_type="inline")


class SwaggerPage(OpenAPIRenderPlugin):
    """Swagger UI at /docs (and /docs/swagger, where it was first served)."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = PAGE.format(
            title=escape(openapi_schema["info"]["title"]),
            assets=ASSETS,
            schema=escape(self.get_openapi_json_route(request)),
        )
        return page.encode()

    def receive_router(self, router: Router) -> None:
        router.register(start_script)
        router.register(asset)


def docs_router() -> Router:
    """The router of /docs, every answer of which carries the policy."""
    return Router(
        DOCS_PATH,
        route_handlers=[],
        include_in_schema=False,
        response_headers=[
            ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
            ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
        ],
    )
